"""Agreement with NHS England's published results, per quarter and per step.

Each step compares what the method computed with the figure the file publishes for the same
trust-quarter; a trust-quarter the file gives no figure for is not counted for that step.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .edition import Edition
from .method import COMBINED, TrustResult, round2
from .reader import quarter_key

TOLERANCE = 0.01 + 1e-9  # published figures have 2 decimals
EXACT_AVERAGE = "average (OF5002) exact to 2 dp"  # informative: not a requirement
STEPS = ("finance scores from values (OF1079, OF1081)", "combined finance (OF1080)",
         "average (OF5002) within 0.01", EXACT_AVERAGE, "domain scores (OF4000-4005) within 0.01",
         "unadjusted segment (OF5003)", "adjusted segment (OF5000)", "final segment (OF5005)", "league rank")


@dataclass
class Tally:
    """How many trust-quarters agreed with the published figure, of those compared."""

    agree: int = 0
    compared: int = 0
    disagreements: list[str] = field(default_factory=list)

    def add(self, ok: bool, what: str) -> None:
        """Count one comparison; keep what disagreed."""
        self.compared += 1
        if ok:
            self.agree += 1
        else:
            self.disagreements.append(what)

    def __str__(self) -> str:
        return f"{self.agree}/{self.compared}" if self.compared else "-"


def agreement(results: list[TrustResult], edition: Edition) -> dict[str, dict[str, Tally]]:
    """{quarter: {step: Tally}}; the exact-average step is informative, not a requirement."""
    pub = edition.data.published
    table: dict[str, dict[str, Tally]] = {}
    for r in results:
        t = r.trust
        row = table.setdefault(t.quarter, {step: Tally() for step in STEPS})
        who = f"{t.trust_code} ({t.quarter})"
        if r.finance_bands:
            scores = {m: t.value(m) for m in r.finance_bands}
            row[STEPS[0]].add(scores == r.finance_bands, f"{who}: {r.finance_bands} vs {scores}")
        published = t.value(COMBINED)
        if published is not None and r.combined_source == "derived":
            row[STEPS[1]].add(r.combined_finance == published, f"{who}: {r.combined_finance} vs {published}")
        published = t.value(pub.average)
        if published is not None and not r.from_published_average:
            row[STEPS[2]].add(abs(r.average - published) <= TOLERANCE, f"{who}: {r.average:.4f} vs {published}")
            row[STEPS[3]].add(round2(r.average) == published, f"{who}: {r.average:.4f} vs {published}")
        if not r.from_published_average:
            for d in edition.data.domains:
                given, mine = t.value(d.score_id), r.domain_scores.get(d.id)
                if given is None and mine is None:
                    continue
                ok = given is not None and mine is not None and abs(mine - given) <= TOLERANCE
                row[STEPS[4]].add(ok, f"{who} {d.score_id}: {mine} vs {given}")
        for step, mine, metric in ((STEPS[5], r.segment_unadjusted, pub.segment_unadjusted),
                                   (STEPS[6], r.segment, pub.segment), (STEPS[7], r.final_segment, pub.final_segment)):
            given = t.value(metric)
            if given is not None:
                row[step].add(mine == given, f"{who}: {mine} vs {given:g}")
        ranked = t.rows.get(pub.segment) or t.rows.get(pub.average)
        if ranked is not None and ranked.rank is not None:
            row[STEPS[8]].add(r.rank == ranked.rank, f"{who}: {r.rank} vs {ranked.rank}")
    return dict(sorted(table.items(), key=lambda kv: quarter_key(kv[0])))


def disagreements(table: dict[str, dict[str, Tally]], required_only: bool = True) -> list[str]:
    """Every disagreement (the exact-average step left out when `required_only`)."""
    return [f"{step}: {d}" for row in table.values() for step, tally in row.items()
            if not (required_only and step == EXACT_AVERAGE) for d in tally.disagreements]


def markdown(table: dict[str, dict[str, Tally]]) -> str:
    """The agreement table, a row per step and a column per quarter (agreeing / compared)."""
    quarters = list(table)
    lines = ["| step | " + " | ".join(quarters) + " | all |", "|---|" + "---|" * (len(quarters) + 1)]
    for step in STEPS:
        cells = [str(table[q][step]) for q in quarters]
        agree = sum(table[q][step].agree for q in quarters)
        compared = sum(table[q][step].compared for q in quarters)
        lines.append(f"| {step} | " + " | ".join(cells) + f" | {agree}/{compared} |" if compared else
                     f"| {step} | " + " | ".join(cells) + " | - |")
    return "\n".join(lines) + "\n"

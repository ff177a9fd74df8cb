"""The method's results as plain records (JSON) and as a terminal table."""
from __future__ import annotations

import json
from typing import Any

from .edition import Edition
from .method import TrustResult, round2
from .path import Path, PeerStats, path_to_better


def _r(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(value, places)


def _path_record(path: Path) -> dict[str, Any]:
    return {"target_segment": path.target_segment, "reachable": path.reachable, "cut_point": path.cut,
            "improvements": [{"metric": i.metric, "from": i.current, "to": _r(i.target), "target": i.target_kind}
                             for i in path.improvements],
            "average_after": _r(path.average_after), "note": path.note, "deficit": path.deficit_note}


def record(result: TrustResult, edition: Edition, path: Path | None = None) -> dict[str, Any]:
    """One trust-quarter: the keys the command line documents, then the intermediate values."""
    t = result.trust
    pub = edition.data.published
    names = {d.id: d.name for d in edition.data.domains}
    out: dict[str, Any] = {
        "trust_code": t.trust_code, "quarter": t.quarter, "trust_type": t.trust_type,
        "trust_name": t.trust_name, "region": t.region, "trust_subtype": t.trust_subtype,
        "average_score": round2(result.average), "average_unrounded": _r(result.average),
        "domain_scores": {names[d]: None if s is None else round2(s) for d, s in result.domain_scores.items()},
        "segment_unadjusted": result.segment_unadjusted, "segment": result.segment,
        "final_segment": result.final_segment, "rank": result.rank, "rank_on_average": result.rank_average,
        "in_financial_deficit": result.in_deficit, "recovery_support_programme": result.recovery_support,
        "cutpoints": list(result.cutpoints.cuts) if result.cutpoints else None,
        "cutpoints_source": result.cutpoints.provenance if result.cutpoints else None,
        "metric_scores": {m: _r(s) for m, s in sorted(result.scores.items())},
        "combined_finance": {"score": result.combined_finance, "source": result.combined_source},
        "rules_fired": result.fired,
        "from_published_average": result.from_published_average,
        "published": {k: t.value(v) for k, v in sorted(pub.model_dump().items())},
    }
    if path is not None:
        out["path_to_better_segment"] = _path_record(path)
    return out


def records(results: list[TrustResult], edition: Edition,
            peers: dict[tuple[str, str, str], PeerStats] | None = None) -> list[dict[str, Any]]:
    """A record per trust-quarter; with `peers`, each with its path to a better segment."""
    return [record(r, edition, path_to_better(r, peers, results) if peers is not None else None) for r in results]


def to_json(results: list[TrustResult], edition: Edition, peers: dict[tuple[str, str, str], PeerStats],
            extra: dict[str, Any] | None = None) -> str:
    """`{"trusts": [...]}` in file order (quarter, then trust code): the same input, the same bytes."""
    doc: dict[str, Any] = {"trusts": records(results, edition, peers)}
    doc.update(extra or {})
    return json.dumps(doc, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def to_text(results: list[TrustResult], edition: Edition) -> str:
    """A league table per quarter and trust type, for the terminal."""
    lines: list[str] = []
    current: tuple[str, str] | None = None
    for r in sorted(results, key=lambda r: (r.trust.quarter, r.trust.trust_type, r.rank or 0, r.trust.trust_code)):
        group = (r.trust.quarter, r.trust.trust_type)
        if group != current:
            current = group
            cuts = r.cutpoints
            if lines:
                lines.append("")
            lines.append(f"{r.trust.quarter} - {r.trust.trust_type}")
            if cuts is not None:
                lines.append(f"cut-points {', '.join(f'{c:g}' for c in cuts.cuts)} ({cuts.provenance})")
            lines.append(f"{'rank':>4}  {'code':<6} {'average':>7}  seg  adj  final  deficit  trust")
        flag = "yes" if r.in_deficit else ""
        lines.append(f"{r.rank or '':>4}  {r.trust.trust_code:<6} {r.rank_average:>7.2f}  {r.segment_unadjusted:>3}  "
                     f"{r.segment:>3}  {r.final_segment:>5}  {flag:<7}  {r.trust.trust_name}")
    lines.append("")
    lines.append(edition.data.licence_note)
    return "\n".join(lines) + "\n"

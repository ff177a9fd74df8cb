"""The 2025/26 segmentation, step by step: combined finance, the mean, domain scores, the segment
of the quarter's cut-points, the deficit adjustment, segment 5 and the league rank.

The decisions (which finance branch, which segment, whether the adjustment and the override apply)
are the edition's rules, evaluated by durable_rules through assess.engine.durable; Python does the
arithmetic the rules' effects name (a mean, a clamp) and the ranking. One `Method` holds one
long-lived matcher per stage; close it (or use it as a context manager) when done.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from ..catalogue.conditions import dnf_terms
from ..engine.durable import Matcher
from ..engine.graded import GradedScale, Segments, mean
from ..errors import EngineError, InputError
from .edition import STAGES, Edition, Stage, StageFacts
from .reader import PublishedData, TrustQuarter, quarter_key

COMBINED = "OF1080"
CUTPOINT_EXAMPLE = '"Q1 2025/26": [2.05, 2.325, 2.62]'


def round2(value: float) -> float:
    """Half-up to 2 decimals, as NHS England publishes (not Python's banker's rounding)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class QuarterCutpoints:
    """A quarter's three cut-points and where they came from."""

    quarter: str
    cuts: tuple[float, float, float]
    provenance: str  # "derived, not published (bundled default)" or "given in FILE"

    def segment_of(self, average: float) -> int:
        """The segment an average falls in (the Python reading of rules NOF-11..14, for the path)."""
        return Segments(self.cuts).of(average)


def load_cutpoints(path: str | Path) -> dict[str, tuple[float, float, float]]:
    """A user's cut-points file: YAML mapping a quarter (as the data names it) to three numbers."""
    file = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(file, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(file, "not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(file, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                         line=mark.line + 1 if mark else None) from None
    if not isinstance(raw, dict) or not raw:
        raise InputError(file, "expected a mapping of quarter to three cut-points, e.g. " + CUTPOINT_EXAMPLE)
    out: dict[str, tuple[float, float, float]] = {}
    for quarter, cuts in raw.items():
        ok = (isinstance(cuts, list) and len(cuts) == 3
              and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in cuts))
        if not ok:
            raise InputError(file, f"expected three numbers, e.g. {CUTPOINT_EXAMPLE}; got {cuts!r}",
                             path=str(quarter))
        values = (float(cuts[0]), float(cuts[1]), float(cuts[2]))
        if not values[0] < values[1] < values[2]:
            raise InputError(file, f"cut-points must strictly ascend (segment 1 is the lowest average); got {cuts}",
                             path=str(quarter))
        out[str(quarter)] = values
    return out


def resolve_cutpoints(edition: Edition, user: dict[str, tuple[float, float, float]] | None = None,
                      user_file: str | None = None) -> dict[str, QuarterCutpoints]:
    """The bundled defaults, overridden quarter by quarter by the user's."""
    out = {q: QuarterCutpoints(q, c.cuts, f"bundled default: {edition.data.cutpoints.provenance}")
           for q, c in edition.data.cutpoints.quarters.items()}
    for q, cuts in (user or {}).items():
        out[q] = QuarterCutpoints(q, cuts, f"given in {user_file or 'the cut-points file'}")
    return out


@dataclass
class TrustResult:
    """The method's outcome for one trust-quarter, with every intermediate value."""

    trust: TrustQuarter
    scores: dict[str, float]  # the metric scores the average counts (combined finance included)
    combined_finance: float | None
    combined_source: str | None  # "derived" (NOF-01/02), "published" or None
    average: float
    domain_scores: dict[str, float | None]  # domain id -> mean
    cutpoints: QuarterCutpoints | None
    segment_unadjusted: int
    segment: int
    final_segment: int
    in_deficit: bool
    recovery_support: bool
    fired: list[str] = field(default_factory=list)
    rank: int | None = None
    rank_average: float = 0.0  # the 2-decimal average the rank is decided on
    from_published_average: bool = False  # a league table: no metric scores to average
    finance_bands: dict[str, float] = field(default_factory=dict)  # OF1079/OF1081 from their values

    @property
    def key(self) -> tuple[str, str]:
        """(quarter, trust code)."""
        return (self.trust.quarter, self.trust.trust_code)


class Method:
    """The edition's method on long-lived engine sessions (one matcher per stage)."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self._matchers: dict[Stage, Matcher] = {}
        try:
            for stage in STAGES:
                conditions = [(rid, form, dnf_terms(form)) for rid, form in edition.engine_conditions(stage)]
                self._matchers[stage] = Matcher(conditions, label=f"nof_{stage}")
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        """Release the engine's rulesets."""
        for matcher in self._matchers.values():
            matcher.close()
        self._matchers.clear()

    def __enter__(self) -> "Method":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fire(self, stage: Stage, facts: StageFacts) -> list[str]:
        """The ids of the stage's rules that hold for these facts, in catalogue order."""
        matched = self._matchers[stage].match(self.edition.project(facts))
        return [r.id for r in self.edition.stage_rules(stage) if r.id in matched]

    # --- one trust-quarter -------------------------------------------------------------------

    def _finance_bands(self, trust: TrustQuarter, fired: list[str]) -> dict[str, float]:
        """The two finance scores from their published values (rules NOF-03..10), to check them."""
        spec = self.edition.metrics[COMBINED]
        ids = {"plan_score": spec.combines[0], "variance_score": spec.combines[1]}
        values = {key: self.edition.metrics[metric].value_id for key, metric in ids.items()}
        plan = trust.value(values["plan_score"] or "")
        variance = trust.value(values["variance_score"] or "")
        if plan is None or variance is None:
            return {}
        matched = self.fire("bands", StageFacts(plan_value=plan, variance_value=variance))
        fired.extend(matched)
        out: dict[str, float] = {}
        for rid in matched:
            for key, score in self.edition.rules[rid].effect.items():
                if ids[key] in out:
                    raise EngineError(f"{trust.trust_code} ({trust.quarter}): two finance bands matched {ids[key]}")
                out[ids[key]] = float(score)
        return out

    def _combined_finance(self, trust: TrustQuarter, fired: list[str]) -> tuple[float | None, str | None]:
        spec = self.edition.metrics[COMBINED]
        plan_id, variance_id = spec.combines
        plan, variance = trust.value(plan_id), trust.value(variance_id)
        if plan is None or variance is None:
            published = trust.value(COMBINED)
            return (published, "published") if published is not None else (None, None)
        ids = self.fire("finance", StageFacts(plan_score=plan, variance_score=variance))
        if len(ids) != 1:
            raise EngineError(f"{trust.trust_code} ({trust.quarter}): {len(ids)} combined-finance rules matched "
                              f"plan score {plan:g}: the edition's finance rules must exclude each other")
        fired.extend(ids)
        effect = self.edition.rules[ids[0]].effect["combined_finance"]
        scale = GradedScale(self.edition.data.scale.best, self.edition.data.scale.worst)
        return scale.clamp(variance + float(effect["add"])), "derived"

    def assess(self, trust: TrustQuarter, cutpoints: QuarterCutpoints) -> TrustResult:
        """Every step for one trust-quarter (rank excepted: it needs the whole quarter)."""
        ed = self.edition
        pub = ed.data.published
        fired: list[str] = []
        excluded = {m.id for m in ed.data.metrics if not m.in_average}
        scores = {m: v for m, v in trust.scores.items() if m not in excluded}
        combined, source = (None, None)
        from_published = not scores
        bands = self._finance_bands(trust, fired)
        if scores:
            combined, source = self._combined_finance(trust, fired)
            scores.pop(COMBINED, None)
            if combined is not None:
                scores[COMBINED] = combined
        average_of_scores = mean(scores.values())
        if average_of_scores is not None:
            average = average_of_scores
        else:
            published_average = trust.value(pub.average)
            if published_average is None:
                raise InputError(trust.trust_code, f"{trust.quarter}: neither metric scores nor an average")
            average = published_average
        domains: dict[str, float | None] = {}
        by_name = {d.name.lower(): d.id for d in ed.data.domains}
        domain_of = {m: ed.domain_of(m) or by_name.get(trust.rows[m].domain.lower()) if m in trust.rows
                     else ed.domain_of(m) for m in scores}  # a metric the edition lacks: the file's domain
        for d in ed.data.domains:
            domains[d.id] = mean(v for m, v in scores.items() if domain_of[m] == d.id)
        cuts = cutpoints.cuts
        seg_ids = self.fire("segment", StageFacts(average=average, cut_1=cuts[0], cut_2=cuts[1], cut_3=cuts[2]))
        if len(seg_ids) != 1:
            raise EngineError(f"{trust.trust_code} ({trust.quarter}): {len(seg_ids)} segment rules matched average "
                              f"{average}: the edition's segment rules must cover every average exactly once")
        fired.extend(seg_ids)
        unadjusted = int(ed.rules[seg_ids[0]].effect["segment_unadjusted"])
        in_deficit = trust.value(pub.deficit_flag) == 1
        rsp = trust.value(pub.recovery_support_flag) == 1
        adj_ids = self.fire("adjust", StageFacts(segment_unadjusted=unadjusted, in_deficit=in_deficit,
                                                 recovery_support=rsp))
        fired.extend(adj_ids)
        segment, final = unadjusted, None
        for rid in adj_ids:
            effect = ed.rules[rid].effect
            if "segment" in effect:
                segment = int(effect["segment"])
            if "final_segment" in effect:
                final = int(effect["final_segment"])
        published_average = trust.value(pub.average)
        return TrustResult(trust, scores, combined, source, average, domains, cutpoints, unadjusted, segment,
                           final if final is not None else segment, in_deficit, rsp, fired,
                           rank_average=published_average if published_average is not None else round2(average),
                           from_published_average=from_published, finance_bands=bands)

    # --- a file ------------------------------------------------------------------------------

    def run(self, data: PublishedData, cutpoints: dict[str, QuarterCutpoints],
            quarter: str | None = None) -> list[TrustResult]:
        """Every trust-quarter of the file (or of one quarter), ranked within quarter and trust type."""
        quarters = data.quarters
        if quarter is not None:
            if quarter not in quarters:
                raise InputError(data.file, f"no quarter {quarter!r} in this file (quarters: {', '.join(quarters)})")
            quarters = [quarter]
        missing = [q for q in quarters if q not in cutpoints]
        if missing:
            known = sorted(cutpoints, key=quarter_key)
            raise InputError(data.file, f"no segment cut-points for {', '.join(missing)}: NHS England does not "
                             "publish them and none are bundled for that quarter (bundled: "
                             f"{', '.join(known) or 'none'}). Give them with --cutpoints FILE, a YAML file mapping "
                             f"each quarter to three numbers, e.g. {CUTPOINT_EXAMPLE}")
        results = [self.assess(t, cutpoints[t.quarter]) for t in data.trusts if t.quarter in quarters]
        rank(results)
        return results


def rank(results: list[TrustResult]) -> None:
    """League rank within quarter and trust type: by segment, then the 2-decimal average; ties
    share the lowest rank (1, 2, 2, 4). Segment 5 does not change the rank."""
    groups: dict[tuple[str, str], list[TrustResult]] = {}
    for r in results:
        groups.setdefault((r.trust.quarter, r.trust.trust_type), []).append(r)
    for members in groups.values():
        keys = sorted((r.segment, r.rank_average) for r in members)
        first: dict[tuple[int, float], int] = {}
        for position, key in enumerate(keys, start=1):
            first.setdefault(key, position)
        for r in members:
            r.rank = first[(r.segment, r.rank_average)]


def rank_if(result: TrustResult, peers: list[TrustResult], segment: int, average_2dp: float) -> int:
    """The rank `result` would have with another segment and average, the others unchanged."""
    key = (segment, average_2dp)
    return 1 + sum(1 for p in peers if p is not result and p.trust.trust_type == result.trust.trust_type
                   and p.trust.quarter == result.trust.quarter and (p.segment, p.rank_average) < key)

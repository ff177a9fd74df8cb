"""Criteria → weighted domain scores → stages → rating (then caps) → readiness → path.

Every threshold comes from the catalogue's scoring model and the edition's readiness verdict (an
edition may have none: its readiness is then `not_applicable` and the path leads to the top
rating). Credits are 0-1 per criterion, so a graded criterion slots in without changing anything.
The overall stage never reads higher than the capped rating allows (see `Scorer._stage_ceiling`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..catalogue.model import Band, Cap, Catalogue, EditionReadiness, ScoringModel
from .results import CapApplied, CriterionResult, DomainScore, PathStep, Status

NOT_APPLICABLE = "not_applicable"  # the readiness of an edition that gives no readiness verdict


def band(bands: Sequence[Band], score: float) -> str:
    """The last band whose minimum the score reaches."""
    name = bands[0].name
    for b in bands:
        if score >= b.min_score:
            name = b.name
    return name


@dataclass(frozen=True)
class Verdict:
    """What the scorer concluded, before it is folded into an Assessment."""

    domains: list[DomainScore]
    score: float
    stage: str
    rating: str
    score_rating: str
    score_stage: str
    ics_readiness: str
    unmet_blocking: list[str]
    caps_applied: list[CapApplied]
    path_to_ics: list[PathStep]


class Scorer:
    """The scoring model prepared for one edition's rules.

    Everything that depends only on the catalogue (rating ranks, cap limits and members, each
    rule's domain, weight and severity) is prepared here, once; `score` does only the arithmetic
    of one submission, in the same order of operations as always so that the figures are the same
    to the last bit.
    """

    def __init__(self, catalogue: Catalogue, edition: str) -> None:
        self.model: ScoringModel = catalogue.scoring
        rules = catalogue.rules_for(edition)
        in_edition = {r.id for r in rules}
        self.domains = [d for d in catalogue.meta.domains if any(r.domain == d.id for r in rules)]
        self._domain_index = {d.id: i for i, d in enumerate(self.domains)}
        # each cap with its members in this edition: a member is unmet when any of its rules is
        self._caps: list[tuple[Cap, list[frozenset[str]]]] = []
        for cap in self.model.caps:
            if cap.editions and edition not in cap.editions:
                continue
            members = [frozenset(ids) & in_edition for _, ids in cap.members()]
            self._caps.append((cap, [m for m in members if m]))
        self._ratings = [b.name for b in self.model.ratings]
        self._rank = {name: i for i, name in enumerate(self._ratings)}
        self._stages = [b.name for b in self.model.stages]
        self._stage_rank = {name: i for i, name in enumerate(self._stages)}
        self.readiness: EditionReadiness | None = catalogue.edition(edition).readiness
        r = self.readiness
        self._ready_rank = self._rank[r.min_rating] if r and r.min_rating else 0
        self._aspirant_rank = self._rank[r.aspirant_min_rating] if r and r.aspirant_min_rating else 0
        self._aspirant_max = r.aspirant_max_unmet_blocking if r else 0
        self._dims = [self._domain_index[d] for d in (r.dimensions if r else []) if d in self._domain_index]
        self._dim_ready = self._stage_rank[r.min_stage] if r and r.min_stage else 0
        self._dim_aspirant = self._stage_rank[r.aspirant_min_stage] if r and r.aspirant_min_stage else 0
        self._cap_limits = [(cap.min_unmet, self._rank[cap.max_rating]) for cap, _ in self._caps]
        self._cap_members = [members for _, members in self._caps]
        self._rating_mins = [b.min_score for b in self.model.ratings]
        self._weights = [catalogue.domain_weight(d.id, edition) for d in self.domains]
        # per rule spec (by identity; the spec is kept so its id stays unique): domain index, weight
        self._specs: dict[int, tuple[Any, int, float]] = {}
        for rule in rules:
            self._spec(rule.spec)

    def _spec(self, spec: Any) -> tuple[Any, int, float]:
        entry = self._specs.get(id(spec))
        if entry is None or entry[0] is not spec:
            entry = (spec, self._domain_index[spec.domain], spec.weight)
            self._specs[id(spec)] = entry
        return entry

    def _rating_rank(self, score: float) -> int:
        """band(self.model.ratings, score) as a rank."""
        rank = 0
        for i, low in enumerate(self._rating_mins):
            if score >= low:
                rank = i
        return rank

    def _dim_stages(self, num: list[float], den: list[float]) -> list[int]:
        """Stage rank of each readiness dimension (-1 when none of its criteria applied)."""
        stages = self.model.stages
        return [self._stage_rank[band(stages, round(100.0 * num[i] / den[i], 1))] if den[i] else -1
                for i in self._dims]

    def _readiness_of(self, rank: int, unmet_blocking: int, dims: list[int]) -> str:
        if self.readiness is None:
            return NOT_APPLICABLE
        if unmet_blocking == 0 and rank >= self._ready_rank and all(d >= self._dim_ready for d in dims):
            return "ready"
        if (rank >= self._aspirant_rank and unmet_blocking <= self._aspirant_max
                and all(d >= self._dim_aspirant for d in dims)):
            return "aspirant"
        return "not_yet"

    def _stage_ceiling(self, rank: int) -> int:
        """The highest stage a rating allows: the stage of the top score of the rating's band."""
        if rank + 1 >= len(self._rating_mins):
            return len(self._stages) - 1
        return self._stage_rank[band(self.model.stages, self._rating_mins[rank + 1] - 0.1)]

    def _cap_counts(self, unmet: Any) -> list[int]:
        return [sum(1 for m in members if not m.isdisjoint(unmet)) for members in self._cap_members]

    def _capped_rank(self, rank: int, cap_unmet: list[int]) -> int:
        for (min_unmet, cap_rank), unmet in zip(self._cap_limits, cap_unmet):
            if unmet >= min_unmet and cap_rank < rank:
                rank = cap_rank
        return rank

    def _capped(self, score_rating: str, cap_unmet: list[int]) -> str:
        return self._ratings[self._capped_rank(self._rank[score_rating], cap_unmet)]

    def score(self, criteria: dict[str, CriterionResult]) -> Verdict:
        """The verdict on one submission's criteria, in four steps: tally each domain's weighted
        credit (_tally); the score, its rating band and stage; the caps that bind and the readiness
        verdict; and the path to readiness (_path)."""
        num, den, counts, unmet_specs = self._tally(criteria)
        weights = self._weights
        total_weight = sum(w for w, dn in zip(weights, den) if dn > 0)
        domain_scores = [100.0 * a / b if b else None for a, b in zip(num, den)]
        raw = sum(w * s for w, s in zip(weights, domain_scores) if s is not None)
        overall = raw / total_weight if total_weight else 0.0
        score = round(overall, 1)
        stages = self.model.stages
        domains = [
            DomainScore(d.id, d.title, None if s is None else round(s, 1),
                        None if s is None else band(stages, round(s, 1)), *counts[i])
            for i, (d, s) in enumerate(zip(self.domains, domain_scores))
        ]
        unmet = unmet_specs.keys()
        cap_unmet = self._cap_counts(unmet)
        score_rank = self._rating_rank(score)
        rank = self._capped_rank(score_rank, cap_unmet)
        score_stage = band(stages, score)
        stage = self._stages[min(self._stage_rank[score_stage], self._stage_ceiling(rank))]
        severity = {rule_id: entry[0].severity for rule_id, entry in unmet_specs.items()}
        unmet_blocking = sorted(r for r in unmet if severity[r] == "blocking")
        caps_applied = [
            CapApplied(cap.id, cap.title, cap.max_rating,
                       tuple(sorted({r for m in members for r in m if r in unmet})), cap.basis.assumption)
            for (cap, members), count in zip(self._caps, cap_unmet) if count >= cap.min_unmet
        ]
        readiness = self._readiness_of(rank, len(unmet_blocking), self._dim_stages(num, den))
        path = self._path(unmet_specs, severity, num, den, total_weight, overall, caps_applied, readiness, rank,
                          len(unmet_blocking))
        return Verdict(domains, score, stage, self._ratings[rank], self._ratings[score_rank], score_stage,
                       readiness, unmet_blocking, caps_applied, path)

    def _tally(self, criteria: dict[str, CriterionResult]) -> tuple[
            list[float], list[float], list[list[int]], dict[str, tuple[Any, int, float]]]:
        """Per domain: the weighted credit earned (num) and available (den) over the criteria that
        apply, and the met / not met / not applicable counts; and each unmet criterion's entry."""
        n = len(self.domains)
        num, den = [0.0] * n, [0.0] * n
        counts = [[0, 0, 0] for _ in range(n)]
        unmet_specs: dict[str, tuple[Any, int, float]] = {}
        not_applicable, met = Status.NOT_APPLICABLE, Status.MET
        specs = self._specs
        for rule_id, result in criteria.items():
            spec = result.rule.spec
            entry = specs.get(id(spec))
            if entry is None or entry[0] is not spec:
                entry = self._spec(spec)
            i = entry[1]
            status = result.status
            if status is not_applicable:
                counts[i][2] += 1
                continue
            weight = entry[2]
            den[i] += weight
            num[i] += weight * (result.credit or 0.0)
            if status is met:
                counts[i][0] += 1
            else:
                counts[i][1] += 1
                if status is Status.NOT_MET:
                    unmet_specs[rule_id] = entry
        return num, den, counts, unmet_specs

    def _path(self, unmet_specs: dict[str, tuple[Any, int, float]], severity: dict[str, str], num: list[float],
              den: list[float], total_weight: float, overall: float, caps_applied: list[CapApplied],
              readiness: str, rank: int, blocking: int) -> list[PathStep]:
        """The path: blocking criteria first, then those that lift a binding cap, then the rest;
        each group by the score it adds. Each step shows where the submission would then stand.
        It ends at readiness or, in an edition without a readiness verdict, at the top rating."""
        weights = self._weights
        gains = {rule_id: weights[entry[1]] * 100.0 * entry[0].weight / den[entry[1]] / total_weight
                 for rule_id, entry in unmet_specs.items()}
        binding = {r for c in caps_applied for r in c.unmet}
        unmet = unmet_specs.keys()
        order = sorted(unmet, key=lambda r: (severity[r] != "blocking", r not in binding, -gains[r], r))
        path: list[PathStep] = []
        running, blocking_left = overall, blocking
        unmet_left = set(unmet)
        num_left = list(num)
        state, step_rank = readiness, rank
        ratings, top = self._ratings, len(self._ratings) - 1
        for rule_id in order:
            if state == "ready" or (state == NOT_APPLICABLE and step_rank == top):
                break
            spec, i, weight = unmet_specs[rule_id]
            step_gain = gains[rule_id]
            running += step_gain
            num_left[i] += weight
            blocking_left -= severity[rule_id] == "blocking"
            unmet_left.discard(rule_id)
            projected = min(round(running, 1), 100.0)
            step_rank = self._capped_rank(self._rating_rank(projected), self._cap_counts(unmet_left))
            state = self._readiness_of(step_rank, blocking_left, self._dim_stages(num_left, den))
            path.append(PathStep(rule_id, spec.title, spec.severity, round(step_gain, 1), projected,
                                 ratings[step_rank], state))
        return path

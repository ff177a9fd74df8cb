"""Criteria → weighted domain scores → stages → rating (then caps) → ICS readiness → path to ICS.

Every threshold comes from the catalogue's scoring model. Credits are 0-1 per criterion, so a
graded criterion slots in without changing anything here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .catalogue import Band, Catalogue, Cap, ScoringModel
from .results import CapApplied, CriterionResult, DomainScore, PathStep, Status


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
        self._caps: list[tuple[Cap, list[str]]] = [
            (c, [r for r in c.rules if r in in_edition]) for c in self.model.caps]
        self._ratings = [b.name for b in self.model.ratings]
        self._rank = {name: i for i, name in enumerate(self._ratings)}
        self._ready_rank = self._rank[self.model.readiness.ready_min_rating]
        self._aspirant_rank = self._rank[self.model.readiness.aspirant_min_rating]
        self._aspirant_max = self.model.readiness.aspirant_max_unmet_blocking
        self._cap_limits = [(cap.min_unmet, self._rank[cap.max_rating]) for cap, _ in self._caps]
        self._cap_sets = [frozenset(members) for _, members in self._caps]
        self._rating_mins = [b.min_score for b in self.model.ratings]
        self._weights = [d.weight for d in self.domains]
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

    def _readiness_of(self, rank: int, unmet_blocking: int) -> str:
        if unmet_blocking == 0 and rank >= self._ready_rank:
            return "ready"
        if rank >= self._aspirant_rank and unmet_blocking <= self._aspirant_max:
            return "aspirant"
        return "not_yet"

    def _capped_rank(self, rank: int, cap_unmet: list[int]) -> int:
        for (min_unmet, cap_rank), unmet in zip(self._cap_limits, cap_unmet):
            if unmet >= min_unmet and cap_rank < rank:
                rank = cap_rank
        return rank

    def _readiness(self, rating: str, unmet_blocking: int) -> str:
        return self._readiness_of(self._rank[rating], unmet_blocking)

    def _capped(self, score_rating: str, cap_unmet: list[int]) -> str:
        return self._ratings[self._capped_rank(self._rank[score_rating], cap_unmet)]

    def score(self, criteria: dict[str, CriterionResult]) -> Verdict:
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
        cap_unmet = [sum(1 for r in rules if r in unmet) for _, rules in self._caps]
        score_rank = self._rating_rank(score)
        rank = self._capped_rank(score_rank, cap_unmet)
        severity = {rule_id: entry[0].severity for rule_id, entry in unmet_specs.items()}
        unmet_blocking = sorted(r for r in unmet if severity[r] == "blocking")
        caps_applied = [
            CapApplied(cap.id, cap.title, cap.max_rating, tuple(r for r in rules if r in unmet))
            for (cap, rules), count in zip(self._caps, cap_unmet) if count >= cap.min_unmet
        ]
        readiness = self._readiness_of(rank, len(unmet_blocking))

        # Path to ICS: blocking criteria first, then those that lift a binding cap, then the rest;
        # each group by the score it adds. Each step shows where the submission would then stand.
        gains = {rule_id: weights[entry[1]] * 100.0 * entry[0].weight / den[entry[1]] / total_weight
                 for rule_id, entry in unmet_specs.items()}
        binding = {r for c in caps_applied for r in c.unmet}
        order = sorted(unmet, key=lambda r: (severity[r] != "blocking", r not in binding, -gains[r], r))
        path: list[PathStep] = []
        running, blocking_left, caps_left = overall, len(unmet_blocking), list(cap_unmet)
        state = readiness
        cap_sets, ratings = self._cap_sets, self._ratings
        for rule_id in order:
            if state == "ready":
                break
            spec = unmet_specs[rule_id][0]
            step_gain = gains[rule_id]
            running += step_gain
            blocking_left -= severity[rule_id] == "blocking"
            for k, members in enumerate(cap_sets):
                caps_left[k] -= rule_id in members
            projected = min(round(running, 1), 100.0)
            step_rank = self._capped_rank(self._rating_rank(projected), caps_left)
            state = self._readiness_of(step_rank, blocking_left)
            path.append(PathStep(rule_id, spec.title, spec.severity, round(step_gain, 1), projected,
                                 ratings[step_rank], state))
        return Verdict(domains, score, band(stages, score), ratings[rank], ratings[score_rank], readiness,
                       unmet_blocking, caps_applied, path)

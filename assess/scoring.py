"""Criteria → weighted domain scores → stages → rating (then caps) → ICS readiness → path to ICS.

Every threshold comes from the catalogue's scoring model. Credits are 0-1 per criterion, so a
graded criterion slots in without changing anything here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

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
    """The scoring model prepared for one edition's rules."""

    def __init__(self, catalogue: Catalogue, edition: str) -> None:
        self.model: ScoringModel = catalogue.scoring
        rules = catalogue.rules_for(edition)
        in_edition = {r.id for r in rules}
        self.domains = [d for d in catalogue.meta.domains if any(r.domain == d.id for r in rules)]
        self._domain_index = {d.id: i for i, d in enumerate(self.domains)}
        self._caps: list[tuple[Cap, list[str]]] = [
            (c, [r for r in c.rules if r in in_edition]) for c in self.model.caps]
        self._ratings = [b.name for b in self.model.ratings]
        self._ready_rank = self._ratings.index(self.model.readiness.ready_min_rating)
        self._aspirant_rank = self._ratings.index(self.model.readiness.aspirant_min_rating)

    def _readiness(self, rating: str, unmet_blocking: int) -> str:
        rank = self._ratings.index(rating)
        if unmet_blocking == 0 and rank >= self._ready_rank:
            return "ready"
        if rank >= self._aspirant_rank and unmet_blocking <= self.model.readiness.aspirant_max_unmet_blocking:
            return "aspirant"
        return "not_yet"

    def _capped(self, score_rating: str, cap_unmet: list[int]) -> str:
        rank = self._ratings.index(score_rating)
        for (cap, _), unmet in zip(self._caps, cap_unmet):
            if unmet >= cap.min_unmet:
                rank = min(rank, self._ratings.index(cap.max_rating))
        return self._ratings[rank]

    def score(self, criteria: dict[str, CriterionResult]) -> Verdict:
        n = len(self.domains)
        num, den = [0.0] * n, [0.0] * n
        counts = [[0, 0, 0] for _ in range(n)]
        for result in criteria.values():
            i = self._domain_index[result.rule.spec.domain]
            if result.status is Status.NOT_APPLICABLE:
                counts[i][2] += 1
                continue
            weight = result.rule.spec.weight
            den[i] += weight
            num[i] += weight * (result.credit or 0.0)
            counts[i][0 if result.status is Status.MET else 1] += 1
        weights = [d.weight for d in self.domains]
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
        unmet = {rid for rid, r in criteria.items() if r.status is Status.NOT_MET}
        cap_unmet = [sum(1 for r in rules if r in unmet) for _, rules in self._caps]
        score_rating = band(self.model.ratings, score)
        rating = self._capped(score_rating, cap_unmet)
        unmet_blocking = sorted(r for r in unmet if criteria[r].rule.spec.severity == "blocking")
        caps_applied = [
            CapApplied(cap.id, cap.title, cap.max_rating, tuple(r for r in rules if r in unmet))
            for (cap, rules), count in zip(self._caps, cap_unmet) if count >= cap.min_unmet
        ]
        readiness = self._readiness(rating, len(unmet_blocking))

        # Path to ICS: blocking criteria first, then those that lift a binding cap, then the rest;
        # each group by the score it adds. Each step shows where the submission would then stand.
        def gain(rule_id: str) -> float:
            spec = criteria[rule_id].rule.spec
            i = self._domain_index[spec.domain]
            return weights[i] * 100.0 * spec.weight / den[i] / total_weight

        binding = {r for c in caps_applied for r in c.unmet}
        order = sorted(unmet, key=lambda r: (criteria[r].rule.spec.severity != "blocking",
                                             r not in binding, -gain(r), r))
        path: list[PathStep] = []
        running, blocking_left, caps_left = overall, len(unmet_blocking), list(cap_unmet)
        state = readiness
        for rule_id in order:
            if state == "ready":
                break
            spec = criteria[rule_id].rule.spec
            step_gain = gain(rule_id)
            running += step_gain
            blocking_left -= spec.severity == "blocking"
            for k, (_, rules) in enumerate(self._caps):
                caps_left[k] -= rule_id in rules
            projected = min(round(running, 1), 100.0)
            step_rating = self._capped(band(self.model.ratings, projected), caps_left)
            state = self._readiness(step_rating, blocking_left)
            path.append(PathStep(rule_id, spec.title, spec.severity, round(step_gain, 1), projected,
                                 step_rating, state))
        return Verdict(domains, score, band(stages, score), rating, score_rating, readiness,
                       unmet_blocking, caps_applied, path)

"""The second kind of scoring model: graded scores on a fixed scale, an unweighted mean, and
segments cut at thresholds, beside the STP editions' weighted credit and rating bands.

Both are "score each item, aggregate, place the aggregate in a band". A graded score is a credit
on its scale (`GradedScale.credit`: 1 at the best grade, 0 at the worst), so a graded criterion fits
`CriterionResult.credit`; an unweighted mean is the weighted credit with every weight 1 (the mean
of credits is the credit of the mean, the scale being linear); and segments are bands read on a
scale where lower is better. assess.engine.scoring keeps the STP arithmetic; the Oversight Framework
(assess.nof) uses these.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class GradedScale:
    """Scores from `best` to `worst` (the Oversight Framework: 1.0 best, 4.0 worst)."""

    best: float
    worst: float

    @property
    def lower_is_better(self) -> bool:
        """True when the best grade is the lowest number."""
        return self.best < self.worst

    def clamp(self, score: float) -> float:
        """The score held within the scale."""
        low, high = sorted((self.best, self.worst))
        return min(high, max(low, score))

    def credit(self, score: float) -> float:
        """The score as a 0-1 credit (1 at the best grade): the STP model's unit."""
        return (score - self.worst) / (self.best - self.worst)

    def score(self, credit: float) -> float:
        """The inverse of `credit`."""
        return self.worst + credit * (self.best - self.worst)


def mean(values: Iterable[float]) -> float | None:
    """The unweighted mean of the values given (a missing value is simply absent); None if none."""
    items = list(values)
    return sum(items) / len(items) if items else None


@dataclass(frozen=True)
class Segments:
    """Ascending cut-points on a lower-is-better aggregate: at or below cut k is segment k, above
    the last is segment len(cuts) + 1."""

    cuts: Sequence[float]

    def of(self, value: float) -> int:
        """The segment of a value (1 = at or below the first cut)."""
        for k, cut in enumerate(self.cuts, start=1):
            if value <= cut:
                return k
        return len(self.cuts) + 1

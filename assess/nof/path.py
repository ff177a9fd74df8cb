"""Peer figures and the path to a better segment.

Peers are the trusts of the same type in the same quarter of the file. A realistic target for a
metric score is the peers' median or their best quartile (scores run 1 best to 4 worst, so the
best quartile is the 25th percentile of scores). The path is the smallest set of metrics whose
improvement to such targets brings the average to the cut-point of the next better segment; where
the median suffices it is preferred to the best quartile.
"""
from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass

from .method import TrustResult, rank_if


@dataclass(frozen=True)
class PeerStats:
    """A metric score's spread among peers (n trusts): lower quartile is the best."""

    n: int
    best_quartile: float
    median: float
    worst_quartile: float


def peer_stats(results: list[TrustResult]) -> dict[tuple[str, str, str], PeerStats]:
    """{(quarter, trust type, metric id): PeerStats} over the scores the averages count."""
    pools: dict[tuple[str, str, str], list[float]] = {}
    for r in results:
        for metric, score in r.scores.items():
            pools.setdefault((r.trust.quarter, r.trust.trust_type, metric), []).append(score)
    out = {}
    for key, values in pools.items():
        if len(values) >= 2:
            q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
        else:
            q1 = q2 = q3 = values[0]
        out[key] = PeerStats(len(values), q1, q2, q3)
    return out


@dataclass(frozen=True)
class Improvement:
    """One metric score moved to a realistic target."""

    metric: str
    current: float
    target: float
    target_kind: str  # "peer median" or "peer best quartile"


@dataclass(frozen=True)
class Path:
    """How the trust could reach the next better segment, or why it cannot this way."""

    current_segment: int
    target_segment: int | None  # None: already segment 1
    cut: float | None  # the average to reach (at or below)
    improvements: tuple[Improvement, ...]
    average_after: float | None
    reachable: bool
    note: str
    deficit_note: str | None  # what ending the deficit would change


EXACT_SEARCH_LIMIT = 50_000  # candidate sets tried exhaustively before falling back to a greedy choice


def _fewest(options: list[tuple[float, Improvement, Improvement | None]], need: float
            ) -> list[Improvement] | None:
    """The fewest improvements whose gains reach `need`; among those, the fewest best-quartile
    targets, then the smallest total change. None when even all of them fall short."""
    eps = 1e-12
    if sum(o[0] for o in options) < need - eps:
        return None
    by_gain = sorted(options, key=lambda o: (-o[0], o[1].metric))
    k, running = 0, 0.0
    while running < need - eps:  # the fewest: take the largest possible gains first
        running += by_gain[k][0]
        k += 1
    if k == 0:
        return []
    best: tuple[tuple[int, float, tuple[str, ...]], list[Improvement]] | None = None
    if math.comb(len(options), k) * 2 ** k <= EXACT_SEARCH_LIMIT:
        for combo in itertools.combinations(options, k):
            if sum(o[0] for o in combo) < need - eps:
                continue
            for picks in itertools.product(*[[o[2], o[1]] if o[2] is not None else [o[1]] for o in combo]):
                chosen = [p for p in picks if p is not None]
                gain = sum(i.current - i.target for i in chosen)
                if gain < need - eps:
                    continue
                key = (sum(i.target_kind != "peer median" for i in chosen), gain,
                       tuple(sorted(i.metric for i in chosen)))
                if best is None or key < best[0]:
                    best = (key, sorted(chosen, key=lambda i: i.metric))
        if best is not None:
            return best[1]
    chosen = [o[1] for o in by_gain[:k]]  # greedy: the largest gains, at the median where it still suffices
    medians = {o[1].metric: o[2] for o in options}
    gained = sum(i.current - i.target for i in chosen)
    for index in sorted(range(k), key=lambda i: chosen[i].current - chosen[i].target):
        median = medians.get(chosen[index].metric)
        if median is None:
            continue
        trial = gained - (chosen[index].current - chosen[index].target) + (median.current - median.target)
        if trial >= need - eps:
            chosen[index], gained = median, trial
    return chosen


def path_to_better(result: TrustResult, peers: dict[tuple[str, str, str], PeerStats],
                   everyone: list[TrustResult]) -> Path:
    """The smallest set of improvements that lifts the trust one segment, and the deficit's part."""
    r = result
    deficit_note = None
    if r.in_deficit:
        if r.segment_unadjusted < r.segment:
            new_rank = rank_if(r, everyone, r.segment_unadjusted, r.rank_average)
            deficit_note = (f"Without the deficit it would be in segment {r.segment_unadjusted} instead of "
                            f"{r.segment} (rank {new_rank} instead of {r.rank}).")
        else:
            deficit_note = (f"Ending the deficit alone would not change its segment: its average already places "
                            f"it in segment {r.segment_unadjusted}.")
    if r.segment == 1 or r.cutpoints is None:
        return Path(r.segment, None, None, (), None, False, "Already in segment 1.", deficit_note)
    if r.in_deficit and r.segment_unadjusted < r.segment:
        return Path(r.segment, r.segment - 1, None, (), None, False,
                    f"No metric improvement lifts it: its average is already in segment {r.segment_unadjusted}, "
                    "and the financial deficit holds it in segment 3.", deficit_note)
    target = r.segment_unadjusted - 1
    cut = r.cutpoints.cuts[target - 1]
    n = len(r.scores)
    total = sum(r.scores.values())
    options: list[tuple[float, Improvement, Improvement | None]] = []  # (best gain, best-quartile, median)
    for metric, score in sorted(r.scores.items()):
        stats = peers.get((r.trust.quarter, r.trust.trust_type, metric))
        if stats is None or stats.best_quartile >= score:
            continue
        best = Improvement(metric, score, stats.best_quartile, "peer best quartile")
        median = Improvement(metric, score, stats.median, "peer median") if stats.median < score else None
        options.append((score - stats.best_quartile, best, median))
    options.sort(key=lambda o: (-o[0], o[1].metric))
    need = total - cut * n  # the sum of score reductions that brings the mean to the cut
    chosen = _fewest(options, need)
    if chosen is None:
        gained = sum(o[0] for o in options)
        after = (total - gained) / n
        return Path(r.segment, r.segment - 1, cut, tuple(o[1] for o in options), after, False,
                    f"Even with every metric at the peer best quartile its average would be {after:.3f}, above "
                    f"the cut-point {cut:g} of segment {target}.", deficit_note)
    gained = sum(i.current - i.target for i in chosen)
    after = (total - gained) / n
    lands = target if not r.in_deficit or target >= 3 else 3
    note = (f"Improving {len(chosen)} metric{'s' if len(chosen) != 1 else ''} brings its average from "
            f"{r.average:.3f} to {after:.3f}, at or below the cut-point {cut:g}: segment {target}")
    note += "." if lands == target else f", but the deficit keeps it in segment {lands}."
    return Path(r.segment, r.segment - 1, cut, tuple(chosen), round(after, 6), lands < r.segment, note, deficit_note)



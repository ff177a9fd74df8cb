"""What a batch says as a whole, from plain data only: peer medians for each gap report, the league
table, the distributions, the criteria heatmap and the national checks for the dashboard.

Input is the batch's entries as phase 1 produced them, each a dict with
`file`, `stem` (the output file name), `assessment` (`Assessment.to_dict()`, or its slim record:
batch.slim) and `facts` (the few submitted values the national checks need, read by the scorer's
process). Each function reads the entries in one pass, holding only what it counts, so a batch
can hand them over read from disk one at a time (assess.batch.spooled). Nothing here touches the
engine, the catalogue or the file system.
"""
from __future__ import annotations

import statistics
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

OVERALL = "overall"
READINESS_LEVELS = ("ready", "aspirant", "not_yet", "not_applicable")  # the last: editions without a verdict
SEVEN_DAY = "seven_day_priority_coverage"
STATUS_ORDER = ("met", "not_met", "not_applicable")
#: Beyond this many submissions the dashboard shows aggregates, not a row and a heatmap column per
#: submission: the page stays small (~0.3 MB at any N) and quick to open; league.csv, league.xlsx
#: and results.json still hold every submission.
LARGE_BATCH = 500
LEAGUE_SHOWN = 100  # rows of the league shown in the large form (the best)
ERRORS_SHOWN = 200  # problems listed in the large form (errors.csv has them all)


@dataclass(frozen=True)
class SizeBand:
    """Footprints of similar size, by population: `low` <= population < `high`."""

    id: str
    label: str
    low: int
    high: int | None

    def holds(self, population: int) -> bool:
        """Whether a footprint of this population falls in the band."""
        return population >= self.low and (self.high is None or population < self.high)


# STP footprints ran from about 300,000 to 2.8 million people; these three bands split the 44 of
# 2016 into groups of comparable size (small, typical, large).
SIZE_BANDS: tuple[SizeBand, ...] = (
    SizeBand("small", "under 750,000", 0, 750_000),
    SizeBand("medium", "750,000 to 1.5 million", 750_000, 1_500_000),
    SizeBand("large", "1.5 million or more", 1_500_000, None),
)


def size_band(population: int) -> SizeBand:
    """The size band a footprint's population falls in."""
    return next(b for b in SIZE_BANDS if b.holds(population))


def median(values: Iterable[float | None]) -> float | None:
    """The median of the values given (None ignored), to one decimal; None when there are none."""
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def _scores(assessment: dict[str, Any]) -> dict[str, float | None]:
    scores: dict[str, float | None] = {d["domain"]: d["score"] for d in assessment["domains"]}
    scores[OVERALL] = assessment["score"]
    return scores


class _Medians:
    """Peer medians gathered one assessment at a time: each size band keeps only its scores, one
    array of floats per domain (8 bytes a score); the batch's are the bands' put together, one
    domain at a time, in the order the domains were first seen (the order they are listed in)."""

    def __init__(self) -> None:
        self.domains: dict[str, None] = {}  # every domain with a score, in the order first seen
        self.bands: dict[str, dict[str, array[float]]] = {band.id: {} for band in SIZE_BANDS}
        self.band_sizes = dict.fromkeys(self.bands, 0)
        self.size = 0
        self.editions: set[str] = set()

    def add(self, assessment: dict[str, Any]) -> None:
        band = size_band(assessment["submission"]["population"]).id
        self.size += 1
        self.band_sizes[band] += 1
        self.editions.add(assessment["edition"])
        for domain, score in _scores(assessment).items():
            if score is not None:
                self.domains.setdefault(domain)
                self.bands[band].setdefault(domain, array("d")).append(score)

    def result(self) -> dict[str, Any]:
        def group(collected: dict[str, array[float]]) -> dict[str, dict[str, Any]]:
            return {domain: {"median": median(values), "n": len(values)} for domain, values in collected.items()}

        batch = {}
        for domain in self.domains:
            values = array("d")
            for collected in self.bands.values():
                values.extend(collected.get(domain, ()))
            batch[domain] = {"median": median(values), "n": len(values)}
        return {"batch": batch, "bands": {band: group(c) for band, c in self.bands.items()},
                "band_sizes": self.band_sizes, "size": self.size, "editions": sorted(self.editions)}


def peer_medians(entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Median scores across the whole batch and within each size band, in one pass."""
    medians = _Medians()
    for entry in entries:
        medians.add(entry["assessment"])
    return medians.result()


def peer_context(entry: dict[str, Any], medians: dict[str, Any]) -> dict[str, Any]:
    """What a gap report shows beside each of its domain scores: the batch median and the median
    of footprints in the same size band (each with how many footprints it is taken over)."""
    a = entry["assessment"]
    band = size_band(a["submission"]["population"])
    batch, within = medians["batch"], medians["bands"][band.id]
    empty = {"median": None, "n": 0}
    rows = [{"domain": d["domain"], "name": d["name"], "score": d["score"],
             "batch": batch.get(d["domain"], empty), "band": within.get(d["domain"], empty)}
            for d in a["domains"]]
    rows.append({"domain": OVERALL, "name": "Overall score", "score": a["score"],
                 "batch": batch.get(OVERALL, empty), "band": within.get(OVERALL, empty)})
    return {
        "rows": rows,
        "batch_size": medians["size"],
        "band": {"id": band.id, "label": band.label, "size": medians["band_sizes"][band.id]},
        "bands": [{"id": b.id, "label": b.label} for b in SIZE_BANDS],
        "mixed_editions": len(medians["editions"]) > 1,
        "editions": medians["editions"],
    }


def league(entries: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]],
           ratings: Sequence[str], stages: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One row per submission, best score first (ties by code, then file), ranked 1, 2, 2, 4…"""
    make = league_row_maker(domains, ratings, stages)
    ordered = sorted(entries, key=lambda e: (-e["assessment"]["score"], e["assessment"]["submission"]["code"],
                                             e["file"]))
    rows: list[dict[str, Any]] = []
    for position, entry in enumerate(ordered, 1):
        score = entry["assessment"]["score"]
        rows.append(make(entry, rows[-1]["rank"] if rows and rows[-1]["score"] == score else position))
    return rows


def league_row_maker(domains: Sequence[dict[str, str]], ratings: Sequence[str],
                     stages: Sequence[str] = ()) -> Callable[[dict[str, Any], int], dict[str, Any]]:
    """A function making the league row of an entry at a rank (see `league`)."""
    rank_of = {name: i for i, name in enumerate(ratings)}
    stage_of = {name: i for i, name in enumerate(stages)}

    def row(entry: dict[str, Any], rank: int) -> dict[str, Any]:
        a, s = entry["assessment"], entry["assessment"]["submission"]
        scores = _scores(a)
        return {
            "rank": rank, "code": s["code"], "name": s["name"], "region": s["region"],
            "population": s["population"], "submitted_on": s["submitted_on"], "edition": a["edition"],
            "illustrative": s["illustrative"], "rating": a["rating"],
            "rating_rank": rank_of.get(a["rating"], -1), "capped": a["rating"] != a["score_rating"],
            "stage": a["stage"], "stage_rank": stage_of.get(a["stage"], -1), "ics_readiness": a["ics_readiness"],
            "readiness_label": readiness_label(a),
            "readiness_rank": READINESS_LEVELS[::-1].index(a["ics_readiness"])
            if a["ics_readiness"] in READINESS_LEVELS else -1,
            "score": a["score"], "domains": {d["id"]: scores.get(d["id"]) for d in domains},
            "unmet_blocking": len(a["unmet_blocking"]), "file": entry["file"], "stem": entry["stem"],
        }

    return row


def _distribution(counts: Counter[str], order: Sequence[str]) -> list[dict[str, Any]]:
    total = sum(counts.values()) or 1
    known = [*order, *sorted(set(counts) - set(order))]
    return [{"name": name, "count": counts[name], "share": round(100 * counts[name] / total, 1)} for name in known]


def heatmap(entries: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]]) -> dict[str, Any]:
    """Criteria (rows, by domain then id) against submissions (columns, in league order given).

    A cell is met, not_met, not_applicable, or None when the criterion is not in the edition the
    submission was assessed against.
    """
    domain_index = {d["id"]: i for i, d in enumerate(domains)}
    meta: dict[str, dict[str, Any]] = {}
    status: list[dict[str, str]] = []
    for entry in entries:
        row: dict[str, str] = {}
        for c in entry["assessment"]["criteria"]:
            meta.setdefault(c["id"], {"id": c["id"], "title": c["title"], "domain": c["domain"],
                                      "severity": c["severity"]})
            row[c["id"]] = c["status"]
        status.append(row)
    ids = sorted(meta, key=lambda rid: (domain_index.get(meta[rid]["domain"], len(domain_index)), rid))
    groups: list[dict[str, Any]] = []
    for rid in ids:
        cells = [s.get(rid) for s in status]
        line: dict[str, Any] = {**meta[rid], "cells": cells, "not_met": cells.count("not_met"),
               "assessed": sum(1 for c in cells if c in ("met", "not_met"))}
        domain = line["domain"]
        if not groups or groups[-1]["domain"] != domain:
            title = domains[domain_index[domain]]["title"] if domain in domain_index else domain
            groups.append({"domain": domain, "title": title, "rows": []})
        groups[-1]["rows"].append(line)
    return {"columns": [{"code": e["assessment"]["submission"]["code"], "stem": e["stem"]} for e in entries],
            "groups": groups}


def criteria_summary(entries: Iterable[dict[str, Any]], domains: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
    """The heatmap's large form: per criterion (grouped by domain), how many submissions met it,
    did not, found it not applicable, or were assessed in an edition without it."""
    tally = _CriteriaTally()
    for entry in entries:
        tally.add(entry["assessment"])
    return tally.groups(domains)


class _CriteriaTally:
    """criteria_summary gathered one assessment at a time: a count per criterion and status."""

    def __init__(self) -> None:
        self.meta: dict[str, dict[str, Any]] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.total = 0

    def add(self, assessment: dict[str, Any]) -> None:
        self.total += 1
        for c in assessment["criteria"]:
            if c["id"] not in self.meta:
                self.meta[c["id"]] = {"id": c["id"], "title": c["title"], "domain": c["domain"],
                                      "severity": c["severity"]}
                self.counts[c["id"]] = dict.fromkeys(STATUS_ORDER, 0)
            self.counts[c["id"]][c["status"]] += 1

    def groups(self, domains: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
        meta, domain_index = self.meta, {d["id"]: i for i, d in enumerate(domains)}
        groups: list[dict[str, Any]] = []
        for rid in sorted(meta, key=lambda r: (domain_index.get(meta[r]["domain"], len(domain_index)), r)):
            tally = self.counts[rid]
            assessed = tally["met"] + tally["not_met"]
            line = {**meta[rid], **tally, "not_in_edition": self.total - sum(tally.values()), "assessed": assessed,
                    "not_met_share": round(100 * tally["not_met"] / assessed, 1) if assessed else None}
            if not groups or groups[-1]["domain"] != line["domain"]:
                title = (domains[domain_index[line["domain"]]]["title"] if line["domain"] in domain_index
                         else line["domain"])
                groups.append({"domain": line["domain"], "title": title, "rows": []})
            groups[-1]["rows"].append(line)
        return groups


def seven_day_check(entries: Iterable[dict[str, Any]], *, rows_wanted: bool = True) -> dict[str, Any]:
    """Population covered by the four priority seven-day hospital standards, weighted by population,
    against the trajectory in force on each submission's date (no trajectory yet counts as 0%).
    `rows_wanted=False` leaves out the row per footprint and counts the verdicts instead."""
    check = _SevenDay(rows_wanted)
    for entry in sorted(entries, key=lambda e: (e["assessment"]["submission"]["code"], e["file"])):
        check.add(entry)
    return check.result()


class _SevenDay:
    """seven_day_check gathered one entry at a time, in the order of code then file (the sums
    are of floats: another order could change the last digit)."""

    def __init__(self, rows_wanted: bool) -> None:
        self.rows_wanted = rows_wanted
        self.rows: list[dict[str, Any]] = []
        self.total, self.covered, self.expected, self.reporting = 0, 0.0, 0.0, 0
        self.verdicts = dict.fromkeys(("on_track", "below", "not_reported"), 0)

    def add(self, entry: dict[str, Any]) -> None:
        s, facts = entry["assessment"]["submission"], entry["facts"]
        coverage, target = facts.get("seven_day_coverage_pct"), facts.get("seven_day_trajectory_pct")
        self.total += s["population"]
        self.expected += s["population"] * (target or 0.0) / 100
        if coverage is not None:
            self.covered += s["population"] * coverage / 100
            self.reporting += s["population"]
        if coverage is None:
            verdict = "not_reported"
        else:
            verdict = "on_track" if coverage >= (target or 0.0) else "below"
        self.verdicts[verdict] += 1
        if self.rows_wanted:
            self.rows.append({"code": s["code"], "name": s["name"], "stem": entry["stem"],
                              "population": s["population"], "submitted_on": s["submitted_on"],
                              "coverage": coverage, "trajectory": target, "verdict": verdict})

    def result(self) -> dict[str, Any]:
        total = self.total

        def share(part: float) -> float | None:
            return round(100 * part / total, 1) if total else None

        covered_share, expected_share = share(self.covered), share(self.expected)
        return {
            "covered_share": covered_share, "expected_share": expected_share,
            "covered_population": round(self.covered), "total_population": total,
            "unreported_share": share(total - self.reporting), "unreported_population": total - self.reporting,
            "on_track": None if covered_share is None or expected_share is None else covered_share >= expected_share,
            "rows": self.rows, "verdicts": self.verdicts,
        }


def readiness_label(assessment: dict[str, Any]) -> str:
    """The readiness verdict in its edition's words: 'ready' is an ACS candidate in 2017 and ready
    to become an ICS in 2019-21, and a 2016 plan has no verdict at all."""
    meaning = assessment.get("readiness") or {}
    level = assessment["ics_readiness"]
    return str(meaning.get("label") or _GENERIC_READINESS.get(level, level))


_GENERIC_READINESS = {"ready": "Ready", "aspirant": "Aspirant", "not_yet": "Not yet ready",
                      "not_applicable": "Not assessed in this period"}


def readiness_check(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many footprints, and what share of the batch's population, stand at each readiness
    verdict. Each edition names its own (a batch may mix a 2017 and a 2019 return), so a row is a
    level in one edition's words; every level of the editions present is shown, empty or not."""
    tally = _ReadinessTally()
    for entry in entries:
        tally.add(entry["assessment"])
    return tally.result()


class _ReadinessTally:
    """readiness_check gathered one assessment at a time: footprints and population per verdict."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str], list[int]] = {}  # (level, label): [footprints, population]

    def add(self, assessment: dict[str, Any]) -> None:
        group = self.groups.setdefault((assessment["ics_readiness"], readiness_label(assessment)), [0, 0])
        group[0] += 1
        group[1] += assessment["submission"]["population"]

    def result(self) -> list[dict[str, Any]]:
        groups = dict(self.groups)
        total = sum(population for _, population in groups.values()) or 1
        for level in READINESS_LEVELS:  # the generic levels stay visible when nobody stands at them
            if not any(key[0] == level for key in groups):
                groups[(level, _GENERIC_READINESS[level])] = [0, 0]
        rank = {level: i for i, level in enumerate(READINESS_LEVELS)}
        return [{"level": level, "label": label, "footprints": footprints, "population": population,
                 "share": round(100 * population / total, 1)}
                for (level, label), (footprints, population)
                in sorted(groups.items(), key=lambda kv: (rank.get(kv[0][0], 99), kv[0][1]))]


def dashboard(entries: Sequence[dict[str, Any]], errors: Sequence[dict[str, Any]], *,
              domains: Sequence[dict[str, str]], ratings: Sequence[str], stages: Sequence[str],
              catalogue_version: str, rows: Sequence[dict[str, Any]] | None = None,
              medians: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the batch dashboard shows, as plain data.

    `entries` are read in one pass (and once more for the heatmap of a small batch), so they may
    be read from disk one at a time (assess.batch.spooled.Entries); `rows` (the league, when already
    made) and `medians` (peer_medians, when already taken) save a pass each. Beyond LARGE_BATCH
    submissions only aggregates and the best LEAGUE_SHOWN rows are kept."""
    rows = league(entries, domains, ratings, stages) if rows is None else rows
    large = len(entries) > LARGE_BATCH
    in_order = getattr(entries, "in_code_order", False)
    tally = _Tally(large, None if medians is not None else _Medians(), _SevenDay(not large) if in_order else None)
    for entry in entries:
        tally.add(entry)
    medians = tally.medians.result() if tally.medians is not None else medians
    assert medians is not None
    used = tally.domains
    shown_domains = [d for d in domains if d["id"] in used]
    seven_day = tally.seven_day.result() if tally.seven_day is not None else seven_day_check(
        entries, rows_wanted=not large)
    return {
        "large": large,
        "league_shown": list(rows[:LEAGUE_SHOWN] if large else rows),
        "errors_shown": list(errors[:ERRORS_SHOWN]) if large else list(errors),
        "criteria": tally.criteria.groups(domains) if tally.criteria is not None else None,
        "count": len(entries),
        "files_failed": sorted({e["file"] for e in errors}),
        "errors": list(errors),
        "illustrative": tally.illustrative,
        "catalogue_version": catalogue_version,
        "editions": sorted(tally.editions),
        "population": tally.population,
        "domains": shown_domains,
        "league": rows,
        "ratings": _distribution(tally.ratings, list(reversed(ratings))),
        "stages": _distribution(tally.stages, list(reversed(stages))),
        "readiness": tally.readiness.result(),
        "seven_day": seven_day,
        "heatmap": None if large else heatmap(_in_league_order(entries, rows), domains),
        "medians": {
            "bands": [{"id": b.id, "label": b.label, "size": medians["band_sizes"][b.id]} for b in SIZE_BANDS],
            "rows": [{"id": d["id"], "name": d["title"], "batch": medians["batch"].get(d["id"]),
                      "bands": [medians["bands"][b.id].get(d["id"]) for b in SIZE_BANDS]}
                     for d in [*shown_domains, {"id": OVERALL, "title": "Overall score"}]],
        },
    }


class _Tally:
    """What the dashboard counts over a batch, gathered one entry at a time."""

    def __init__(self, large: bool, medians: _Medians | None, seven_day: _SevenDay | None) -> None:
        self.medians, self.seven_day = medians, seven_day
        self.criteria = _CriteriaTally() if large else None
        self.readiness = _ReadinessTally()
        self.domains: set[str] = set()
        self.editions: set[tuple[str, str]] = set()
        self.ratings: Counter[str] = Counter()
        self.stages: Counter[str] = Counter()
        self.illustrative = self.population = 0

    def add(self, entry: dict[str, Any]) -> None:
        a = entry["assessment"]
        self.domains.update(d["domain"] for d in a["domains"])
        self.editions.add((a["edition"], a["edition_title"]))
        self.ratings[a["rating"]] += 1
        self.stages[a["stage"]] += 1
        self.illustrative += bool(a["submission"]["illustrative"])
        self.population += a["submission"]["population"]
        self.readiness.add(a)
        for part in (self.medians, self.criteria):
            if part is not None:
                part.add(a)
        if self.seven_day is not None:
            self.seven_day.add(entry)


def _in_league_order(entries: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    by_stem = {e["stem"]: e for e in entries}
    return [by_stem[r["stem"]] for r in rows]

"""What a batch says as a whole, from plain data only: peer medians for each gap report, the league
table, the distributions, the criteria heatmap and the national checks for the dashboard.

Input is the batch's entries as phase 1 produced them, each a dict with
`file`, `stem` (the output file name), `assessment` (`Assessment.to_dict()`) and `facts`
(the few submitted values the national checks need, read by the scorer's process).
Nothing here touches the engine, the catalogue or the file system.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

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


def _group_medians(entries: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per domain (and overall): the median score and how many footprints it is taken over."""
    collected: dict[str, list[float]] = {}
    for entry in entries:
        for domain, score in _scores(entry["assessment"]).items():
            if score is not None:
                collected.setdefault(domain, []).append(score)
    return {domain: {"median": median(values), "n": len(values)} for domain, values in collected.items()}


def peer_medians(entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Median scores across the whole batch and within each size band."""
    by_band = {band.id: [e for e in entries if band.holds(e["assessment"]["submission"]["population"])]
               for band in SIZE_BANDS}
    return {
        "batch": _group_medians(entries),
        "bands": {band_id: _group_medians(members) for band_id, members in by_band.items()},
        "band_sizes": {band_id: len(members) for band_id, members in by_band.items()},
        "size": len(entries),
        "editions": sorted({e["assessment"]["edition"] for e in entries}),
    }


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
    rank_of = {name: i for i, name in enumerate(ratings)}
    stage_of = {name: i for i, name in enumerate(stages)}
    ordered = sorted(entries, key=lambda e: (-e["assessment"]["score"], e["assessment"]["submission"]["code"],
                                             e["file"]))
    rows: list[dict[str, Any]] = []
    for position, entry in enumerate(ordered, 1):
        a, s = entry["assessment"], entry["assessment"]["submission"]
        scores = _scores(a)
        rank = rows[-1]["rank"] if rows and rows[-1]["score"] == a["score"] else position
        rows.append({
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
        })
    return rows


def _distribution(values: Sequence[str], order: Sequence[str]) -> list[dict[str, Any]]:
    total = len(values) or 1
    known = [*order, *sorted(set(values) - set(order))]
    return [{"name": name, "count": values.count(name), "share": round(100 * values.count(name) / total, 1)}
            for name in known]


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
    domain_index = {d["id"]: i for i, d in enumerate(domains)}
    meta: dict[str, dict[str, Any]] = {}
    counts: dict[str, dict[str, int]] = {}
    total = 0
    for entry in entries:
        total += 1
        for c in entry["assessment"]["criteria"]:
            if c["id"] not in meta:
                meta[c["id"]] = {"id": c["id"], "title": c["title"], "domain": c["domain"], "severity": c["severity"]}
                counts[c["id"]] = dict.fromkeys(STATUS_ORDER, 0)
            counts[c["id"]][c["status"]] += 1
    groups: list[dict[str, Any]] = []
    for rid in sorted(meta, key=lambda r: (domain_index.get(meta[r]["domain"], len(domain_index)), r)):
        tally = counts[rid]
        assessed = tally["met"] + tally["not_met"]
        line = {**meta[rid], **tally, "not_in_edition": total - sum(tally.values()), "assessed": assessed,
                "not_met_share": round(100 * tally["not_met"] / assessed, 1) if assessed else None}
        if not groups or groups[-1]["domain"] != line["domain"]:
            title = domains[domain_index[line["domain"]]]["title"] if line["domain"] in domain_index else line["domain"]
            groups.append({"domain": line["domain"], "title": title, "rows": []})
        groups[-1]["rows"].append(line)
    return groups


def seven_day_check(entries: Sequence[dict[str, Any]], *, rows_wanted: bool = True) -> dict[str, Any]:
    """Population covered by the four priority seven-day hospital standards, weighted by population,
    against the trajectory in force on each submission's date (no trajectory yet counts as 0%).
    `rows_wanted=False` leaves out the row per footprint and counts the verdicts instead."""
    total = sum(e["assessment"]["submission"]["population"] for e in entries)
    rows, covered, expected, reporting = [], 0.0, 0.0, 0
    verdicts = dict.fromkeys(("on_track", "below", "not_reported"), 0)
    for entry in sorted(entries, key=lambda e: (e["assessment"]["submission"]["code"], e["file"])):
        s, facts = entry["assessment"]["submission"], entry["facts"]
        coverage, target = facts.get("seven_day_coverage_pct"), facts.get("seven_day_trajectory_pct")
        expected += s["population"] * (target or 0.0) / 100
        if coverage is not None:
            covered += s["population"] * coverage / 100
            reporting += s["population"]
        if coverage is None:
            verdict = "not_reported"
        else:
            verdict = "on_track" if coverage >= (target or 0.0) else "below"
        verdicts[verdict] += 1
        if not rows_wanted:
            continue
        rows.append({"code": s["code"], "name": s["name"], "stem": entry["stem"], "population": s["population"],
                     "submitted_on": s["submitted_on"], "coverage": coverage, "trajectory": target,
                     "verdict": verdict})

    def share(part: float) -> float | None:
        return round(100 * part / total, 1) if total else None

    covered_share, expected_share = share(covered), share(expected)
    return {
        "covered_share": covered_share, "expected_share": expected_share,
        "covered_population": round(covered), "total_population": total,
        "unreported_share": share(total - reporting), "unreported_population": total - reporting,
        "on_track": None if covered_share is None or expected_share is None else covered_share >= expected_share,
        "rows": rows, "verdicts": verdicts,
    }


def readiness_label(assessment: dict[str, Any]) -> str:
    """The readiness verdict in its edition's words: 'ready' is an ACS candidate in 2017 and ready
    to become an ICS in 2019-21, and a 2016 plan has no verdict at all."""
    meaning = assessment.get("readiness") or {}
    level = assessment["ics_readiness"]
    return str(meaning.get("label") or _GENERIC_READINESS.get(level, level))


_GENERIC_READINESS = {"ready": "Ready", "aspirant": "Aspirant", "not_yet": "Not yet ready",
                      "not_applicable": "Not assessed in this period"}


def readiness_check(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many footprints, and what share of the batch's population, stand at each readiness
    verdict. Each edition names its own (a batch may mix a 2017 and a 2019 return), so a row is a
    level in one edition's words; every level of the editions present is shown, empty or not."""
    total = sum(e["assessment"]["submission"]["population"] for e in entries) or 1
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in entries:
        a = e["assessment"]
        groups.setdefault((a["ics_readiness"], readiness_label(a)), []).append(e)
    for level in READINESS_LEVELS:  # the generic levels stay visible when nobody stands at them
        if not any(key[0] == level for key in groups):
            groups[(level, _GENERIC_READINESS[level])] = []
    rank = {level: i for i, level in enumerate(READINESS_LEVELS)}
    out = []
    for (level, label), members in sorted(groups.items(), key=lambda kv: (rank.get(kv[0][0], 99), kv[0][1])):
        population = sum(e["assessment"]["submission"]["population"] for e in members)
        out.append({"level": level, "label": label, "footprints": len(members), "population": population,
                    "share": round(100 * population / total, 1)})
    return out


def dashboard(entries: Sequence[dict[str, Any]], errors: Sequence[dict[str, Any]], *,
              domains: Sequence[dict[str, str]], ratings: Sequence[str], stages: Sequence[str],
              catalogue_version: str) -> dict[str, Any]:
    """Everything the batch dashboard shows, as plain data."""
    rows = league(entries, domains, ratings, stages)
    by_stem = {e["stem"]: e for e in entries}
    used = {d["domain"] for e in entries for d in e["assessment"]["domains"]}
    shown_domains = [d for d in domains if d["id"] in used]
    medians = peer_medians(entries)
    assessments = [e["assessment"] for e in entries]
    large = len(entries) > LARGE_BATCH
    return {
        "large": large,
        "league_shown": rows[:LEAGUE_SHOWN] if large else rows,
        "errors_shown": list(errors[:ERRORS_SHOWN]) if large else list(errors),
        "criteria": criteria_summary(entries, domains) if large else None,
        "count": len(entries),
        "files_failed": sorted({e["file"] for e in errors}),
        "errors": list(errors),
        "illustrative": sum(1 for a in assessments if a["submission"]["illustrative"]),
        "catalogue_version": catalogue_version,
        "editions": sorted({(a["edition"], a["edition_title"]) for a in assessments}),
        "population": sum(a["submission"]["population"] for a in assessments),
        "domains": shown_domains,
        "league": rows,
        "ratings": _distribution([a["rating"] for a in assessments], list(reversed(ratings))),
        "stages": _distribution([a["stage"] for a in assessments], list(reversed(stages))),
        "readiness": readiness_check(entries),
        "seven_day": seven_day_check(entries, rows_wanted=not large),
        "heatmap": None if large else heatmap([by_stem[r["stem"]] for r in rows], domains),
        "medians": {
            "bands": [{"id": b.id, "label": b.label, "size": medians["band_sizes"][b.id]} for b in SIZE_BANDS],
            "rows": [{"id": d["id"], "name": d["title"], "batch": medians["batch"].get(d["id"]),
                      "bands": [medians["bands"][b.id].get(d["id"]) for b in SIZE_BANDS]}
                     for d in [*shown_domains, {"id": OVERALL, "title": "Overall score"}]],
        },
    }

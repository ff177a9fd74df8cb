"""The reviewer's workflow inside a batch: moderation of each submission (`--decisions`) and the
change since each footprint's previous submission (`--previous OLD_RESULTS`).

The batch calls in at three points: `moderate_in_worker` after scoring each file, `compare` once
every file is scored (it adds `since_previous` to each assessment on disk and returns the context
of each gap report), and `league_extras` / `dashboard_block` for the tables and the dashboard.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from ..errors import InputError
from .diff import diff_assessments
from .moderation import DecisionSet, load_decisions, moderate

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..engine.results import Assessment

MAX_PREVIOUS_BYTES = 512 * 1024 * 1024
CHANGE_COLUMNS = (
    ("engine_score", "Engine score"), ("engine_rating", "Engine rating"), ("overrides", "Reviewer overrides"),
    ("stale_decisions", "Stale decisions"), ("previous_submitted_on", "Previous submission"),
    ("previous_rating", "Previous rating"), ("previous_score", "Previous score"),
    ("score_change", "Score change"), ("rating_change", "Rating change"), ("newly_met", "Newly met"),
    ("newly_unmet", "Newly not met"), ("change_note", "Change note"),
)


@dataclass
class ReviewInputs:
    """What a batch was given for review: decisions, previous results, and warnings for every output."""

    decisions: DecisionSet | None = None
    previous: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous_file: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Whether the batch was given anything to review with."""
        return self.decisions is not None or self.previous_file is not None


def load_previous(path: str | Path, catalogue: "Catalogue") -> tuple[dict[str, dict[str, Any]], list[str]]:
    """A previous batch's results.json, by footprint code (the latest submission of each code),
    and the warnings it calls for (another catalogue version, repeated codes)."""
    file = str(path)
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise InputError(file, f"cannot read the previous results: {exc.strerror or exc}") from None
    if size > MAX_PREVIOUS_BYTES:
        raise InputError(file, f"previous results larger than {MAX_PREVIOUS_BYTES // (1024 * 1024)} MiB")
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(file, f"not a batch's results.json: {exc}") from None
    if not isinstance(data, list) or not all(
            isinstance(a, dict) and isinstance(a.get("submission"), dict) and "code" in a["submission"]
            and "criteria" in a for a in data):
        raise InputError(file, "not a batch's results.json: expected a list of assessments, each with "
                               "`submission.code` and `criteria`")
    by_code: dict[str, dict[str, Any]] = {}
    repeated: set[str] = set()
    for a in data:
        code = a["submission"]["code"]
        if code in by_code:
            repeated.add(code)
            if a["submission"].get("submitted_on", "") <= by_code[code]["submission"].get("submitted_on", ""):
                continue
        by_code[code] = a
    warnings = []
    versions = sorted({a.get("catalogue_version", "?") for a in data})
    if versions != [catalogue.version]:
        warnings.append(f"the previous results ({Path(file).name}) were assessed with catalogue "
                        f"{', '.join(versions)}, this batch with {catalogue.version}: part of each change "
                        "may come from the rules, not the submissions")
    if repeated:
        warnings.append(f"the previous results hold more than one submission of {', '.join(sorted(repeated))}; "
                        "the latest of each is compared")
    return by_code, warnings


def prepare(catalogue: "Catalogue", decisions: str | Path | DecisionSet | None,
            previous: str | Path | None) -> ReviewInputs:
    """Load and check the decisions file and the previous results before anything is scored."""
    inputs = ReviewInputs()
    if decisions is not None:
        inputs.decisions = decisions if isinstance(decisions, DecisionSet) else load_decisions(decisions, catalogue)
    if previous is not None:
        inputs.previous, inputs.warnings = load_previous(previous, catalogue)
        inputs.previous_file = Path(previous).name
    return inputs


_WORKER_DECISIONS: dict[tuple[str, str], DecisionSet] = {}


def _decisions_in_worker(path: str, sha256: str, catalogue: "Catalogue") -> DecisionSet:
    """The decisions file, loaded once per worker process and checked to be the one the batch read."""
    loaded = _WORKER_DECISIONS.get((path, sha256))
    if loaded is None:
        loaded = load_decisions(path, catalogue)
        if loaded.sha256 != sha256:
            raise InputError(path, "the decisions file changed while the batch ran; run it again")
        _WORKER_DECISIONS.clear()
        _WORKER_DECISIONS[(path, sha256)] = loaded
    return loaded


def decisions_token(decisions: DecisionSet | None) -> tuple[str, str] | None:
    """What a scoring task carries: the file and its checksum (each worker loads it once)."""
    return None if decisions is None else (decisions.file, decisions.sha256)


def moderate_in_worker(assessment: "Assessment", token: tuple[str, str] | DecisionSet | None,
                       catalogue: "Catalogue", label: str) -> tuple["Assessment", list[dict[str, Any]]]:
    """The moderated assessment and error rows for decisions refused for this submission (the
    other decisions still apply)."""
    if token is None:
        return assessment, []
    decisions = token if isinstance(token, DecisionSet) else _decisions_in_worker(token[0], token[1], catalogue)
    moderated = moderate(assessment, decisions, catalogue, strict=False)
    problems = getattr(moderated, "moderation", {}).get("problems", [])
    rows = [{"file": Path(decisions.file).name, "line": p["line"], "field": p["field"],
             "message": f"{p['message']} (decision not applied; {label} was assessed without it)"} for p in problems]
    return moderated, rows


def unknown_codes(inputs: ReviewInputs, codes: Sequence[str]) -> list[dict[str, Any]]:
    """Error rows for decisions on codes that are not in the batch (reported, not fatal)."""
    if inputs.decisions is None:
        return []
    present = set(codes)
    rows = []
    for decision, line in zip(inputs.decisions.decisions, inputs.decisions.lines):
        if decision.submission not in present:
            rows.append({"file": Path(inputs.decisions.file).name, "line": line, "field": "submission",
                         "message": f"a decision for '{decision.submission}' ({decision.criterion}), which is "
                                    "not a submission assessed in this batch; not applied"})
    return rows


def compare(entries: Iterable[dict[str, Any]], inputs: ReviewInputs,
            ratings: list[str]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """For each entry with a previous submission, the entry and its diff (for its gap report),
    one at a time; the diff's summary is recorded as `since_previous` in the assessment on disk
    and in the entry's slim summary (the caller keeps the entry and the diff as it needs)."""
    if inputs.previous_file is None:
        return
    for entry in entries:
        code = entry["assessment"]["submission"]["code"]
        old = inputs.previous.get(code)
        if old is None:
            continue
        with open(entry["spool"], encoding="utf-8") as handle:
            data = json.load(handle)
        change = diff_assessments(old, data, old_file=inputs.previous_file, new_file=entry["file"],
                                  ratings=ratings)
        change["warnings"] = [*inputs.warnings, *change["warnings"]]
        summary = since_summary(change)
        data["since_previous"] = summary
        with open(entry["spool"], "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False))
        entry["assessment"]["since_previous"] = summary
        yield entry, change


def since_summary(change: dict[str, Any]) -> dict[str, Any]:
    """What results.json keeps of a change: before and after, deltas, criteria, warnings."""
    o = change["old"]
    return {
        "previous_file": o["file"], "previous_submitted_on": o["submitted_on"], "previous_edition": o["edition"],
        "previous_catalogue_version": o["catalogue_version"], "previous_score": o["score"],
        "previous_rating": o["rating"], "previous_stage": o["stage"],
        "previous_ics_readiness": o["ics_readiness"], "score_change": change["score_delta"],
        "direction": change["direction"],
        "newly_met": [c["id"] for c in change["criteria"]["newly_met"]],
        "newly_unmet": [c["id"] for c in change["criteria"]["newly_unmet"]],
        "not_in_both_editions": change["criteria"]["only_old"] + change["criteria"]["only_new"],
        "domain_changes": {d["domain"]: d["delta"] for d in change["domains"] if d["delta"]},
        "warnings": change["warnings"],
    }


def league_extras(rows: Any, inputs: ReviewInputs) -> list[tuple[str, str]]:
    """The moderation and change columns to append to the league, each row's values added as the
    row is made (`rows`: an assess.batch.spooled.LeagueRows); none when the batch has no review."""
    if not inputs.active:
        return []
    rows.marks.append(lambda row, entry: _add_extras(row, entry["assessment"], inputs))
    return list(CHANGE_COLUMNS)


def _add_extras(row: dict[str, Any], a: dict[str, Any], inputs: ReviewInputs) -> None:
    engine = a.get("engine") or a
    moderation = a.get("moderation") or {}
    since = a.get("since_previous")
    row["decisions"] = moderation.get("decisions", [])
    row.update({"engine_score": engine["score"], "engine_rating": engine["rating"],
                "overrides": moderation.get("overrides", 0), "stale_decisions": moderation.get("stale", 0)})
    if since:
        row.update({
            "previous_submitted_on": since["previous_submitted_on"], "previous_rating": since["previous_rating"],
            "previous_score": since["previous_score"], "score_change": since["score_change"],
            "rating_change": f"{since['previous_rating']} -> {a['rating']}"
            if since["previous_rating"] != a["rating"] else "unchanged",
            "newly_met": ", ".join(since["newly_met"]), "newly_unmet": ", ".join(since["newly_unmet"]),
        })
    elif inputs.previous_file is not None:
        row["change_note"] = f"no previous submission in {inputs.previous_file}"
    if inputs.warnings:
        row["change_note"] = "; ".join(filter(None, [row.get("change_note"), *inputs.warnings]))


CHANGE_SHEET = (("code", "Code"), ("name", "Name"), ("previous_submitted_on", "Previous submission"),
                ("submitted_on", "This submission"), ("previous_rating", "Previous rating"), ("rating", "Rating"),
                ("previous_score", "Previous score"), ("score", "Overall score"), ("score_change", "Score change"),
                ("newly_met", "Newly met"), ("newly_unmet", "Newly not met"), ("change_note", "Change note"))
DECISION_SHEET = (("submission", "Code"), ("criterion", "Criterion"), ("title", "Title"),
                  ("engine_status", "Engine"), ("decision", "Reviewer"), ("state", "State"),
                  ("justification", "Justification"), ("reviewer", "Reviewed by"), ("date", "Date"),
                  ("evidence", "Evidence"), ("current_fingerprint", "Fingerprint"))


_DATES = {"previous_submitted_on", "submitted_on", "date"}  # the sheets' date columns


def _day(value: Any) -> Any:
    """An ISO date as a date (the workbook writes it as a date cell); anything else as it is."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def league_sheets(rows: Sequence[dict[str, Any]], inputs: ReviewInputs) -> list[tuple[str, Any]]:
    """Extra sheets of league.xlsx: "Change" (one row per footprint, against the previous results)
    and "Moderation" (one row per decision), each only when the batch was given them (pandas is
    imported only then)."""
    sheets: list[tuple[str, Any]] = []
    if not inputs.active:
        return sheets
    import pandas as pd

    if inputs.previous_file is not None:
        frame = pd.DataFrame([{k: _day(r.get(k)) if k in _DATES else r.get(k) for k, _ in CHANGE_SHEET} for r in rows],
                             columns=[k for k, _ in CHANGE_SHEET])
        sheets.append(("Change", frame.rename(columns=dict(CHANGE_SHEET))))
    if inputs.decisions is not None:
        decisions = [d for r in rows for d in r.get("decisions", [])]
        words = {"not_met": "not met", "not_applicable": "not applicable"}  # statuses as a reviewer reads them
        frame = pd.DataFrame([{k: words.get(d.get(k), d.get(k)) if k in ("engine_status", "decision")
                               else _day(d.get(k)) if k in _DATES else d.get(k)
                               for k, _ in DECISION_SHEET} for d in decisions],
                             columns=[k for k, _ in DECISION_SHEET])
        sheets.append(("Moderation", frame.rename(columns=dict(DECISION_SHEET))))
    return sheets


def dashboard_block(entries: Sequence[dict[str, Any]], inputs: ReviewInputs,
                    errors: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Who improved and who declined since the previous results, and the moderation tally."""
    if not inputs.active:
        return None
    moved = []
    moderated = []
    for e in entries:
        a = e["assessment"]
        since = a.get("since_previous")
        if since:
            moved.append({"code": a["submission"]["code"], "name": a["submission"]["name"], "stem": e["stem"],
                          "old_rating": since["previous_rating"], "new_rating": a["rating"],
                          "old_score": since["previous_score"], "new_score": a["score"],
                          "change": since["score_change"], "direction": since["direction"],
                          "newly_met": len(since["newly_met"]), "newly_unmet": len(since["newly_unmet"])})
        m = a.get("moderation")
        if m:
            moderated.append({"code": a["submission"]["code"], "name": a["submission"]["name"], "stem": e["stem"],
                              "overrides": m["overrides"], "stale": m["stale"], "redundant": m["redundant"],
                              "engine_score": a["engine"]["score"], "score": a["score"],
                              "engine_rating": a["engine"]["rating"], "rating": a["rating"]})
    key = lambda r: (-abs(r["change"]), r["code"])  # noqa: E731
    return {
        "previous_file": inputs.previous_file,
        "decisions_file": None if inputs.decisions is None else Path(inputs.decisions.file).name,
        "warnings": inputs.warnings,
        "improved": sorted((r for r in moved if r["direction"] > 0), key=key),
        "declined": sorted((r for r in moved if r["direction"] < 0), key=key),
        "unchanged": sorted((r for r in moved if r["direction"] == 0), key=lambda r: r["code"]),
        "new": sorted(e["assessment"]["submission"]["code"] for e in entries
                      if "since_previous" not in e["assessment"]) if inputs.previous_file else [],
        "moderated": moderated,
        "decision_problems": [e for e in errors if inputs.decisions is not None
                              and e["file"] == Path(inputs.decisions.file).name],
    }

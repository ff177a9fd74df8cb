"""What changed between two submissions of one footprint: the verdict, domains, criteria (with
the values that moved), evidence, fields and the path to ICS.

Works on plain assessment data (`Assessment.to_dict()`, as in a batch's results.json), and, when
the submissions themselves are at hand (`assess diff OLD NEW`), also on their values: criteria
then show the values their rules read before and after, and every changed field is listed.
Two editions are compared on the criteria they share; the others are listed as not comparable,
never counted as change.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common import labels
from ..errors import AssessError
from .moderation import read_values

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..input.submission import Submission

MAX_FIELDS = 300
VERDICT_KEYS = ("score", "rating", "stage", "ics_readiness")
RATING_ORDER_KEY = "ratings"


class DiffError(AssessError):
    """Two files that should not be compared (different footprints, without --force)."""

    exit_code = 3


def _side(a: dict[str, Any], file: str | None) -> dict[str, Any]:
    s = a["submission"]
    return {"file": file, "code": s["code"], "name": s["name"], "submitted_on": s["submitted_on"],
            "edition": a["edition"], "edition_title": a["edition_title"],
            "catalogue_version": a["catalogue_version"], "score": a["score"], "rating": a["rating"],
            "stage": a["stage"], "ics_readiness": a["ics_readiness"],
            "unmet_blocking": list(a["unmet_blocking"]), "input_sha256": a.get("input_sha256"),
            "moderated": "moderation" in a, "illustrative": bool(s.get("illustrative")),
            **_readiness_words(a)}


def _readiness_words(a: dict[str, Any]) -> dict[str, Any]:
    """Each side's readiness verdict as its gap report names it: for its edition's period (an ACS
    candidacy in 2017, ICS readiness in 2019, none in 2016), by its label, and the path ahead of it."""
    from ..render.report import readiness_label

    value = a["ics_readiness"]
    assessed = value != "not_applicable"
    verdict: str | None = (a.get("readiness") or {}).get("verdict") or ("ICS readiness" if assessed else None)
    label = readiness_label(a)
    heading: str | None
    if not assessed:
        heading, done = "the top rating (this edition gives no readiness verdict)", "already at the top rating"
    else:
        heading = verdict
        done = (f"none needed ({label})" if value == "ready" else
                "no single criterion left to close would change the verdict")
    return {"readiness_verdict": verdict, "readiness_label": label, "path_heading": heading, "path_done": done,
            "path_steps": [f"{step['id']} {step['title']}" for step in a["path_to_ics"]]}


@cache
def _specs() -> dict[str, Any]:
    from ..input.fields import fields_of

    return fields_of()


def _records(value: Any) -> int | None:
    if isinstance(value, dict) and "items" in value and "records" in value:
        return int(value["items"])
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return len(value)
    return None


def value_words(path: str, value: Any) -> str:
    """A field's value as a reviewer reads it: dates as dates, enum values by their labels, Yes/No,
    lists of records by their number."""
    count = _records(value)
    if count is not None:
        return f"{count} {'item' if count == 1 else 'items'}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    spec = _specs().get(path)
    kind = "" if spec is None else (spec.item_kind if spec.kind == "list" else spec.kind) or ""
    return labels.plain(value, "date" if kind == "date" else "", enum=kind == "enum")


def _change(path: str, before: Any, after: Any, title: str | None = None) -> dict[str, Any]:
    """One changed value: the path and raw values (for JSON) and the same in words (for reports)."""
    spec = _specs().get(path)
    same_count = _records(before) is not None and _records(before) == _records(after)
    return {"path": path, "old": _short(before),
            "new": f"{_records(after)} items (changed)" if same_count else _short(after),
            "label": title or labels.field_label(path, spec.title if spec else None),
            "old_text": value_words(path, before),
            "new_text": value_words(path, after) + (" (changed)" if same_count else "")}


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        out[prefix] = {"items": len(value), "records": value}
    else:
        out[prefix] = value


def _short(value: Any) -> Any:
    """A value as a diff shows it: lists of records as their number of items."""
    if isinstance(value, dict) and "items" in value and "records" in value:
        return f"{value['items']} items"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"{len(value)} items"
    return value


def field_changes(old: "Submission", new: "Submission") -> list[dict[str, Any]]:
    """Every field whose value differs (lists of records compared whole; evidence left to
    `evidence_changes`), in path order."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    _flatten(old.model_dump(mode="json", exclude={"evidence"}), "", a)
    _flatten(new.model_dump(mode="json", exclude={"evidence"}), "", b)
    return [_change(path, a.get(path), b.get(path)) for path in sorted(set(a) | set(b)) if a.get(path) != b.get(path)]


def evidence_changes(old: "Submission", new: "Submission") -> dict[str, list[dict[str, Any]]]:
    """Evidence by reference: added, dropped, delivered since, and otherwise moved on."""
    before = {e.ref: e for e in old.evidence}
    after = {e.ref: e for e in new.evidence}

    def row(e: Any, previous: Any = None) -> dict[str, Any]:
        return {"ref": e.ref, "title": e.title, "area": e.area, "status": e.status,
                "old_status": previous.status if previous is not None else None,
                "delivered_on": e.delivered_on.isoformat() if e.delivered_on else None}

    delivered: list[dict[str, Any]] = []
    progressed: list[dict[str, Any]] = []
    for ref in sorted(set(before) & set(after)):
        if before[ref].status != after[ref].status:
            (delivered if after[ref].status == "delivered" else progressed).append(row(after[ref], before[ref]))
    return {
        "added": [row(after[r]) for r in sorted(set(after) - set(before))],
        "delivered": delivered,
        "progressed": progressed,
        "dropped": [row(before[r]) for r in sorted(set(before) - set(after))],
    }


def _criterion_changes(old: dict[str, Any], new: dict[str, Any], *, catalogue: "Catalogue | None",
                       subs: tuple["Submission", "Submission"] | None) -> dict[str, Any]:
    before = {c["id"]: c for c in old["criteria"]}
    after = {c["id"]: c for c in new["criteria"]}
    newly_met, newly_unmet, other = [], [], []
    for rid in sorted(set(before) & set(after)):
        b, a = before[rid], after[rid]
        if b["status"] == a["status"]:
            continue
        entry = {"id": rid, "title": a["title"], "domain": a["domain"], "severity": a["severity"],
                 "old": b["status"], "new": a["status"], "values": _values(rid, b, a, catalogue, subs)}
        if a["status"] == "met":
            newly_met.append(entry)
        elif a["status"] == "not_met":
            newly_unmet.append(entry)
        else:
            other.append(entry)
    return {"newly_met": newly_met, "newly_unmet": newly_unmet, "other": other,
            "only_old": sorted(set(before) - set(after)), "only_new": sorted(set(after) - set(before)),
            "compared": len(set(before) & set(after))}


def _values(rid: str, before: dict[str, Any], after: dict[str, Any], catalogue: "Catalogue | None",
            subs: tuple["Submission", "Submission"] | None) -> list[dict[str, Any]]:
    """The values the criterion reads that changed; from the submissions when given, otherwise
    from the failing clauses the assessments recorded."""
    if subs is not None and catalogue is not None and rid in catalogue.rules:
        rule = catalogue.rules[rid]
        a, b = read_values(rule, subs[0], catalogue), read_values(rule, subs[1], catalogue)
        return [_change(p, a.get(p), b.get(p)) for p in sorted(set(a) | set(b)) if a.get(p) != b.get(p)]
    old_fail = {f["path"]: f.get("submitted") for f in before.get("explanation", [])}
    new_fail = {f["path"]: f.get("submitted") for f in after.get("explanation", [])}
    titles = {f["path"]: f.get("title") for f in [*before.get("explanation", []), *after.get("explanation", [])]}
    return [_change(p, old_fail.get(p), new_fail.get(p), titles.get(p))
            for p in sorted(set(old_fail) | set(new_fail)) if old_fail.get(p) != new_fail.get(p)]


def diff_assessments(old: dict[str, Any], new: dict[str, Any], *, catalogue: "Catalogue | None" = None,
                     old_submission: "Submission | None" = None, new_submission: "Submission | None" = None,
                     old_file: str | None = None, new_file: str | None = None,
                     force: bool = False, ratings: list[str] | None = None) -> dict[str, Any]:
    """The change from `old` to `new` (two `Assessment.to_dict()` records) as plain data.

    Raises DiffError when the footprint codes differ, unless `force`.
    """
    o, n = _side(old, old_file), _side(new, new_file)
    same = o["code"] == n["code"]
    if not same and not force:
        raise DiffError(f"{old_file or 'OLD'} is footprint {o['code']} and {new_file or 'NEW'} is {n['code']}: "
                        "refusing to compare two different footprints (use --force to compare anyway)")
    warnings = []
    if not same:
        warnings.append(f"different footprints compared (forced): {o['code']} and {n['code']}")
    if o["catalogue_version"] != n["catalogue_version"]:
        warnings.append(f"assessed with different catalogue versions ({o['catalogue_version']} and "
                        f"{n['catalogue_version']}): part of the change may come from the rules, not the "
                        "submission")
    if o["edition"] != n["edition"]:
        warnings.append(f"different editions ({o['edition']} and {n['edition']}): criteria are compared "
                        "only where both editions hold them")
    subs = (old_submission, new_submission) if old_submission is not None and new_submission is not None else None
    identical = (o["input_sha256"] is not None and o["input_sha256"] == n["input_sha256"]) or (
        subs is not None and subs[0] == subs[1])
    identical = identical and o["edition"] == n["edition"] and o["catalogue_version"] == n["catalogue_version"]
    rank = {name: i for i, name in enumerate(ratings or [])}
    direction = 0
    if o["rating"] in rank and n["rating"] in rank and rank[o["rating"]] != rank[n["rating"]]:
        direction = 1 if rank[n["rating"]] > rank[o["rating"]] else -1
    elif n["score"] != o["score"]:
        direction = 1 if n["score"] > o["score"] else -1
    old_domains = {d["domain"]: d for d in old["domains"]}
    new_domains = {d["domain"]: d for d in new["domains"]}
    domains = []
    for key in [*old_domains, *(k for k in new_domains if k not in old_domains)]:
        b, a = old_domains.get(key), new_domains.get(key)
        bs, as_ = (b or {}).get("score"), (a or {}).get("score")
        domains.append({"domain": key, "name": (a or b or {}).get("name", key), "old": bs, "new": as_,
                        "delta": None if bs is None or as_ is None else round(as_ - bs, 1),
                        "old_stage": (b or {}).get("stage"), "new_stage": (a or {}).get("stage")})
    criteria = _criterion_changes(old, new, catalogue=catalogue, subs=subs)
    fields = field_changes(*subs) if subs else None
    return {
        "old": o, "new": n, "same_footprint": same, "identical": identical, "warnings": warnings,
        "score_delta": round(n["score"] - o["score"], 1), "direction": direction,
        "domains": domains, "criteria": criteria,
        "evidence": evidence_changes(*subs) if subs else None,
        "fields": None if fields is None else fields[:MAX_FIELDS],
        "fields_more": 0 if fields is None else max(0, len(fields) - MAX_FIELDS),
        "path_to_ics": {"old": [s["id"] for s in old["path_to_ics"]], "new": [s["id"] for s in new["path_to_ics"]]},
        "changed": not identical and (bool(criteria["newly_met"] or criteria["newly_unmet"] or criteria["other"])
                                      or any(o[k] != n[k] for k in VERDICT_KEYS) or bool(fields)
                                      or bool(subs and any(evidence_changes(*subs).values()))),
    }


def diff_files(old: str | Path, new: str | Path, catalogue: "Catalogue", *, force: bool = False,
               decisions: Any = None) -> dict[str, Any]:
    """Read, validate and assess two submission files (each against the edition of its own date)
    and compare them. `decisions` (a DecisionSet) moderates both first."""
    from ..engine.assessor import assess_submission
    from ..input.load import read_source, validate
    from .moderation import moderate

    sides = []
    for path in (old, new):
        source = read_source(path)
        submission = validate(source)
        assessment = assess_submission(submission, catalogue, source_sha256=source.sha256, source_file=str(path))
        if decisions is not None:
            assessment = moderate(assessment, decisions, catalogue)
        sides.append((submission, assessment.to_dict()))
    return diff_assessments(sides[0][1], sides[1][1], catalogue=catalogue, old_submission=sides[0][0],
                            new_submission=sides[1][0], old_file=str(old), new_file=str(new), force=force,
                            ratings=[b.name for b in catalogue.scoring.ratings])


def render_diff(data: dict[str, Any], fmt: str = "text") -> str:
    """A diff in text, markdown, html or json."""
    import json

    from ..common.version import __version__
    from ..render.report import environment, markdown_environment

    if fmt == "json":
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    names = {"text": "diff.txt.j2", "markdown": "diff.md.j2", "html": "diff.html.j2"}
    if fmt not in names:
        raise ValueError(f"unknown format {fmt!r} (formats: text, json, markdown, html)")
    env = markdown_environment() if fmt == "markdown" else environment()
    return env.get_template(names[fmt]).render(d=data, version=__version__)

"""A reviewer's decisions: read a decisions file, pin each decision to what it judged, and score
the moderated verdict beside the engine's.

A decisions file (YAML or JSON; or a workbook whose Decisions sheet has these keys as columns,
see decisions_workbook.py) holds a top-level `decisions:` list of records::

    decisions:
      - submission: LINCS            # the footprint code
        criterion: LEAD-01
        decision: met                # met | not_met | not_applicable
        justification: The interim leader was confirmed by the partnership board on 12 July 2017.
        reviewer: A. Reviewer
        date: 2017-08-01
        evidence: Board minutes, item 4   # optional
        fingerprint: 3f2a9c01d4e5b6a7     # optional: pins the decision to the values it judged
        pinned: governance.board_established=5b6a7c8d   # optional: each value's own short hash

The engine's verdict is never changed: a moderated assessment carries both, scores the moderated
one, and records every decision with its state:

- `applied`: it differs from the engine and was applied;
- `unpinned`: applied, but the file gives no fingerprint yet; the output prints the one to add;
- `stale`: the submission's values read by the criterion's rule changed since the decision's
  fingerprint was taken; not applied until a reviewer confirms it by recording the new fingerprint.
  With `pinned` (which `assess fingerprint` writes: a short hash of each value the rule reads),
  the values that changed are named, with what they are now;
- `redundant`: it agrees with the engine, so it changes nothing (reported so the file can be
  tidied).

The fingerprint is a short hash of the submitted values the criterion's rule reads (its fields,
the whole of every list it counts, and the trajectory values it compares with), so a change
anywhere else in the submission leaves the decision standing. Moderation never edits the
submission.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..catalogue.conditions import TRAJECTORY_PREFIX, Count, leaves
from ..engine.results import Assessment, CriterionResult, Status
from ..errors import InputError, did_you_mean
from ..input.messages import explain_problem

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue, Rule
    from ..input.submission import Submission

MAX_BYTES = 2 * 1024 * 1024
MAX_DECISIONS = 5_000
MIN_JUSTIFICATION_CHARS = 20
MIN_JUSTIFICATION_WORDS = 4
PLACEHOLDERS = {"n/a", "na", "tbc", "tbd", "todo", "see above", "as above", "agreed", "ok", "none", "-", "."}
STATES = ("applied", "unpinned", "stale", "redundant")


def _control(ch: str) -> bool:
    """A control character other than newline and tab: never part of a justification."""
    return unicodedata.category(ch) == "Cc" and ch not in "\n\t"


CREDIT = {Status.MET: 1.0, Status.NOT_MET: 0.0, Status.NOT_APPLICABLE: None}


class Decision(BaseModel):
    """One reviewer decision on one criterion of one submission."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    submission: str
    criterion: str
    decision: Literal["met", "not_met", "not_applicable"]
    justification: str
    reviewer: str
    date: dt.date
    evidence: str | None = None
    fingerprint: str | None = None
    pinned: str | None = None  # "path=hash path=hash": each value's own hash when it was pinned

    @field_validator("submission", "criterion", "reviewer", "justification", "evidence")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and any(_control(ch) for ch in value):
            raise ValueError("holds a control character (such as a terminal escape); plain text only")
        return value

    @field_validator("submission", "criterion", "reviewer")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        if len(value) > 200:
            raise ValueError("longer than 200 characters")
        return value

    @field_validator("justification")
    @classmethod
    def _substantive(cls, value: str) -> str:
        words = value.split()
        if value.casefold().strip(" .!") in PLACEHOLDERS or len(value) < MIN_JUSTIFICATION_CHARS \
                or len(words) < MIN_JUSTIFICATION_WORDS:
            raise ValueError(f"not substantive: say why, in at least {MIN_JUSTIFICATION_WORDS} words and "
                             f"{MIN_JUSTIFICATION_CHARS} characters, so that anyone reading the report can "
                             "follow the judgement")
        if len(value) > 4000:
            raise ValueError("longer than 4,000 characters; cite the evidence instead")
        return value

    @field_validator("evidence")
    @classmethod
    def _evidence(cls, value: str | None) -> str | None:
        if value is not None and len(value) > 1000:
            raise ValueError("longer than 1,000 characters")
        return value or None

    @field_validator("fingerprint")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.lower()
        if len(value) != 16 or any(ch not in "0123456789abcdef" for ch in value):
            raise ValueError("a fingerprint is 16 hexadecimal digits, as `assess fingerprint` prints it")
        return value


    @field_validator("pinned")
    @classmethod
    def _pins(cls, value: str | None) -> str | None:
        if value is not None and not _PINS.fullmatch(value.strip()):
            raise ValueError("pinned is a list of field=hash pairs (8 hexadecimal digits each), separated by "
                             "spaces, as `assess fingerprint` prints it")
        return value.strip() if value is not None else None


_PIN = r"[A-Za-z0-9_.]{1,200}=[0-9a-f]{8}"
_PINS = re.compile(rf"{_PIN}(?:\s+{_PIN}){{0,199}}")


@dataclass(frozen=True)
class DecisionSet:
    """A checked decisions file: the decisions in file order, each with the line it starts on."""

    file: str
    sha256: str
    decisions: tuple[Decision, ...]
    lines: tuple[int | str | None, ...]  # a YAML line or a workbook's Sheet!Cell

    def for_code(self, code: str) -> list[tuple[Decision, int | str | None]]:
        """This submission's decisions, each with its line."""
        return [(d, line) for d, line in zip(self.decisions, self.lines) if d.submission == code]

    @property
    def codes(self) -> list[str]:
        """The submission codes the file decides on."""
        return sorted({d.submission for d in self.decisions})

    def where(self, line: int | str | None) -> str:
        """file:line (or file: Sheet!Cell), as messages name a place."""
        if isinstance(line, str):
            return f"{self.file}: {line}"
        return self.file + (f":{line}" if line else "")


Place = int | str | None  # a YAML line, a workbook's Sheet!Cell, or not known (JSON)


def at(place: Place) -> dict[str, Any]:
    """InputError's keywords for a place: line= for a line, cell= for a workbook cell."""
    return {"cell": place} if isinstance(place, str) else {"line": place}


def load_decisions(path: str | Path, catalogue: "Catalogue") -> DecisionSet:
    """Read and check a decisions file (YAML, JSON, or a workbook with a Decisions sheet) against
    the catalogue; every problem is reported at once (file, line or cell, and key), and any
    problem refuses the whole file."""
    file = str(path)
    if Path(file).suffix.lower() == ".xlsx":
        from .decisions_workbook import read_decisions_workbook

        rows = read_decisions_workbook(path)
        return _check(file, rows.sha256, rows.records, catalogue, list(rows.problems),
                      lambda i, key: {"path": key, "cell": rows.cell(i, key)},
                      rows.places)
    from ..input.bounded import read_bounded
    from ..input.load import parse_text

    raw, text = read_bounded(path, MAX_BYTES, "split the decisions file by submission")
    is_json = Path(file).suffix.lower() == ".json"
    # the submissions' reader: aliases capped, duplicate keys refused with both lines, no tags
    source = parse_text(text, file, "json" if is_json else "yaml", what="decisions file")
    data, lines = source.data, source.lines
    if not isinstance(data, dict) or set(data) != {"decisions"} or not isinstance(data["decisions"], list):
        raise InputError(file, "a decisions file holds one top-level key, `decisions:`, with a list of records")
    records = data["decisions"]
    places: list[Place] = [None if lines is None else lines.line_of(data, ("decisions", i))
                           for i in range(len(records))]

    def locate(index: int, key: str | None) -> dict[str, Any]:
        where = f"decisions[{index}]"
        if lines is None:
            return {"path": f"{where}.{key}" if key else where}
        line = lines.line_of(data, ("decisions", index) + ((key,) if key else ()))
        return {"path": f"{where}.{key}" if key else where, "line": line}

    return _check(file, hashlib.sha256(raw).hexdigest(), records, catalogue, [], locate, places)


def _check(file: str, sha256: str, records: list[Any], catalogue: "Catalogue", problems: list[InputError],
           locate: Any, places: Sequence[Place]) -> DecisionSet:
    """The records as a DecisionSet, or InputError with every problem; `locate(index, key)` gives
    InputError's keywords for a record's key (or the record itself when key is None)."""
    if len(records) > MAX_DECISIONS:
        raise InputError(file, f"{len(records):,} decisions; at most {MAX_DECISIONS:,} in one file")
    decisions: list[Decision] = []
    kept: list[Place] = []
    first: dict[tuple[str, str], Place] = {}
    for index, (record, place) in enumerate(zip(records, places)):
        if not isinstance(record, dict):
            problems.append(InputError(file, "each decision is a mapping of keys", **locate(index, None)))
            continue
        if isinstance(record.get("fingerprint"), int) and not isinstance(record["fingerprint"], bool):
            record = {**record, "fingerprint": str(record["fingerprint"])}  # 16 digits read as a number
        try:
            decision = Decision.model_validate(record)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = ".".join(str(p) for p in err["loc"])
                message = explain_problem(err)  # plain words, never the validation library's
                if err["type"] == "extra_forbidden":
                    message = f"unknown key '{loc}'.{did_you_mean(loc, Decision.model_fields)}"
                elif err["type"] == "missing":
                    message = "required" + (" (say why the engine's verdict is overruled)"
                                            if loc == "justification" else "")
                problems.append(InputError(file, message, **locate(index, loc)))
            continue
        if decision.criterion not in catalogue.rules:
            problems.append(InputError(file, f"unknown criterion '{decision.criterion}'."
                                       f"{did_you_mean(decision.criterion, catalogue.rules)}",
                                       **locate(index, "criterion")))
            continue
        key = (decision.submission, decision.criterion)
        if key in first:
            earlier = first[key]
            said = f" (the first is at {'line ' if isinstance(earlier, int) else ''}{earlier})" if earlier else ""
            problems.append(InputError(
                file, f"a second decision on {decision.criterion} for {decision.submission}{said}; keep one",
                **locate(index, None)))
            continue
        first[key] = place
        decisions.append(decision)
        kept.append(place)
    if problems:
        raise InputError(file, "invalid decisions file", problems=problems)
    return DecisionSet(file, sha256, tuple(decisions), tuple(kept))


# --- fingerprints ----------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def read_values(rule: "Rule", submission: "Submission", catalogue: "Catalogue") -> dict[str, Any]:
    """The submitted values `rule` reads, by field path: its fields, every list it counts (whole),
    and the trajectory values for the submission's date."""
    values: dict[str, Any] = {}
    for node in (rule.when, rule.applies):
        for leaf in leaves(node):
            paths = [leaf.list_path] if isinstance(leaf, Count) else [leaf.label]
            if leaf.ref_label:
                paths.append(leaf.ref_label)
            for path in paths:
                if path.startswith(TRAJECTORY_PREFIX):
                    values[path] = catalogue.trajectory_value(path[len(TRAJECTORY_PREFIX):],
                                                              submission.footprint.submitted_on)
                else:
                    values[path] = _plain(attrgetter(path)(submission))
    return values


def _hash(value: Any, digits: int) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:digits]


def pins(rule: "Rule", submission: "Submission", catalogue: "Catalogue") -> str:
    """Each value `rule` reads, by path, with 8 hex digits of its own hash: `path=hash path=hash`,
    so that a stale decision can say which values changed (the fingerprint says only that one did)."""
    return " ".join(f"{path}={_hash(value, 8)}" for path, value in
                    sorted(read_values(rule, submission, catalogue).items()))


def changed_since(pinned: str, values: dict[str, Any]) -> list[dict[str, str]]:
    """The values that differ from those pinned: each as {field, now} (now shortened), in path order;
    a path pinned and no longer read, or read and not pinned, counts as changed."""
    before = dict(pair.split("=", 1) for pair in pinned.split())
    out = []
    for path in sorted(set(before) | set(values)):
        if path not in values:
            out.append({"field": path, "now": "no longer read"})
        elif before.get(path) != _hash(values[path], 8):
            out.append({"field": path, "now": _shown(values[path])})
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "not stated"
    if isinstance(value, list):
        return f"{len(value):,} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def fingerprint(rule: "Rule", submission: "Submission", catalogue: "Catalogue") -> str:
    """16 hex digits of sha256 over the values `rule` reads (sorted by path, canonical JSON)."""
    canonical = json.dumps(read_values(rule, submission, catalogue), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# --- the moderated verdict -------------------------------------------------------------------

@dataclass
class ModeratedAssessment(Assessment):
    """The moderated verdict (scored) with the engine's verdict beside it and the audit trail."""

    engine: Assessment | None = None
    moderation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The assessment's data plus `engine` (its verdict) and `moderation` (the audit trail)."""
        data = super().to_dict()
        assert self.engine is not None
        engine = self.engine
        data["engine"] = {"score": engine.score, "stage": engine.stage, "rating": engine.rating,
                          "score_rating": engine.score_rating, "ics_readiness": engine.ics_readiness,
                          "readiness": engine.readiness_meaning.to_dict(engine.ics_readiness)
                          if engine.readiness_meaning else None,
                          "unmet_blocking": engine.unmet_blocking,
                          "domains": [d.to_dict() for d in engine.domains]}
        applied = {d["criterion"]: d for d in self.moderation["decisions"] if d["state"] in ("applied", "unpinned")}
        for criterion in data["criteria"]:
            decision = applied.get(criterion["id"])
            if decision is not None:
                criterion["engine_status"] = decision["engine_status"]
                criterion["moderated"] = {k: decision[k] for k in
                                          ("decision", "justification", "reviewer", "date", "evidence", "state")}
                criterion["moderated"]["engine_explanation"] = [
                    f.to_dict() for f in engine.criteria[criterion["id"]].failures]
        data["moderation"] = self.moderation
        return data


def moderate(assessment: Assessment, decisions: DecisionSet, catalogue: "Catalogue", *,
             strict: bool = True) -> Assessment:
    """The assessment with this submission's decisions applied and scored.

    A decision on a criterion outside the assessment's edition is refused: with `strict` as an
    InputError (nothing is scored), otherwise recorded under `moderation.problems` and left out.
    With no decision for this submission, the assessment is returned unchanged.
    """
    from ..engine.assessor import compile_edition

    code = assessment.submission.footprint.code
    mine = decisions.for_code(code)
    if not mine:
        return assessment
    compiled = compile_edition(catalogue, assessment.edition)
    criteria = dict(assessment.criteria)
    records: list[dict[str, Any]] = []
    problems: list[InputError] = []
    for decision, line in mine:
        engine_result = assessment.criteria.get(decision.criterion)
        if engine_result is None:
            problems.append(InputError(
                decisions.file, f"{decision.criterion} is not a criterion of the {assessment.edition} edition "
                                f"that {code} was assessed against", path="criterion", **at(line)))
            continue
        current = fingerprint(engine_result.rule, assessment.submission, catalogue)
        wanted = Status(decision.decision)
        changed: list[dict[str, str]] = []
        if decision.fingerprint is not None and decision.fingerprint != current:
            state = "stale"
            values = read_values(engine_result.rule, assessment.submission, catalogue)
            changed = changed_since(decision.pinned, values) if decision.pinned else \
                [{"field": path, "now": _shown(value)} for path, value in sorted(values.items())]
        elif wanted is engine_result.status:
            state = "redundant"
        else:
            state = "applied" if decision.fingerprint is not None else "unpinned"
        if state in ("applied", "unpinned"):
            failures = engine_result.failures if wanted is Status.NOT_MET else ()
            criteria[decision.criterion] = CriterionResult(engine_result.rule, wanted, CREDIT[wanted], failures)
        records.append({
            "submission": code, "criterion": decision.criterion, "title": engine_result.rule.title,
            "severity": engine_result.rule.severity, "engine_status": engine_result.status.value,
            "decision": decision.decision, "state": state, "justification": decision.justification,
            "reviewer": decision.reviewer, "date": decision.date.isoformat(), "evidence": decision.evidence,
            "fingerprint": decision.fingerprint, "current_fingerprint": current,
            "changed": changed, "changed_known": bool(decision.pinned) or state != "stale",
            "current_pinned": pins(engine_result.rule, assessment.submission, catalogue) if state == "stale" else None,
            "line": line,
        })
    if problems and strict:
        raise InputError(decisions.file, "decisions refused", problems=problems)
    verdict = compiled.scorer.score(criteria)
    counts = {state: sum(1 for r in records if r["state"] == state) for state in STATES}
    moderation = {
        "file": Path(decisions.file).name, "sha256": decisions.sha256, "decisions": records,
        "overrides": counts["applied"] + counts["unpinned"], **{state: counts[state] for state in STATES},
        "problems": [{"line": p.line if p.cell is None else p.cell, "field": p.path, "message": p.problem}
                     for p in problems],
    }
    base = {f.name: getattr(assessment, f.name) for f in fields(Assessment) if f.init}
    base.update(criteria=criteria, domains=verdict.domains, score=verdict.score, stage=verdict.stage,
                rating=verdict.rating, score_rating=verdict.score_rating, ics_readiness=verdict.ics_readiness,
                unmet_blocking=verdict.unmet_blocking, caps_applied=verdict.caps_applied,
                path_to_ics=verdict.path_to_ics, _sha=None)
    return ModeratedAssessment(**base, engine=replace(assessment), moderation=moderation)


def moderation_notes(data: dict[str, Any]) -> list[str]:
    """Lines a terminal user must see about an assessment's moderation: stale decisions and
    fingerprints to pin (from `to_dict()` data)."""
    notes = []
    for d in data.get("moderation", {}).get("decisions", []):
        where = f"{d['submission']} {d['criterion']}"
        if d["state"] == "unpinned":
            notes.append(f"{where}: decision applied; pin it by adding `fingerprint: {d['current_fingerprint']}`")
        elif d["state"] == "stale":
            notes.append(f"{where}: decision NOT applied: {changed_words(d)}; review it and set "
                         f"`fingerprint: {d['current_fingerprint']}` (and `pinned: {d['current_pinned']}`) "
                         "to confirm")
        elif d["state"] == "redundant":
            notes.append(f"{where}: decision agrees with the engine ({d['decision']}): redundant")
    return notes


def changed_words(record: dict[str, Any]) -> str:
    """What changed under a stale decision, in words: the values that changed since it was pinned,
    or (a decision pinned by fingerprint alone) the values it reads, one or more of which changed."""
    listed = "; ".join(f"{c['field']} (now {c['now']})" for c in record.get("changed") or [])
    if record.get("changed_known"):
        return f"since it was pinned, {listed} changed" if listed else "the values it judged changed"
    return f"one or more of the values it reads changed since it was pinned: {listed}"

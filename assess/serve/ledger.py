"""The reviewers' decisions file, written by the desk: one decision at a time, checked as
`--decisions` checks a file, written atomically, never losing another reviewer's decision.

Each record has a version (a hash of its content). Changing or withdrawing a decision names the
version it was based on (`If-Match`); a write based on another version, or a new decision where one
was recorded meanwhile, is refused with the record as it now stands and its history, never merged
or dropped. Every decision, change and withdrawal is appended to an audit log beside the file
(`FILE.audit.jsonl`, one JSON object a line, flushed to disk before the answer).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import yaml

from ..common.files import write_atomic
from ..errors import InputError
from ..review.moderation import DecisionSet, load_decisions
from .problems import problem_rows

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue

BODY_FILE = "request body"
NEW = "new"


@dataclass(frozen=True)
class Outcome:
    """What a write did: the HTTP status and the answer's data."""

    status: int
    data: dict[str, Any]


def version_of(record: dict[str, Any] | None) -> str:
    """A record's version: 16 hex digits of sha256 over its canonical JSON ('new' for none)."""
    if record is None:
        return NEW
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class Ledger:
    """The decisions file and its audit log."""

    def __init__(self, path: Path, catalogue: "Catalogue") -> None:
        if path.suffix.lower() not in (".yaml", ".yml", ".json"):
            raise InputError(str(path), "the desk writes decisions to a .yaml or .json file; "
                                        "convert a workbook's Decisions sheet first")
        self.path, self.catalogue = path, catalogue
        self.audit_path = path.with_name(path.name + ".audit.jsonl")
        self._lock = threading.Lock()
        if path.exists():
            load_decisions(path, catalogue)  # a file that `--decisions` would refuse is refused here too

    # --- reading ---------------------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        """The decisions as plain records (dates as ISO text), in file order."""
        if not self.path.exists():
            return []
        data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        return [_plain(r) for r in data.get("decisions", [])]

    def decision_set(self) -> DecisionSet | None:
        """The file as `--decisions` reads it (None while it holds no decision)."""
        if not self.path.exists():
            return None
        return load_decisions(self.path, self.catalogue)

    def history(self, submission: str, criterion: str) -> list[dict[str, Any]]:
        """The audit log's entries for one criterion of one submission, oldest first."""
        if not self.audit_path.exists():
            return []
        out = []
        with open(self.audit_path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash
                if entry.get("submission") == submission and entry.get("criterion") == criterion:
                    out.append(entry)
        return out

    # --- writing ---------------------------------------------------------------------------

    def record(self, body: Any, if_match: str | None) -> Outcome:
        """Record one decision (new or changed); 201 with the record, 422 with the problems, or
        409 with the current record when `if_match` is not the version it now has."""
        checked = self._check(body)
        if isinstance(checked, Outcome):
            return checked
        key = (checked["submission"], checked["criterion"])
        with self._exclusive():
            records = self.records()
            index = next((i for i, r in enumerate(records) if (r["submission"], r["criterion"]) == key), None)
            current = records[index] if index is not None else None
            conflict = self._conflict(current, if_match, key)
            if conflict is not None:
                return conflict
            action = "record" if current is None else "change"
            if index is None:
                records.append(checked)
            else:
                records[index] = checked
            self._write(records)
            self._audit(action, checked, current)
        return Outcome(201, {"record": checked, "version": version_of(checked), "action": action})

    def withdraw(self, submission: str, criterion: str, reviewer: str, if_match: str | None) -> Outcome:
        """Withdraw one decision; 200, 404 when there is none, 409 on a stale version."""
        key = (submission, criterion)
        with self._exclusive():
            records = self.records()
            index = next((i for i, r in enumerate(records) if (r["submission"], r["criterion"]) == key), None)
            if index is None:
                return Outcome(404, {"error": f"no decision on {criterion} for {submission}",
                                     "history": self.history(*key)})
            conflict = self._conflict(records[index], if_match, key)
            if conflict is not None:
                return conflict
            removed = records.pop(index)
            self._write(records)
            self._audit("withdraw", {"submission": submission, "criterion": criterion, "reviewer": reviewer},
                        removed)
        return Outcome(200, {"withdrawn": removed, "version": NEW})

    def _check(self, body: Any) -> dict[str, Any] | Outcome:
        """The body as a checked record, through the very reader of `--decisions`."""
        if not isinstance(body, dict):
            return Outcome(422, {"problems": [{"file": BODY_FILE, "line": None, "field": None,
                                               "message": "a decision is a JSON object of the decisions "
                                                          "file's keys for one record"}]})
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".decision.", suffix=".json", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"decisions": [body]}, handle, ensure_ascii=False, default=str)
            decisions = load_decisions(tmp, self.catalogue)
        except InputError as error:
            rows = problem_rows(error)
            for row in rows:
                row["file"] = BODY_FILE
                if row["field"]:
                    row["field"] = row["field"].removeprefix("decisions[0].")
            return Outcome(422, {"problems": rows})
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        decision = decisions.decisions[0]
        return {k: v for k, v in decision.model_dump(mode="json").items() if v is not None}

    def _conflict(self, current: dict[str, Any] | None, if_match: str | None,
                  key: tuple[str, str]) -> Outcome | None:
        now = version_of(current)
        if (if_match or NEW) == now:
            return None
        if current is None:
            said = "was withdrawn since you opened it"
        else:
            said = f"was {'recorded' if if_match in (None, NEW) else 'changed'} by {current['reviewer']} " \
                   f"since you opened it"
        return Outcome(409, {"error": f"the decision on {key[1]} for {key[0]} {said}; nothing was written: "
                                      "read theirs, then record yours again if it still stands",
                             "current": current, "version": now, "history": self.history(*key)})

    def _write(self, records: list[dict[str, Any]]) -> None:
        data = {"decisions": records}
        if self.path.suffix.lower() == ".json":
            write_atomic(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            write_atomic(self.path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))

    def _audit(self, action: str, record: dict[str, Any], previous: dict[str, Any] | None) -> None:
        entry = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "action": action,
                 "submission": record["submission"], "criterion": record["criterion"],
                 "reviewer": record.get("reviewer"), "record": record if action != "withdraw" else None,
                 "previous": previous}
        with open(self.audit_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One writer at a time: this server's threads, and any other process using the file."""
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        with self._lock, open(lock_path, "a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _plain(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        return {}
    return {str(k): (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in record.items()}

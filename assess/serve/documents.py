"""The submissions the server was started with (files, or the submissions of folders), each known
by a short id so that no request ever names a path; plus documents begun in the browser (a blank
one from the template, or an upload), which live only as drafts until downloaded."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..input.bounded import read_bytes
from ..input.formats import FORMATS
from ..input.load import read_source, validate
from ..input.workbook.reader import MAX_FILE_BYTES
from .problems import problem_rows

NEW_PREFIX = "new-"


@dataclass(frozen=True)
class Document:
    """One submission the pages can open: a file on disk, or (path None) one begun in the browser."""

    id: str
    name: str
    path: Path | None
    fmt: str


@dataclass(frozen=True)
class Opened:
    """A document as read from its file: its data (JSON-ready), the file's sha256 and its problems."""

    data: dict[str, Any] | None
    sha256: str | None
    problems: list[dict[str, Any]]


def jsonable(value: Any) -> Any:
    """Plain data with dates as ISO text, as the browser's JSON holds it."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _submission_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in FORMATS and not p.name.startswith(".")
                      and p.is_file() and not p.is_symlink())
    return [path]


class Documents:
    """The documents by id; files are found once, at start."""

    def __init__(self, paths: tuple[Path, ...]) -> None:
        self.files: dict[str, Document] = {}
        for given in paths:
            for path in _submission_files(given):
                resolved = path.resolve()
                doc_id = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
                self.files[doc_id] = Document(doc_id, path.name, resolved, FORMATS.get(path.suffix.lower(), "yaml"))

    def get(self, doc_id: str) -> Document | None:
        """The document with this id: a served file, or one begun in the browser."""
        if doc_id in self.files:
            return self.files[doc_id]
        if doc_id.startswith(NEW_PREFIX) and len(doc_id) == len(NEW_PREFIX) + 16 and doc_id[4:].isalnum():
            return Document(doc_id, "new submission", None, "yaml")
        return None

    @staticmethod
    def new_id() -> str:
        """A fresh id for a document begun in the browser."""
        return NEW_PREFIX + secrets.token_hex(8)

    def by_sha(self) -> dict[str, Document]:
        """Served files by the sha256 of their bytes (how the desk finds a batch row's submission)."""
        out = {}
        for doc in self.files.values():
            sha = file_sha256(doc)
            if sha is not None:
                out[sha] = doc
        return out


def file_sha256(doc: Document) -> str | None:
    """sha256 of the document's file as it is on disk now (None when it cannot be read)."""
    if doc.path is None:
        return None
    try:
        return hashlib.sha256(read_bytes(doc.path, MAX_FILE_BYTES, "a submission is much smaller")).hexdigest()
    except InputError:
        return None


def open_file(doc: Document) -> Opened:
    """Read the document's file: its data even when invalid (the problems beside it), or no data
    when it cannot be parsed at all."""
    assert doc.path is not None
    try:
        source = read_source(doc.path)
    except InputError as error:
        return Opened(None, None, problem_rows(error))
    problems: list[dict[str, Any]] = []
    try:
        validate(source)
    except InputError as error:
        problems = problem_rows(error)
    data = source.data if isinstance(source.data, dict) else {}
    return Opened(jsonable(data), source.sha256, problems)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf value by dotted path (list items by index): what a diff compares."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}{key}."))
        return out
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}{index}."))
        return out
    return {prefix[:-1]: value}


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields whose value differs, in order: {field, before, after} (None for absent)."""
    old, new = flatten(jsonable(before or {})), flatten(jsonable(after))
    keys = list(old) + [k for k in new if k not in old]
    return [{"field": k, "before": old.get(k), "after": new.get(k)} for k in keys if old.get(k) != new.get(k)]

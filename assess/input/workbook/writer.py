"""Write a submission (or the empty template) as a workbook laid out by layout.py.

Every value cell gets a number format that shows exactly what the reader will read (dates as
yyyy-mm-dd, percentages in a real percentage format holding the fraction, so 89.5 is stored as
0.895 and shows as 89.5%, and a person typing 89.5% or 89.5 gets what they meant),
and Excel data validation with the schema's allowed values and bounds and the field's description
as the input message. Text is always written as text, so submitted "=..." never becomes a formula.

It reads and prints whole: long text wraps in rows made as tall as it needs (the office programs do
not grow rows when they open a file), and each sheet prints on A4, landscape where it is wide,
scaled to the page's width, its header row on every page and the workbook's title in the page
header (assess.common.pagefit).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ...common.pagefit import MARGINS, print_layout, wrapped_height
from ..submission import SCHEMA_VERSION
from .layout import FIRST_FIELD_ROW, HELP_SHEET, SECTION_HEADER, VALUE_COLUMN, Column, Sheet, guide_texts, sheets

DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0##%"  # a real percentage format: the cell holds the fraction
INT_FORMAT = "#,##0"
_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="005EB8")
_VALUE_FILL = PatternFill("solid", fgColor="FFF9C4")
_LIST_ROWS_MIN = 200  # validation and formats reach this far down an empty list sheet
TITLE = "stp-assess submission workbook"
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
SECTION_WIDTHS = (30, 42, 24, 12, 32, 30, 60)  # Label, Field, Value, Unit, Kind, Allowed values, Help


def cell_value(column: Column, value: Any) -> Any:
    """The value as it goes into a cell (before formatting)."""
    if value is None:
        return None
    if column.kind == "list":
        return ", ".join(str(v) for v in value)
    if column.kind == "bool" or isinstance(value, bool):
        return "Yes" if value else "No"
    if column.percent and isinstance(value, (int, float)):
        return float(Decimal(repr(value)) / 100)  # 14.3 -> 0.143 exactly, not 0.14300000000000002
    return value


def number_format(column: Column) -> str | None:
    """The number format of a value cell: it shows exactly what the reader will read."""
    kind = column.kind
    if kind == "date":
        return DATE_FORMAT
    if kind in ("int", "float") and column.percent:
        return PERCENT_FORMAT
    if kind == "int":
        return INT_FORMAT
    if kind == "float":
        return "General"
    if kind in ("str", "enum", "list"):
        return "@"  # text: Excel keeps what is typed (a code such as 00123 keeps its zeros)
    return None


def _put(ws: Worksheet, row: int, col: int, column: Column, value: Any) -> None:
    cell = ws.cell(row=row, column=col)
    shown = cell_value(column, value)
    if shown is not None:
        cell.value = shown
        if isinstance(shown, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
    fmt = number_format(column)
    if fmt:
        cell.number_format = fmt


def _validation(column: Column) -> DataValidation | None:
    kind = column.kind
    prompt = (column.description or column.kind_text())[:255]
    common: dict[str, Any] = {"allow_blank": True, "showInputMessage": True, "promptTitle": column.label[:32],
                              "prompt": prompt, "showErrorMessage": True, "errorTitle": "Not allowed"[:32]}
    if kind == "bool":
        return DataValidation(type="list", formula1='"Yes,No"', error="Choose Yes or No.", **common)
    if kind == "enum":
        options = ",".join(str(v) for v in column.values)
        if len(options) <= 250:
            return DataValidation(type="list", formula1=f'"{options}"',
                                  error="Choose one of the listed values.", **common)
    if kind in ("int", "float") and (column.ge is not None or column.le is not None):
        low = column.ge if column.ge is not None else -1e15
        high = column.le if column.le is not None else 1e15
        if column.percent:  # 85% is stored as 0.85, but LibreOffice keeps 85 typed without a sign
            low, high = min(low, low / 100), max(high, high / 100)
        return DataValidation(type="whole" if kind == "int" else "decimal", operator="between",
                              formula1=str(low), formula2=str(high),
                              error=f"Enter {column.kind_text()}.", **common)
    if kind == "date":
        return DataValidation(type="date", operator="greaterThan", formula1="1",
                              error="Enter a date (yyyy-mm-dd).", **common)
    if prompt:
        return DataValidation(type=None, **common)  # only the input message
    return None


def _head(ws: Worksheet, titles: tuple[str, ...] | list[str]) -> None:
    for index, title in enumerate(titles, 1):
        cell = ws.cell(row=1, column=index, value=title)
        cell.data_type = "s"
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"


def _print_setup(ws: Worksheet, widths: Sequence[float]) -> None:
    """A4, landscape where the columns are wide, scaled to the page's width; the title and the
    sheet's name in the page header, the page number in the footer."""
    layout = print_layout(sum(widths))
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = layout.pages_wide, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(**MARGINS)
    ws.oddHeader.left.text, ws.oddHeader.right.text = TITLE, "&A"  # as pagefit.page_header
    ws.oddFooter.center.text = "Page &P of &N"  # as pagefit.PAGE_FOOTER


def _fit_row(ws: Worksheet, row: int, widths: Sequence[float]) -> None:
    """Make `row` as tall as its wrapped text needs (the text cells of the columns `widths` gives)."""
    height = wrapped_height((cell.value, widths[cell.column - 1]) for cell in ws[row]
                            if isinstance(cell.value, str) and cell.column <= len(widths))
    if height:
        ws.row_dimensions[row].height = height


def _section(ws: Worksheet, sheet: Sheet, data: dict[str, Any]) -> None:
    _head(ws, SECTION_HEADER)
    wrap = _WRAP
    widths = list(SECTION_WIDTHS)
    for column in sheet.columns:
        row = sheet.rows[column.name]
        texts = (column.label, column.path, None, *guide_texts(column))
        for index, text in enumerate(texts, 1):
            if text:
                cell = ws.cell(row=row, column=index, value=text)
                cell.data_type = "s"
                cell.alignment = wrap
        _put(ws, row, VALUE_COLUMN, column, data.get(column.name))
        ws.cell(row=row, column=VALUE_COLUMN).fill = _VALUE_FILL
        ws.cell(row=row, column=VALUE_COLUMN).alignment = wrap
        _fit_row(ws, row, widths)
        check = _validation(column)
        if check is not None:
            check.add(f"C{row}")
            ws.add_data_validation(check)
    for letter, width in zip("ABCDEFG", widths):
        ws.column_dimensions[letter].width = width
    _print_setup(ws, widths)


def _records(ws: Worksheet, sheet: Sheet, items: list[dict[str, Any]]) -> None:
    _head(ws, [c.name for c in sheet.columns])
    last = max(len(items) + 1, _LIST_ROWS_MIN)
    widths = [max(14, min(40, len(c.name) + 4)) for c in sheet.columns]
    for offset, item in enumerate(items):
        for index, column in enumerate(sheet.columns, 1):
            _put(ws, FIRST_FIELD_ROW + offset, index, column, item.get(column.name))
            ws.cell(row=FIRST_FIELD_ROW + offset, column=index).alignment = _WRAP
        _fit_row(ws, FIRST_FIELD_ROW + offset, widths)
    for index, column in enumerate(sheet.columns, 1):
        letter = get_column_letter(index)
        check = _validation(column)
        if check is not None:
            check.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(check)
        ws.column_dimensions[letter].width = widths[index - 1]
    _print_setup(ws, widths)


def _help(ws: Worksheet) -> None:
    lines = [
        ("stp-assess submission workbook", None),
        ("Schema version", SCHEMA_VERSION),
        ("How to fill it in", "Enter each value in the yellow Value column (C) of the section sheets; "
         "add one row per item on the list sheets. Leave a cell blank when the value is not stated. "
         "Do not rename sheets or change the Field column or the list sheets' header row."),
        ("Yes/No, allowed values", "Pick from the drop-down; capitals do not matter."),
        ("Dates", "A date cell (e.g. 2016-10-21); dates typed as text are read as YYYY-MM-DD or "
         "DD/MM/YYYY when the day is over 12."),
        ("Percentages", "Type 89.5 or 89.5%: both are read as 89.5 per cent. A fraction such as 0.9 "
         "typed in a cell formatted as a number is read as 0.9 per cent, with a warning."),
        ("Lists of values", "In one cell, separated by commas."),
        ("How to check it", "assess check THIS_FILE.xlsx, then assess score THIS_FILE.xlsx"),
        ("Sheets", None),
    ]
    for sheet in sheets():
        kind = "list: one row per item" if sheet.is_list else "fields: one row per field"
        lines.append((sheet.title, f"{sheet.doc} ({kind})"))
    widths = [28.0, 100.0]
    for row, (label, text) in enumerate(lines, 1):
        a = ws.cell(row=row, column=1, value=label)
        a.data_type, a.font, a.alignment = "s", Font(bold=True), _WRAP
        if text:
            b = ws.cell(row=row, column=2, value=text)
            b.data_type, b.alignment = "s", _WRAP
        _fit_row(ws, row, widths)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = widths
    ws.print_title_rows = None
    _print_setup(ws, widths)


def write_workbook(data: dict[str, Any]) -> bytes:
    """The workbook for a submission as plain data (as YAML parses to; dates as dates)."""
    book = Workbook()
    _help(book.active)
    book.active.title = HELP_SHEET
    for sheet in sheets():
        ws = book.create_sheet(sheet.title)
        if sheet.is_list:
            _records(ws, sheet, list(data.get(sheet.key) or []))
        else:
            _section(ws, sheet, data if sheet.key == "" else dict(data.get(sheet.key) or {}))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()



# The template's cells a person must fill in themselves: a pre-filled region, population or date
# would pass `check` unnoticed (and the date picks the edition applied), so they are left blank,
# refused as required until filled in. The code and name keep their placeholders, refused by name.
TEMPLATE_BLANK = ("footprint.region", "footprint.population", "footprint.submitted_on")


def template_workbook() -> bytes:
    """The empty workbook `assess init my.xlsx` writes: the schema version and the footprint's
    code and name placeholders of the YAML template; `check` refuses it until the placeholders are
    replaced and the footprint's region, population and submission date are filled in."""
    import yaml

    from ..template import _EXAMPLES

    data: dict[str, Any] = {}
    for path, text in _EXAMPLES.items():
        if path in TEMPLATE_BLANK:
            continue
        *parents, name = path.split(".")
        target = data
        for parent in parents:
            target = target.setdefault(parent, {})
        target[name] = yaml.safe_load(str(text))
    return write_workbook(data)

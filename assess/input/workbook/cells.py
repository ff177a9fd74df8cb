"""The cell-type rule: how one cell's stored value, type and number format become a field value.

Written down in docs/workbook.md; each clause has a test in tests/test_workbook.py, and each way
of typing a percentage, a date or a choice is typed through LibreOffice in
tests/test_workbook_typed.py.

- Blank (empty, or only spaces) means "not stated", as null does in YAML.
- Yes/No fields: a TRUE/FALSE cell, or the text yes/no/true/false (any capitals).
- Allowed values: matched ignoring capitals, and spaces or hyphens for underscores
  ("Local authority" is local_authority); anything else is an error with a did-you-mean.
- Numbers: a number cell; text such as 1,250,000 is read as the number it shows; a decimal comma
  (1,5) is ambiguous: an error. A whole-number field refuses a fraction.
- Percentages: a cell formatted as a percentage is read as the percentage it shows (0.85 shown
  as 85% is 85), unless what it shows is outside the field's bounds while the stored number is
  inside them (LibreOffice keeps 91 typed into a percentage cell as 91, shown 9100%): then the
  number as typed. Text with a percent sign (85%, "85 %") is the number before the sign. A plain
  number is the percentage itself (85 is 85 %); a plain number from 0 to 1 in a field whose values
  are usually larger (a share of a population or of patients) is read as it stands, with a
  warning that gives both readings (0.91 % or 91 %); `assess check --strict` refuses it.
- Dates: a date cell (its time must be midnight); text as YYYY-MM-DD, or DD/MM/YYYY when the day
  and month cannot be swapped (21/10/2016); 01/02/2016 is ambiguous: an error with both readings.
  A plain number in a date field is an error (format the cell as a date).
- Text: the cell's text exactly; a whole number typed into a text field is read as its digits.
- Lists of values: one cell, comma-separated; each item as above.
- Formulas: the value the office application computed and saved; a formula without a saved value,
  or one that refers to another workbook, is an error naming the cell.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from ...errors import did_you_mean
from .layout import Column

BLANK = object()
_OFFICE = Context(prec=15)  # office programs keep 15 significant digits: 0.14300000000000002 is 14.3 %


class CellProblem(Exception):
    """A cell whose value cannot be read as its field's kind; the message says what to do."""


@dataclass(frozen=True)
class Cell:
    """One cell as stored: its value (str, int, float, bool, datetime or None) and its format."""

    value: Any
    style: str = "other"  # "date", "percent" or "other", from the cell's number format
    formula: str | None = None
    computed: bool = True  # False: a formula with no saved value
    error: bool = False  # the cell holds an error such as #DIV/0!


_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_EXTERNAL = re.compile(r"\[\d+\]|'?[A-Za-z]:\\|https?://|file:")
_TRUE, _FALSE = {"yes", "true", "y"}, {"no", "false", "n"}


def read_cell(column: Column, cell: Cell, warnings: list[str] | None = None) -> Any:
    """The field value of `cell`, BLANK when not stated; CellProblem when it cannot be read.
    A reading that may not be what the person meant is read, and said in `warnings`."""
    if cell.formula is not None:
        if _EXTERNAL.search(cell.formula):
            raise CellProblem(f"the formula ={cell.formula[:60]} refers to another workbook, file "
                              "or web address; paste its value instead")
        if not cell.computed:
            raise CellProblem(f"the formula ={cell.formula[:60]} has no computed value saved; open "
                              "the workbook in Excel or LibreOffice and save it, or paste the value")
    if cell.error:
        raise CellProblem(f"the cell shows the error {cell.value}; enter a value or leave it blank")
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK
    if column.kind == "list":
        if not isinstance(value, str):
            value = _text(value)
        items = [part.strip() for part in value.split(",") if part.strip()]
        return [_scalar(column, column.item_kind or "str", Cell(part), warnings) for part in items]
    return _scalar(column, column.kind, cell, warnings)


def _scalar(column: Column, kind: str, cell: Cell, warnings: list[str] | None = None) -> Any:
    value = cell.value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise CellProblem(f"expected Yes or No (got {_shown(value)})")
    if kind in ("int", "float"):
        return _number(column, kind, cell, warnings)
    if kind == "date":
        return _date(cell)
    if kind == "enum":
        if not isinstance(value, str):
            raise CellProblem(f"expected one of {_choices(column)} (got {_shown(value)})")
        wanted = _norm(value)
        for option in column.values:
            if _norm(str(option)) == wanted:
                return option
        hint = did_you_mean(value.strip().lower().replace(" ", "_"), [str(v) for v in column.values])
        raise CellProblem(f"{value.strip()!r} is not one of {_choices(column)}.{hint}")
    # text
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise CellProblem(f"expected text (got {_shown(value)}); format the cell as text and retype it")


def _number(column: Column, kind: str, cell: Cell, warnings: list[str] | None = None) -> Any:
    value = cell.value
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)) or cell.style == "date":
        raise CellProblem(f"expected {column.kind_text()} (got {_shown(value)})")
    signed = False  # a percent sign or a percentage format says how to read the number
    if isinstance(value, str):
        number, signed = _parse_number(value, column)
    else:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if cell.style == "percent":
            if not column.percent:
                raise CellProblem("the cell is formatted as a percentage but the field is not a "
                                  "percentage; format it as a number")
            signed = True
            shown = _OFFICE.multiply(number, 100)  # 0.895 behind 89.5%: read what the cell shows
            if column.fits(shown) or not column.fits(number):
                number = shown  # else: 91 typed into a percentage cell, kept by LibreOffice as 91
    if column.percent and not signed and column.usually_above_one and 0 < number <= 1 \
            and warnings is not None:
        meant = _plain(number * 100)
        warnings.append(f"{_plain(number)} is read as {_plain(number)} %; if you meant {meant} %, "
                        f"type {meant} or {meant}%")
    if kind == "int":
        if number != number.to_integral_value():
            raise CellProblem(f"expected a whole number (got {_plain(number)})")
        return int(number)
    return float(number)


def _parse_number(text: str, column: Column) -> tuple[Decimal, bool]:
    """The number a text shows, and whether it carried a percent sign."""
    body = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    signed = body.endswith("%")
    if signed:
        if not column.percent:
            raise CellProblem(f"{text.strip()!r} is a percentage but the field is not; enter a number")
        body = body[:-1]
    if _PLAIN.fullmatch(body) or _THOUSANDS.fullmatch(body):
        try:
            return Decimal(body.replace(",", "")), signed
        except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
            pass
    if _DECIMAL_COMMA.fullmatch(body):
        whole, frac = body.split(",")
        raise CellProblem(f"{text.strip()!r} is ambiguous: write {whole}.{frac} for a decimal "
                          f"or {whole}{frac.ljust(3, '0')} (without the comma) for thousands")
    raise CellProblem(f"expected {column.kind_text()} (got {text.strip()[:60]!r})")


def _date(cell: Cell) -> dt.date:
    value = cell.value
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise CellProblem(f"expected a date, not a date and time (got {value:%Y-%m-%d %H:%M}); "
                              "enter the date only")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else _dmy(text)
        except ValueError:
            raise CellProblem(f"expected a date (got {text[:40]!r}); enter it as a date cell, "
                              "e.g. 2016-10-21") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hint = ""
        if 1 <= value < 2958466:
            hint = f" ({excel_date(value):%Y-%m-%d} if it is a date serial)"
        raise CellProblem(f"expected a date (got the number {_shown(value)}){hint}; format the "
                          "cell as a date")
    raise CellProblem(f"expected a date (got {_shown(value)})")


def _dmy(text: str) -> dt.date:
    match = _DMY.fullmatch(text)
    if not match:
        raise ValueError(text)
    day, month, year = (int(g) for g in match.groups())
    if day != month and day <= 12 and month <= 12:
        first, second = dt.date(year, month, day), dt.date(year, day, month)
        raise CellProblem(f"{text!r} is ambiguous: it is {first:%-d %B %Y} read day first, "
                          f"{second:%-d %B %Y} read month first; write {first:%Y-%m-%d} or "
                          f"{second:%Y-%m-%d}")
    return dt.date(year, month, day)


def excel_date(serial: float, date1904: bool = False) -> dt.datetime:
    """An Excel date serial as a date-time (1900 or 1904 date system)."""
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    return base + dt.timedelta(days=float(serial))


def _norm(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _choices(column: Column) -> str:
    values = [str(v) for v in column.values]
    return ", ".join(values[:12]) + (", ..." if len(values) > 12 else "")


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}" if value.time() == dt.time(0) else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, str):
        return repr(value[:60] + ("…" if len(value) > 60 else ""))
    return str(value)

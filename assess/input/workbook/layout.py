"""Where each field of the schema lives in the workbook, derived from the pydantic models so that
a field added to the schema appears in the workbook without touching this package.

- One sheet per section (and "Submission" for the top-level scalars): one row per field with
  label, field path, value (column C), kind, allowed values and help.
- One sheet per list of records (organisations, evidence, ...): a header row of field names, one
  record per row below it.
- Lists of plain values (e.g. governance.short_return_sections) sit in one cell, comma-separated.
"""
from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..fields import _scalar_kind, unwrap
from ..submission import Submission

TOP_SHEET = "Submission"
HELP_SHEET = "How to fill in"
SECTION_HEADER = ("Label", "Field", "Value", "Unit", "Kind", "Allowed values", "Help")
# The schema names its units in its field names; a new field with one of these endings gets its unit.
UNITS = (("_pct", "%"), ("_gbp_m", "£ million"), ("_wte", "whole-time equivalents"),
         ("_cycle_months", "months"), ("_per_100k", "per 100,000"))
VALUE_COLUMN = 3  # C
FIRST_FIELD_ROW = 2
# Percentages that are shares of a population, of patients or of staff (bounds 0 to 100) are
# usually well above 1 %, so a plain 0.91 there is more likely 91 % typed as a fraction: it is read
# as 0.91 with a warning. These shares may truly be below 1 % and get no warning.
SMALL_SHARES = frozenset({"demand_reduction_target_pct"})


@dataclass(frozen=True)
class Column:
    """One field: a row of a section sheet or a column of a list sheet."""

    name: str
    path: str  # dotted path in the submission, e.g. governance.leader_sector
    kind: str  # bool int float str enum date, or list (of item_kind)
    values: tuple[Any, ...] = ()
    item_kind: str | None = None
    required: bool = False
    ge: Any = None  # a number, or a date for a date field
    le: Any = None
    max_length: int | None = None
    description: str = ""

    @property
    def label(self) -> str:
        """The field's name as a heading: 'leader_sector' -> 'Leader sector'."""
        return label_of(self.name)

    @property
    def unit(self) -> str:
        """The unit the field's name gives (e.g. _gbp_m: £ million), or ''."""
        return next((unit for ending, unit in UNITS if self.name.endswith(ending)), "")

    @property
    def percent(self) -> bool:
        """A percentage field (the schema names them *_pct): the percentage rules apply."""
        return self.name.endswith("_pct")

    @property
    def usually_above_one(self) -> bool:
        """A percentage whose real values are usually above 1 %: a share from 0 to 100."""
        return self.percent and self.ge == 0 and self.le == 100 and self.name not in SMALL_SHARES

    def fits(self, number: Any) -> bool:
        """Whether `number` is within the field's bounds (a field without bounds takes any)."""
        return (self.ge is None or number >= self.ge) and (self.le is None or number <= self.le)

    def kind_text(self) -> str:
        """The kind as a person filling in the value reads it."""
        kind = self.item_kind if self.kind == "list" else self.kind
        word = {"bool": "Yes/No", "int": "whole number", "float": "number", "str": "text",
                "enum": "one of the allowed values", "date": "date"}[kind or "str"]
        if self.percent and kind in ("int", "float"):
            word = "percentage (89.5 or 89.5%)"
        if self.kind == "list":
            word = "list, comma-separated: " + ("allowed values" if kind == "enum" else word)
        bounds = ""
        if self.ge is not None and self.le is not None:
            bounds = f" from {_num(self.ge)} to {_num(self.le)}"
        elif self.ge is not None:
            bounds = f" at least {_num(self.ge)}"
        return ("required; " if self.required else "") + word + bounds


@dataclass(frozen=True)
class Sheet:
    """A section sheet (fields as rows) or a list sheet (fields as columns)."""

    title: str
    key: str  # the submission key: a section name, a list name, or "" for the top level
    columns: tuple[Column, ...]
    is_list: bool
    doc: str = ""
    max_items: int | None = None
    rows: dict[str, int] = field(default_factory=dict)  # section sheets: field name -> row


def guide_texts(column: Column) -> tuple[str, str, str, str]:
    """What the template writes right of a field's Value cell: Unit, Kind, Allowed values, Help."""
    return (column.unit, column.kind_text(), ", ".join(str(v) for v in column.values), column.description)


def _num(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


_ACRONYMS = {"gp": "GP", "ics": "ICS", "hwb": "HWB", "nhs": "NHS", "ae": "A&E", "ld": "LD",
             "dtoc": "DTOC", "eip": "EIP", "rtt": "RTT", "ccg": "CCG", "vcse": "VCSE", "4h": "4 hours",
             "2ww": "2-week wait", "62d": "62 days", "2w": "2 weeks", "8min": "8 minutes"}


def label_of(name: str) -> str:
    """A heading from a field name: 'leader_sector' -> 'Leader sector', 'planned_position_2020_21_gbp_m'
    -> 'Planned position 2020/21' (the unit has its own column)."""
    for ending, _ in UNITS:
        if name.endswith(ending) and ending != "_cycle_months":
            name = name[: -len(ending)]
    name = re.sub(r"(\d{4})_(\d{2})(?!\d)", r"\1/\2", name)
    words = [_ACRONYMS.get(word, word) for word in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _strip(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(bare type, None allowed, constraint metadata)."""
    bare, constraints, optional = unwrap(annotation)
    return bare, optional, constraints


def _scalar(annotation: Any) -> tuple[str, tuple[Any, ...]]:
    kind, values = _scalar_kind(annotation)
    return kind, tuple(values)


def _column(name: str, info: FieldInfo, prefix: str) -> Column:
    annotation, _, meta = _strip(info.annotation)
    meta = meta + list(info.metadata)
    bounds: dict[str, Any] = {}
    for item in meta:
        if isinstance(item, annotated_types.Ge):
            bounds["ge"] = item.ge
        elif isinstance(item, annotated_types.Le):
            bounds["le"] = item.le
        elif isinstance(item, annotated_types.MaxLen):
            bounds["max_length"] = item.max_length
    item_kind = None
    if typing.get_origin(annotation) is list:
        inner, _, _ = _strip(typing.get_args(annotation)[0])
        item_kind, values = _scalar(inner)
        kind = "list"
    else:
        kind, values = _scalar(annotation)
    return Column(name, prefix + name, kind, values, item_kind, info.is_required(),
                  description=info.description or "", **bounds)


def _records_model(info: FieldInfo) -> type[BaseModel] | None:
    annotation, _, _ = _strip(info.annotation)
    if typing.get_origin(annotation) is list:
        inner, _, _ = _strip(typing.get_args(annotation)[0])
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return None


def _doc(model: type[BaseModel]) -> str:
    return (model.__doc__ or "").strip().splitlines()[0]


@cache
def sheets(model: type[BaseModel] = Submission) -> tuple[Sheet, ...]:
    """Every sheet of the submission workbook, in order (the help sheet is not among them)."""
    top: list[Column] = []
    out: list[Sheet] = []
    for name, info in model.model_fields.items():
        annotation, _, _ = _strip(info.annotation)
        item = _records_model(info)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            cols = tuple(_column(n, i, name + ".") for n, i in annotation.model_fields.items())
            out.append(Sheet(label_of(name), name, cols, False, _doc(annotation),
                             rows={c.name: FIRST_FIELD_ROW + i for i, c in enumerate(cols)}))
        elif item is not None:
            cols = tuple(_column(n, i, name + ".") for n, i in item.model_fields.items())
            limit = next((m.max_length for m in info.metadata if isinstance(m, annotated_types.MaxLen)), None)
            out.append(Sheet(label_of(name), name, cols, True, _doc(item), max_items=limit))
        else:
            top.append(_column(name, info, ""))
    first = Sheet(TOP_SHEET, "", tuple(top), False, "The schema version and whether the data is illustrative.",
                  rows={c.name: FIRST_FIELD_ROW + i for i, c in enumerate(top)})
    return (first, *out)


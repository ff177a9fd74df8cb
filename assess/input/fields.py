"""What the schema offers to rules: every dotted field path with its kind and allowed values.

Rules are checked against this map when the catalogue loads, so that a typo in a path or an
operand of the wrong type is a load error instead of a criterion that silently never matches.
"""
from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Union

from pydantic import BaseModel

from .submission import Submission

SCALAR_KINDS = ("bool", "int", "float", "str", "enum", "date")


@dataclass(frozen=True)
class FieldSpec:
    """One field a rule may read."""

    path: str
    kind: str  # one of SCALAR_KINDS, "list" (of scalars) or "records" (list of models)
    values: tuple[Any, ...] = ()  # allowed values of an enum (or of a list's items)
    item_kind: str | None = None  # for "list": the kind of its items
    model: type[BaseModel] | None = None  # for "records": the item model
    optional: bool = False
    description: str = ""
    title: str = ""  # the schema's title for the field, when it has one


def _strip(annotation: Any) -> tuple[Any, bool]:
    """Unwrap Annotated and Optional; report whether None was allowed."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """Unwrap Annotated and Optional: (bare type, constraint objects such as Ge/Le/MaxLen, None
    allowed). For code that needs a field's bounds (synthetic data, the workbook's validation)."""
    constraints: list[Any] = []
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            annotation = args[0]
            for meta in args[1:]:
                constraints.extend(getattr(meta, "metadata", None) or [meta])
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(members) < len(typing.get_args(annotation))
            annotation = members[0]
        else:
            return annotation, constraints, optional


def _scalar_kind(annotation: Any) -> tuple[str, tuple[Any, ...]]:
    if typing.get_origin(annotation) is Literal:
        return "enum", typing.get_args(annotation)
    for py, kind in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (dt.date, "date")):
        if annotation is py:
            return kind, ()
    raise TypeError(f"unsupported field type {annotation!r}")


def _walk(model: type[BaseModel], prefix: str, out: dict[str, FieldSpec]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation, optional = _strip(info.annotation)
        desc, title = info.description or "", info.title or ""
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _walk(annotation, path + ".", out)
        elif typing.get_origin(annotation) is list:
            item, _ = _strip(typing.get_args(annotation)[0])
            if isinstance(item, type) and issubclass(item, BaseModel):
                out[path] = FieldSpec(path, "records", model=item, optional=True, description=desc,
                                      title=title)
            else:
                kind, values = _scalar_kind(item)
                out[path] = FieldSpec(path, "list", values, item_kind=kind, optional=True,
                                      description=desc, title=title)
        else:
            kind, values = _scalar_kind(annotation)
            out[path] = FieldSpec(path, kind, values, optional=optional, description=desc, title=title)


@cache
def fields_of(model: type[BaseModel] = Submission) -> dict[str, FieldSpec]:
    """Every dotted path of `model` (sub-models flattened, lists kept whole)."""
    out: dict[str, FieldSpec] = {}
    _walk(model, "", out)
    return out


def model_at(loc: tuple[Any, ...], model: type[BaseModel] = Submission) -> type[BaseModel] | None:
    """The model that owns the last element of a pydantic error location, for did-you-mean."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None or isinstance(part, int):
            continue
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        annotation, _ = _strip(info.annotation)
        if typing.get_origin(annotation) is list:
            annotation, _ = _strip(typing.get_args(annotation)[0])
        current = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return current

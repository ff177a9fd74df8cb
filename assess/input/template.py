"""`assess init`: a commented YAML template with every field of the schema, generated from it so
it can never drift. `check` refuses it until the footprint's code and name placeholders are replaced."""
from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel

from .fields import _strip
from .submission import PLACEHOLDER_CODE, PLACEHOLDER_NAME, Submission

_EXAMPLES: dict[str, Any] = {
    "schema_version": '"1.0"',
    "illustrative": "false",
    "footprint.code": PLACEHOLDER_CODE,
    "footprint.name": f'"{PLACEHOLDER_NAME}"',
    "footprint.region": "North",
    "footprint.population": "1000000",
    "footprint.submitted_on": "2016-10-21",
}


def _kind(annotation: Any) -> str:
    annotation, _ = _strip(annotation)
    if typing.get_origin(annotation) is Literal:
        return "one of: " + ", ".join(str(v) for v in typing.get_args(annotation))
    if typing.get_origin(annotation) is list:
        item, _ = _strip(typing.get_args(annotation)[0])
        if typing.get_origin(item) is Literal:
            return "list of: " + ", ".join(str(v) for v in typing.get_args(item))
        return "list"
    return {bool: "true/false", int: "whole number", float: "number", str: "text"}.get(
        annotation, "date YYYY-MM-DD" if getattr(annotation, "__name__", "") == "date" else "")


def _lines(model: type[BaseModel], prefix: str, indent: str) -> list[str]:
    out: list[str] = []
    for name, info in model.model_fields.items():
        path = prefix + name
        annotation, optional = _strip(info.annotation)
        desc = info.description or ""
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            doc = (annotation.__doc__ or "").strip().splitlines()[0]
            out.append(f"{indent}# {doc}")
            out.append(f"{indent}{name}:")
            out.extend(_lines(annotation, path + ".", indent + "  "))
            continue
        if typing.get_origin(annotation) is list:
            item, _ = _strip(typing.get_args(annotation)[0])
            if isinstance(item, type) and issubclass(item, BaseModel):
                doc = (item.__doc__ or "").strip().splitlines()[0]
                out.append(f"{indent}# {doc} One entry per item, for example:")
                out.append(f"{indent}{name}: []")
                for field_name, field_info in item.model_fields.items():
                    kind = _kind(field_info.annotation)
                    note = f" — {field_info.description}" if field_info.description else ""
                    req = "required" if field_info.is_required() else "optional"
                    out.append(f"{indent}#   {field_name}: ({req}; {kind}){note}")
                continue
        kind = _kind(info.annotation)
        value = _EXAMPLES.get(path, "[]" if typing.get_origin(annotation) is list else "null")
        comment = "; ".join(p for p in (kind, desc) if p)
        out.append(f"{indent}{name}: {value}" + (f"  # {comment}" if comment else ""))
    return out


def render_template() -> str:
    """The template text."""
    head = [
        "# stp-assess submission template. Every field of the schema is listed; `null` or [] means",
        "# 'not stated' (criteria that need the value will not be met). Replace the placeholders,",
        "# then run: assess check THIS_FILE && assess score THIS_FILE",
    ]
    return "\n".join(head + _lines(Submission, "", "")) + "\n"

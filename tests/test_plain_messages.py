"""Messages in plain terms: no sentence of the validation library ever reaches a user.

Every field of the schema is given, at once, each kind of wrong value a person or a program
produces (wrong type, out of bounds, too long, not an allowed value, not a date, too many items),
in YAML, JSON and a workbook; every message is scanned for the library's wording. The corpus of
hostile inputs is scanned the same way (tests/test_hostile_corpus.py, test_workbook_hostile.py).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from casekit import FIXTURES
from hostile import library_wording

from assess.errors import InputError
from assess.input.load import load_submission
from assess.input.workbook.layout import Column, sheets

BASE = yaml.safe_load((FIXTURES / "dorset-thriving.yaml").read_text())


def _wrong_type(column: Column) -> Any:
    return {"bool": "maybe", "int": "lots", "float": "lots", "str": 5, "enum": 7, "date": 5,
            "list": "one, two"}[column.kind]


def _out_of_bounds(column: Column) -> Any:
    if column.kind in ("int", "float") and column.le is not None:
        return column.le * 10 + 1 if column.le > 0 else 10**6
    if column.kind in ("int", "float") and column.ge is not None:
        return column.ge - 10**6
    if column.kind == "int":
        return 2.5
    if column.kind == "str" and column.max_length:
        return "x" * (column.max_length + 1)
    if column.kind == "str":
        return ""
    if column.kind == "enum":
        return "not-a-value"
    if column.kind == "date":
        return "2099-01-01"
    if column.kind == "list":
        return ["not-a-value"] * 50
    return None


def _odd(column: Column) -> Any:
    return {"bool": [True], "int": True, "float": [1.5], "str": {"a": 1}, "enum": True,
            "date": "2016-02-30", "list": {"a": 1}}[column.kind]


def _everywhere(make: Callable[[Column], Any]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for sheet in sheets():
        for column in sheet.columns:
            value = make(column)
            if value is None:
                continue
            if sheet.is_list:
                items = data.setdefault(sheet.key, [])
                if not items:
                    items.append({})
                items[0][column.name] = value
            elif sheet.key:
                data.setdefault(sheet.key, {})[column.name] = value
            else:
                data[column.name] = value
    return data


@pytest.mark.parametrize("make", [_wrong_type, _out_of_bounds, _odd], ids=["wrong-type", "out-of-bounds", "odd"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_no_message_for_any_field_carries_the_libraries_wording(tmp_path: Path, make: Callable[[Column], Any],
                                                                 fmt: str) -> None:
    data = _everywhere(make)
    path = tmp_path / f"sub.{fmt}"
    if fmt == "yaml":
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
    else:
        path.write_text(json.dumps(data, default=str))
    with pytest.raises(InputError) as caught:
        load_submission(path)
    messages = [p.message for p in caught.value.all()]
    assert len(messages) > 50
    assert [m for m in messages if library_wording(m)] == []


def test_the_reported_example_is_worded_plainly(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data.setdefault("governance", {})["programme_office_wte"] = 1200.0
    path = tmp_path / "sub.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError) as caught:
        load_submission(path)
    assert [(p.path, p.problem) for p in caught.value.all()] == [
        ("governance.programme_office_wte", "should be at most 1000 (got 1200.0)")]

"""Errors found while reading a file, before the schema sees it (a duplicate key, an alias bomb, a
non-finite number, a huge integer, an impossible date, an over-long string or list), name the field
path beside the line, as schema errors do: `my.yaml:8: footprint.code: duplicate key 'code' …`."""
from __future__ import annotations

from pathlib import Path

import pytest

from assess.errors import InputError
from assess.input.load import read_source

CASES = [
    ("duplicate.yaml", "footprint:\n  code: X\n  name: Y\n  code: Z\n", 4, "footprint.code", "duplicate key 'code'"),
    ("nan.yaml", "footprint:\n  code: X\nperformance:\n  ae_4h_pct: .nan\n", 4, "performance.ae_4h_pct",
     "'.nan' (not a number or infinity) is not accepted"),
    ("huge.yaml", "footprint:\n  population: " + "9" * 40 + "\n", 2, "footprint.population",
     "a whole number of 40 digits"),
    ("date.yaml", "footprint:\n  submitted_on: 2016-02-30\n", 2, "footprint.submitted_on", "not a real date"),
    ("long.yaml", "organisations:\n  - name: a\n  - name: " + "x" * 20_001 + "\n", 3, "organisations.1.name",
     "a value of 20,001 characters"),
    ("list.yaml", "evidence:\n" + "  - 1\n" * 10_001, 10_002, "evidence.10000", "a list of more than 10,000 items"),
    ("alias.yaml", "a: &a [" + ",".join(["1"] * 1000) + "]\nb: &b [" + ",".join(["*a"] * 1000) + "]\n"
     "footprint:\n  code: *b\n", 2, "b.298", "aliases expand to more than 300,000 values"),
    ("nan.json", '{"footprint": {"code": "X"},\n "performance": {"ae_4h_pct": NaN}}', 2, "performance.ae_4h_pct",
     "'NaN' (not a number or infinity)"),
    ("huge.json", '{"footprint":\n {"population": ' + "9" * 40 + "}}", 2, "footprint.population",
     "a whole number of 40 digits"),
    ("duplicate.json", '{"footprint": {"code": "X",\n "code": "Y"}}', 2, "footprint.code", "duplicate key 'code'"),
]


@pytest.mark.parametrize("name, text, line, path, fragment", CASES, ids=[c[0] for c in CASES])
def test_a_reading_error_names_the_field_path_beside_the_line(tmp_path: Path, name: str, text: str, line: int,
                                                             path: str, fragment: str) -> None:
    file = tmp_path / name
    file.write_text(text)
    with pytest.raises(InputError) as caught:
        read_source(file)
    error = caught.value
    assert (error.line, error.path) == (line, path), error.message
    assert error.message.startswith(f"{file}:{line}: {path}: ") and fragment in error.message, error.message

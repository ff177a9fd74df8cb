"""Input a user would want refused or corrected gets a precise message naming file, field and line:
YAML 1.1 surprises, numbers at the edges, impossible dates, duplicate keys, evidence dates out of
order, enum values in the wrong case, unquoted versions, characters that need quoting, files that
are not regular files. Error lines are found in one pass over the file."""

from __future__ import annotations

import json
import os

import pytest
from casekit import FIXTURES

from assess import InputError, load_submission
from assess.input import load as sources
from assess.input.load import read_source, validate

VALID = (FIXTURES / "west-yorkshire-developing.yaml").read_text()


def _errors(tmp_path, text, name="sub.yaml"):
    path = tmp_path / name
    path.write_text(text) if isinstance(text, str) else path.write_bytes(text)
    with pytest.raises(InputError) as info:
        load_submission(path)
    return info.value.all()


def _line(text, needle, nth=1):
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


@pytest.mark.parametrize(
    "old,new,fragment",
    [
        ("  population: 2600000", "  population: 010", "leading zero"),
        ("  population: 2600000", "  population: 0x10", "base prefix"),
        ("  population: 2600000", "  population: 1:10", "base-60"),
        ("  population: 2600000", "  population: .nan", "not a number or infinity"),
        ("  population: 2600000", "  population: -.inf", "not a number or infinity"),
        ("  population: 2600000", "  population: 1e400", "too large"),
        ("  population: 2600000", "  population: " + "9" * 4400, "4,400 digits"),
        ("  submitted_on: 2016-10-21", "  submitted_on: 2016-02-30", "not a real date"),
        ("  submitted_on: 2016-10-21", "  submitted_on: 0000-01-01", "not a real date"),
    ],
)
def test_yaml_values_refused_with_their_line(tmp_path, old, new, fragment):
    text = VALID.replace(old, new, 1)
    (err,) = _errors(tmp_path, text)
    assert fragment in err.message and err.line == _line(text, new.strip()[:12])
    assert len(err.message) < 400


@pytest.mark.parametrize(
    "value,fragment",
    [
        ("NaN", "not a number or infinity"),
        ("Infinity", "not a number or infinity"),
        ("1e400", "too large"),
        ("9" * 5000, "5,000 digits"),
    ],
)
def test_json_numbers_at_the_edges(tmp_path, value, fragment):
    text = json.dumps({"schema_version": "1.0"})[:-1] + f', "x": {value}}}'
    (err,) = _errors(tmp_path, text, "sub.json")
    assert fragment in err.message and len(err.message) < 400


def test_reading_rule_for_yaml_1_1_values(tmp_path):
    text = VALID.replace("  population: 2600000", "  population: 2_600_000", 1)
    path = tmp_path / "sub.yaml"
    path.write_text(text.replace("cross_partner_plan: true", "cross_partner_plan: yes"))
    sub = load_submission(path)
    assert sub.footprint.population == 2_600_000 and sub.prevention.cross_partner_plan is True


def test_dates_outside_the_period(tmp_path):
    for old, new, path in [
        ("  submitted_on: 2016-10-21", "  submitted_on: 1900-01-01", "footprint.submitted_on"),
        ("  submitted_on: 2016-10-21", "  submitted_on: 2023-01-01", "footprint.submitted_on"),
        ("    started_on: 2015-06-01", "    started_on: 9999-12-31", "evidence.0.started_on"),
    ]:
        text = VALID.replace(old, new, 1)
        errors = _errors(tmp_path, text)
        assert path in [e.path for e in errors], (new, [e.message for e in errors])
        err = next(e for e in errors if e.path == path)
        assert err.line == _line(text, new.strip())


def test_evidence_dates_in_order_name_the_fields_and_lines(tmp_path):
    text = VALID.replace("    delivered_on: 2016-07-01", "    delivered_on: 2015-01-01", 1)
    (err,) = _errors(tmp_path, text)
    assert err.path == "evidence.0.delivered_on" and "before started_on 2015-06-01" in err.message
    assert err.line == _line(text, "delivered_on: 2015-01-01")
    text = VALID.replace("    delivered_on: 2016-07-01", "    delivered_on: 2016-11-01", 1)
    errors = _errors(tmp_path, text)
    late = next(e for e in errors if "after the submission date" in e.message)
    assert late.path == "evidence.0.delivered_on" and late.line == _line(text, "delivered_on: 2016-11-01")


@pytest.mark.parametrize(
    "text,fragment",
    [
        (
            '{"schema_version": "1.0",\n "footprint": {"code": "A"},\n "footprint": {"code": "B"}}',
            "line 2, again at line 3",
        ),
        ('{"schema_version": "1.0", "schema_version": "1.0"}', "duplicate key 'schema_version'"),
    ],
)
def test_duplicate_keys_in_json(tmp_path, text, fragment):
    (err,) = _errors(tmp_path, text, "sub.json")
    assert fragment in err.message


def test_whole_duplicated_section_in_yaml_names_both_lines(tmp_path):
    section = VALID[VALID.index("prevention:") :]
    section = section[: section.index("\n", section.index("\n") + 1) + 1]
    text = VALID + section
    (err,) = _errors(tmp_path, text)
    first, again = _line(text, "prevention:"), _line(text, "prevention:", 2)
    assert f"first at line {first}, again at line {again}" in err.message and err.line == again


def test_enum_in_the_wrong_case_gets_a_did_you_mean(tmp_path):
    text = VALID.replace("kind: ccg", "kind: CCG", 1)
    (err,) = _errors(tmp_path, text)
    assert "Did you mean 'ccg'?" in err.message and err.path == "organisations.0.kind"


def test_unquoted_schema_version(tmp_path):
    (err,) = _errors(tmp_path, VALID.replace('schema_version: "1.0"', "schema_version: 1.0"))
    assert 'write it in quotes, "1.0"' in err.message and err.line == 4


def test_yes_in_a_text_field_says_to_quote_it(tmp_path):
    text = VALID.replace("  name: West Yorkshire and Harrogate", "  name: no", 1)
    (err,) = _errors(tmp_path, text)
    assert err.path == "footprint.name" and "quotes" in err.message


def test_characters_that_need_quoting(tmp_path):
    text = VALID.replace("    current: 61", "    unit: %", 1)
    (err,) = _errors(tmp_path, text)
    assert "'%' cannot start an unquoted value" in err.message and err.line == _line(text, "unit: %")


@pytest.mark.parametrize(
    "raw,fragment",
    [
        (b"\xff\xfe" + "schema_version: 1".encode("utf-16-le"), "UTF-16"),
        (b"schema_version: '1.0'\x00\n", "NUL"),
        (b"schema_version: '1.0'\nname: \xe9\n", "not UTF-8"),
    ],
)
def test_encodings(tmp_path, raw, fragment):
    (err,) = _errors(tmp_path, raw)
    assert fragment in err.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_folder_named_like_submissions_are_refused_at_once(tmp_path):
    fifo, folder = tmp_path / "pipe.yaml", tmp_path / "folder.yaml"
    os.mkfifo(fifo)
    folder.mkdir()
    for path, kind in ((fifo, "a named pipe"), (folder, "a folder")):
        with pytest.raises(InputError) as info:
            read_source(path)  # would block forever on the FIFO if it were opened for reading
        assert f"not a regular file ({kind})" in info.value.message


def test_error_lines_come_from_the_one_read(tmp_path, monkeypatch):
    """2,000 invalid values are located without reading the file again (it was once per problem)."""
    rows = "".join(
        f"  - {{ref: E{i}, area: care, title: T, status: delivered, baseline: '{i}'}}\n" for i in range(2000)
    )
    text = VALID[: VALID.index("evidence:")] + "evidence:\n" + rows
    path = tmp_path / "many.yaml"
    path.write_text(text)
    calls = []
    real = sources.read_yaml
    monkeypatch.setattr(sources, "read_yaml", lambda t: calls.append(1) or real(t))
    with pytest.raises(InputError) as info:
        validate(read_source(path))
    problems = info.value.all()
    assert len(problems) == 2000 and len(calls) == 1
    assert problems[-1].line == _line(text, "ref: E1999,") and problems[0].path == "evidence.0.baseline"


def test_date_bounds_are_worded_as_dates_with_their_reason(tmp_path):
    data = json.loads(json.dumps(__import__("yaml").safe_load(VALID), default=str))
    data["footprint"]["submitted_on"] = "2023-01-01"
    data["plan"]["period_end"] = "1900-01-01"
    errors = {e.path: e.message for e in _errors(tmp_path, json.dumps(data), "sub.json")}
    assert "on or before 2022-06-30 (got 2023-01-01): STP footprints" in errors["footprint.submitted_on"]
    assert "on or after 2000-01-01 (got 1900-01-01)" in errors["plan.period_end"]
    assert "datetime.date" not in " ".join(errors.values())


@pytest.mark.parametrize("value", [1476144000, 1476144000.0, True])
def test_a_number_is_never_taken_for_a_date(tmp_path, value):
    """pydantic's lax date parsing reads 1476144000 as 2016-10-11 (a Unix timestamp): refused."""
    data = json.loads(json.dumps(__import__("yaml").safe_load(VALID), default=str))
    data["footprint"]["submitted_on"] = value
    (err,) = _errors(tmp_path, json.dumps(data), "sub.json")
    assert err.path == "footprint.submitted_on" and "YYYY-MM-DD" in err.message


def test_json_errors_carry_lines_too(tmp_path):
    data = __import__("yaml").safe_load(VALID)
    data["footprint"]["population"] = "lots"
    text = json.dumps(data, indent=2, default=str)
    (err,) = _errors(tmp_path, text, "sub.json")
    assert err.path == "footprint.population" and err.line == _line(text, '"population": "lots"')

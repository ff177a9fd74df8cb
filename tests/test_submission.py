"""Reading and validating submissions: precise messages with file, field path and line."""
from __future__ import annotations

import json

import pytest
from casekit import FIXTURES

from assess import InputError, load_submission

VALID = (FIXTURES / "west-yorkshire-developing.yaml").read_text()


def _errors(tmp_path, text, name="sub.yaml"):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_submission(path)
    return info.value.all(), path


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_fixtures_validate():
    for path in FIXTURES.glob("*.yaml"):
        assert load_submission(path).illustrative


def test_unknown_field_suggests_the_closest_name(tmp_path):
    text = VALID.replace("  obesity_actions: 1", "  obesity_action: 1")
    (err,), path = _errors(tmp_path, text)
    assert err.path == "prevention.obesity_action"
    assert err.line == _line_of(text, "obesity_action:")
    assert "unknown field 'obesity_action'. Did you mean 'obesity_actions'?" in err.message
    assert err.message.startswith(f"{path}:{err.line}: prevention.obesity_action:")


def test_unknown_field_in_a_list_item(tmp_path):
    text = VALID.replace("ref: W-01", "ref: W-01\n    titel: x")
    (err,), _ = _errors(tmp_path, text)
    assert err.path == "evidence.0.titel" and "Did you mean 'title'?" in err.message


@pytest.mark.parametrize("old,new,path,fragment", [
    ("  population: 2600000", "  population: lots", "footprint.population",
     "expected a whole number (got 'lots'): write the number without quotes"),
    ("  population: 2600000", "  population: 5", "footprint.population", "should be at least 10,000 (got 5)"),
    ("  ae_4h_pct: 90.2", "  ae_4h_pct: 190.2", "performance.ae_4h_pct", "should be at most 100 (got 190.2)"),
    ("  cross_partner_plan: true", '  cross_partner_plan: "yes"', "prevention.cross_partner_plan",
     "expected true or false (yes or no) (got 'yes'): write true or false"),
    ("  leader_sector: local_government", "  leader_sector: council", "leadership.leader_sector", "local_government"),
    ("  submitted_on: 2016-10-21", "  submitted_on: 21/10/2016", "footprint.submitted_on", "YYYY-MM-DD"),
    ("  submitted_on: 2016-10-21", "  submitted_on: 2016-10-21 10:00:00", "footprint.submitted_on",
     "not a date and time"),
    ("  obesity_actions: 1", "  obesity_actions: 1.5", "prevention.obesity_actions",
     "expected a whole number (got 1.5)"),
])
def test_wrong_type_or_range(tmp_path, old, new, path, fragment):
    text = VALID.replace(old, new, 1)
    errors, _ = _errors(tmp_path, text)
    (err,) = [e for e in errors if e.path == path]
    assert fragment in err.message
    assert err.line == _line_of(text, new.strip())


def test_missing_required_field(tmp_path):
    text = VALID.replace("  region: North\n", "")
    (err,), _ = _errors(tmp_path, text)
    assert err.path == "footprint.region" and "required field is missing" in err.message
    assert err.line == _line_of(text, "footprint:")  # points at the section that lacks it


def test_every_problem_is_reported(tmp_path):
    text = VALID.replace("  population: 2600000", "  population: x").replace("  ae_4h_pct: 90.2", "  ae_4h_pct: -1")
    errors, _ = _errors(tmp_path, text)
    assert {e.path for e in errors} == {"footprint.population", "performance.ae_4h_pct"}


def test_hostile_text_with_control_characters(tmp_path):
    text = VALID.replace("name: West Yorkshire and Harrogate", 'name: "West\\u0000Yorkshire"')
    (err,), _ = _errors(tmp_path, text)
    assert err.path == "footprint.name" and "control characters" in err.message


def test_duplicate_must_do_numbers(tmp_path):
    text = VALID.replace("{number: 8, mapped: false}", "{number: 7, mapped: false}")
    (err,), _ = _errors(tmp_path, text)
    assert "each must do number may appear once" in err.message


@pytest.mark.parametrize("text,fragment,line", [
    ("footprint: [unclosed\n", "not valid YAML", 2),
    ("- a\n- b\n", "must be a mapping", None),
    ("x: !!python/object/apply:os.system [echo]\n", "tags such as", 1),
    ("", "must be a mapping", None),
])
def test_unreadable_yaml(tmp_path, text, fragment, line):
    (err,), _ = _errors(tmp_path, text)
    assert fragment in err.message and err.line == line


def test_json_submission_with_iso_dates(tmp_path):
    import yaml
    data = yaml.safe_load(VALID)
    path = tmp_path / "sub.json"
    path.write_text(json.dumps(data, default=str))
    assert load_submission(path).footprint.code == "WYH"


def test_invalid_json_names_line(tmp_path):
    (err,), _ = _errors(tmp_path, '{\n  "schema_version": "1.0",\n  oops\n}', name="sub.json")
    assert "not valid JSON" in err.message and err.line == 3


def test_unsupported_file_type_and_missing_file(tmp_path):
    (err,), _ = _errors(tmp_path, "x", name="sub.csv")
    assert "unsupported file type '.csv' (use .yaml, .yml, .json or .xlsx)" in err.message
    with pytest.raises(InputError, match="cannot read"):
        load_submission(tmp_path / "nope.yaml")


def test_oversized_file(tmp_path):
    (err,), _ = _errors(tmp_path, "a: " + "x" * (5 * 1024 * 1024 + 10))
    assert "larger than 5 MiB" in err.message


def test_not_utf8(tmp_path):
    path = tmp_path / "sub.yaml"
    path.write_bytes(b"name: \xff\xfe")
    with pytest.raises(InputError, match="not UTF-8"):
        load_submission(path)

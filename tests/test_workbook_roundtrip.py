"""YAML -> XLSX -> YAML is lossless: for every fixture and for a few hundred generated submissions
(the realistic synthetic ones the benchmark uses and random ones aimed at the rules' thresholds,
with missing values and empty lists), the submission read back equals the one written, and the
assessment of the workbook equals the assessment of the YAML apart from the input's hash."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from randomsub import operands, random_submission

import assess
from assess.input.convert import as_data, dump
from assess.input.load import read_source, validate
from assess.input.submission import Submission
from assess.input.synthetic import generate
from assess.input.workbook import write_workbook
from assess.render.report import render

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))
SYNTHETIC = 100
RANDOM = 100


def _through_workbook(submission: Submission, tmp_path: Path, name: str = "s.xlsx") -> Submission:
    path = tmp_path / name
    path.write_bytes(write_workbook(as_data(submission)))
    return validate(read_source(path))


def _same(a: Submission, b: Submission) -> None:
    assert b == a
    assert b.model_dump_json() == a.model_dump_json()
    # the fields given stay given (a field left unset stays unset); `null`, `[]` and an empty
    # section mean "not stated", as a blank cell does, and read back as absent
    assert _stated(b.model_dump(exclude_unset=True)) == _stated(a.model_dump(exclude_unset=True))


def _stated(value: object) -> object:
    if isinstance(value, dict):
        inner = {k: _stated(v) for k, v in value.items()}
        return {k: v for k, v in inner.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_stated(v) for v in value]
    return value


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_fixture_round_trip_and_identical_assessment(fixture: Path, tmp_path: Path) -> None:
    original = validate(read_source(fixture))
    xlsx = tmp_path / f"{fixture.stem}.xlsx"
    xlsx.write_bytes(write_workbook(as_data(original)))
    back = validate(read_source(xlsx))
    _same(original, back)
    yaml_back = tmp_path / "back.yaml"
    yaml_back.write_text(str(dump(back, "yaml")))
    _same(original, validate(read_source(yaml_back)))
    catalogue = assess.load_catalogue()
    one = render(assess.assess_file(fixture, catalogue), "json")
    two = render(assess.assess_file(xlsx, catalogue), "json")
    assert one != two  # the input hash differs ...
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "input_sha256"}  # noqa: E731
    assert strip(one) == strip(two)  # ... and nothing else
    assert [line for line in one.splitlines() if "input_sha256" not in line] == \
           [line for line in two.splitlines() if "input_sha256" not in line]


def test_generated_submissions_round_trip(tmp_path: Path) -> None:
    datas = generate(SYNTHETIC, seed=11)
    assert len(datas) == SYNTHETIC
    for data in datas:
        original = Submission.model_validate(data)
        _same(original, _through_workbook(original, tmp_path))


def test_random_submissions_round_trip(tmp_path: Path) -> None:
    catalogue = assess.load_catalogue()
    rng, near = random.Random(7), operands(catalogue)
    for _ in range(RANDOM):
        original = random_submission(catalogue, rng, near)
        _same(original, _through_workbook(original, tmp_path))


def test_json_and_yaml_round_trip_too(tmp_path: Path) -> None:
    original = validate(read_source(FIXTURES[0]))
    for fmt in ("json", "yaml"):
        path = tmp_path / f"s.{fmt}"
        path.write_text(str(dump(original, fmt)))
        _same(original, validate(read_source(path)))


def test_bundled_workbook_fixture_round_trips(tmp_path: Path) -> None:
    bundled = ROOT / "fixtures" / "cornwall-workbook.xlsx"
    original = validate(read_source(bundled))
    yaml_copy = tmp_path / "cornwall.yaml"
    yaml_copy.write_text(str(dump(original, "yaml")))
    _same(original, validate(read_source(yaml_copy)))
    _same(original, _through_workbook(validate(read_source(yaml_copy)), tmp_path))

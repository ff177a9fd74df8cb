"""The synthetic generator behind the benchmark: valid for the schema, varied, and deterministic."""
from __future__ import annotations

import collections
import datetime as dt

import yaml

from assess import Submission, assess, load_catalogue
from assess.input.load import load_submission
from assess.input.synthetic import generate, generate_one, write_yaml

N = 500


def test_generated_submissions_are_valid_varied_and_illustrative():
    data = generate(N, seed=7)
    cat = load_catalogue()
    ratings: collections.Counter[str] = collections.Counter()
    readiness: collections.Counter[str] = collections.Counter()
    for item in data:
        submission = Submission.model_validate(item)
        assert submission.illustrative
        assert 10 <= len(submission.organisations) <= 60
        assert 5 <= len(submission.evidence) <= 40
        assert 10 <= len(submission.engagement_events) <= 80
        assert sorted(m.number for m in submission.must_dos) == list(range(1, 10))
        result = assess(submission, cat)
        ratings[result.rating] += 1
        readiness[result.ics_readiness] += 1
    assert len(ratings) >= 3, ratings
    assert all(count < 0.8 * N for count in ratings.values()), ratings
    assert len(readiness) >= 2, readiness


def test_every_schema_section_is_filled():
    sections = [name for name, info in Submission.model_fields.items()
                if name not in ("schema_version", "illustrative")]
    data = generate(50, seed=3)
    for name in sections:
        assert sum(1 for item in data if item.get(name)) >= 25, f"section {name} is mostly empty"


def test_deterministic_by_seed_and_independent_of_n():
    assert generate(20, seed=1) == generate(20, seed=1)
    assert generate(20, seed=1) != generate(20, seed=2)
    assert generate(5, seed=1) == generate(20, seed=1)[:5]
    assert generate_one("x") == generate_one("x")


def test_yaml_files_round_trip(tmp_path):
    data = generate(3, seed=5)
    paths = write_yaml(data, tmp_path)
    assert [p.name for p in paths] == ["submission-00000.yaml", "submission-00001.yaml", "submission-00002.yaml"]
    for item, path in zip(data, paths):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# ILLUSTRATIVE")
        assert yaml.safe_load(text) == item
        assert load_submission(path) == Submission.model_validate(item)
    assert isinstance(data[0]["footprint"]["submitted_on"], dt.date)

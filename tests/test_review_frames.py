"""Results as DataFrames: from assessments, and from a batch's results.json, the same tables."""
from __future__ import annotations

import json

import pandas as pd
from casekit import FIXTURES, catalogue
from click.testing import CliRunner

import assess
from assess.cli import main

FILES = ["dorset-thriving.yaml", "lincs-no-leader.yaml", "frimley-ics-ready.yaml"]


def test_to_frame_one_row_per_submission_and_per_criterion():
    assessments = [assess.assess_file(FIXTURES / f, catalogue()) for f in FILES]
    frames = assess.to_frame(assessments)
    assert list(frames.submissions["code"]) == ["DORSET", "LINCS", "FRIMLEY"]
    assert len(frames.criteria) == sum(len(a.criteria) for a in assessments)
    assert frames.submissions["score"].tolist() == [a.score for a in assessments]
    lincs = frames.criteria[(frames.criteria.code == "LINCS") & (frames.criteria.criterion == "DASH-01")].iloc[0]
    assert lincs.status == "not_met" and lincs.severity == "major" and lincs.credit == 0.0
    assert lincs.submitted == "performance.ae_4h_pct = 94.1" and "95" in lincs.required
    assert pd.api.types.is_datetime64_any_dtype(frames.submissions["submitted_on"])
    assert frames.criteria.groupby("code").size().to_dict() == {a.submission.footprint.code: len(a.criteria)
                                                                 for a in assessments}


def test_read_results_gives_the_same_tables_as_to_frame(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in FILES:
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    decisions = FIXTURES / "review" / "decisions.yaml"
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out"),
                                       "--decisions", str(decisions)])
    assert result.exit_code == 0, result.output
    from_file = assess.read_results(tmp_path / "out" / "results.json")
    direct = assess.to_frame(sorted((assess.assess_file(folder / f, catalogue(), decisions=decisions) for f in FILES),
                                    key=lambda a: a.submission.footprint.code))
    pd.testing.assert_frame_equal(from_file.criteria, direct.criteria)
    pd.testing.assert_frame_equal(from_file.submissions.drop(columns="input_sha256"),
                                  direct.submissions.drop(columns="input_sha256"))
    moderated = from_file.criteria.query("status != engine_status")
    assert set(moderated.criterion) == {"GOV-03", "DASH-01"} and set(moderated.code) == {"LINCS"}
    assert moderated.justification.notna().all()


def test_read_results_refuses_something_else(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"not": "a list"}))
    try:
        assess.read_results(path)
    except ValueError as exc:
        assert "not a batch's results.json" in str(exc)
    else:
        raise AssertionError("a mapping was read as results")

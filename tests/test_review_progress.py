"""Progress between submissions: `assess diff` and `assess batch --previous`."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from casekit import FIXTURES, catalogue
from click.testing import CliRunner

import assess
from assess.cli import main
from assess.review.diff import DiffError

OLD = FIXTURES / "previous" / "dorset-2016-plan.yaml"
NEW = FIXTURES / "dorset-thriving.yaml"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def change():
    return assess.diff_files(OLD, NEW, catalogue())


def test_verdict_before_and_after(change):
    assert (change["old"]["edition"], change["new"]["edition"]) == ("2016-plan", "2017-partnership")
    # The October 2016 plan is not held to the national seven-day figure due by the end of 2016/17
    # (20% covered), so it was already Outstanding; the score still rose.
    assert (change["old"]["rating"], change["new"]["rating"]) == ("Outstanding", "Outstanding")
    assert change["score_delta"] == round(change["new"]["score"] - change["old"]["score"], 1) > 0
    assert change["direction"] == 1 and change["changed"] and not change["identical"]


def test_criteria_newly_met_with_the_values_that_changed(change):
    met = {c["id"]: c for c in change["criteria"]["newly_met"]}
    assert set(met) == {"ENG-05"}
    assert [{k: v[k] for k in ("path", "old", "new", "label")} for v in met["ENG-05"]["values"]] == [
        {"path": "engagement_events", "old": "6 items", "new": "7 items", "label": "Engagement events"}]
    assert change["criteria"]["newly_unmet"] == []


def test_criteria_not_in_both_editions_are_listed_not_counted(change):
    only_old, only_new = change["criteria"]["only_old"], change["criteria"]["only_new"]
    assert "PLAN-02" in only_old and "ICS-02" in only_new
    changed = {c["id"] for group in ("newly_met", "newly_unmet", "other") for c in change["criteria"][group]}
    assert not changed & (set(only_old) | set(only_new))
    assert any("different editions" in w for w in change["warnings"])
    domains = {d["domain"]: d for d in change["domains"]}
    assert domains["integration"]["old"] is None and domains["integration"]["delta"] is None


def test_evidence_added_delivered_and_dropped(change):
    refs = {kind: [e["ref"] for e in rows] for kind, rows in change["evidence"].items()}
    assert refs == {"added": ["D-04", "D-06"], "delivered": ["D-01", "D-03"], "progressed": [], "dropped": ["D-07"]}


def test_fields_changed_and_path_to_ics(change):
    fields = {f["path"]: (f["old"], f["new"]) for f in change["fields"]}
    assert fields["leadership.leader_ratified"] == (False, True)
    assert fields["digital.shared_care_record_coverage_pct"] == (40, 85)
    assert "evidence" not in fields
    assert change["path_to_ics"] == {"old": [], "new": []}


@pytest.mark.parametrize("fmt, marker", [("text", "Newly met"), ("markdown", "## Criteria"),
                                         ("html", "<h2 id=\"criteria-h\">Criteria</h2>"), ("json", '"newly_met"')])
def test_diff_command_formats(fmt, marker):
    result = run("diff", OLD, NEW, "--format", fmt)
    assert result.exit_code == 0 and marker in result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["criteria"]["newly_met"][0]["id"] == "ENG-05"


def test_identical_files_say_no_change_plainly(tmp_path):
    copy = tmp_path / "again.yaml"
    shutil.copy(NEW, copy)
    result = run("diff", NEW, copy)
    assert result.exit_code == 0
    assert "No change: the two files hold the same submission" in result.stdout
    assert "Newly met" not in result.stdout


def test_two_footprints_are_refused_unless_forced():
    other = FIXTURES / "lincs-no-leader.yaml"
    refused = run("diff", NEW, other)
    assert refused.exit_code == 3
    assert "refusing to compare two different footprints (use --force" in refused.stderr
    with pytest.raises(DiffError):
        assess.diff_files(NEW, other, catalogue())
    forced = run("diff", NEW, other, "--force")
    assert forced.exit_code == 0 and "different footprints compared (forced): DORSET and LINCS" in forced.stdout


def test_diff_with_decisions_compares_moderated_verdicts():
    lincs = FIXTURES / "lincs-no-leader.yaml"
    result = run("diff", lincs, lincs, "--decisions", FIXTURES / "review" / "decisions.yaml", "--format", "json")
    data = json.loads(result.stdout)
    assert data["identical"] and data["old"]["moderated"] and data["new"]["moderated"]


def league(out: Path) -> list[dict[str, str]]:
    with (out / "league.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _previous(tmp_path: Path, version: str | None = None) -> Path:
    prev = tmp_path / "prev"
    assert run("batch", FIXTURES / "previous", "--out", prev).exit_code == 0
    results = prev / "results.json"
    if version:
        data = json.loads(results.read_text())
        for a in data:
            a["catalogue_version"] = version
        results.write_text(json.dumps(data))
    return results


def _batch_with_previous(tmp_path: Path, previous: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("dorset-thriving.yaml", "lincs-no-leader.yaml"):
        shutil.copy(FIXTURES / name, folder)
    out = tmp_path / "out"
    return run("batch", folder, "--out", out, "--previous", previous), out


def test_batch_previous_adds_change_to_league_dashboard_reports_and_results(tmp_path):
    result, out = _batch_with_previous(tmp_path, _previous(tmp_path))
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in league(out)}
    assert rows["DORSET"]["previous_rating"] == "Outstanding" and float(rows["DORSET"]["score_change"]) > 0
    assert rows["DORSET"]["newly_met"] == "ENG-05"
    assert rows["LINCS"]["change_note"] == "no previous submission in results.json"
    index = (out / "index.html").read_text()
    assert "1 improved, 0 declined" in index and "with no previous submission (LINCS)" in index
    report = (out / "reports" / "DORSET.md").read_text()
    assert "## Since the last submission" in report and "Newly met: ENG-05." in report
    # each side's readiness named for its edition, as the gap report names it, never by its code
    assert "| Readiness | Not assessed in this period | ACS candidacy (Next Steps, March 2017): " in report
    since = report.split("## Since the last submission")[1].split("\n## ")[0]
    assert "not_applicable" not in since and "ICS readiness" not in since
    results = {a["submission"]["code"]: a for a in json.loads((out / "results.json").read_text())}
    assert results["DORSET"]["since_previous"]["previous_score"] < results["DORSET"]["score"]
    assert "since_previous" not in results["LINCS"]


def test_previous_from_another_catalogue_version_warns_in_every_output(tmp_path):
    result, out = _batch_with_previous(tmp_path, _previous(tmp_path, version="2019.1.0"))
    assert result.exit_code == 0
    warning = "assessed with catalogue 2019.1.0"
    assert warning in result.stderr
    assert warning in (out / "index.html").read_text()
    assert all(warning in r["change_note"] for r in league(out))
    assert warning in (out / "reports" / "DORSET.md").read_text()
    assert warning in (out / "reports" / "DORSET.html").read_text()
    dorset = next(a for a in json.loads((out / "results.json").read_text()) if a["submission"]["code"] == "DORSET")
    assert any(warning in w for w in dorset["since_previous"]["warnings"])


@pytest.mark.parametrize("text, message", [
    ("{}", "expected a list of assessments"),
    ("[{\"x\": 1}]", "expected a list of assessments"),
    ("not json", "not a batch's results.json"),
])
def test_previous_that_is_not_results_is_refused(tmp_path, text, message):
    bad = tmp_path / "results.json"
    bad.write_text(text)
    result = run("batch", FIXTURES / "previous", "--out", tmp_path / "out", "--previous", bad)
    assert result.exit_code == 3 and message in result.stderr
    assert not (tmp_path / "out" / "results.json").exists()


def test_league_workbook_has_change_and_moderation_sheets(tmp_path):
    import pandas as pd

    previous = _previous(tmp_path)
    out = tmp_path / "out"
    result = run("batch", FIXTURES, "--out", out, "--previous", previous,
                 "--decisions", FIXTURES / "review" / "decisions.yaml")
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(out / "league.xlsx", sheet_name=None)
    assert list(sheets) == ["League", "Change", "Moderation", "Domain scores", "Criteria", "Criteria summary",
                           "Unmet criteria", "About"]
    change = sheets["Change"].set_index("Code")
    assert change.loc["DORSET", "Previous rating"] == "Outstanding" and change.loc["DORSET", "Score change"] > 0
    moderation = sheets["Moderation"]
    assert moderation[["Code", "Criterion", "State"]].values.tolist() == [
        ["DORSET", "GOV-01", "redundant"], ["LINCS", "GOV-03", "applied"], ["LINCS", "DASH-01", "unpinned"]]
    assert {"Reviewer overrides", "Engine score", "Score change"} <= set(sheets["League"].columns)


def test_same_values_in_another_format_are_no_change(tmp_path):
    import yaml

    as_json = tmp_path / "dorset.json"
    as_json.write_text(json.dumps(yaml.safe_load(NEW.read_text()), default=str))
    result = run("diff", NEW, as_json)
    assert result.exit_code == 0 and "No change: the two files hold the same submission" in result.stdout


def test_previous_with_a_code_twice_compares_the_latest_and_says_so(tmp_path):
    results = _previous(tmp_path)
    data = json.loads(results.read_text())
    older = json.loads(json.dumps(data[0]))
    older["submission"]["submitted_on"] = "2016-01-01"
    older["score"] = 1.0
    results.write_text(json.dumps([older, *data]))
    result, out = _batch_with_previous(tmp_path, results)
    assert result.exit_code == 0
    assert "more than one submission of DORSET; the latest of each is compared" in result.stderr
    rows = {r["code"]: r for r in league(out)}
    assert rows["DORSET"]["previous_submitted_on"] == "2016-10-21"

"""`assess batch`: outputs complete and deterministic, bad files isolated, names safe."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from casekit import BASE, FIXTURES, catalogue, merge
from click.testing import CliRunner

from assess.batch import run as batch_module
from assess.cli import main
from assess.render import dashboard

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> | # =1+1'


def submission(code: str, *, name: str | None = None, population: int = 1_000_000,
               submitted_on: str = "2016-10-21", **patch: Any) -> dict[str, Any]:
    footprint = {"code": code, "name": name or f"Footprint {code}", "population": population,
                 "submitted_on": submitted_on}
    return merge(BASE, {"footprint": footprint, **patch})


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    text = json.dumps(data, default=str) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def good_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write(folder, "b-small.yaml", submission("SMALL", population=500_000,
                                             seven_day={"priority_standards_coverage_pct": 50.0}))
    write(folder, "a-large.yml", submission("LARGE", population=2_000_000, submitted_on="2018-06-01",
                                            seven_day={"priority_standards_coverage_pct": 20.0},
                                            leadership={"leader_name": "A Leader"}))
    write(folder, "c-mid.json", submission("MID", population=900_000))
    return folder


def test_entries_that_are_not_submissions_are_listed_with_the_reason(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    (folder / "notes.txt").write_text("not a submission")
    (folder / ".editor-swap.yaml").write_text("{{{{")
    (folder / "sub").mkdir()
    write(folder / "sub", "nested.yaml", submission("NESTED"))
    (folder / "misnamed.yaml").mkdir()
    summary = run(folder, tmp_path / "out")
    assert summary.assessed == 3 and summary.files == 5
    reasons = {r["file"]: r["message"] for r in read_csv(tmp_path / "out" / "errors.csv")}
    assert ".editor-swap.yaml" not in reasons  # hidden: a warning (see the test below), not an error
    assert "unsupported file type '.txt'" in reasons["notes.txt"] and ".xlsx" in reasons["notes.txt"]
    assert "sub-folders are not read" in reasons["misnamed.yaml"]
    assert "sub" not in reasons and any(w.startswith("sub: not read: a sub-folder") for w in summary.warnings)
    index = (tmp_path / "out" / "index.html").read_text()
    assert "Files not assessed (2)" in index and "Sub-folders are never read: sub." in index


SYSTEM_FILES = {".DS_Store": "a hidden file", "~$b-small.xlsx": "an Excel lock file",
                "Thumbs.db": "a Windows thumbnail cache", "desktop.ini": "a Windows folder settings file",
                ".~lock.b-small.xlsx#": "a LibreOffice lock file", "~$notes.docx": "an Office lock file",
                "._a-large.yml": "a hidden file"}


def test_hidden_lock_and_system_files_are_warnings_and_the_batch_still_succeeds(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    for name in SYSTEM_FILES:
        (folder / name).write_bytes(b"\x00\x05\x16\x07Bud1")  # binary, as a .DS_Store is
    (folder / ".Spotlight-V100").mkdir()
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    for name, kind in {**SYSTEM_FILES, ".Spotlight-V100": "a hidden folder"}.items():
        assert any(line.startswith(f"Warning: {name}: not read: {kind}") for line in warnings), (name, warnings)
    assert "Error" not in result.stderr
    assert "8 hidden, lock or system files not read" in result.stderr
    assert read_csv(tmp_path / "out" / "errors.csv") == []
    index = (tmp_path / "out" / "index.html").read_text()
    assert "Files not assessed (0)" in index and "Hidden, lock and system files are not read: " in index
    for name in ("._a-large.yml", ".DS_Store", ".Spotlight-V100", ".~lock.b-small.xlsx#", "Thumbs.db",
                 "desktop.ini", "~$b-small.xlsx", "~$notes.docx"):
        assert name in index
    assert "the workbook was read as last saved" in index


def test_a_lock_file_beside_a_broken_file_keeps_the_exit_status_of_the_broken_one(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    (folder / "~$b-small.xlsx").write_bytes(b"lock")
    (folder / "broken.json").write_text("{")
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert [r["file"] for r in read_csv(tmp_path / "out" / "errors.csv")] == ["broken.json"]
    assert "Warning: ~$b-small.xlsx: not read: an Excel lock file" in result.stderr


def test_a_successful_batch_says_what_it_did_in_one_line(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(out)])
    assert result.exit_code == 0
    assert result.stderr == (f"assessed 3 of 3 files into {out}; none could not be assessed; 3 ranked in the "
                             f"league; open {out / 'index.html'}\n")
    quiet = CliRunner().invoke(main, ["batch", str(folder), "--out", str(out), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    (folder / "broken.json").write_text("{")
    failing = CliRunner().invoke(main, ["batch", str(folder), "--out", str(out), "-q"])
    assert failing.exit_code == 3 and "assessed 3 of 4 files" in failing.stderr  # --quiet never hides a failure


def test_the_summary_counts_moderated_submissions_and_stale_decisions(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("lincs-no-leader.yaml", "dorset-thriving.yaml", "frimley-ics-ready.yaml"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    decisions = yaml.safe_load((FIXTURES / "review" / "decisions.yaml").read_text())
    decisions["decisions"][0]["fingerprint"] = "0123456789abcdef"  # LINCS GOV-03 pinned to other values
    path = tmp_path / "decisions.yaml"
    path.write_text(yaml.safe_dump(decisions))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(out), "--decisions", str(path)])
    assert result.exit_code == 0, result.output
    moderated = {r["submission"]["code"] for r in json.loads((out / "results.json").read_text()) if r.get("moderation")}
    assert moderated == {"LINCS", "DORSET"}
    assert f"; 3 ranked in the league; 2 moderated, 1 stale decision; open {out / 'index.html'}" in result.stderr


def run(folder: Path, out: Path, jobs: int = 1, **kwargs: Any) -> batch_module.BatchSummary:
    kwargs.setdefault("progress", False)
    return batch_module.run_batch(folder, out, catalogue=catalogue(), jobs=jobs, **kwargs)


def output_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")  # a BOM, so that Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture(scope="module")
def good_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, batch_module.BatchSummary]:
    base = tmp_path_factory.mktemp("good")
    summary = run(good_folder(base / "in"), base / "out")
    return base / "out", summary


def test_outputs_exist_and_are_complete(good_batch: tuple[Path, batch_module.BatchSummary]) -> None:
    out, summary = good_batch
    assert summary.errors == [] and summary.assessed == 3 and summary.files == 3
    names = set(output_bytes(out))
    assert names == {"results.json", "league.csv", "league.xlsx", "index.html", "errors.csv",
                     "reports/LARGE.html", "reports/LARGE.md", "reports/MID.html", "reports/MID.md",
                     "reports/SMALL.html", "reports/SMALL.md"}
    results = json.loads((out / "results.json").read_text())
    assert [r["submission"]["code"] for r in results] == ["LARGE", "MID", "SMALL"]  # by code, then file
    assert {"rating", "stage", "ics_readiness", "domains", "criteria", "path_to_ics", "input_sha256"} <= set(results[0])
    league = read_csv(out / "league.csv")
    assert sorted(r["code"] for r in league) == ["LARGE", "MID", "SMALL"]
    row = next(r for r in league if r["code"] == "SMALL")
    assert row["population"] == "500000" and row["file"] == "b-small.yaml" and row["report"] == "reports/SMALL.html"
    for column in ("name", "region", "rating", "stage", "ics_readiness", "score", "unmet_blocking", "score_plan"):
        assert row[column] != ""
    scores = [float(r["score"]) for r in league]
    assert scores == sorted(scores, reverse=True)
    assert (out / "errors.csv").read_text(encoding="utf-8-sig") == "file,line,field,message\n"
    index = (out / "index.html").read_text()
    for code in ("LARGE", "MID", "SMALL"):
        assert f'href="reports/{code}.html"' in index
    assert "../index.html" in (out / "reports" / "MID.html").read_text()


def test_xlsx_has_one_row_per_submission(good_batch: tuple[Path, batch_module.BatchSummary]) -> None:
    import openpyxl

    out, _ = good_batch
    sheet = openpyxl.load_workbook(out / "league.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Code", "Name", "Region")
    assert sorted(r[1] for r in rows[1:]) == ["LARGE", "MID", "SMALL"]


def test_unreadable_and_invalid_files_go_to_errors_csv_while_others_are_scored(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    (folder / "broken.yaml").write_text("footprint: [unclosed\n")
    bad = submission("BAD")
    bad["footprint"]["population"] = "lots"
    bad["footprint"]["region"] = "Atlantis"
    write(folder, "invalid.yaml", bad)
    (folder / "empty.json").write_text("[]")
    (folder / "binary.yaml").write_bytes(b"\xff\xfe\x00bad")
    summary = run(folder, tmp_path / "out")
    assert summary.assessed == 3
    assert summary.failed_files == ["binary.yaml", "broken.yaml", "empty.json", "invalid.yaml"]
    rows = read_csv(tmp_path / "out" / "errors.csv")
    invalid = [r for r in rows if r["file"] == "invalid.yaml"]
    assert {r["field"] for r in invalid} == {"footprint.population", "footprint.region"}
    assert all(r["line"] for r in invalid)  # YAML problems name their line
    broken = next(r for r in rows if r["file"] == "broken.yaml")
    assert broken["line"] == "2" and "YAML" in broken["message"]
    assert len(json.loads((tmp_path / "out" / "results.json").read_text())) == 3
    assert "/" not in "".join(r["file"] for r in rows)  # file names, never the folder's path
    index = (tmp_path / "out" / "index.html").read_text()
    assert "broken.yaml" in index and "Files not assessed (4)" in index


def test_an_internal_error_for_one_file_is_recorded_and_the_rest_still_scored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.engine import assessor

    real = assessor.assess_submission

    def flaky(sub: Any, *args: Any, **kwargs: Any) -> Any:
        if sub.footprint.code == "MID":
            raise ZeroDivisionError("boom")
        return real(sub, *args, **kwargs)

    monkeypatch.setattr(assessor, "assess_submission", flaky)
    summary = run(good_folder(tmp_path / "in"), tmp_path / "out")
    assert summary.assessed == 2
    (error,) = summary.errors
    assert error["file"] == "c-mid.json" and error["message"].startswith("internal error")
    assert "ZeroDivisionError: boom" in error["message"]
    assert read_csv(tmp_path / "out" / "errors.csv")[0]["file"] == "c-mid.json"


def test_exit_codes_and_messages(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    runner = CliRunner()
    ok = runner.invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out1")])
    assert ok.exit_code == 0, ok.output
    assert len(ok.stderr.splitlines()) == 1 and "assessed 3 of 3 files" in ok.stderr  # the summary, no progress bar
    (folder / "broken.json").write_text("{")
    bad = runner.invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out2")])
    assert bad.exit_code == 3
    assert "Error: broken.json:1: not valid JSON" in bad.stderr
    assert "assessed 3 of 4 files" in bad.stderr
    assert (tmp_path / "out2" / "reports" / "MID.html").is_file()
    assert "Exit status 0" in runner.invoke(main, ["batch", "--help"]).output


def test_an_empty_folder_gives_empty_but_valid_outputs(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    summary = run(tmp_path / "in", tmp_path / "out")
    assert summary.errors == [] and summary.assessed == 0
    assert json.loads((tmp_path / "out" / "results.json").read_text()) == []
    assert (tmp_path / "out" / "league.csv").read_text(encoding="utf-8-sig").startswith("rank,code,name")
    assert "0 submissions assessed" in (tmp_path / "out" / "index.html").read_text()


def test_two_runs_give_identical_bytes(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    run(folder, tmp_path / "one")
    run(folder, tmp_path / "two")
    one, two = output_bytes(tmp_path / "one"), output_bytes(tmp_path / "two")
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name
    text = b"".join(one.values())
    assert str(tmp_path).encode() not in text  # no absolute paths in any output


def test_jobs_2_gives_the_same_bytes_as_jobs_1(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    (folder / "broken.yaml").write_text("a: [\n")
    run(folder, tmp_path / "serial", jobs=1)
    summary = run(folder, tmp_path / "parallel", jobs=2)
    assert summary.assessed == 3 and summary.failed_files == ["broken.yaml"]
    assert output_bytes(tmp_path / "serial") == output_bytes(tmp_path / "parallel")


def test_one_footprint_submitted_twice_is_ranked_once_the_latest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "first.yaml", submission("TWIN", name="First twin", submitted_on="2016-06-30"))
    write(folder, "second.yaml", submission("twin", name="Resubmitted, code in another case",
                                            submitted_on="2016-10-21"))
    write(folder, "other.yaml", submission("OTHER"))
    summary = run(folder, tmp_path / "out")
    assert summary.assessed == 2 and summary.failed_files == ["first.yaml"]
    row = read_csv(tmp_path / "out" / "errors.csv")[0]
    assert "not ranked" in row["message"] and "second.yaml" in row["message"] and "21 October 2016" in row["message"]
    league = read_csv(tmp_path / "out" / "league.csv")
    assert sorted(r["file"] for r in league) == ["other.yaml", "second.yaml"]
    index = (tmp_path / "out" / "index.html").read_text()
    assert "Footprints submitted more than once" in index and "Not ranked: first.yaml" in index


def test_one_footprint_twice_on_the_same_date_is_not_ranked_at_all(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "first.yaml", submission("TWIN", name="First twin"))
    write(folder, "second.yaml", submission("TWIN", name="Second twin"))
    write(folder, "other.yaml", submission("OTHER"))
    summary = run(folder, tmp_path / "out")
    assert summary.assessed == 1 and summary.failed_files == ["first.yaml", "second.yaml"]
    assert all("same latest date" in r["message"] for r in summary.errors)
    assert [r["file"] for r in read_csv(tmp_path / "out" / "league.csv")] == ["other.yaml"]


@pytest.mark.parametrize("code, stem", [
    ("../../etc/passwd", "etc_passwd"), ("a/b\\c", "a_b_c"), ("..", "submission"), ("", "submission"),
    ("CON", "CON_"), ("-rf", "rf"), ("E54000005", "E54000005"), ("x" * 80, "x" * 40),
    ("<script>", "script"),
])
def test_output_names_are_sanitised(code: str, stem: str) -> None:
    assert batch_module.safe_stem(code) == stem


def test_sanitised_names_that_collide_are_suffixed() -> None:
    assert batch_module.assign_stems(["a/b", "a_b", "A_B", "a_b-2"]) == ["a_b", "a_b-2", "A_B-3", "a_b-2-2"]


def test_a_hostile_name_cannot_escape_the_output_folder_or_inject_markup(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "hostile.json", submission("HOSTILE", name=HOSTILE))
    (folder / '<img src=x onerror="alert(1)">.yaml').write_text("not: [valid\n")
    out = tmp_path / "nest" / "out"
    summary = run(folder, out)
    assert summary.assessed == 1
    written = {p.resolve() for p in out.rglob("*")}
    assert all(out.resolve() in p.parents for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "nest"]
    for page in (out / "index.html", out / "reports" / "HOSTILE.html"):
        html = page.read_text()
        assert "<script>window" not in html and "<img src=x" not in html
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;.yaml" in (out / "index.html").read_text()
    md = (out / "reports" / "HOSTILE.md").read_text()
    assert "<script>" not in md and r"\<script\>" in md
    league = read_csv(out / "league.csv")
    assert league[0]["name"] == HOSTILE  # kept as given: it does not start with a formula character


def test_spreadsheet_formulas_in_submitted_text_are_defused(tmp_path: Path) -> None:
    import openpyxl

    folder = tmp_path / "in"
    folder.mkdir()
    formula = '=HYPERLINK("http://example.invalid","click")'
    write(folder, "f.yaml", submission("FORMULA", name=formula))
    run(folder, tmp_path / "out")
    assert read_csv(tmp_path / "out" / "league.csv")[0]["name"] == "'" + formula
    sheet = openpyxl.load_workbook(tmp_path / "out" / "league.xlsx").active
    cell = sheet.cell(row=2, column=3)
    assert cell.value == formula and cell.data_type == "s"  # text, never a formula


def test_xlsx_bytes_carry_no_save_time(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    run(folder, tmp_path / "out")
    with zipfile.ZipFile(tmp_path / "out" / "league.xlsx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2018-06-01T00:00:00Z" in core  # the latest submission date, not the time of the run


def test_each_gap_report_shows_the_batch_and_size_band_medians(
        good_batch: tuple[Path, batch_module.BatchSummary]) -> None:
    out, _ = good_batch
    results = {r["submission"]["code"]: r for r in json.loads((out / "results.json").read_text())}
    overall = sorted(r["score"] for r in results.values())[1]
    md = (out / "reports" / "SMALL.md").read_text()
    assert "Batch median" in md and "Similar-sized median" in md
    assert "under 750,000; 750,000 to 1.5 million; 1.5 million or more" in md
    overall_row = next(line for line in md.splitlines() if line.startswith("| **Overall**"))
    assert f"{overall:.1f} (n=3)" in overall_row  # batch median over all three
    small = results["SMALL"]["score"]
    assert overall_row.endswith(f"{small:.1f} (n=1) |")  # alone in its size band
    html = (out / "reports" / "SMALL.html").read_text()
    assert "Batch median" in html and "under 750,000" in html


def test_national_checks_are_population_weighted_against_the_trajectory(
        good_batch: tuple[Path, batch_module.BatchSummary]) -> None:
    out, _ = good_batch
    # SMALL: 500k at 50% and MID: 900k, none, both dated 2016 (no national figure is due until the
    # end of 2016/17, so 0% is expected); LARGE: 2m at 20% (2018 trajectory 50%).
    index = (out / "index.html").read_text()
    covered = (500_000 * 0.5 + 2_000_000 * 0.2) / 3_400_000 * 100
    expected = (500_000 * 0 + 2_000_000 * 50 + 900_000 * 0) / 3_400_000
    assert f"{covered:.1f}%</span> of the population covered" in index
    assert f"{expected:.1f}%</span> expected by the trajectory" in index
    assert "Below the trajectory" in index


def test_seven_day_check_counts_unreported_population_as_not_covered() -> None:
    def entry(code: str, population: int, coverage: float | None, target: float | None) -> dict[str, Any]:
        return {"file": f"{code}.yaml", "stem": code, "facts": {"seven_day_coverage_pct": coverage,
                                                                "seven_day_trajectory_pct": target},
                "assessment": {"submission": {"code": code, "name": code, "population": population,
                                              "submitted_on": "2017-01-01"}}}

    check = dashboard.seven_day_check([entry("A", 1_000_000, 100.0, 25.0), entry("B", 1_000_000, None, 25.0),
                                       entry("C", 2_000_000, 10.0, None)])
    assert check["covered_share"] == 30.0  # (1m + 0.2m) / 4m
    assert check["expected_share"] == 12.5  # (0.25m + 0.25m + 0) / 4m
    assert check["unreported_share"] == 25.0 and check["on_track"] is True
    assert [r["verdict"] for r in check["rows"]] == ["on_track", "not_reported", "on_track"]


def test_size_bands_are_half_open() -> None:
    assert [dashboard.size_band(p).id for p in (10_000, 749_999, 750_000, 1_499_999, 1_500_000, 9_000_000)] == \
        ["small", "small", "medium", "medium", "large", "large"]
    assert dashboard.median([3.0, None, 1.0, 2.0, 10.0]) == 2.5 and dashboard.median([None]) is None


def test_out_folder_equal_to_or_above_the_input_folder_is_refused_and_nothing_is_touched(tmp_path: Path) -> None:
    from assess.batch.outdir import OutputError

    folder = good_folder(tmp_path / "in")
    before = output_bytes(tmp_path)
    for out in (folder, tmp_path):
        with pytest.raises(OutputError, match="is or holds the input folder"):
            run(folder, out)
    assert output_bytes(tmp_path) == before


def double_or_die(task: int) -> int:
    """A phase task for the runner test: task 3 kills its worker process outright."""
    if task == 3:
        import os

        os._exit(70)
    return task * 2


def test_a_worker_that_dies_costs_only_its_own_task() -> None:
    runner = batch_module._Runner(2, None, catalogue(), progress=False)
    try:
        results = runner.map(double_or_die, [1, 2, 3, 4], "test", lambda task: f"crashed on {task}")
    finally:
        runner.close()
    assert results == [2, 4, "crashed on 3", 8]


def test_edition_option_applies_to_every_submission(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    run(folder, tmp_path / "out", edition="2019-ics")
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert {r["edition"] for r in results} == {"2019-ics"}


def test_progress_bars_go_to_stderr_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(good_folder(tmp_path / "in"), tmp_path / "out", progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Scoring" in captured.err and "Writing reports" in captured.err


def test_results_json_streamed_from_the_spool_is_one_canonical_document(tmp_path):
    from assess import load_catalogue
    from assess.batch.run import run_batch
    out = tmp_path / "out"
    run_batch(FIXTURES, out, catalogue=load_catalogue())
    text = (out / "results.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert not [p for p in out.iterdir() if p.name.startswith(".spool")], "the spool folder was left behind"


def test_excel_lock_files_are_named_as_lock_files(tmp_path: Path) -> None:
    """Excel writes ~$name.xlsx (162 bytes, not a zip) while name.xlsx is open: named as what it
    is in a warning, not as a broken workbook, and never opened."""
    folder = good_folder(tmp_path / "in")
    (folder / "~$c-mid.xlsx").write_bytes(b"\x0bA. Reviewer" + b"\x00" * 150)
    summary = run(folder, tmp_path / "out")
    assert summary.assessed == 3 and summary.errors == [] and summary.not_read == ["~$c-mid.xlsx"]
    warning = next(w for w in summary.warnings if w.startswith("~$c-mid.xlsx: "))
    assert warning.startswith("~$c-mid.xlsx: not read: an Excel lock file (the workbook is open in Excel)")
    assert "not an Excel workbook" not in warning


def test_check_names_an_excel_lock_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from assess.cli import main

    lock = tmp_path / "~$plan.xlsx"
    lock.write_bytes(b"\x0bA. Reviewer" + b"\x00" * 150)
    result = CliRunner().invoke(main, ["check", str(lock)])
    assert result.exit_code == 3 and "an Excel lock file (the workbook is open in Excel)" in result.output
    assert "read plan.xlsx itself" in result.output


def test_the_league_says_which_files_it_does_not_rank(tmp_path: Path) -> None:
    """league.csv and league.xlsx alone show a duplicate code: a column on the ranked row and a
    "Not ranked" sheet with every such file (a code tied on one date has no ranked row at all)."""
    from openpyxl import load_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "first.yaml", submission("TWIN", submitted_on="2016-06-30"))
    write(folder, "second.yaml", submission("twin", submitted_on="2016-10-21"))
    write(folder, "tie-a.yaml", submission("TIE"))
    write(folder, "tie-b.yaml", submission("TIE"))
    run(folder, tmp_path / "out")
    league = {r["code"]: r for r in read_csv(tmp_path / "out" / "league.csv")}
    assert set(league) == {"twin"} and league["twin"]["also_submitted_in"] == "first.yaml"
    book = load_workbook(tmp_path / "out" / "league.xlsx")
    ws = book["League"]
    heads = [c.value for c in ws[1]]
    assert heads[-1] == "Also submitted in (not ranked)" and ws.cell(2, len(heads)).value == "first.yaml"
    rows = [[c.value for c in r] for r in book["Not ranked"].iter_rows(min_row=2)]
    assert sorted(r[0] for r in rows) == ["first.yaml", "tie-a.yaml", "tie-b.yaml"]
    assert {r[1] for r in rows} == {"TWIN", "TIE"} and all(r[2].startswith("not ranked") for r in rows)


def test_a_batch_without_duplicates_keeps_the_league_columns(tmp_path: Path) -> None:
    run(good_folder(tmp_path / "in"), tmp_path / "out")
    header = (tmp_path / "out" / "league.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "also_submitted_in" not in header and header.endswith(",file,report")


def test_league_xlsx_shows_control_and_bidi_characters_and_never_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a\u202egpj.\x1b[2J.yaml", submission("SPOOF", name="=HYPERLINK(\"http://x\")\u202eevil"))
    run(folder, tmp_path / "out")
    ws = load_workbook(tmp_path / "out" / "league.xlsx")["League"]
    heads = [c.value for c in ws[1]]
    name, file = ws.cell(2, heads.index("Name") + 1), ws.cell(2, heads.index("File") + 1)
    assert name.data_type == "s" and name.value == "=HYPERLINK(\"http://x\")\\u202eevil"
    assert file.value == "a\\u202egpj.\\x1b[2J.yaml"

"""A reviewer's decisions as a workbook: the Decisions sheet of `assess fingerprint -o x.xlsx`,
read by --decisions with the YAML form's checks, and every problem at its sheet and cell."""
from __future__ import annotations

import datetime as dt
import io
import json
import time
from pathlib import Path

import pytest
import yaml
from casekit import FIXTURES, catalogue
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from assess.cli import main
from assess.errors import InputError
from assess.review.decisions_workbook import COLUMNS
from assess.review.moderation import load_decisions

LINCS = FIXTURES / "lincs-no-leader.yaml"
WHY = "The signed memorandum names the partnership board as the body that settles disputes."


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def fill(path: Path, rows: dict[int, dict[str, object]]) -> None:
    """Type values into rows of the Decisions sheet, as a reviewer would in Excel."""
    book = load_workbook(path)
    ws = book["Decisions"]
    header = {ws.cell(row=1, column=c).value: c for c in range(1, ws.max_column + 1)}
    for row, values in rows.items():
        for key, value in values.items():
            ws.cell(row=row, column=header[key], value=value)
    book.save(path)


def table(path: Path, header: list[str], *rows: list[object], title: str = "Decisions") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def good(**changes: object) -> list[object]:
    record: dict[str, object] = {"submission": "LINCS", "criterion": "GOV-03", "decision": "met",
                                 "justification": WHY, "reviewer": "A. Reviewer", "date": dt.date(2017, 8, 4)}
    record.update(changes)
    return [record.get(key) for key in COLUMNS[:6]]


def test_fingerprint_writes_a_decisions_sheet_that_score_reads_like_the_yaml_form(tmp_path):
    xlsx, yml = tmp_path / "d.xlsx", tmp_path / "d.yaml"
    assert run("fingerprint", LINCS, "GOV-03", "-o", xlsx).exit_code == 0
    ws = load_workbook(xlsx)["Decisions"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws["A2"].value == "LINCS" and ws["B2"].value == "GOV-03" and len(ws["H2"].value) == 16
    fill(xlsx, {2: {"decision": "met", "justification": WHY, "reviewer": "A. Reviewer",
                    "date": dt.datetime(2017, 8, 4)}})
    text = run("fingerprint", LINCS, "GOV-03").stdout
    record = yaml.safe_load(text)["decisions"][0]
    record.update(decision="met", justification=WHY, reviewer="A. Reviewer", date="2017-08-04")
    yml.write_text(yaml.safe_dump({"decisions": [record]}))
    from_xlsx = json.loads(run("score", LINCS, "--decisions", xlsx, "-f", "json").stdout)
    from_yaml = json.loads(run("score", LINCS, "--decisions", yml, "-f", "json").stdout)
    for data in (from_xlsx, from_yaml):
        data["moderation"].pop("file"), data["moderation"].pop("sha256")
        data["moderation"]["decisions"][0].pop("line")
    assert from_xlsx["moderation"]["decisions"][0]["state"] == "applied"
    assert from_xlsx["moderation"] == from_yaml["moderation"] and from_xlsx["score"] == from_yaml["score"]


def test_batch_takes_a_decisions_workbook(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / LINCS.name).write_bytes(LINCS.read_bytes())
    path = table(tmp_path / "d.xlsx", list(COLUMNS[:6]), good(), good(submission="NOWHERE"))
    result = run("batch", folder, "--out", tmp_path / "out", "--decisions", path)
    errors = (tmp_path / "out" / "errors.csv").read_text()
    assert "d.xlsx,Decisions!A3,submission,\"a decision for 'NOWHERE'" in errors, errors
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results[0]["moderation"]["overrides"] == 1, result.output


@pytest.mark.parametrize("header, row, message", [
    (list(COLUMNS[:6]), good(justification=None), "Decisions!D2 (justification): required"),
    (list(COLUMNS[:6]), good(justification="ok"), "Decisions!D2 (justification): not substantive"),
    (list(COLUMNS[:6]), good(criterion="GOV-99"), "Decisions!B2 (criterion): unknown criterion 'GOV-99'"),
    (list(COLUMNS[:6]), good(decision="yes"), "Decisions!C2 (decision)"),
    (list(COLUMNS[:6]), good(date="yesterday"), "Decisions!F2 (date)"),
    (list(COLUMNS[:6]), good(date=42951), "Decisions!F2 (date): expected a date (got the number 42951) "
     "(2017-08-04 if it is a date serial)"),
    (list(COLUMNS[:6]), good(reviewer="=HYPERLINK(\"http://x\")"), "Decisions!E2 (reviewer): a formula"),
    (list(COLUMNS[:6]) + ["colour"], good() + ["red"], "Decisions!G1: unknown column 'colour'"),
    (list(COLUMNS[:5]), good()[:5], "Decisions!A1: the header row lacks the column date"),
    (list(COLUMNS[:6]) + ["fingerprint"], good() + ["xyz"], "Decisions!G2 (fingerprint): a fingerprint is 16"),
])
def test_bad_decisions_are_refused_at_their_cell(tmp_path, header, row, message):
    path = table(tmp_path / "d.xlsx", header, row)
    result = run("score", LINCS, "--decisions", path)
    assert result.exit_code == 3 and message in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_two_decisions_on_one_criterion_name_both_rows(tmp_path):
    path = table(tmp_path / "d.xlsx", list(COLUMNS[:6]), good(), good(decision="not_applicable"))
    with pytest.raises(InputError) as caught:
        load_decisions(path, catalogue())
    assert "a second decision on GOV-03 for LINCS (the first is at Decisions!A2)" in str(caught.value)
    assert caught.value.all()[0].cell == "Decisions!A3"


def test_a_workbook_without_a_decisions_sheet_is_refused_with_its_sheets(tmp_path):
    path = table(tmp_path / "d.xlsx", list(COLUMNS[:6]), good(), title="Decisionz")
    with pytest.raises(InputError, match="no sheet named 'Decisions' .*'Decisionz'.*Did you mean"):
        load_decisions(path, catalogue())


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    from assess.review.decisions_workbook import write_decisions_workbook

    data = write_decisions_workbook([{"submission": "=1+1", "criterion": "@SUM(A1)"}], "=cmd|' /C calc'!A0")
    book = load_workbook(io.BytesIO(data))
    assert book["Decisions"]["A2"].data_type == "s" and book["Decisions"]["A2"].value == "=1+1"
    assert book["Help"]["A1"].data_type == "s"


@pytest.mark.parametrize("case", ["zip bomb", "XML entity bomb in sharedStrings", "a sheet of a million rows",
                                  "not a zip", "a truncated zip"])
def test_hostile_workbooks_as_decisions_are_refused_quickly(tmp_path, case):
    from workbook_cases import CASES, build

    chosen = next(c for c in CASES if c.name.startswith(case))
    path = build(chosen, tmp_path)
    start = time.process_time()
    with pytest.raises(InputError):
        load_decisions(path, catalogue())
    print(f"{case}: {time.process_time() - start:.3f} s CPU")


def test_filling_in_only_the_decided_row_skips_the_others(tmp_path):
    """`fingerprint -o` offers a row per unmet criterion; the reviewer decides one of them."""
    xlsx = tmp_path / "d.xlsx"
    assert run("fingerprint", LINCS, "-o", xlsx).exit_code == 0
    ws = load_workbook(xlsx)["Decisions"]
    offered = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=2).value]
    assert len(offered) > 3
    row = next(r for r in offered if ws.cell(row=r, column=2).value == "GOV-03")
    fill(xlsx, {row: {"decision": "Met", "justification": WHY, "reviewer": "A. Reviewer", "date": "20/07/2017"}})
    result = run("score", LINCS, "--decisions", xlsx, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "required" not in result.stderr
    [decision] = json.loads(result.stdout)["moderation"]["decisions"]
    assert (decision["criterion"], decision["decision"], decision["date"]) == ("GOV-03", "met", "2017-07-20")


@pytest.mark.parametrize("typed, expected", [
    ("Met", "met"), ("Not met", "not_met"), ("NOT MET", "not_met"), ("Not applicable", "not_applicable"),
    ("not-applicable", "not_applicable")])
def test_decisions_are_read_as_reviewers_write_them(tmp_path, typed, expected):
    path = table(tmp_path / "d.xlsx", list(COLUMNS[:6]), good(decision=typed))
    [decision] = load_decisions(path, catalogue()).decisions
    assert decision.decision == expected


@pytest.mark.parametrize("typed", [dt.datetime(2017, 7, 20), "2017-07-20", "20/07/2017", " 20/07/2017 "])
def test_dates_are_read_as_in_a_submission_workbook(tmp_path, typed):
    path = table(tmp_path / "d.xlsx", list(COLUMNS[:6]), good(date=typed))
    [decision] = load_decisions(path, catalogue()).decisions
    assert decision.date == dt.date(2017, 7, 20)


def test_an_ambiguous_uk_date_is_refused_with_both_readings(tmp_path):
    path = table(tmp_path / "d.xlsx", list(COLUMNS[:6]), good(date="04/08/2017"))
    with pytest.raises(InputError) as caught:
        load_decisions(path, catalogue())
    [problem] = caught.value.all()
    assert problem.cell == "Decisions!F2" and "4 August 2017 read day first, 8 April 2017" in problem.problem

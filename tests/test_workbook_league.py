"""The batch's league workbook as an analyst wants it, and CSV files Excel opens as UTF-8."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from assess import load_catalogue
from assess.batch import run_batch

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, openpyxl.Workbook]:
    base = tmp_path_factory.mktemp("league")
    folder = base / "in"
    folder.mkdir()
    for name in ("dorset-thriving.yaml", "lincs-no-leader.yaml"):
        shutil.copy(ROOT / "fixtures" / name, folder / name)
    hostile = yaml.safe_load((ROOT / "fixtures" / "sussex-glossy-plan.yaml").read_text())
    hostile["footprint"]["name"] = '=HYPERLINK("http://example.invalid","click")'
    hostile["footprint"]["code"] = "HOSTILE"
    (folder / "hostile.yaml").write_text(yaml.safe_dump(hostile))
    run_batch(folder, base / "out", catalogue=load_catalogue())
    return base / "out", openpyxl.load_workbook(base / "out" / "league.xlsx")


def test_sheets(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    assert book.sheetnames == ["League", "Domain scores", "Criteria", "Unmet criteria", "About"]


def test_league_cells_are_typed_formatted_and_linked(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    ws = book["League"]
    head = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(head, ws[2])}
    assert isinstance(row["Submitted on"].value, dt.datetime) and row["Submitted on"].number_format == "yyyy-mm-dd"
    assert isinstance(row["Population"].value, int) and row["Population"].number_format == "#,##0"
    assert isinstance(row["Overall score"].value, (int, float)) and row["Overall score"].number_format == "0.0"
    assert row["Name"].hyperlink.target == f"reports/{row['Code'].value}.html"
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(head)).column_letter}4"
    assert ws["A1"].font.bold


def test_submitted_text_is_never_a_formula(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    found = 0
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                found += cell.value == '=HYPERLINK("http://example.invalid","click")'
    assert found >= 3  # League, Domain scores and Unmet criteria name the submission


def test_criteria_and_unmet_rows(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    criteria = list(book["Criteria"].iter_rows(values_only=True))
    assert criteria[0][:4] == ("Criterion", "Title", "Domain", "Severity")
    assert set(criteria[0][4:]) == {"DORSET", "HOSTILE", "LINCS"}
    assert {v for r in criteria[1:] for v in r[4:]} <= {"met", "not met", "not applicable", None}
    unmet = list(book["Unmet criteria"].iter_rows(values_only=True))
    head = unmet[0]
    assert head == ("Code", "Name", "Criterion", "Rule", "Severity", "Field", "Submitted", "Required",
                    "Recommended action", "Source")
    not_met = sum(r.count("not met") for r in criteria[1:])
    assert len(unmet) - 1 == not_met
    lincs = [dict(zip(head, r)) for r in unmet[1:] if r[0] == "LINCS"]
    assert lincs and all(r["Field"] and r["Required"] and r["Recommended action"] for r in lincs)


def test_about_sheet(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    rows = list(book["About"].iter_rows(values_only=True))
    values = {r[0]: r[1] for r in rows if r and r[0]}
    assert values["Catalogue version"] == load_catalogue().version
    assert "2017-partnership" in values["Editions applied"]
    hashes = [r for r in rows if r and r[0] and str(r[0]).endswith(".yaml")]
    assert len(hashes) == 3 and all(len(r[2]) == 64 for r in hashes)


def test_csv_files_carry_a_bom(league: tuple[Path, openpyxl.Workbook]) -> None:
    out, _ = league
    for name in ("league.csv", "errors.csv"):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf")

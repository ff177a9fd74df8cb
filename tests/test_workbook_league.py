"""The batch's league workbook as an analyst wants it, and CSV files Excel opens as UTF-8."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from assess import load_catalogue
from assess.batch.run import run_batch

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, openpyxl.Workbook]:
    base = tmp_path_factory.mktemp("league")
    folder = base / "in"
    folder.mkdir()
    for name in ("dorset-thriving.yaml", "lincs-no-leader.yaml"):
        shutil.copy(ROOT / "fixtures" / name, folder / name)
    for code, name in HOSTILE.items():
        hostile = yaml.safe_load((ROOT / "fixtures" / "sussex-glossy-plan.yaml").read_text())
        hostile["footprint"]["name"], hostile["footprint"]["code"] = name, code
        (folder / f"{code.lower()}.yaml").write_text(yaml.safe_dump(hostile))
    run_batch(folder, base / "out", catalogue=load_catalogue())
    return base / "out", openpyxl.load_workbook(base / "out" / "league.xlsx")


HOSTILE = {"HOSTILE": '=HYPERLINK("http://example.invalid","click")', "PLUS": "+1", "AT": "@SUM(A1:A9)",
           "MINUS": "-2+3"}
SHEETS = ["League", "Domain scores", "Criteria", "Criteria summary", "Unmet criteria", "About"]


def test_sheets(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    assert book.sheetnames == SHEETS


def test_league_cells_are_typed_formatted_and_linked(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    ws = book["League"]
    head = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(head, ws[2])}
    assert isinstance(row["Submitted on"].value, dt.datetime) and row["Submitted on"].number_format == "yyyy-mm-dd"
    assert isinstance(row["Population"].value, int) and row["Population"].number_format == "#,##0"
    assert isinstance(row["Overall score"].value, (int, float)) and row["Overall score"].number_format == "0.0"
    assert row["Name"].hyperlink.target == f"reports/{row['Code'].value}.html"
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(head)).column_letter}7"
    assert ws["A1"].font.bold and ws["A1"].font.color.rgb == "FFFFFFFF" and ws["A1"].fill.fgColor.rgb == "FF005EB8"
    assert row["Name"].style == "Hyperlink" and row["Gap report"].value == f"reports/{row['Code'].value}.html"
    assert ws.column_dimensions["C"].width >= len(max((c.value for c in ws["C"]), key=len))
    assert all(isinstance(c.value, int) and c.number_format == "#,##0" for c in ws["A"][1:])


def test_every_sheet_links_names_to_their_reports(league: tuple[Path, openpyxl.Workbook]) -> None:
    out, book = league
    for title in ("League", "Domain scores", "Criteria", "Unmet criteria"):
        ws = book[title]
        head = [c.value for c in ws[1]]
        code, name = head.index("Code"), head.index("Name")
        rows = list(ws.iter_rows(min_row=2))
        assert rows and all(r[name].hyperlink.target == f"reports/{r[code].value}.html" for r in rows), title
        assert all((out / r[name].hyperlink.target).is_file() for r in rows)


def test_submitted_text_is_never_a_formula(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    found = set()
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if cell.value in HOSTILE.values():
                    assert cell.data_type == "s"
                    found.add((ws.title, cell.value))
    for name in HOSTILE.values():  # League, Domain scores, Criteria and Unmet criteria name the submission
        assert {title for title, value in found if value == name} == {"League", "Domain scores", "Criteria",
                                                                        "Unmet criteria"}


def test_criteria_and_unmet_rows(league: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = league
    criteria = list(book["Criteria"].iter_rows(values_only=True))
    assert criteria[0][:2] == ("Code", "Name") and len(criteria) == 1 + 2 + len(HOSTILE)
    assert {r[0] for r in criteria[1:]} == {"DORSET", "LINCS", *HOSTILE}
    ids = criteria[0][2:]
    assert list(ids) == sorted(ids) and len(ids) > 20
    assert {v for r in criteria[1:] for v in r[2:]} <= {"met", "not met", "not applicable", None}
    summary = list(book["Criteria summary"].iter_rows(values_only=True))
    assert summary[0] == ("Criterion", "Title", "Domain", "Severity", "Met", "Not met", "Not applicable")
    assert tuple(r[0] for r in summary[1:]) == ids
    for column, r in enumerate(summary[1:], 2):
        counts = [row[column] for row in criteria[1:]]
        assert r[4:] == (counts.count("met"), counts.count("not met"), counts.count("not applicable")), r
        assert r[1] and r[2] and r[3] in ("blocking", "major", "minor")
    unmet = list(book["Unmet criteria"].iter_rows(values_only=True))
    head = unmet[0]
    assert head == ("Code", "Name", "Criterion", "Rule", "Severity", "Field", "Submitted", "Required",
                    "Recommended action", "Source")
    not_met = sum(r[2:].count("not met") for r in criteria[1:])
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
    assert len(hashes) == 2 + len(HOSTILE) and all(len(r[2]) == 64 for r in hashes)
    assert [r[0] for r in hashes] == sorted(r[0] for r in hashes)
    assert values["Submissions assessed"] == 2 + len(HOSTILE)
    league_rows = list(book["League"].iter_rows(values_only=True))
    latest = max(r[league_rows[0].index("Submitted on")] for r in league_rows[1:])
    assert values["Date of the batch (latest submission date)"] == latest and isinstance(latest, dt.datetime)
    assert all(values[title].startswith("One row per") for title in SHEETS[:-1])
    assert "each name links to its gap report" in values["League"]


def test_csv_files_carry_a_bom(league: tuple[Path, openpyxl.Workbook]) -> None:
    out, _ = league
    for name in ("league.csv", "errors.csv"):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf")


def test_pandas_reads_every_sheet_typed(league: tuple[Path, openpyxl.Workbook]) -> None:
    import pandas as pd

    out, book = league
    frames = pd.read_excel(out / "league.xlsx", sheet_name=None)
    assert list(frames) == SHEETS
    for title in SHEETS[:-1]:
        assert frames[title].shape[0] == book[title].max_row - 1, title
    league_frame = frames["League"]
    assert str(league_frame["Submitted on"].dtype).startswith("datetime64")
    assert league_frame["Population"].dtype.kind == "i" and league_frame["Overall score"].dtype.kind == "f"
    assert set(league_frame["Name"]) >= set(HOSTILE.values())

"""The submission template and the batch's league.xlsx read and print whole: long text wraps in rows
as tall as it needs, columns show their values, every sheet prints on A4 fitted to its width with
its header row on each page and a title in the page header, and league.xlsx carries dates as date
cells in every sheet. Read back with openpyxl, and printed by LibreOffice (headless, its own
profile) to count the pages.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from assess import load_catalogue
from assess.batch.run import run_batch
from assess.common.pagefit import LINE_POINTS, PORTRAIT_WIDTH, line_count
from assess.input.workbook.writer import template_workbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """league.xlsx of a batch with a reviewer's decisions and the previous results: every sheet."""
    base = tmp_path_factory.mktemp("reviewed")
    run_batch(FIXTURES / "previous", base / "previous", catalogue=load_catalogue())
    folder = base / "in"
    folder.mkdir()
    for name in ("dorset-thriving.yaml", "lincs-no-leader.yaml", "bnssg-deficit-no-route.yaml"):
        shutil.copy(FIXTURES / name, folder / name)
    run_batch(folder, base / "out", catalogue=load_catalogue(), decisions=FIXTURES / "review" / "decisions.yaml",
              previous=base / "previous" / "results.json")
    return base / "out" / "league.xlsx"


@pytest.fixture(scope="module")
def template() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(template_workbook()))


def _heading_cells(ws: Worksheet) -> dict[str, list[openpyxl.cell.Cell]]:
    head = [c.value for c in ws[1]]
    return {str(h): [row[i] for row in ws.iter_rows(min_row=2)] for i, h in enumerate(head)}


def test_league_dates_are_date_cells_in_every_sheet(reviewed: Path) -> None:
    book = openpyxl.load_workbook(reviewed)
    assert {"Change", "Moderation"} <= set(book.sheetnames)
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and ISO_DATE.fullmatch(cell.value)), (ws.title, cell.coordinate)
    for title, heading in (("Change", "Previous submission"), ("Change", "This submission"), ("Moderation", "Date"),
                           ("League", "Submitted on")):
        cells = [c for c in _heading_cells(book[title])[heading] if c.value is not None]
        assert cells, (title, heading)
        assert all(isinstance(c.value, dt.datetime) and c.number_format == "yyyy-mm-dd" for c in cells), (
            title, heading)


def test_league_dates_reach_pandas_as_dates(reviewed: Path) -> None:
    import pandas as pd

    frames = pd.read_excel(reviewed, sheet_name=["Change", "Moderation"])
    assert str(frames["Change"]["This submission"].dtype).startswith("datetime64")
    assert str(frames["Moderation"]["Date"].dtype).startswith("datetime64")


def _shows_its_text(ws: Worksheet, cell: openpyxl.cell.Cell) -> bool:
    """The cell's text is seen whole: the column is as wide as it, or it wraps in a tall enough row."""
    text = str(cell.value)
    width = ws.column_dimensions[cell.column_letter].width
    if cell.alignment.wrap_text and not cell.hyperlink:
        height = ws.row_dimensions[cell.row].height or LINE_POINTS
        return height >= LINE_POINTS * line_count(text, width)
    return width >= len(text)


def test_league_columns_show_their_values_and_long_text_wraps(reviewed: Path) -> None:
    book = openpyxl.load_workbook(reviewed)
    for ws in book:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert _shows_its_text(ws, cell), (ws.title, cell.coordinate, cell.value)
                elif isinstance(cell.value, dt.datetime):
                    assert ws.column_dimensions[cell.column_letter].width >= 10, (ws.title, cell.coordinate)
        for cell in ws[1]:  # headings wrap, each word whole
            longest = max(len(word) for word in str(cell.value).split())
            assert cell.alignment.wrap_text and ws.column_dimensions[cell.column_letter].width >= longest, (
                ws.title, cell.value)
            assert (ws.row_dimensions[1].height or LINE_POINTS) >= LINE_POINTS * line_count(
                str(cell.value), ws.column_dimensions[cell.column_letter].width), (ws.title, cell.value)
    readiness = _heading_cells(book["League"])["Readiness"]
    assert any(len(str(c.value)) > 20 for c in readiness)  # the column that was cut off


def _prints_whole(ws: Worksheet, title: str, *, header_row: bool = True) -> None:
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title  # A4
    assert ws.page_setup.fitToWidth >= 1 and ws.page_setup.fitToHeight == 0, ws.title
    assert ws.oddHeader.left.text == title and ws.oddHeader.right.text == "&A", ws.title
    assert ws.oddFooter.center.text == "Page &P of &N", ws.title
    if header_row:
        assert ws.print_title_rows == "$1:$1", ws.title
    width = sum(ws.column_dimensions[c.column_letter].width for c in ws[1])
    assert ws.page_setup.orientation == ("landscape" if width > PORTRAIT_WIDTH else "portrait"), ws.title


def test_every_league_sheet_prints_on_a4_with_its_header_row_on_each_page(reviewed: Path) -> None:
    book = openpyxl.load_workbook(reviewed)
    for ws in book:
        _prints_whole(ws, "stp-assess league, batch of 2017-06-30")  # the latest submission's date
    assert book["League"].page_setup.orientation == "landscape"


def test_every_template_sheet_prints_on_a4_with_its_header_row_on_each_page(template: openpyxl.Workbook) -> None:
    for ws in template:
        _prints_whole(ws, "stp-assess submission workbook", header_row=ws.title != "How to fill in")
    assert template["Governance"].page_setup.orientation == "landscape"


def test_template_text_wraps_in_rows_as_tall_as_it_needs(template: openpyxl.Workbook) -> None:
    tall = 0
    for ws in template:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.alignment.wrap_text and cell.alignment.vertical == "top", (ws.title, cell.coordinate)
                    assert _shows_its_text(ws, cell), (ws.title, cell.coordinate, cell.value)
                    tall += bool(ws.row_dimensions[cell.row].height)
    assert tall > 50  # the help and kind texts of many fields take more than a line


def test_a_converted_submission_shows_every_value_whole_on_list_and_section_sheets() -> None:
    """`assess convert` writes a filled workbook: its long values (evidence prose, names) wrap too."""
    from assess.input.convert import as_data
    from assess.input.load import read_source, validate
    from assess.input.workbook import write_workbook

    data = as_data(validate(read_source(FIXTURES / "sussex-glossy-plan.yaml")))
    book = openpyxl.load_workbook(io.BytesIO(write_workbook(data)))
    long = 0
    for ws in book:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert _shows_its_text(ws, cell), (ws.title, cell.coordinate, cell.value)
                    long += len(cell.value) > ws.column_dimensions[cell.column_letter].width
    assert long and book["Evidence"].max_row > 2


def _soffice() -> str:
    found = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        reason = "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"office tests must run in CI, but {reason}")
        pytest.skip(reason)
    return found


def printed_pages(workbook: Path, profile: Path) -> int:
    """The pages LibreOffice prints `workbook` on: converted to PDF headless, its pages counted."""
    out = workbook.parent / "pdf"
    done = subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=300)
    pdf = out / (workbook.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), done.stdout + done.stderr
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf.read_bytes()))


def test_libreoffice_prints_the_template_and_the_fixtures_league_on_few_pages(tmp_path: Path) -> None:
    """Measured with LibreOffice 7.4: the template on 23 pages (101 before: sections split across
    pages and rows of help text), the league of the bundled fixtures on 27 (74 before)."""
    profile = tmp_path / "profile"
    (tmp_path / "template").mkdir()
    template_path = tmp_path / "template" / "template.xlsx"
    template_path.write_bytes(template_workbook())
    run_batch(FIXTURES, tmp_path / "batch", catalogue=load_catalogue())
    template_pages = printed_pages(template_path, profile)
    league_pages = printed_pages(tmp_path / "batch" / "league.xlsx", profile)
    print(f"printed pages: template {template_pages}, league.xlsx {league_pages}")
    sheets = len(openpyxl.load_workbook(template_path, read_only=True).sheetnames)
    assert sheets <= template_pages <= 30
    assert 8 <= league_pages <= 35

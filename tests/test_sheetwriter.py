"""The streaming .xlsx writer, read back with openpyxl: typed cells and formats, text that is never
a formula, links, frozen panes, filters, Excel's limits, and the same bytes every time."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from assess.render import sheetwriter
from assess.render.sheetwriter import DATE, INT, ONE_DP, Column, Workbook

HOSTILE = ['=HYPERLINK("http://example.invalid","click")', "+1", "-2+3", "@SUM(A1:A9)", "=1+1", "\tTAB",
           "<b>&amp;</b>", '"quoted"', "  padded  ", "a\u202egpj.exe", "bell\x07", "line\nbreak", "é ü 中文 😀",
           "not\ufffexml\uffff"]


def _book(build: object, **options: object) -> bytes:
    buffer = io.BytesIO()
    with Workbook(buffer, stamp="2024-03-31", **options) as book:  # type: ignore[arg-type]
        build(book)  # type: ignore[operator]
    return buffer.getvalue()


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _typed(book: Workbook) -> None:
    columns = [Column("Text", 20), Column("Date", 12, DATE), Column("Count", 9, INT), Column("Score", 8, ONE_DP),
               Column("Flag", 6), Column("Any", 10)]
    with book.sheet("Typed", columns, freeze="C2") as ws:
        ws.append(["plain", "2019-11-18", 1456000, 96.25, True, None])
        ws.append(["a date", dt.date(2020, 2, 29), -3, 0.1, False, dt.datetime(2021, 1, 2, 13, 45)])
        ws.append(["not a date", "2019-13-45", 2 ** 40, float("nan"), None, "x"])
        ws.append(["linked", None, None, None, None, "reports/A.html"], link=(0, "reports/A.html"))
    with book.sheet("Hostile", [Column("Value", 40)]) as ws:
        for text in HOSTILE:
            ws.append([text])


def test_cells_are_typed_and_formatted() -> None:
    ws = _load(_book(_typed))["Typed"]
    rows = list(ws.iter_rows(min_row=2))
    first, second, third, linked = rows
    assert [c.value for c in ws[1]] == ["Text", "Date", "Count", "Score", "Flag", "Any"]
    assert all(c.font.bold and c.fill.fgColor.rgb == "FF005EB8" for c in ws[1])
    assert first[1].value == dt.datetime(2019, 11, 18) and first[1].number_format == "yyyy-mm-dd"
    assert first[2].value == 1456000 and first[2].number_format == "#,##0" and first[2].data_type == "n"
    assert first[3].value == 96.25 and first[3].number_format == "0.0"
    assert first[4].value is True and first[5].value is None
    assert second[1].value == dt.datetime(2020, 2, 29) and second[2].value == -3
    assert second[4].value is False
    assert second[5].value == dt.datetime(2021, 1, 2) and second[5].number_format == "yyyy-mm-dd"
    assert third[1].value == "2019-13-45" and third[1].data_type == "s"  # not a date: kept as text
    assert third[2].value == 2 ** 40 and third[3].value == "nan"  # Excel has no NaN: shown as text
    assert linked[0].hyperlink.target == "reports/A.html" and linked[0].style == "Hyperlink"
    assert linked[0].value == "linked" and linked[5].hyperlink is None
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:F5"
    assert ws.column_dimensions["A"].width == 20 and ws.column_dimensions["B"].width == 12


def test_text_is_always_text_and_shows_its_control_characters() -> None:
    ws = _load(_book(_typed))["Hostile"]
    cells = [r[0] for r in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells] == [
        '=HYPERLINK("http://example.invalid","click")', "+1", "-2+3", "@SUM(A1:A9)", "=1+1", "\\tTAB",
        "<b>&amp;</b>", '"quoted"', "  padded  ", "a\\u202egpj.exe", "bell\\x07", "line\\nbreak", "é ü 中文 😀",
        "not\\ufffexml\\uffff"]
    assert ws.freeze_panes == "A2"


def test_inline_strings_beyond_the_shared_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheetwriter, "SHARED_STRINGS", 3)
    data = _book(_typed)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert 'uniqueCount="3"' in z.read("xl/sharedStrings.xml").decode()
        assert "inlineStr" in z.read("xl/worksheets/sheet2.xml").decode()
    cells = [r[0] for r in _load(data)["Hostile"].iter_rows(min_row=2)]
    assert [c.value for c in cells][:3] == ['=HYPERLINK("http://example.invalid","click")', "+1", "-2+3"]
    assert all(c.data_type == "s" for c in cells) and cells[8].value == "  padded  "


def test_long_text_is_cut_at_excels_limit_and_says_so() -> None:
    def build(book: Workbook) -> None:
        with book.sheet("Long", [Column("Text")]) as ws:
            ws.append(["x" * 40_000])

    value = _load(_book(build))["Long"]["A2"].value
    assert len(value) == 32_767 and value.endswith("… (cut: 40,000 characters)")


def test_same_content_same_bytes_with_the_stamp_inside() -> None:
    first, second = _book(_typed), _book(_typed)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "<dcterms:modified" in z.read("docProps/core.xml").decode()
        assert "2024-03-31T00:00:00Z" in z.read("docProps/core.xml").decode()
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert 'Target="reports/A.html" TargetMode="External"' in rels
    props = _load(first).properties
    assert props.created == props.modified == dt.datetime(2024, 3, 31)


def test_excel_limits_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheetwriter, "MAX_LINKS", 2)
    monkeypatch.setattr(sheetwriter, "MAX_ROWS", 4)

    def links(book: Workbook) -> None:
        with book.sheet("S", [Column("A")]) as ws:
            for i in range(3):
                ws.append([str(i)], link=(0, f"r{i}.html"))

    def rows(book: Workbook) -> None:
        with book.sheet("S", [Column("A")]) as ws:
            for i in range(4):
                ws.append([i])

    with pytest.raises(ValueError, match="more than 2 hyperlinks"):
        _book(links)
    with pytest.raises(ValueError, match="more than 3 rows"):
        _book(rows)
    for name in ("a/b", "x" * 32, "", "Typed"):
        def named(book: Workbook, name: str = name) -> None:
            book.sheet("Typed", [Column("A")]).close()
            book.sheet(name, [Column("A")])

        with pytest.raises(ValueError, match="not a usable sheet name"):
            _book(named)


def test_written_to_a_path_as_a_file_excel_reads(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with Workbook(path, stamp="2024-03-31") as book:
        _typed(book)
    assert path.read_bytes() == _book(_typed)
    book = _load(path.read_bytes())
    assert book.sheetnames == ["Typed", "Hostile"]
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert z.testzip() is None
        assert "_xlnm._FilterDatabase" in z.read("xl/workbook.xml").decode()
    assert names.count("[Content_Types].xml") == 1 and "xl/styles.xml" in names


def _printed(book: Workbook) -> None:
    with book.sheet("Narrow", [Column("Code", 12), Column("Note", 30, wrap=True)]) as ws:
        ws.append(["A", "short"])
        ws.append(["B", "a note long enough to need three lines in a column thirty wide, or more"])
        ws.append(["C", 12])
    with book.sheet("Wide", [Column(f"Column {i}", 20) for i in range(12)], freeze="C2") as ws:
        ws.append(["x"] * 12)
    with book.sheet("Very wide", [Column(f"Column {i}", 20) for i in range(40)], freeze="C2") as ws:
        ws.append(["x"] * 40)


def test_each_sheet_prints_on_a4_fitted_to_its_width_with_the_header_row_on_every_page() -> None:
    book = _load(_book(_printed, title="A & E league"))
    for ws in book:
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title  # A4
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1", ws.title
        assert ws.oddHeader.left.text == "A && E league" and ws.oddHeader.right.text == "&A", ws.title
        assert ws.oddFooter.center.text == "Page &P of &N", ws.title
    narrow, wide, very = book["Narrow"], book["Wide"], book["Very wide"]
    assert narrow.page_setup.orientation == "portrait" and narrow.page_setup.fitToWidth == 1
    assert wide.page_setup.orientation == "landscape" and wide.page_setup.fitToWidth == 1
    assert wide.print_title_cols is None
    # too wide for one page at a readable size: a few pages across, the frozen columns on each
    assert very.page_setup.orientation == "landscape" and very.page_setup.fitToWidth > 1
    assert very.print_title_cols == "$A:$B"


def test_headings_and_wrap_columns_wrap_in_rows_as_tall_as_their_text() -> None:
    ws = _load(_book(_printed))["Narrow"]
    assert all(c.alignment.wrap_text for c in ws[1])
    assert all(c.alignment.vertical == "top" for row in ws.iter_rows(min_row=2) for c in row if c.value is not None)
    short, long, number = ws[2], ws[3], ws[4]
    assert short[1].alignment.wrap_text and long[1].alignment.wrap_text
    assert not short[0].alignment.wrap_text
    assert ws.row_dimensions[2].height is None and ws.row_dimensions[4].height is None
    assert number[1].value == 12 and number[1].data_type == "n"
    assert ws.row_dimensions[3].height == 3 * 15 and ws.row_dimensions[3].customHeight


def test_long_headings_make_the_header_row_taller() -> None:
    def build(book: Workbook) -> None:
        with book.sheet("S", [Column("Prevention and the health and wellbeing gap", 12), Column("B", 8)]) as ws:
            ws.append([1.5, 2])

    ws = _load(_book(build))["S"]
    assert ws.row_dimensions[1].height is not None and ws.row_dimensions[1].height >= 4 * 15

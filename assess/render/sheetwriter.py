"""A streaming .xlsx writer: sheets of typed, styled cells written row by row straight into the zip
on disk, so memory stays flat however many rows (the batch's league.xlsx at national scale).

Why not openpyxl or XlsxWriter: measured on 20,000 rows x 20 cells, CPU per cell, openpyxl's
write-only mode takes ~10.4 µs (a cell object, a style lookup, lxml per cell) and XlsxWriter's
constant_memory mode ~4.7 µs; this writer, which knows its few fixed styles up front and formats
each row with one f-string per cell, ~0.5 µs. openpyxl also keeps every hyperlink object until
the workbook is saved. openpyxl stays for the submission workbook, which needs its features.

What it writes (SpreadsheetML, as Excel and LibreOffice read it):
- a fixed set of styles: a bold white on NHS blue header, dates as yyyy-mm-dd, #,##0, 0.0 and the
  Hyperlink style; one number format per column;
- typed cells: int and float as numbers, date as a real date, bool as a boolean, text ALWAYS as
  text (never a formula, whatever it starts with), made visible first (control and bidi
  characters as escapes) and cut at Excel's 32,767 characters with the cut stated;
- column widths, frozen panes, an autofilter over the written rows, hyperlinks with relative
  targets (relationships with TargetMode External);
- text that reads and prints whole: headings and the columns marked `wrap` wrap, and a row is
  made as tall as its wrapped text needs (assess.common.pagefit estimates it: the office programs
  do not grow rows when they open a file); every cell sits at the top of its row;
- print set-up: A4, portrait when the columns fit, else landscape scaled to the page's width (or to
  as few pages across as keep the text readable, the frozen columns repeated on each), the header
  row repeated on every page, the workbook's title and the sheet's name in the page header, the
  page number in the footer;
- the same bytes for the same content: fixed member times and a fixed created/modified date.

Strings: the first `SHARED_STRINGS` distinct strings go to the shared-strings table (repeated
words such as a criterion's title are then stored once), later ones inline: the table's memory is
bounded, and Excel and LibreOffice read both forms. Each sheet's XML is compressed into its zip
member as it is written; its hyperlinks wait in a temporary file, never in memory.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..common import pagefit
from ..common.cellref import column_index, letters, quote_sheet
from ..common.textsafe import find_active, visible

MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included
MAX_COLUMNS = 16_384
MAX_LINKS = 65_530  # Excel's hyperlinks per sheet
MAX_TEXT = 32_767  # Excel's characters per cell
SHARED_STRINGS = 100_000  # distinct strings kept in the shared table; later ones are written inline

# Number formats a column may carry.
DATE, INT, ONE_DP = "yyyy-mm-dd", "#,##0", "0.0"
WRAP = "wrap"  # not a number format: the style of a column whose text wraps
_XF = {None: 0, "header": 1, DATE: 2, INT: 3, ONE_DP: 4, "link": 5, WRAP: 6}  # cellXfs indexes, see _STYLES
_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (serial numbers count days from it)
_FLUSH_ROWS = 500  # rows formatted before one write into the compressor
_ZIP64_CELLS = 4_000_000  # a sheet of more cells may pass 2 GiB uncompressed: its member gets zip64
_WHEN = (1980, 1, 1, 0, 0, 0)
_SHEET_NAME = re.compile(r"[^\[\]:*?/\\]{1,31}")
_NOT_XML = re.compile("[\ufffe\uffff]")
_XML_SPECIAL = re.compile(r"[&<>\"]")
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Column:
    """A column's heading, width (in characters) and number format (DATE, INT, ONE_DP or None);
    `wrap`: its text wraps within the width (a text column whose values may be long)."""

    heading: str
    width: float = 12
    format: str | None = None
    wrap: bool = False


def xml_text(text: str) -> str:
    """`text` escaped for XML element content and attribute values."""
    return _XML_SPECIAL.sub(lambda m: _XML_ESCAPES[m.group()], text) if _XML_SPECIAL.search(text) else text


class Workbook:
    """A workbook written to `target` (a path or a binary file) sheet after sheet; `close` (or the
    end of a `with` block) adds the workbook's own parts. `stamp` (an ISO date) is its created and
    modified date, so that the same content always gives the same bytes; `title` heads each printed
    page."""

    def __init__(self, target: str | Path | IO[bytes], *, stamp: str, compresslevel: int = 1,
                 title: str = "") -> None:
        dt.date.fromisoformat(stamp)
        self.title = title
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._level = compresslevel
        self._stamp = stamp
        self._sheets: list[tuple[str, str | None, str]] = []  # (title, autofilter range, print titles)
        self._shared: dict[str, int] = {}  # text as given -> its index in the table
        self._shown: list[str] = []  # the table: each text as shown
        self._shared_cap = SHARED_STRINGS
        self._open: Sheet | None = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.close()
            return
        if self._open is not None:  # a failure: release what is open; the file is not a workbook
            self._open.abandon()
        self._zip.close()

    def sheet(self, title: str, columns: Sequence[Column], *, freeze: str | None = "A2",
              rows_hint: int = 0) -> Sheet:
        """A new sheet with its styled header row written; rows follow with `Sheet.append`.
        `freeze` is the top-left cell of the scrolling part ("C2": the header row and two columns
        stay); `rows_hint` (an upper bound of the rows to come) lets a huge sheet be written as zip64."""
        if self._open is not None:
            raise ValueError(f"sheet {self._open.title!r} is still open")
        if not _SHEET_NAME.fullmatch(title) or title.casefold() in {t[0].casefold() for t in self._sheets}:
            raise ValueError(f"not a usable sheet name: {title!r}")
        if not 0 < len(columns) <= MAX_COLUMNS:
            raise ValueError(f"sheet {title!r}: {len(columns)} columns (1 to {MAX_COLUMNS:,})")
        index = len(self._sheets) + 1
        member = self._zip.open(self._member(f"xl/worksheets/sheet{index}.xml"), "w",
                                force_zip64=rows_hint * len(columns) > _ZIP64_CELLS)
        self._open = Sheet(self, member, index, title, columns, freeze)
        return self._open

    def _member(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_WHEN)
        info.compress_type = zipfile.ZIP_DEFLATED
        # the member's own compression level (named compress_level from Python 3.13)
        setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", self._level)
        info.external_attr = 0o600 << 16
        return info

    def _write(self, name: str, text: str | Iterable[str]) -> None:
        with self._zip.open(self._member(name), "w") as handle:
            for chunk in [text] if isinstance(text, str) else text:
                handle.write(chunk.encode("utf-8"))

    def _closed(self, sheet: Sheet, autofilter: str | None, print_titles: str) -> None:
        self._sheets.append((sheet.title, autofilter, print_titles))
        self._open = None

    def _text_cell(self, ref: str, text: str, style: str = "") -> str:
        """The XML of a text cell at `ref` (`style`: ' s="N"' or none), shown as `_clean` shows it:
        shared while the table has room (looked up by the text as given: cleaned once)."""
        index = self._shared.get(text)
        if index is None:
            if len(self._shared) >= self._shared_cap:
                return f'<c r="{ref}"{style} t="inlineStr"><is>{_t(_clean(text))}</is></c>'
            index = self._shared[text] = len(self._shared)
            self._shown.append(_clean(text))
        return f'<c r="{ref}"{style} t="s"><v>{index}</v></c>'

    def close(self) -> None:
        """Write the workbook's parts (sheet list, styles, shared strings, properties) and close."""
        if self._open is not None:
            raise ValueError(f"sheet {self._open.title!r} is still open")
        if not self._sheets:
            raise ValueError("a workbook needs at least one sheet")
        count = len(self._sheets)
        self._write("xl/sharedStrings.xml", self._shared_xml())
        self._write("xl/styles.xml", _STYLES)
        self._write("xl/workbook.xml", self._workbook_xml())
        self._write("xl/_rels/workbook.xml.rels", _HEAD + f'<Relationships xmlns="{_PKG_REL}">' + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            + f'<Relationship Id="rId{count + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            + "</Relationships>")
        self._write("docProps/core.xml", _core(self._stamp))
        self._write("docProps/app.xml", _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/extended-properties"><Application>stp-assess</Application></Properties>')
        self._write("_rels/.rels", _ROOT_RELS)
        self._write("[Content_Types].xml", _content_types(count))
        self._zip.close()

    def _shared_xml(self) -> Iterable[str]:
        yield _HEAD + f'<sst {_NS} uniqueCount="{len(self._shown)}">'
        batch: list[str] = []
        for text in self._shown:
            batch.append(f"<si>{_t(text)}</si>")
            if len(batch) >= 2000:
                yield "".join(batch)
                batch.clear()
        yield "".join(batch) + "</sst>"
        self._shared.clear()
        self._shown.clear()

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name="{xml_text(t)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, (t, _, _) in enumerate(self._sheets, 1))
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{xml_text(quote_sheet(t))}!{_absolute(ref)}</definedName>"
            for i, (t, ref, _) in enumerate(self._sheets) if ref)
        names += "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            + ",".join(f"{xml_text(quote_sheet(t))}!{part}" for part in titles.split(",")) + "</definedName>"
            for i, (t, _, titles) in enumerate(self._sheets))
        return (_HEAD + f"<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
                + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>")


class Sheet:
    """One sheet being written: `append` a row at a time, then `close` (or leave the `with` block)."""

    def __init__(self, book: Workbook, member: IO[bytes], index: int, title: str, columns: Sequence[Column],
                 freeze: str | None) -> None:
        self.title, self.rows = title, 0
        self._book, self._member, self._index = book, member, index
        self._columns = list(columns)
        self._letters = [letters(i) for i in range(1, len(columns) + 1)]
        self._styles = [f' s="{_XF[c.format or (WRAP if c.wrap else None)]}"' if c.format or c.wrap else ""
                        for c in columns]
        self._wrapped = [(i, c.width, int(c.width * pagefit.CHARS_PER_WIDTH)) for i, c in enumerate(columns)
                         if c.wrap and not c.format]
        widths = [c.width for c in columns]
        self._layout = pagefit.print_layout(sum(widths))
        # the header row on every printed page; on a sheet printed several pages across, the frozen
        # columns too
        self.print_titles = "$1:$1"
        frozen = column_index(re.sub(r"[0-9]", "", freeze or "A")) - 1
        if self._layout.pages_wide > 1 and frozen > 0:
            self.print_titles = f"$A:${letters(frozen)},$1:$1"
        self._dates = [c.format == DATE for c in columns]
        self._pending: list[str] = []
        self._links: IO[str] | None = None
        self._targets: IO[str] | None = None
        self.links = 0
        self.filter_to_row: int | None = None  # the autofilter's last row; by default the last row written
        self._emit(_HEAD + f"<worksheet {_NS} {_NS_R}>" + '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                   + _views(freeze, index == 1)
                   + '<sheetFormatPr defaultRowHeight="15"/><cols>'
                   + "".join(f'<col min="{i}" max="{i}" width="{c.width:g}" customWidth="1"/>'
                             for i, c in enumerate(columns, 1))
                   + "</cols><sheetData>")
        self._row([c.heading for c in columns], header=True,
                  height=pagefit.wrapped_height((c.heading, c.width) for c in columns))

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.close()
        else:
            self.abandon()

    def abandon(self) -> None:
        """Release the sheet's zip member and temporary files after a failure."""
        for handle in (self._links, self._targets):
            if handle is not None:
                handle.close()
        self._links = self._targets = None
        self._member.close()
        self._book._open = None

    def append(self, values: Sequence[Any], *, link: tuple[int, str] | None = None) -> None:
        """One row of values, in column order (None leaves a cell empty); `link` = (0-based column,
        target) makes that cell a hyperlink to the target (a relative path such as reports/X.html)."""
        if self.rows >= MAX_ROWS:
            raise ValueError(f"sheet {self.title!r}: more than {MAX_ROWS - 1:,} rows")
        if len(values) > len(self._columns):
            raise ValueError(f"sheet {self.title!r}: {len(values)} values for {len(self._columns)} columns")
        lines = 1
        for i, width, room in self._wrapped:  # text no longer than a line (most) is not measured
            value = values[i] if i < len(values) else None
            if type(value) is str and (len(value) > room or "\n" in value):
                lines = max(lines, pagefit.line_count(value, width))
        self._row(values, link=link, height=pagefit.row_height(lines) if lines > 1 else None)

    def _row(self, values: Sequence[Any], *, header: bool = False, link: tuple[int, str] | None = None,
             height: float | None = None) -> None:
        """Format one row (the hot loop: text found in the shared table and plain numbers take the
        first branches; everything else goes to `_cell`); `height` in points, or None for the default."""
        self.rows += 1
        number = self.rows
        parts = [f'<row r="{number}" ht="{height:g}" customHeight="1">' if height else f'<row r="{number}">']
        shared = self._book._shared
        if header:
            values = [None if v is None else _Styled(v, None) for v in values]
        elif link is not None and values[link[0]] is not None:
            values = list(values)
            values[link[0]] = _Styled(values[link[0]], link[1])
        for letter, style, is_date, value in zip(self._letters, self._styles, self._dates, values):
            kind = type(value)
            if kind is str and not is_date:
                index = shared.get(value)
                if index is not None:
                    parts.append(f'<c r="{letter}{number}"{style} t="s"><v>{index}</v></c>')
                    continue
            elif kind is int or kind is float and math.isfinite(value):
                parts.append(f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>')
                continue
            elif value is None:
                continue
            parts.append(self._cell(f"{letter}{number}", style, is_date, value))
        parts.append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= _FLUSH_ROWS:
            self._flush()

    def _cell(self, ref: str, style: str, is_date: bool, value: Any) -> str:
        book = self._book
        if isinstance(value, _Styled):
            if value.link is not None:
                return self._link_cell(ref, value.value, value.link)
            return book._text_cell(ref, str(value.value), ' s="1"')
        if isinstance(value, str):
            if is_date and len(value) == 10:
                serial = _serial(value)
                if serial is not None:
                    return f'<c r="{ref}" s="2"><v>{serial}</v></c>'
            return book._text_cell(ref, value, style)
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, dt.date):
            days = (value.date() if isinstance(value, dt.datetime) else value) - _EPOCH
            return f'<c r="{ref}" s="2"><v>{days.days}</v></c>'
        if isinstance(value, (int, float)) and math.isfinite(value):  # a subclass, e.g. numpy's
            return f'<c r="{ref}"{style}><v>{float(value)!r}</v></c>'
        # anything else, and NaN or infinity, which Excel lacks as numbers
        return book._text_cell(ref, str(value), style)

    def _link_cell(self, ref: str, value: Any, target: str) -> str:
        if self.links >= MAX_LINKS:
            raise ValueError(f"sheet {self.title!r}: more than {MAX_LINKS:,} hyperlinks")
        if self._links is None or self._targets is None:
            self._links = tempfile.TemporaryFile("w+", encoding="utf-8")
            self._targets = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.links += 1
        self._links.write(f'<hyperlink ref="{ref}" r:id="rId{self.links}"/>')
        self._targets.write(f'<Relationship Id="rId{self.links}" Type="{_REL}/hyperlink" '
                            f'Target="{xml_text(target)}" TargetMode="External"/>')
        return self._book._text_cell(ref, str(value), ' s="5"')

    def _emit(self, text: str) -> None:
        self._member.write(text.encode("utf-8"))

    def _flush(self) -> None:
        if self._pending:
            self._emit("".join(self._pending))
            self._pending.clear()

    def close(self) -> None:
        """End the sheet: the autofilter over the header and the rows written, then its links."""
        self._flush()
        last = f"{self._letters[-1]}{max(self.filter_to_row or self.rows, 2)}"
        autofilter = f"A1:{last}"
        tail = f'</sheetData><autoFilter ref="{autofilter}"/>'
        if self._links is not None and self._targets is not None:
            self._emit(tail + "<hyperlinks>")
            _copy(self._links, self._emit)
            self._emit("</hyperlinks>" + self._print_setup() + "</worksheet>")
            self._member.close()
            with self._book._zip.open(self._book._member(f"xl/worksheets/_rels/sheet{self._index}.xml.rels"),
                                      "w") as rels:
                rels.write((_HEAD + f'<Relationships xmlns="{_PKG_REL}">').encode())
                _copy(self._targets, lambda text: rels.write(text.encode("utf-8")))
                rels.write(b"</Relationships>")
            self._links.close()
            self._targets.close()
        else:
            self._emit(tail + self._print_setup() + "</worksheet>")
            self._member.close()
        self._book._closed(self, autofilter, self.print_titles)

    def _print_setup(self) -> str:
        """Margins, page set-up (A4, orientation, scaled to the page's width) and the page header."""
        layout = self._layout
        header = xml_text(pagefit.page_header(self._book.title or self.title))
        return (_MARGINS + '<pageSetup paperSize="9" orientation="'
                + ("landscape" if layout.landscape else "portrait")
                + f'" pageOrder="overThenDown" fitToWidth="{layout.pages_wide}" fitToHeight="0"/>'
                + f"<headerFooter><oddHeader>{header}</oddHeader>"
                + f"<oddFooter>{xml_text(pagefit.PAGE_FOOTER)}</oddFooter></headerFooter>")


@dataclass(frozen=True)
class _Styled:
    """A cell that links to `link`, or a header cell (no link)."""

    value: Any
    link: str | None


def _copy(source: IO[str], write: Any) -> None:
    source.seek(0)
    while chunk := source.read(1 << 20):
        write(chunk)


def _clean(text: str) -> str:
    """Text as a cell shows it: control and bidi characters as escapes (and the two characters XML
    forbids that `visible` leaves, U+FFFE and U+FFFF), cut at Excel's limit."""
    if find_active(text):
        text = visible(text)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if len(text) > MAX_TEXT:
        note = f"… (cut: {len(text):,} characters)"
        text = text[:MAX_TEXT - len(note)] + note
    return text


def _t(text: str) -> str:
    """A <t> element; leading or trailing white space kept."""
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{xml_text(text)}</t>'
    return f"<t>{xml_text(text)}</t>"


def _serial(text: str) -> int | None:
    try:
        return (dt.date.fromisoformat(text) - _EPOCH).days
    except ValueError:
        return None


def _views(freeze: str | None, selected: bool) -> str:
    tab = ' tabSelected="1"' if selected else ""
    if not freeze or freeze == "A1":
        return f'<sheetViews><sheetView workbookViewId="0"{tab}/></sheetViews>'
    match = re.fullmatch(r"([A-Z]+)([0-9]+)", freeze)
    if not match:
        raise ValueError(f"not a cell: {freeze!r}")
    columns = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(match.group(1)))) - 1
    rows = int(match.group(2)) - 1
    pane = "bottomRight" if columns and rows else "bottomLeft" if rows else "topRight"
    split = (f' xSplit="{columns}"' if columns else "") + (f' ySplit="{rows}"' if rows else "")
    return (f'<sheetViews><sheetView workbookViewId="0"{tab}><pane{split} topLeftCell="{freeze}" '
            f'activePane="{pane}" state="frozen"/><selection pane="{pane}" activeCell="{freeze}" '
            f'sqref="{freeze}"/></sheetView></sheetViews>')


def _absolute(ref: str) -> str:
    return ":".join(re.sub(r"([A-Z]+)([0-9]+)", r"$\1$\2", part) for part in ref.split(":"))


def _core(stamp: str) -> str:
    when = f"{stamp}T00:00:00Z"
    return (_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
            'terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>stp-assess</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>')


def _content_types(sheets: int) -> str:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return (_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{main}.worksheet+xml"/>'
                      for i in range(1, sheets + 1))
            + f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{main}.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')


_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>')
_MARGINS = "<pageMargins " + " ".join(f'{side}="{inches:g}"' for side, inches in pagefit.MARGINS.items()) + "/>"
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
# cellXfs, in the order of _XF: default, header, date, #,##0, 0.0, hyperlink, wrapped text; each at the
# top of its row (a row grows for the wrapped text beside it), as is the Normal style (LibreOffice
# gives a cell with no style the Normal style's alignment); headings wrap, links do not (LibreOffice
# keeps a link on one line)
_TOP = '<alignment vertical="top"/></xf>'
_STYLES = (
    _HEAD + f"<styleSheet {_NS}>"
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0.0"/>'
    "</numFmts>"
    f'<fonts count="3"><font>{_FONT}</font><font><b/><color rgb="FFFFFFFF"/>{_FONT}</font>'
    f'<font><u/><color rgb="FF0563C1"/>{_FONT}</font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill><fill><patternFill patternType="solid"><fgColor rgb="FF005EB8"/><bgColor indexed="64"/></patternFill>'
    "</fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    f'<cellStyleXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0">{_TOP}'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" applyNumberFormat="0" applyFill="0" applyBorder="0" '
    'applyAlignment="0" applyProtection="0"/></cellStyleXfs>'
    f'<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{_TOP}'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="center" wrapText="1"/></xf>'
    f'<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">{_TOP}'
    f'<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">{_TOP}'
    f'<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">{_TOP}'
    f'<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="1" applyFont="1" applyAlignment="1">{_TOP}'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="2"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '<cellStyle name="Hyperlink" xfId="1" builtinId="8"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>')

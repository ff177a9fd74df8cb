"""Read a submission workbook (.xlsx) into the plain data a YAML file parses to, with the cell of
every value, so that every problem names sheet and cell as well as the field path.

The zip and its XML are read here directly, not through a spreadsheet library, for three reasons
measured or checked when this was written: the cell-type rule needs each cell's number format and
whether it holds a formula without a saved value (python-calamine exposes neither; openpyxl needs
two full loads to see both); hostile input must be refused in bounded time and memory (every
member's size is capped before it is inflated, a part whose prolog declares a DTD is refused
before it is parsed, so no entity can be declared or expanded, and rows are counted as they
stream); and it is several times faster than openpyxl.
"""
from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from xml.etree.ElementTree import ParseError, XMLPullParser

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from ...common.cellref import column_index, letters, quote_sheet
from ...errors import InputError, did_you_mean
from ..bounded import read_bytes
from .cells import BLANK, Cell, CellProblem, excel_date, read_cell
from .layout import HELP_SHEET, SECTION_HEADER, VALUE_COLUMN, Column, Sheet, guide_texts, sheets

MAX_FILE_BYTES = 20 * 1024 * 1024  # a filled submission workbook is well under 1 MB
MAX_MEMBER_BYTES = 24 * 1024 * 1024  # one part, inflated
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # all parts, inflated
MAX_MEMBERS = 2000
MAX_ROWS = 2100  # the schema's longest list holds 2,000 items
MAX_STRAY_ROWS = 50  # rows of a section sheet named for values outside the Value column
_CHUNK = 64 * 1024
_PROLOG_LIMIT = 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REF = re.compile(r"([A-Z]{1,3})(\d+)")


@dataclass
class Read:
    """A workbook as read: the data and where each field path's value came from."""

    data: dict[str, Any]
    cells: dict[tuple[Any, ...], str]
    sha256: str
    problems: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)  # read, but perhaps not as meant


class _Refused(Exception):
    """The workbook as a whole cannot be read."""


def read_workbook(path: str | Path) -> Read:
    """Read one .xlsx file. InputError for a file that cannot be read at all; problems with single
    cells are collected in Read.problems (the caller raises them with the validation errors)."""
    file = str(path)
    raw = read_bytes(path, MAX_FILE_BYTES, "a submission workbook is much smaller")
    try:
        return _Book(file, raw).read()
    except _Refused as exc:
        raise InputError(file, str(exc)) from None


@dataclass
class SheetGrid:
    """One sheet of a workbook as stored cells, for tables other than the submission's own."""

    quoted: str  # the sheet's name as a cell reference writes it
    grid: dict[tuple[int, int], Cell]  # (row, column) -> cell
    merges: list[str]
    sha256: str


def read_sheet(path: str | Path, title: str, *, max_bytes: int = MAX_FILE_BYTES,
               max_rows: int = MAX_ROWS, what: str = "a table") -> SheetGrid:
    """The cells of the sheet named `title` (capitals ignored), read with the same caps and
    hostile-input refusals as a submission workbook; InputError naming the file otherwise."""
    file = str(path)
    raw = read_bytes(path, max_bytes, f"{what} is much smaller")
    try:
        book = _Book(file, raw)
        if "xl/workbook.xml" not in book.names:
            raise _Refused("not an Excel workbook (no xl/workbook.xml inside the zip)")
        titles = book._sheet_paths()
        found = next(((t, p) for t, p in titles.items() if t.strip().lower() == title.lower()), None)
        if found is None:
            names = ", ".join(f"'{t}'" for t in list(titles)[:10]) or "none"
            raise _Refused(f"no sheet named '{title}' (its sheets: {names}); {what} is read from a "
                           f"sheet named '{title}'.{did_you_mean(title, titles)}")
        grid, merges = book._grid(found[1], found[0], book._shared_strings(), book._styles(), None,
                                  max_rows=(max_rows, what))
    except _Refused as exc:
        raise InputError(file, str(exc)) from None
    return SheetGrid(quote_sheet(found[0]), grid, merges, hashlib.sha256(raw).hexdigest())


_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    """A tag without its namespace (transitional and strict OOXML name them differently)."""
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rsplit("}", 1)[-1]
    return name


class _Book:
    def __init__(self, file: str, raw: bytes) -> None:
        self.file, self.raw = file, raw
        if not zipfile.is_zipfile(io.BytesIO(raw)):
            if raw.startswith(_OLE):
                raise _Refused("an Excel 97-2003 (.xls) or password-protected workbook, not an .xlsx "
                               "file; remove the password and save it as an Excel Workbook (.xlsx)")
            if Path(file).name.startswith("~$"):
                raise _Refused("an Excel lock file (the workbook is open in Excel), not a workbook; read "
                               f"{Path(file).name[2:]} itself")
            raise _Refused("not an Excel workbook: an .xlsx file is a zip archive and this is not one")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(raw))
            members = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise _Refused(f"not a readable .xlsx (damaged zip: {exc})") from None
        if len(members) > MAX_MEMBERS:
            raise _Refused(f"holds {len(members)} parts; a submission workbook holds a few dozen")
        total = 0
        for info in members:
            if info.flag_bits & 0x1:
                raise _Refused("encrypted; remove the password and save it again")
            if info.file_size > MAX_MEMBER_BYTES:
                raise _Refused(f"part {info.filename} inflates to {info.file_size // (1024 * 1024)} MiB "
                               f"(limit {MAX_MEMBER_BYTES // (1024 * 1024)} MiB): too large for a submission")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _Refused(f"inflates to {total // (1024 * 1024)} MiB (limit "
                           f"{MAX_TOTAL_BYTES // (1024 * 1024)} MiB): too large for a submission")
        self.names = {info.filename for info in members}
        self.date1904 = False

    def _parse(self, name: str) -> Iterator[Any]:
        """Elements of one part as they end. A part whose prolog declares a DTD is refused before
        any of it is parsed, so no entity is ever declared, let alone expanded (an undeclared
        entity reference is then a plain XML error). The C parser does the rest, streaming."""
        try:
            with self.zip.open(name) as stream:
                head = b""
                while (verdict := _prolog(head)) is None:
                    chunk = stream.read(_CHUNK)
                    if not chunk or len(head) > _PROLOG_LIMIT:
                        verdict = bool(chunk) or None
                        break
                    head += chunk
                if verdict is None and head.strip():
                    raise _Refused(f"part {name} has no XML element in its first "
                                   f"{_PROLOG_LIMIT // 1024} KiB")
                if verdict is False:
                    raise _Refused(f"part {name} declares a DTD or entities, which a workbook never "
                                   "needs (an entity-expansion attack is the usual reason): refused")
                parser: Any = XMLPullParser(events=("end",))
                chunk = head
                while chunk:
                    parser.feed(chunk)
                    for _, element in parser.read_events():
                        yield element
                    chunk = stream.read(_CHUNK)
                parser.close()
                for _, element in parser.read_events():
                    yield element
        except ParseError as exc:
            raise _Refused(f"part {name} is not well-formed XML ({exc})") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _Refused(f"part {name} is damaged ({exc})") from None

    def read(self) -> Read:
        if "xl/workbook.xml" not in self.names:
            raise _Refused("not an Excel workbook (no xl/workbook.xml inside the zip)")
        titles = self._sheet_paths()
        strings = self._shared_strings()
        styles = self._styles()
        result = Read({}, {}, hashlib.sha256(self.raw).hexdigest())
        known = {s.title.lower(): s for s in sheets()}
        present = {title.lower(): (title, part) for title, part in titles.items()}
        for lower, (title, _) in present.items():
            if lower not in known and lower != HELP_SHEET.lower():
                missing = [s.title for s in sheets() if s.title.lower() not in present]
                hint = did_you_mean(title, missing)
                if hint:
                    result.problems.append(InputError(self.file, f"sheet '{title}' is not a sheet of "
                                                      f"the submission workbook.{hint}"))
        for lower, sheet in known.items():
            if lower not in present:
                continue
            title, part = present[lower]
            grid, merges = self._grid(part, title, strings, styles, None)
            reader = _ListSheet if sheet.is_list else _SectionSheet
            reader(self.file, sheet, quote_sheet(title), grid, merges, result).read()
        return result

    def _sheet_paths(self) -> dict[str, str]:
        rels: dict[str, str] = {}
        rel_name = "xl/_rels/workbook.xml.rels"
        if rel_name in self.names:
            for element in self._parse(rel_name):
                if _local(element.tag) == "Relationship":
                    target = element.get("Target", "")
                    full = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                    rels[element.get("Id", "")] = full
        out: dict[str, str] = {}
        for element in self._parse("xl/workbook.xml"):
            tag = _local(element.tag)
            if tag == "workbookPr":
                self.date1904 = element.get("date1904", "0").lower() in ("1", "true")
            elif tag == "sheet":
                rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                part = rels.get(rid)
                if part and part in self.names:
                    out[element.get("name", "")] = part
        return out

    def _shared_strings(self) -> list[str]:
        name = next((n for n in ("xl/sharedStrings.xml", "xl/sharedstrings.xml") if n in self.names), None)
        out: list[str] = []
        if name is None:
            return out
        for element in self._parse(name):
            if _local(element.tag) == "si":
                out.append(_inline_text(element))
                element.clear()
        return out

    def _styles(self) -> list[str]:
        """Per cell style index: 'date', 'percent' or 'other'."""
        if "xl/styles.xml" not in self.names:
            return []
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        xfs: list[int] = []
        in_cell_xfs = False
        for element in self._parse("xl/styles.xml"):
            tag = _local(element.tag)
            if tag == "numFmt":
                try:
                    formats[int(element.get("numFmtId", "-1"))] = element.get("formatCode", "")
                except ValueError:
                    continue
            elif tag == "xf" and not in_cell_xfs:
                xfs.append(int(element.get("numFmtId", "0") or 0))
            elif tag == "cellStyleXfs":
                xfs.clear()  # those were the named styles' formats, not the cells'
            elif tag == "cellXfs":
                in_cell_xfs = True
        return [_format_kind(formats.get(i, "General")) for i in xfs]

    def _grid(self, part: str, title: str, strings: list[str], styles: list[str],
              wanted: tuple[int, ...] | None, max_rows: tuple[int, str] | None = None,
              ) -> tuple[dict[tuple[int, int], Cell], list[str]]:
        """The cells of one sheet by (row, column), only the `wanted` columns if given."""
        grid: dict[tuple[int, int], Cell] = {}
        merges: list[str] = []
        rows = 0
        row_number = 0
        for element in self._parse(part):
            tag = _local(element.tag)
            if tag == "row":
                rows += 1
                if max_rows is not None and rows > max_rows[0]:
                    raise _Refused(f"sheet {title} has more than {max_rows[0]:,} rows; too many for "
                                   f"{max_rows[1]}")
                if rows > MAX_ROWS and max_rows is None:
                    raise _Refused(f"sheet {title} has more than {MAX_ROWS:,} rows; a submission has "
                                   "at most 2,000 items in a list")
                row_number = int(element.get("r", row_number + 1))
                column = 0
                for c in element:
                    if _local(c.tag) != "c":
                        continue
                    ref = c.get("r")
                    match = _REF.fullmatch(ref) if ref else None
                    column = column_index(match.group(1)) if match else column + 1
                    if wanted is not None and column not in wanted:
                        continue
                    cell = _cell(c, strings, styles, self.date1904)
                    if cell is not None:
                        grid[(row_number, column)] = cell
                element.clear()
            elif tag == "mergeCell":
                merges.append(element.get("ref", ""))
        return grid, merges


def _prolog(head: bytes) -> bool | None:
    """Whether the XML prolog in `head` is free of a DTD (True), declares one (False), or needs
    more bytes to tell (None). A DTD can only come before the root element, so this is enough."""
    text = head.decode("utf-16") if head[:2] in (b"\xff\xfe", b"\xfe\xff") and len(head) % 2 == 0 \
        else head.decode("latin-1")
    pos = 1 if text.startswith("\ufeff") or text.startswith("\xef\xbb\xbf") else 0
    if text.startswith("\xef\xbb\xbf"):
        pos = 3
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            return None
        rest = text[pos:pos + 4]
        if rest.startswith("<?"):
            end = text.find("?>", pos)
            if end < 0:
                return None
            pos = end + 2
        elif rest.startswith("<!--"):
            end = text.find("-->", pos)
            if end < 0:
                return None
            pos = end + 3
        elif rest.startswith("<!"):
            return False  # <!DOCTYPE ...>: entity declarations live there
        elif len(rest) < 2:
            return None
        else:
            return True  # the root element (or not XML at all: the parser will say so)


def _inline_text(element: Any) -> str:
    """The text of a shared or inline string, without phonetic runs."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _format_kind(code: str) -> str:
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    if "%" in bare:
        return "percent"
    if is_date_format(code):
        return "date"
    return "other"


def _cell(c: Any, strings: list[str], styles: list[str], date1904: bool) -> Cell | None:
    kind = c.get("t", "n")
    try:
        style = styles[int(c.get("s", "0"))] if styles else "other"
    except (ValueError, IndexError):
        style = "other"
    formula: str | None = None
    raw: str | None = None
    inline: str | None = None
    for child in c:
        name = _local(child.tag)
        if name == "f":
            formula = child.text or ""
        elif name == "v":
            raw = child.text
        elif name == "is":
            inline = _inline_text(child)
    if formula is not None and (raw is None or (raw == "" and kind != "str")):
        return Cell(None, style, formula, computed=False)
    value: Any
    if kind == "inlineStr":
        value = inline
    elif raw is None:
        return None
    elif kind == "s":
        try:
            value = strings[int(raw)]
        except (ValueError, IndexError):
            value = None
    elif kind in ("str",):
        value = raw
    elif kind == "b":
        value = raw.strip() in ("1", "true")
    elif kind == "e":
        return Cell(raw, style, formula, error=True)
    elif kind == "d":
        value = raw  # an ISO date written as text: the date rule reads it
    else:
        try:
            value = int(raw) if re.fullmatch(r"-?\d+", raw) and raw != "-0" else float(raw)
        except ValueError:
            return Cell(raw, style, formula)
        if style == "date":
            try:
                value = excel_date(value, date1904)
            except (OverflowError, ValueError):
                return Cell(value, "other", formula)
    if value is None and formula is None:
        return None
    return Cell(value, style, formula)


def _merge_ranges(merges: list[str]) -> Iterator[tuple[str, int, int, int, int]]:
    for ref in merges:
        parts = ref.split(":")
        matches = [_REF.fullmatch(p) for p in parts]
        if len(parts) != 2 or not all(matches):
            continue
        (c1, r1), (c2, r2) = ((column_index(m.group(1)), int(m.group(2))) for m in matches if m)
        yield ref, min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


class _SheetReader:
    def __init__(self, file: str, sheet: Sheet, quoted: str, grid: dict[tuple[int, int], Cell],
                 merges: list[str], result: Read) -> None:
        self.file, self.sheet, self.quoted, self.grid = file, sheet, quoted, grid
        self.merges, self.result = merges, result

    def problem(self, message: str, ref: str, path: str | None = None) -> None:
        self.result.problems.append(InputError(self.file, message, path=path, cell=f"{self.quoted}!{ref}"))

    def value(self, column: Column, cell: Cell | None, ref: str, path: str | None = None) -> Any:
        if cell is None:
            return BLANK
        notes: list[str] = []
        try:
            value = read_cell(column, cell, notes)
        except CellProblem as exc:
            self.problem(str(exc), ref, path or column.path)
            return BLANK
        for note in notes:
            self.result.warnings.append(InputError(self.file, note, path=path or column.path,
                                                   cell=f"{self.quoted}!{ref}"))
        return value


class _SectionSheet(_SheetReader):
    """Fields as rows: the path in column B, the value in column C."""

    def read(self) -> None:
        sheet = self.sheet
        by_path = {c.path: c for c in sheet.columns}
        target: dict[str, Any] = self.result.data if sheet.key == "" else {}
        prefix = () if sheet.key == "" else (sheet.key,)
        if prefix:
            self.result.cells[prefix] = self.quoted
        for ref, left, _top, right, bottom in _merge_ranges(self.merges):
            if left <= VALUE_COLUMN and right >= 2 and bottom >= 2:
                self.problem("merged cells cover field or value cells; unmerge them so each field "
                             "has its own value", ref)
        seen: dict[str, int] = {}
        self.by_row: dict[int, list[tuple[int, Cell]]] = {}
        for (r, col), cell in self.grid.items():  # once: a hostile sheet may hold a million cells
            self.by_row.setdefault(r, []).append((col, cell))
        for row in sorted(self.by_row):
            path_cell = self.grid.get((row, 2))
            value_cell = self.grid.get((row, VALUE_COLUMN))
            path = path_cell.value.strip() if path_cell and isinstance(path_cell.value, str) else None
            if row == 1:
                self._stray(row, {col: SECTION_HEADER[col - 1] for col in range(1, len(SECTION_HEADER) + 1)},
                            "the header row")
                continue
            if path is None:
                self._stray(row, {}, "a row with no field path in column B", skip=(2,))
                continue
            column = by_path.get(path)
            if column is None:
                hint = did_you_mean(path, list(by_path))
                self.problem(f"unknown field '{path}' on this sheet.{hint}", f"B{row}")
                continue
            if path in seen:
                self.problem(f"field '{path}' appears twice (rows {seen[path]} and {row})", f"B{row}", path)
                continue
            seen[path] = row
            self._stray(row, dict(enumerate(guide_texts(column), start=VALUE_COLUMN + 1)),
                        f"field {path}'s row", skip=(1, 2, VALUE_COLUMN), path=path)
            ref = f"{letters(VALUE_COLUMN)}{row}"
            self.result.cells[prefix + (column.name,)] = f"{self.quoted}!{ref}"
            value = self.value(column, value_cell, ref)
            if value is not BLANK:
                target[column.name] = value
        if prefix and target:
            self.result.data[sheet.key] = target

    def _stray(self, row: int, written: dict[int, str], where: str, skip: tuple[int, ...] = (),
               path: str | None = None) -> None:
        """Nothing typed outside the Value column is ignored silently: the first cell of `row` that
        holds anything but what the template writes there (`written`, by column) is an error naming
        it, with how many more the row holds; after MAX_STRAY_ROWS such rows, one error says how
        many rows more (a sheet filled with junk costs a few messages, not a million)."""
        found = sorted(col for col, cell in self.by_row.get(row, ()) if col not in skip
                       and (value := read_or_blank(cell)) is not BLANK
                       and not (isinstance(value, str) and _same_text(value, written.get(col, ""))))
        if not found:
            return
        self.stray_rows = getattr(self, "stray_rows", 0) + 1
        if self.stray_rows > MAX_STRAY_ROWS:
            if self.stray_rows == MAX_STRAY_ROWS + 1:
                self.problem(f"more rows hold values outside the Value column; only the first "
                             f"{MAX_STRAY_ROWS} are named", f"{letters(found[0])}{row}")
            return
        col = found[0]
        ref = f"{letters(col)}{row}"
        heading = SECTION_HEADER[col - 1] if col <= len(SECTION_HEADER) else None
        if row == 1:
            message = ("the header row is the template's own; a value there is not read. Enter values "
                       f"in the Value column ({letters(VALUE_COLUMN)}) of the field rows")
        elif path is None:
            message = (f"a value in {where}, so it is not read; put it in the Value column "
                       f"({letters(VALUE_COLUMN)}) of its field's row")
        elif heading:
            message = (f"a value in the {heading} column ({ref}) is not read; enter the value in the "
                       f"Value column ({letters(VALUE_COLUMN)}{row}), and leave the {heading} column as "
                       "the template wrote it")
        else:
            message = (f"a value outside the template's columns (A to {letters(len(SECTION_HEADER))}) is "
                       f"not read; enter it in the Value column ({letters(VALUE_COLUMN)}{row})")
        if len(found) > 1:
            message += f" (and {len(found) - 1:,} more cell{'s' if len(found) > 2 else ''} of this row)"
        self.problem(message, ref, path)


def _same_text(found: str, written: str) -> bool:
    return " ".join(found.split()) == " ".join(written.split())


def read_or_blank(cell: Cell) -> Any:
    """BLANK for an empty cell, else its stored value (a formula or an error is never blank)."""
    value = cell.value
    if cell.formula is not None or cell.error:
        return value
    return BLANK if value is None or (isinstance(value, str) and not value.strip()) else value


class _ListSheet(_SheetReader):
    """Records as rows under a header row of field names."""

    def read(self) -> None:
        sheet = self.sheet
        by_name = {c.name: c for c in sheet.columns}
        self.result.cells[(sheet.key,)] = self.quoted
        for ref, *_ in _merge_ranges(self.merges):
            self.problem("merged cells on a list sheet; unmerge them so each item has its own row", ref)
        columns: dict[int, Column] = {}
        for (row, col), cell in self.grid.items():
            if row != 1:
                continue
            name = cell.value.strip() if isinstance(cell.value, str) else None
            if name is None or name in by_name and by_name[name] in columns.values():
                self.problem("expected a field name in the header row" if name is None
                             else f"column '{name}' appears twice", f"{letters(col)}1")
            elif name not in by_name:
                self.problem(f"unknown column '{name}'.{did_you_mean(name, list(by_name))}", f"{letters(col)}1")
            else:
                columns[col] = by_name[name]
        items: list[dict[str, Any]] = []
        by_row: dict[int, dict[int, Cell]] = {}
        for (row, col), cell in sorted(self.grid.items()):
            if row > 1:
                by_row.setdefault(row, {})[col] = cell
        for row, cells in by_row.items():
            if all(read_or_blank(c) is BLANK for c in cells.values()):
                continue
            index = len(items)
            self.result.cells[(sheet.key, index)] = f"{self.quoted}!A{row}"
            for col, column in columns.items():
                self.result.cells[(sheet.key, index, column.name)] = f"{self.quoted}!{letters(col)}{row}"
            item: dict[str, Any] = {}
            for col, cell in cells.items():
                field_column = columns.get(col)
                if field_column is None:
                    if read_or_blank(cell) is not BLANK and (1, col) not in self.grid:
                        self.problem("a value in a column with no field name in the header row",
                                     f"{letters(col)}{row}")
                    continue
                value = self.value(field_column, cell, f"{letters(col)}{row}",
                                   f"{sheet.key}.{index}.{field_column.name}")
                if value is not BLANK:
                    item[field_column.name] = value
            items.append(item)
        if items:
            self.result.data[sheet.key] = items


def cell_for(cells: dict[tuple[Any, ...], str], loc: tuple[Any, ...]) -> str | None:
    """The cell (or sheet) of a pydantic error location: the deepest known part of it."""
    for end in range(len(loc), 0, -1):
        found = cells.get(tuple(loc[:end]))
        if found is not None:
            return found
    return None

"""The batch's tables: league.csv (one row per submission), league.xlsx (the league and its
detail sheets) and errors.csv (one row per problem). Cells that a spreadsheet would run as a
formula are neutralised; the same input always gives the same bytes (the .xlsx is normalised: no
save time inside)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any, Iterable, Iterator, Sequence

from .report import READINESS, write_atomic
from .textsafe import csv_cell, visible

ERROR_COLUMNS = ("file", "line", "field", "message")
BOM = "\ufeff"  # so that Excel on Windows opens the CSV files as UTF-8 (dashes, accents)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def league_columns(domains: Sequence[dict[str, str]], extra: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """(csv column, spreadsheet heading) pairs, in order; `extra` ones (moderation and change since
    the previous submission, from assess.review.batchwork) at the end."""
    return [
        ("rank", "Rank"), ("code", "Code"), ("name", "Name"), ("region", "Region"),
        ("population", "Population"), ("submitted_on", "Submitted on"), ("edition", "Edition"),
        ("illustrative", "Illustrative data"), ("rating", "Rating"), ("stage", "Stage"),
        ("ics_readiness", "Readiness"), ("score", "Overall score"),
        *[(f"score_{d['id']}", d["title"]) for d in domains],
        ("unmet_blocking", "Unmet blocking criteria"), ("file", "File"), ("report", "Gap report"),
        *extra,
    ]


def league_records(rows: Iterable[dict[str, Any]], domains: Sequence[dict[str, str]],
                   extra: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """The league rows flattened to one value per column (csv column names)."""
    return list(iter_league_records(rows, domains, extra))


def iter_league_records(rows: Iterable[dict[str, Any]], domains: Sequence[dict[str, str]],
                        extra: Sequence[tuple[str, str]] = ()) -> Iterator[dict[str, Any]]:
    """league_records one row at a time (the league may be read from disk as it goes)."""
    columns = league_columns(domains, extra)
    for row in rows:
        record = {key: row.get(key) for key, _ in columns}
        record.update({f"score_{d['id']}": row["domains"].get(d["id"]) for d in domains})
        record["report"] = f"reports/{row['stem']}.html"
        yield record


def defuse(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe (the
    OWASP advice for CSV); numbers and other text are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def league_csv(rows: Iterable[dict[str, Any]], domains: Sequence[dict[str, str]],
               extra: Sequence[tuple[str, str]] = ()) -> str:
    """league.csv: one row per submission, machine-readable column names and values."""
    layout = _CsvLayout([key for key, _ in league_columns(domains, extra)])
    text = "".join(layout.chunks(iter_league_records(rows, domains, extra)))
    return text if layout.settled else "".join(layout.chunks(iter_league_records(rows, domains, extra)))


def write_league_csv(path: Any, rows: Iterable[dict[str, Any]], domains: Sequence[dict[str, str]],
                     extra: Sequence[tuple[str, str]] = ()) -> None:
    """Write league.csv atomically, row by row (the same bytes as `league_csv`): `rows` is read
    once, or twice when a column's values turned out to be of mixed kinds (see _CsvLayout)."""
    layout = _CsvLayout([key for key, _ in league_columns(domains, extra)])
    write_atomic(path, layout.chunks(iter_league_records(rows, domains, extra)))
    if not layout.settled:
        write_atomic(path, layout.chunks(iter_league_records(rows, domains, extra)))


class _CsvLayout:
    """league.csv's cells as pandas' DataFrame.to_csv(float_format="%.1f") wrote them, which the
    file's readers know: a column's type follows from all its values (whole numbers alone are
    written as such; with a decimal or a blank among them, every number gets one decimal; a
    column holding text writes each value as text; blanks are empty). Written in one pass, each
    cell in the kind its column had so far; `settled` is False when a column's kind changed
    after a cell was written in another, and a second pass (with every kind now known) writes
    the same bytes as if the kinds had been known from the start."""

    ROWS_PER_CHUNK = 512

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.tags: list[set[str]] = [set() for _ in self.columns]
        self.fixed: list[str] | None = None
        self.settled = True

    def chunks(self, records: Iterable[dict[str, Any]]) -> Iterator[str]:
        """BOM, header and rows, a few hundred rows at a time."""
        if not self.settled:  # the second pass: every column's kind is known
            self.fixed, self.settled = [_csv_kind(tags) for tags in self.tags], True
        used: list[set[str]] = [set() for _ in self.columns]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        buffer.write(BOM)
        writer.writerow(self.columns)
        for count, record in enumerate(records, 1):
            cells = []
            for i, key in enumerate(self.columns):
                value = record.get(key)
                value = defuse(visible(value)) if isinstance(value, str) else value
                if self.fixed is None:
                    self.tags[i].add(_csv_tag(value))
                    kind = _csv_kind(self.tags[i])
                else:
                    kind = self.fixed[i]
                text = _csv_text(kind, value)
                if text:
                    used[i].add(kind)
                cells.append(text)
            writer.writerow(cells)
            if count % self.ROWS_PER_CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
        if self.fixed is None:
            self.settled = all(kinds <= {_csv_kind(tags)} for kinds, tags in zip(used, self.tags))


def _csv_tag(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float" if value == value else "nan"
    return "other"


def _csv_kind(tags: set[str]) -> str:
    """The kind of a column holding values of these tags (pandas' dtype for it)."""
    if "other" in tags or ("bool" in tags and tags != {"bool"}):
        return "object"
    if tags & {"float", "nan"} or tags >= {"int", "none"}:
        return "float"
    return "int" if "int" in tags else "object"


def _csv_text(kind: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return "%.1f" % value if kind == "float" else str(value)


def league_xlsx(rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]], *, stamp: str,
                extra: Sequence[tuple[str, str]] = (), sheets: Sequence[tuple[str, Any]] = (),
                entries: Sequence[dict[str, Any]] = (), catalogue: Any = None) -> bytes:
    """league.xlsx for analysts, written streamed (openpyxl write-only: memory stays flat however
    large the batch): typed cells with number formats, a styled header, frozen panes and filters,
    each name a link to its gap report. Sheets: League (with the `extra` columns), the `sheets`
    given (name, DataFrame: e.g. the change since last time), Domain scores, Criteria (criterion x
    submission), Unmet criteria (one row each, read from each assessment's spool file) and About.

    `stamp` (an ISO date) is written as the workbook's created/modified time, so that the same
    batch always gives the same bytes. Submitted text is always written as text, never a formula.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _league_sheet(book, rows, domains, extra)
    for name, frame in sheets:
        _frame_sheet(book, name, frame)
    if entries:
        by_stem = {row["stem"]: row for row in rows}
        _domain_sheet(book, entries)
        _criteria_sheet(book, entries)
        _unmet_sheet(book, entries, by_stem)
    _about_sheet(book, entries, catalogue, stamp)
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue(), stamp)


_DATE, _INT, _ONE_DP = "yyyy-mm-dd", "#,##0", "0.0"


def _cell(ws: Any, value: Any, fmt: str | None = None, link: str | None = None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str) and len(value) == 10 and fmt == _DATE:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            fmt = None
    if isinstance(value, str):
        value = visible(value)  # control and bidi characters from the input show as escapes
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # submitted text such as "=HYPERLINK(...)" stays text
    if fmt:
        cell.number_format = fmt
    if link:
        cell.hyperlink = link
        cell.style = "Hyperlink"
    return cell


def _sheet(book: Any, title: str, headings: Sequence[tuple[str, int]], freeze: str = "A2") -> Any:
    from openpyxl.styles import Font, PatternFill

    ws = book.create_sheet(title)
    ws.freeze_panes = freeze
    for index, (_, width) in enumerate(headings, 1):
        ws.column_dimensions[_letter(index)].width = width
    ws.auto_filter.ref = f"A1:{_letter(len(headings))}1"  # widened by _close
    head = []
    for heading, _ in headings:
        cell = _cell(ws, heading)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="005EB8")
        head.append(cell)
    ws.append(head)
    return ws


def _close(ws: Any, columns: int, rows: int) -> None:
    ws.auto_filter.ref = f"A1:{_letter(columns)}{max(rows, 1) + 1}"


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _frame_sheet(book: Any, name: str, frame: Any) -> None:
    """A sheet from a DataFrame: a styled, frozen, filtered header; blanks for missing values."""
    headings = [str(c) for c in frame.columns]
    widths = [min(max(10, len(h) + 2), 48) for h in headings]
    ws = _sheet(book, name, list(zip(headings, widths)), freeze="B2")
    count = 0
    for values in frame.itertuples(index=False, name=None):
        ws.append([_cell(ws, _plain(v)) for v in values])
        count += 1
    _close(ws, len(headings), count)


def _plain(value: Any) -> Any:
    """A pandas/numpy value as a plain Python one; None for a missing value."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _league_sheet(book: Any, rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]],
                  extra: Sequence[tuple[str, str]] = ()) -> None:
    columns = league_columns(domains, extra)
    records = league_records(rows, domains, extra)
    widths = [min(max(10, max([len(h)] + [len(str(r.get(k) or "")) for r in records]) + 2), 48) for k, h in columns]
    ws = _sheet(book, "League", [(h, w) for (_, h), w in zip(columns, widths)], freeze="C2")
    formats = {"rank": _INT, "population": _INT, "submitted_on": _DATE, "score": _ONE_DP,
               "unmet_blocking": _INT, **{f"score_{d['id']}": _ONE_DP for d in domains}}
    for row, record in zip(rows, records):
        record["ics_readiness"] = row.get("readiness_label") or READINESS.get(record["ics_readiness"],
                                                                               record["ics_readiness"])
        record["illustrative"] = "yes" if record["illustrative"] else "no"
        ws.append([_cell(ws, record.get(key), formats.get(key),
                         link=record["report"] if key in ("name", "report") else None)
                   for key, _ in columns])
    _close(ws, len(columns), len(records))


def _domain_sheet(book: Any, entries: Sequence[dict[str, Any]]) -> None:
    head = [("Code", 14), ("Name", 36), ("Domain", 34), ("Score", 9), ("Stage", 12), ("Met", 7),
            ("Not met", 9), ("Not applicable", 15)]
    ws = _sheet(book, "Domain scores", head, freeze="C2")
    count = 0
    for entry in entries:
        sub, link = entry["assessment"]["submission"], f"reports/{entry['stem']}.html"
        for d in entry["assessment"]["domains"]:
            ws.append([_cell(ws, sub["code"]), _cell(ws, sub["name"], link=link), _cell(ws, d["name"]),
                       _cell(ws, d["score"], _ONE_DP), _cell(ws, d["stage"]), _cell(ws, d["met"], _INT),
                       _cell(ws, d["not_met"], _INT), _cell(ws, d["not_applicable"], _INT)])
            count += 1
    _close(ws, len(head), count)


_STATUS = {"met": "met", "not_met": "not met", "not_applicable": "not applicable"}


def _criteria_sheet(book: Any, entries: Sequence[dict[str, Any]]) -> None:
    criteria: dict[str, dict[str, Any]] = {}
    for entry in entries:
        for c in entry["assessment"]["criteria"]:
            criteria.setdefault(c["id"], c)
    head = [("Criterion", 11), ("Title", 50), ("Domain", 30), ("Severity", 10)]
    head += [(e["assessment"]["submission"]["code"], 12) for e in entries]
    ws = _sheet(book, "Criteria", head, freeze="C2")
    statuses = [{c["id"]: c["status"] for c in e["assessment"]["criteria"]} for e in entries]
    domain_names = {d["domain"]: d["name"] for e in entries for d in e["assessment"]["domains"]}
    for cid in sorted(criteria):
        c = criteria[cid]
        domain = domain_names.get(c["domain"], c["domain"])
        ws.append([_cell(ws, cid), _cell(ws, c["title"]), _cell(ws, domain), _cell(ws, c["severity"])]
                  + [_cell(ws, _STATUS.get(s.get(cid, ""), "")) for s in statuses])
    _close(ws, len(head), len(criteria))


def _unmet_sheet(book: Any, entries: Sequence[dict[str, Any]], by_stem: dict[str, Any]) -> None:
    import json

    head = [("Code", 14), ("Name", 30), ("Criterion", 11), ("Rule", 48), ("Severity", 10), ("Field", 40),
            ("Submitted", 16), ("Required", 40), ("Recommended action", 60), ("Source", 40)]
    ws = _sheet(book, "Unmet criteria", head, freeze="D2")
    count = 0
    for entry in entries:
        with open(entry["spool"], encoding="utf-8") as handle:  # one assessment at a time
            full = json.load(handle)
        sub, link = full["submission"], f"reports/{entry['stem']}.html"
        for c in full["criteria"]:
            if c["status"] != "not_met":
                continue
            clauses = c.get("explanation") or []
            fields = "; ".join(str(x.get("path") or "") for x in clauses)
            submitted = [x.get("submitted") for x in clauses]
            shown: Any = submitted[0] if len(submitted) == 1 else "; ".join(_text(v) for v in submitted)
            if isinstance(shown, (list, dict)) or shown is None:
                shown = _text(shown)
            required = "; ".join(str(x.get("text") or "").rpartition("expected ")[2] for x in clauses)
            source = c.get("source") or {}
            ws.append([_cell(ws, sub["code"]), _cell(ws, sub["name"], link=link), _cell(ws, c["id"]),
                       _cell(ws, c["title"]), _cell(ws, c["severity"]), _cell(ws, fields),
                       _cell(ws, shown), _cell(ws, required), _cell(ws, c.get("remediation") or ""),
                       _cell(ws, " ".join(str(v) for v in (source.get("id"), source.get("section")) if v))])
            count += 1
    _close(ws, len(head), count)


def _text(value: Any) -> str:
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "none"
    return str(value)


def _about_sheet(book: Any, entries: Sequence[dict[str, Any]], catalogue: Any, stamp: str) -> None:
    ws = _sheet(book, "About", [("Item", 34), ("Value", 80), ("SHA-256 of the input file", 70)])
    editions = sorted({e["assessment"]["edition"] for e in entries})
    titles = {}
    if catalogue is not None:
        titles = {ed.id: ed.title for ed in catalogue.meta.editions} if hasattr(catalogue.meta, "editions") else {}
    lines: list[list[Any]] = [
        ["Catalogue version", getattr(catalogue, "version", "") or ""],
        ["Editions applied", ", ".join(f"{e} ({titles[e]})" if e in titles else e for e in editions)],
        ["Date of the batch (latest submission date)", stamp],
        ["Submissions assessed", len(entries)],
    ]
    for row in lines:
        ws.append([_cell(ws, row[0]), _cell(ws, row[1], _DATE if row[0].startswith("Date") else None)])
    ws.append([])
    ws.append([_cell(ws, "Input file"), _cell(ws, "Code"), _cell(ws, "SHA-256 of the input file")])
    for entry in sorted(entries, key=lambda e: e["file"]):
        ws.append([_cell(ws, entry["file"]), _cell(ws, entry["assessment"]["submission"]["code"]),
                   _cell(ws, entry["assessment"].get("input_sha256") or "")])


def _normalise_zip(data: bytes, stamp: str) -> bytes:
    """The same workbook with fixed member times and a fixed created/modified date."""
    when = f"{stamp}T00:00:00Z".encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_TIMES.sub(lambda m: m.group(1) + when + m.group(3), payload)
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, payload)
    return out.getvalue()


def errors_csv(errors: Sequence[dict[str, Any]]) -> str:
    """errors.csv: file, line, field, message; one row per problem, a header alone when none."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ERROR_COLUMNS)
    for error in errors:
        writer.writerow([csv_cell("" if error.get(k) is None else error[k]) for k in ERROR_COLUMNS])
    return buffer.getvalue()


def write_tables(out_dir: Any, rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]],
                 errors: Sequence[dict[str, Any]], *, stamp: str, extra: Sequence[tuple[str, str]] = (),
                 sheets: Sequence[tuple[str, Any]] = (), entries: Sequence[dict[str, Any]] = (),
                 catalogue: Any = None) -> None:
    """Write league.csv, league.xlsx and errors.csv into `out_dir`, each atomically. `entries`
    (the batch's scored entries, with their spool files) feed the workbook's detail sheets."""
    write_league_csv(out_dir / "league.csv", rows, domains, extra)
    write_atomic(out_dir / "league.xlsx", league_xlsx(rows, domains, stamp=stamp, extra=extra, sheets=sheets,
                                                      entries=entries, catalogue=catalogue))
    write_atomic(out_dir / "errors.csv", errors_csv(errors))

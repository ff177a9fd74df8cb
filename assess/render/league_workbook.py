"""league.xlsx: the batch's league and its detail sheets, in a shape that stays within Excel's
limits at any batch size, written streamed (assess.render.sheetwriter) with flat memory.

Sheets, in order:
- League: one row per submission (the `extra` columns at the end); each name links to its gap
  report while the sheet needs no more than MAX_LINKS links (Excel's limit per sheet);
- the `sheets` given (name, DataFrame): the change since last time, moderation, files not ranked;
- Domain scores: one row per submission and domain (beyond MAX_ROWS: submissions per domain and stage);
- Criteria: one row per submission, one column per criterion (met, not met, not applicable);
- Criteria summary: one row per criterion: title, domain, severity, and how many submissions
  met it, did not, or had it not applicable (its size does not grow with the batch);
- Unmet criteria: one row per unmet criterion of each submission, read from each assessment's
  spool file; beyond MAX_ROWS rows, the number of submissions not meeting each criterion instead
  (the detail stays in each gap report and results.json);
- About: the catalogue, editions, date and size of the batch, what each sheet holds (and any limit
  that changed its form), each input file's SHA-256.

Every sheet reads and prints whole (assess.render.sheetwriter): headings and long text wrap, rows
are as tall as their text, columns as wide as their values (up to WIDEST, then the text wraps), dates
are date cells in every sheet, and each prints on A4 with its header row on every page.

A sheet whose rows would pass MAX_LINKS carries no links (never some rows linked and not others);
the About sheet says so. `entries` is read in passes (once to count, then once per sheet), never
copied into per-submission lists, so it may be a sequence that reads each entry from disk.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..common import jsonio
from ..common.files import staged_file
from ..common.pagefit import heading_width
from .report import READINESS
from .sheetwriter import DATE, INT, ONE_DP, Column, Workbook
from .sheetwriter import MAX_LINKS as EXCEL_LINKS
from .sheetwriter import MAX_ROWS as EXCEL_ROWS

MAX_ROWS = EXCEL_ROWS - 1  # data rows a sheet holds below its header (a test may lower it)
MAX_LINKS = EXCEL_LINKS  # hyperlinks a sheet holds (a test may lower it)

_STATUS = {"met": "met", "not_met": "not met", "not_applicable": "not applicable"}
_WIDTH_SAMPLE = 1000  # League's column widths fit the first rows' values
WIDEST = 40.0  # a column's widest: longer text wraps
LINK_WIDEST = 60.0  # a linked column's widest (a link does not wrap)


@dataclass
class _Census:
    """What the sheets need to know before they are written, from one pass over the entries."""

    submissions: int = 0
    criteria: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> title, domain, severity, counts
    domain_names: dict[str, str] = field(default_factory=dict)
    domain_stages: dict[tuple[str, str], int] = field(default_factory=dict)
    editions: set[str] = field(default_factory=set)
    domain_rows: int = 0
    unmet_rows: int = 0
    in_file_order: bool = True
    longest_name: int = 0  # characters of the longest submission name (the linked Name columns fit it)

    def name_column(self, least: float) -> Column:
        """The Name column: as wide as the longest name (up to LINK_WIDEST); a linked name never wraps,
        as LibreOffice keeps a link on one line."""
        return Column("Name", min(max(least, self.longest_name + 2), LINK_WIDEST))


def _census(entries: Iterable[dict[str, Any]]) -> _Census:
    census = _Census()
    previous = ""
    for entry in entries:
        assessment = entry["assessment"]
        census.submissions += 1
        census.longest_name = max(census.longest_name, len(str(assessment["submission"]["name"])))
        census.editions.add(assessment["edition"])
        census.in_file_order = census.in_file_order and entry["file"] >= previous
        previous = entry["file"]
        for d in assessment["domains"]:
            census.domain_names.setdefault(d["domain"], d["name"])
            key = (d["domain"], str(d["stage"]))
            census.domain_stages[key] = census.domain_stages.get(key, 0) + 1
            census.domain_rows += 1
        for c in assessment["criteria"]:
            facts = census.criteria.get(c["id"])
            if facts is None:
                facts = census.criteria[c["id"]] = {"title": c["title"], "domain": c["domain"],
                                                    "severity": c["severity"], "met": 0, "not_met": 0,
                                                    "not_applicable": 0}
            facts[c["status"]] = facts.get(c["status"], 0) + 1
            census.unmet_rows += c["status"] == "not_met"
    census.criteria = dict(sorted(census.criteria.items()))
    return census


def write_league_xlsx(target: str | Path | IO[bytes], rows: Sequence[dict[str, Any]],
                      domains: Sequence[dict[str, str]], *, stamp: str, extra: Sequence[tuple[str, str]] = (),
                      sheets: Sequence[tuple[str, Any]] = (), entries: Sequence[dict[str, Any]] = (),
                      catalogue: Any = None) -> None:
    """Write league.xlsx to `target` (see the module's docstring for its sheets). `stamp` (an ISO
    date) is the workbook's created/modified time: the same batch always gives the same bytes.
    Submitted text is always written as text, never a formula."""
    census = _census(entries)
    notes: list[tuple[str, str]] = []
    with Workbook(target, stamp=stamp, title=f"stp-assess league, batch of {stamp}") as book:
        notes.append(("League", _league_sheet(book, rows, domains, extra)))
        for name, frame in sheets:
            notes.append((name, _frame_sheet(book, name, frame)))
        if census.submissions:
            notes.append(("Domain scores", _domain_sheet(book, entries, census)))
            notes.append(("Criteria", _criteria_sheet(book, entries, census)))
            notes.append(("Criteria summary", _criteria_summary(book, census)))
            notes.append(("Unmet criteria", _unmet_sheet(book, entries, census)))
        _about_sheet(book, entries, census, catalogue, stamp, notes)


def _links_note(rows: int, what: str = "each name links to its gap report") -> tuple[bool, str]:
    """Whether a sheet of `rows` rows carries links, and the words that say so."""
    if rows <= MAX_LINKS:
        return True, what
    return False, (f"names are not linked: {rows:,} rows, more than Excel's {MAX_LINKS:,} links per sheet "
                   "(the League sheet's Gap report column, or each report in reports/, has them)")


def _capped(items: Iterable[Any], total: int, what: str) -> tuple[Iterator[Any], str]:
    """The first MAX_ROWS of `items`, and a note when that is not all of them."""
    if total <= MAX_ROWS:
        return iter(items), ""
    return itertools.islice(items, MAX_ROWS), (f"; only the first {MAX_ROWS:,} of {total:,} {what} fit "
                                                "(Excel's rows per sheet): league.csv and results.json hold them all")


def _league_sheet(book: Workbook, rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]],
                  extra: Sequence[tuple[str, str]]) -> str:
    from .tables import league_columns

    columns = league_columns(domains, extra)
    keys = [key for key, _ in columns]
    formats = {"rank": INT, "population": INT, "submitted_on": DATE, "previous_submitted_on": DATE, "score": ONE_DP,
               "unmet_blocking": INT, **{f"score_{d['id']}": ONE_DP for d in domains}}
    sample = ([record.get(key) for key in keys] for record in
              (_league_shown(row, keys, domains) for row in itertools.islice(rows, _WIDTH_SAMPLE)))
    linked, note = _links_note(len(rows))
    name_at = keys.index("name")
    items, capped = _capped(rows, len(rows), "submissions")
    with book.sheet("League", _fitted([h for _, h in columns], sample, [formats.get(k) for k in keys], link=name_at),
                    freeze="C2", rows_hint=len(rows)) as ws:
        for row in items:
            record = _league_shown(row, keys, domains)
            ws.append([record.get(key) for key in keys], link=(name_at, record["report"]) if linked else None)
    return f"one row per submission; {note}{capped}"


def _league_shown(row: dict[str, Any], keys: Sequence[str], domains: Sequence[dict[str, str]]) -> dict[str, Any]:
    """A league row as the League sheet shows it: readiness and illustrative in words."""
    from .tables import league_record

    record = league_record(row, keys, domains)
    record["ics_readiness"] = row.get("readiness_label") or READINESS.get(record["ics_readiness"],
                                                                           record["ics_readiness"])
    record["illustrative"] = "yes" if record["illustrative"] else "no"
    return record


def _fitted(headings: Sequence[str], sample: Iterable[Sequence[Any]], formats: Sequence[str | None],
            link: int | None = None) -> list[Column]:
    """Columns as wide as their values in `sample` (and their headings, which may wrap), at most
    WIDEST: a text column with longer values wraps them. The `link` column (linked names) does not
    wrap and may be as wide as LINK_WIDEST."""
    longest = [0] * len(headings)
    for values in sample:
        for i, value in enumerate(values):
            if value is not None:
                longest[i] = max(longest[i], 10 if isinstance(value, dt.date) else len(str(value)))
    widest = [LINK_WIDEST if i == link else WIDEST for i in range(len(headings))]
    return [Column(heading, min(max(heading_width(heading), longest[i] + 2), widest[i]), formats[i],
                   wrap=formats[i] is None and i != link and longest[i] + 2 > widest[i])
            for i, heading in enumerate(headings)]


def _frame_sheet(book: Workbook, name: str, frame: Any) -> str:
    """A sheet from a DataFrame: a styled, frozen, filtered header; blanks for missing values; a
    column of dates (datetime.date values) as date cells; widths fitted to the first rows."""
    headings = [str(c) for c in frame.columns]
    sample = [[_plain(v) for v in values]
              for values in itertools.islice(frame.itertuples(index=False, name=None), _WIDTH_SAMPLE)]
    columns = list(zip(*sample)) or [()] * len(headings)
    dates = [any(v is not None for v in c) and all(v is None or isinstance(v, dt.date) for v in c) for c in columns]
    items, capped = _capped(frame.itertuples(index=False, name=None), len(frame), "rows")
    with book.sheet(name, _fitted(headings, sample, [DATE if d else None for d in dates]), freeze="B2",
                    rows_hint=len(frame)) as ws:
        for values in items:
            ws.append([_plain(v) for v in values])
    return f"{len(frame):,} rows{capped}"


def _plain(value: Any) -> Any:
    """A pandas/numpy value as a plain Python one; None for a missing value."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value


_DOMAIN_HEAD = [Column("Code", 14), Column("Name", 36), Column("Domain", 34, wrap=True),
                Column("Score", 9, ONE_DP),
                Column("Stage", 12), Column("Met", 7, INT), Column("Not met", 9, INT),
                Column("Not applicable", 15, INT)]


def _domain_sheet(book: Workbook, entries: Iterable[dict[str, Any]], census: _Census) -> str:
    if census.domain_rows > MAX_ROWS:
        with book.sheet("Domain scores", [Column("Domain", 34, wrap=True), Column("Stage", 12),
                                          Column("Submissions", 12, INT)],
                        freeze="B2") as ws:
            for (domain, stage), count in sorted(census.domain_stages.items()):
                ws.append([census.domain_names.get(domain, domain), stage, count])
        return (f"submissions per domain and stage: one row per submission and domain would be "
                f"{census.domain_rows:,} rows, more than {MAX_ROWS:,} (Excel's rows per sheet); the League "
                "sheet has each submission's domain scores")
    linked, note = _links_note(census.domain_rows)
    head = [census.name_column(20) if c.heading == "Name" else c for c in _DOMAIN_HEAD]
    with book.sheet("Domain scores", head, freeze="C2", rows_hint=census.domain_rows) as ws:
        for entry in entries:
            sub = entry["assessment"]["submission"]
            link = (1, f"reports/{entry['stem']}.html") if linked else None
            for d in entry["assessment"]["domains"]:
                ws.append([sub["code"], sub["name"], d["name"], d["score"], d["stage"], d["met"], d["not_met"],
                           d["not_applicable"]], link=link)
    return f"one row per submission and domain; {note}"


def _criteria_sheet(book: Workbook, entries: Iterable[dict[str, Any]], census: _Census) -> str:
    ids = list(census.criteria)
    linked, note = _links_note(census.submissions)
    items, capped = _capped(entries, census.submissions, "submissions")
    with book.sheet("Criteria", [Column("Code", 14), census.name_column(20)]
                    + [Column(i, 12, wrap=True) for i in ids],
                    freeze="C2", rows_hint=census.submissions) as ws:
        for entry in items:
            sub = entry["assessment"]["submission"]
            status = {c["id"]: c["status"] for c in entry["assessment"]["criteria"]}
            ws.append([sub["code"], sub["name"]] + [_STATUS.get(status.get(i, "")) for i in ids],
                      link=(1, f"reports/{entry['stem']}.html") if linked else None)
    return ("one row per submission, one column per criterion (met, not met, not applicable; blank where the "
            f"submission's edition has no such criterion); {note}{capped}")


def _criteria_summary(book: Workbook, census: _Census) -> str:
    head = [Column("Criterion", 11), Column("Title", 50, wrap=True), Column("Domain", 30, wrap=True),
            Column("Severity", 10), Column("Met", 8, INT), Column("Not met", 9, INT), Column("Not applicable", 15, INT)]
    with book.sheet("Criteria summary", head, freeze="C2") as ws:
        for cid, c in census.criteria.items():
            ws.append([cid, c["title"], census.domain_names.get(c["domain"], c["domain"]), c["severity"],
                       c["met"], c["not_met"], c["not_applicable"]])
    return "one row per criterion: how many submissions met it, did not, or had it not applicable"


_UNMET_HEAD = [Column("Code", 12), Column("Name", 24), Column("Criterion", 10),
               Column("Rule", 36, wrap=True), Column("Severity", 9), Column("Field", 24, wrap=True),
               Column("Submitted", 14, wrap=True), Column("Required", 24, wrap=True),
               Column("Recommended action", 44, wrap=True), Column("Source", 22, wrap=True)]


def _unmet_sheet(book: Workbook, entries: Iterable[dict[str, Any]], census: _Census) -> str:
    if census.unmet_rows > MAX_ROWS:
        return _unmet_counts(book, census)
    linked, note = _links_note(census.unmet_rows)
    head = [census.name_column(20) if c.heading == "Name" else c for c in _UNMET_HEAD]
    with book.sheet("Unmet criteria", head, freeze="D2", rows_hint=census.unmet_rows) as ws:
        for entry in entries:
            full = _read_spool(entry["spool"])
            sub = full["submission"]
            link = (1, f"reports/{entry['stem']}.html") if linked else None
            for c in full["criteria"]:
                if c["status"] == "not_met":
                    ws.append(_unmet_row(sub, c), link=link)
    return f"one row per unmet criterion of each submission; {note}"


def _read_spool(path: str) -> dict[str, Any]:
    """One assessment from its spool file."""
    with open(path, "rb") as handle:
        return dict(jsonio.loads(handle.read()))


def _unmet_row(sub: dict[str, Any], c: dict[str, Any]) -> list[Any]:
    clauses = c.get("explanation") or []
    fields = "; ".join(str(x.get("path") or "") for x in clauses)
    submitted = [x.get("submitted") for x in clauses]
    shown: Any = submitted[0] if len(submitted) == 1 else "; ".join(_text(v) for v in submitted)
    if isinstance(shown, (list, dict, bool)) or shown is None:
        shown = _text(shown)  # yes/no as the gap report words them (a boolean cell reads TRUE/FALSE)
    required = "; ".join(str(x.get("text") or "").rpartition("expected ")[2] for x in clauses)
    source = c.get("source") or {}
    return [sub["code"], sub["name"], c["id"], c["title"], c["severity"], fields, shown, required,
            c.get("remediation") or "", " ".join(str(v) for v in (source.get("id"), source.get("section")) if v)]


def _unmet_counts(book: Workbook, census: _Census) -> str:
    """The Unmet criteria sheet's form beyond MAX_ROWS: submissions not meeting each criterion."""
    head = [Column("Criterion", 11), Column("Rule", 48, wrap=True), Column("Domain", 30, wrap=True),
            Column("Severity", 10), Column("Submissions not meeting it", 14, INT)]
    why = (f"{census.unmet_rows:,} unmet criteria in all, more than the {MAX_ROWS:,} rows a sheet holds: "
           "this sheet counts the submissions not meeting each criterion. Each submission's unmet criteria, "
           "with the field, the value submitted, the value required and the action, are in its gap report "
           "(reports/) and in results.json; the Criteria sheet, filtered on a criterion's column, lists the "
           "submissions that do not meet it.")
    ranked = sorted(census.criteria.items(), key=lambda item: (-item[1]["not_met"], item[0]))
    with book.sheet("Unmet criteria", head, freeze="C2") as ws:
        for cid, c in ranked:
            if c["not_met"]:
                ws.append([cid, c["title"], census.domain_names.get(c["domain"], c["domain"]), c["severity"],
                           c["not_met"]])
        ws.filter_to_row = ws.rows
        ws.append([])
        ws.append([why])
    return why


def _text(value: Any) -> str:
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "none"
    return str(value)


def _about_sheet(book: Workbook, entries: Sequence[dict[str, Any]], census: _Census, catalogue: Any, stamp: str,
                 notes: Sequence[tuple[str, str]]) -> None:
    titles = {}
    if catalogue is not None and hasattr(catalogue.meta, "editions"):
        titles = {ed.id: ed.title for ed in catalogue.meta.editions}
    head = [Column("Item", 34, wrap=True), Column("Value", 80, wrap=True), Column("SHA-256 of the input file", 66)]
    with book.sheet("About", head) as ws:
        ws.append(["Catalogue version", getattr(catalogue, "version", "") or ""])
        ws.append(["Editions applied", ", ".join(f"{e} ({titles[e]})" if e in titles else e
                                                 for e in sorted(census.editions))])
        ws.append(["Date of the batch (latest submission date)", dt.date.fromisoformat(stamp)])
        ws.append(["Submissions assessed", census.submissions])
        ws.append([])
        ws.append(["Sheet", "What it holds"])
        for sheet, note in notes:
            ws.append([sheet, note[:1].upper() + note[1:]])
        ws.append([])
        ws.append(["Input file", "Code", "SHA-256 of the input file"])
        ordered: Iterable[dict[str, Any]] = entries
        if not census.in_file_order:
            ordered = (entries[i] for i in sorted(range(census.submissions), key=lambda i: entries[i]["file"]))
        room = max(MAX_ROWS - (ws.rows - 1), 1)  # data rows left below the header
        if census.submissions > room:
            room -= 1
        for entry in itertools.islice(ordered, room):
            ws.append([entry["file"], entry["assessment"]["submission"]["code"],
                       entry["assessment"].get("input_sha256") or ""])
        if census.submissions > room:
            ws.append([f"only the first {room:,} of {census.submissions:,} files fit (Excel's rows per sheet): "
                       "results.json has every file's digest"])


def save_league_xlsx(path: str | Path, rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]], *,
                     stamp: str, **options: Any) -> None:
    """write_league_xlsx into `path` inside the batch's staging folder (assess.common.files.staged_file:
    a temporary name, renamed when complete; the batch syncs its folder once)."""
    with staged_file(Path(path)) as handle:
        write_league_xlsx(handle, rows, domains, stamp=stamp, **options)

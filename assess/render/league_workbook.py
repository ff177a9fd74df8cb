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
from .report import READINESS
from .sheetwriter import DATE, INT, ONE_DP, Column, Workbook
from .sheetwriter import MAX_LINKS as EXCEL_LINKS
from .sheetwriter import MAX_ROWS as EXCEL_ROWS

MAX_ROWS = EXCEL_ROWS - 1  # data rows a sheet holds below its header (a test may lower it)
MAX_LINKS = EXCEL_LINKS  # hyperlinks a sheet holds (a test may lower it)

_STATUS = {"met": "met", "not_met": "not met", "not_applicable": "not applicable"}
_WIDTH_SAMPLE = 1000  # League's column widths fit the first rows' values


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


def _census(entries: Iterable[dict[str, Any]]) -> _Census:
    census = _Census()
    previous = ""
    for entry in entries:
        assessment = entry["assessment"]
        census.submissions += 1
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
    with Workbook(target, stamp=stamp) as book:
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
    from .tables import league_columns, league_record

    columns = league_columns(domains, extra)
    keys = [key for key, _ in columns]
    widths = {key: len(heading) for key, heading in columns}
    for row in itertools.islice(rows, _WIDTH_SAMPLE):
        record = league_record(row, keys, domains)
        for key in keys:
            widths[key] = max(widths[key], len(str(record.get(key) or "")))
    formats = {"rank": INT, "population": INT, "submitted_on": DATE, "score": ONE_DP,
               "unmet_blocking": INT, **{f"score_{d['id']}": ONE_DP for d in domains}}
    linked, note = _links_note(len(rows))
    name_at = keys.index("name")
    items, capped = _capped(rows, len(rows), "submissions")
    with book.sheet("League", [Column(h, min(max(10, widths[k]) + 2, 48), formats.get(k)) for k, h in columns],
                    freeze="C2", rows_hint=len(rows)) as ws:
        for row in items:
            record = league_record(row, keys, domains)
            record["ics_readiness"] = row.get("readiness_label") or READINESS.get(record["ics_readiness"],
                                                                                   record["ics_readiness"])
            record["illustrative"] = "yes" if record["illustrative"] else "no"
            ws.append([record.get(key) for key in keys], link=(name_at, record["report"]) if linked else None)
    return f"one row per submission; {note}{capped}"


def _frame_sheet(book: Workbook, name: str, frame: Any) -> str:
    """A sheet from a DataFrame: a styled, frozen, filtered header; blanks for missing values."""
    headings = [str(c) for c in frame.columns]
    items, capped = _capped(frame.itertuples(index=False, name=None), len(frame), "rows")
    with book.sheet(name, [Column(h, min(max(10, len(h) + 2), 48)) for h in headings], freeze="B2",
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


_DOMAIN_HEAD = [Column("Code", 14), Column("Name", 36), Column("Domain", 34), Column("Score", 9, ONE_DP),
                Column("Stage", 12), Column("Met", 7, INT), Column("Not met", 9, INT),
                Column("Not applicable", 15, INT)]


def _domain_sheet(book: Workbook, entries: Iterable[dict[str, Any]], census: _Census) -> str:
    if census.domain_rows > MAX_ROWS:
        with book.sheet("Domain scores", [Column("Domain", 34), Column("Stage", 12), Column("Submissions", 12, INT)],
                        freeze="B2") as ws:
            for (domain, stage), count in sorted(census.domain_stages.items()):
                ws.append([census.domain_names.get(domain, domain), stage, count])
        return (f"submissions per domain and stage: one row per submission and domain would be "
                f"{census.domain_rows:,} rows, more than {MAX_ROWS:,} (Excel's rows per sheet); the League "
                "sheet has each submission's domain scores")
    linked, note = _links_note(census.domain_rows)
    with book.sheet("Domain scores", _DOMAIN_HEAD, freeze="C2", rows_hint=census.domain_rows) as ws:
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
    with book.sheet("Criteria", [Column("Code", 14), Column("Name", 30)] + [Column(i, 11) for i in ids],
                    freeze="C2", rows_hint=census.submissions) as ws:
        for entry in items:
            sub = entry["assessment"]["submission"]
            status = {c["id"]: c["status"] for c in entry["assessment"]["criteria"]}
            ws.append([sub["code"], sub["name"]] + [_STATUS.get(status.get(i, "")) for i in ids],
                      link=(1, f"reports/{entry['stem']}.html") if linked else None)
    return ("one row per submission, one column per criterion (met, not met, not applicable; blank where the "
            f"submission's edition has no such criterion); {note}{capped}")


def _criteria_summary(book: Workbook, census: _Census) -> str:
    head = [Column("Criterion", 11), Column("Title", 50), Column("Domain", 30), Column("Severity", 10),
            Column("Met", 8, INT), Column("Not met", 9, INT), Column("Not applicable", 15, INT)]
    with book.sheet("Criteria summary", head, freeze="C2") as ws:
        for cid, c in census.criteria.items():
            ws.append([cid, c["title"], census.domain_names.get(c["domain"], c["domain"]), c["severity"],
                       c["met"], c["not_met"], c["not_applicable"]])
    return "one row per criterion: how many submissions met it, did not, or had it not applicable"


_UNMET_HEAD = [Column("Code", 14), Column("Name", 30), Column("Criterion", 11), Column("Rule", 48),
               Column("Severity", 10), Column("Field", 40), Column("Submitted", 16), Column("Required", 40),
               Column("Recommended action", 60), Column("Source", 40)]


def _unmet_sheet(book: Workbook, entries: Iterable[dict[str, Any]], census: _Census) -> str:
    if census.unmet_rows > MAX_ROWS:
        return _unmet_counts(book, census)
    linked, note = _links_note(census.unmet_rows)
    with book.sheet("Unmet criteria", _UNMET_HEAD, freeze="D2", rows_hint=census.unmet_rows) as ws:
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
    head = [Column("Criterion", 11), Column("Rule", 48), Column("Domain", 30), Column("Severity", 10),
            Column("Submissions not meeting it", 26, INT)]
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
    head = [Column("Item", 34), Column("Value", 80), Column("SHA-256 of the input file", 70)]
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

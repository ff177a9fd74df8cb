"""The batch's tables: league.csv (one row per submission), league.xlsx (the league and its
detail sheets) and errors.csv (one row per problem). Cells that a spreadsheet would run as a
formula are neutralised; the same input always gives the same bytes (the .xlsx carries the
batch's date, never the time it was saved)."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..common.files import write_file
from ..common.textsafe import csv_cell, visible

ERROR_COLUMNS = ("file", "line", "field", "message")
BOM = "\ufeff"  # so that Excel on Windows opens the CSV files as UTF-8 (dashes, accents)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    keys = [key for key, _ in league_columns(domains, extra)]
    for row in rows:
        yield league_record(row, keys, domains)


def league_record(row: dict[str, Any], keys: Sequence[str], domains: Sequence[dict[str, str]]) -> dict[str, Any]:
    """One league row flattened to one value per column (`keys`: the csv column names)."""
    record = {key: row.get(key) for key in keys}
    record.update({f"score_{d['id']}": row["domains"].get(d["id"]) for d in domains})
    record["report"] = f"reports/{row['stem']}.html"
    return record


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
    """Write league.csv into a staging folder (assess.common.files.write_file), row by row (the same bytes
    as `league_csv`): `rows` is read once, or twice when a column's values turned out to be of
    mixed kinds (see _CsvLayout)."""
    layout = _CsvLayout([key for key, _ in league_columns(domains, extra)])
    write_file(Path(path), layout.chunks(iter_league_records(rows, domains, extra)))
    if not layout.settled:
        write_file(Path(path), layout.chunks(iter_league_records(rows, domains, extra)))


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


def errors_csv(errors: Sequence[dict[str, Any]]) -> str:
    """errors.csv: file, line, field, message; one row per problem, a header alone when none."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ERROR_COLUMNS)
    for error in errors:
        writer.writerow([csv_cell("" if error.get(k) is None else error[k]) for k in ERROR_COLUMNS])
    return buffer.getvalue()

"""Read NHS England's published Oversight Framework CSVs as they are.

Two layouts, told apart by their header: the trust data (one row per trust, quarter and metric)
and the league table (one row per trust and quarter). Both come for any trust type, UTF-8 with or
without a byte-order mark, CRLF or LF, and some releases name the quarter column `Reporting_date`.
A file that cannot be read at all is an InputError naming the file (and line); a row that cannot be
used is a warning naming its line, and nothing is dropped without one.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import InputError
from .edition import Edition

MAX_BYTES = 256 * 1024 * 1024  # a national file is ~2 MB a quarter; refuse anything absurd
QUARTER = re.compile(r"^Q([1-4]) (\d{4})/(\d{2})$")
METRIC_ID = re.compile(r"^OF\d{4}$")
TRUST_COLUMNS: tuple[str, ...] = ("Trust_type", "Trust_code", "Trust_name", "Metric_ID", "Value")
LEAGUE_COLUMNS: tuple[str, ...] = ("Trust_type", "Trust_code", "Trust_name", "Average_score", "Segment", "Rank")


@dataclass(frozen=True)
class Problem:
    """A row that could not be used as it stands, and what was done with it."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class MetricRow:
    """One published row: a metric's value for a trust and quarter, with the file's peer figures."""

    metric_id: str
    description: str
    units: str
    reporting_date: str
    value: float | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    rank: int | None
    line: int
    domain: str = ""  # the domain the file names for the row


@dataclass
class TrustQuarter:
    """Everything the file says about one trust in one quarter."""

    quarter: str
    trust_code: str
    trust_name: str
    region: str
    trust_type: str
    trust_subtype: str
    rows: dict[str, MetricRow] = field(default_factory=dict)
    first_line: int = 0

    def value(self, metric_id: str) -> float | None:
        """The published value of a metric (None when the file gives none)."""
        row = self.rows.get(metric_id)
        return None if row is None else row.value

    @property
    def scores(self) -> dict[str, float]:
        """The graded metric scores (OF1xxx) given."""
        return {m: r.value for m, r in self.rows.items() if m.startswith("OF1") and r.value is not None}


@dataclass
class PublishedData:
    """A read file: trust-quarters in quarter then trust-code order, and the problems met."""

    file: str
    sha256: str
    layout: str  # "trust data" or "league table"
    trusts: list[TrustQuarter]
    problems: list[Problem]

    @property
    def quarters(self) -> list[str]:
        """The quarters of the file, in time order."""
        return sorted({t.quarter for t in self.trusts}, key=quarter_key)


def quarter_key(quarter: str) -> tuple[int, int, str]:
    """Chronological order of quarters as NHS England names them ('Q1 2025/26'); others last."""
    m = QUARTER.match(quarter)
    return (int(m.group(2)), int(m.group(1)), quarter) if m else (9999, 9, quarter)


def _number(text: str | None) -> float | None:
    """A published number, or None for an empty cell; ValueError for anything else."""
    if text is None or not text.strip():
        return None
    value = float(text.strip().replace(",", ""))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _optional_number(text: str | None) -> float | None:
    try:
        return _number(text)
    except ValueError:
        return None


def _decode(path: Path) -> tuple[str, str]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(str(path), f"{size:,} bytes is more than the {MAX_BYTES:,} a published file can be")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(str(path), "not UTF-8 text (NHS England publishes these files as UTF-8)",
                         line=line) from None
    return text, hashlib.sha256(raw).hexdigest()


def read_published(path: str | Path, edition: Edition) -> PublishedData:
    """Read a trust data or league table CSV; the layout is told from the header."""
    path = Path(path)
    text, sha = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(str(path), "empty file: expected NHS England's CSV header") from None
    except csv.Error as exc:
        raise InputError(str(path), f"not a CSV file: {exc}", line=1) from None
    columns = {name: i for i, name in enumerate(header)}
    if "Metric_ID" in columns:
        layout, needed = "trust data", TRUST_COLUMNS
    elif "Average_score" in columns:
        layout, needed = "league table", LEAGUE_COLUMNS
    else:
        raise InputError(str(path), "neither NHS England's trust data (a 'Metric_ID' column) nor its "
                         f"league table (an 'Average_score' column); columns found: {', '.join(header)}", line=1)
    if "Quarter" not in columns and "Reporting_date" not in columns:
        raise InputError(str(path), "missing column 'Quarter' (or 'Reporting_date', as some releases "
                         f"name it); columns found: {', '.join(header)}", line=1)
    missing = [c for c in needed if c not in columns]
    if missing:
        raise InputError(str(path), f"missing column{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(repr(c) for c in missing)} of NHS England's {layout} layout; "
                         f"columns found: {', '.join(header)}", line=1)
    rows = _rows(reader, header, str(path))
    problems: list[Problem] = []
    if layout == "trust data":
        trusts = _trust_data(rows, str(path), edition, problems)
    else:
        trusts = _league_table(rows, str(path), edition, problems)
    trusts = _drop_empty(trusts, str(path), problems, need_scores=layout == "trust data")
    if not trusts:
        raise InputError(str(path), f"no trust in this {layout} file has any usable score"
                         + (f" ({len(problems)} problem(s): the first is line {problems[0].line}: "
                            f"{problems[0].message})" if problems else ""))
    trusts.sort(key=lambda t: (quarter_key(t.quarter), t.trust_code))
    return PublishedData(str(path), sha, layout, trusts, problems)


def _rows(reader: Iterable[list[str]], header: list[str], file: str) -> list[tuple[int, dict[str, str] | str]]:
    """(line, cells by column) per data row, or (line, problem) for a row of the wrong width."""
    out: list[tuple[int, dict[str, str] | str]] = []
    line = 1
    iterator = iter(reader)
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(file, f"not valid CSV: {exc}", line=line + 1) from None
        line += 1
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            out.append((line, f"{len(cells)} fields where the header has {len(header)}: row skipped"))
            continue
        out.append((line, {h: c.strip() for h, c in zip(header, cells)}))
    return out


def _quarter_of(row: dict[str, str]) -> str:
    return row.get("Quarter") or row.get("Reporting_date", "")


def _trust(row: dict[str, str], quarter: str, line: int) -> TrustQuarter:
    return TrustQuarter(quarter, row["Trust_code"], row["Trust_name"], row.get("Region", ""),
                        row["Trust_type"], row.get("Trust_subtype", ""), first_line=line)


def _trust_data(rows: list[tuple[int, dict[str, str] | str]], file: str, edition: Edition,
                problems: list[Problem]) -> list[TrustQuarter]:
    known = set(edition.metrics) | {m.value_id for m in edition.data.metrics if m.value_id}
    known |= {d.score_id for d in edition.data.domains} | {d.segment_id for d in edition.data.domains}
    known |= set(edition.data.published.model_dump().values())
    has_quarter = any(isinstance(r, dict) and "Quarter" in r for _, r in rows)
    single = ""
    if not has_quarter:  # a release without `Quarter`: the quarter is the summary rows' Reporting_date
        found = {r["Reporting_date"] for _, r in rows
                 if isinstance(r, dict) and QUARTER.match(r.get("Reporting_date", ""))}
        if len(found) != 1:
            raise InputError(file, "no 'Quarter' column, and " + (
                f"more than one quarter in 'Reporting_date' ({', '.join(sorted(found, key=quarter_key))}): the "
                "rows of a metric cannot be placed in a quarter; give one quarter per file" if found else
                "no 'Reporting_date' names a quarter (such as 'Q1 2025/26'): the quarter cannot be told"))
        single = found.pop()
    trusts: dict[tuple[str, str], TrustQuarter] = {}
    unknown_seen: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, str):
            problems.append(Problem(file, line, row))
            continue
        quarter = row["Quarter"] if has_quarter else single
        code, metric = row["Trust_code"], row["Metric_ID"]
        if not quarter or not code:
            problems.append(Problem(file, line, "no quarter or no trust code: row skipped"))
            continue
        if not METRIC_ID.match(metric):
            problems.append(Problem(file, line, f"metric id {metric!r} is not an Oversight Framework id "
                                    "(OF and four digits): row skipped"))
            continue
        if metric not in known:
            if metric not in unknown_seen:
                unknown_seen[metric] = line
                counted = metric.startswith("OF1")
                problems.append(Problem(file, line, f"metric {metric} is not in the {edition.id} edition: "
                                        + (f"counted as a scored metric of domain '{row.get('Domain', '')}' "
                                           "(assumed; first of its rows)" if counted
                                           else "not used (first of its rows)")))
            if not metric.startswith("OF1"):
                continue
        try:
            value = _number(row["Value"])
        except ValueError:
            problems.append(Problem(file, line, f"{metric} of {code} ({quarter}): value {row['Value']!r} is not "
                                    "a number: metric left out"))
            value = None
        else:
            if value is None:
                problems.append(Problem(file, line, f"{metric} of {code} ({quarter}): no value: metric left out"))
        if metric.startswith("OF1") and value is not None and not (
                edition.data.scale.best <= value <= edition.data.scale.worst):
            problems.append(Problem(file, line, f"{metric} of {code} ({quarter}): score {value:g} is outside "
                                    f"{edition.data.scale.best:g}-{edition.data.scale.worst:g}: metric left out"))
            value = None
        key = (quarter, code)
        trust = trusts.get(key)
        if trust is None:
            trust = trusts[key] = _trust(row, quarter, line)
        rank = _optional_number(row.get("Rank"))
        record = MetricRow(metric, row.get("Metric_description", ""), row.get("Units", ""),
                           row.get("Reporting_date", ""), value, _optional_number(row.get("Median_value")),
                           _optional_number(row.get("Lower_quartile")), _optional_number(row.get("Upper_quartile")),
                           None if rank is None else int(rank), line, row.get("Domain", ""))
        earlier = trust.rows.get(metric)
        if earlier is not None:
            if earlier.value == value:
                problems.append(Problem(file, line, f"{metric} of {code} ({quarter}) repeats line {earlier.line}: "
                                        "duplicate ignored"))
                continue
            raise InputError(file, f"{metric} of {code} ({quarter}) is given twice with different values "
                             f"(line {earlier.line}: {earlier.value}; this line: {value}): which one NHS England "
                             "published cannot be told", line=line)
        if value is None:
            continue
        trust.rows[metric] = record
    return list(trusts.values())


_YES = {"1", "1.0", "yes", "y", "true"}
_NO = {"0", "0.0", "no", "n", "false", ""}


def _league_table(rows: list[tuple[int, dict[str, str] | str]], file: str, edition: Edition,
                  problems: list[Problem]) -> list[TrustQuarter]:
    """League rows become trust-quarters holding the published summary figures only."""
    pub = edition.data.published
    trusts: dict[tuple[str, str], TrustQuarter] = {}
    for line, row in rows:
        if isinstance(row, str):
            problems.append(Problem(file, line, row))
            continue
        quarter, code = _quarter_of(row), row["Trust_code"]
        if not quarter or not code:
            problems.append(Problem(file, line, "no quarter or no trust code: row skipped"))
            continue
        if (quarter, code) in trusts:
            problems.append(Problem(file, line, f"{code} ({quarter}) repeats line "
                                    f"{trusts[(quarter, code)].first_line}: duplicate ignored"))
            continue
        try:
            average = _number(row["Average_score"])
            segment = _number(row["Segment"])
            rank = _number(row["Rank"])
        except ValueError:
            problems.append(Problem(file, line, f"{code} ({quarter}): average, segment or rank is not a number: "
                                    "row skipped"))
            continue
        if average is None:
            problems.append(Problem(file, line, f"{code} ({quarter}): no average score: row skipped"))
            continue
        deficit_text = row.get("Trust_in_financial_deficit", "").strip().lower()
        if deficit_text not in _YES | _NO:
            problems.append(Problem(file, line, f"{code} ({quarter}): Trust_in_financial_deficit "
                                    f"{row['Trust_in_financial_deficit']!r} is not yes/no: read as not in deficit"))
        trust = trusts[(quarter, code)] = _trust(row, quarter, line)
        deficit = 1.0 if deficit_text in _YES else 0.0
        given: list[tuple[str, float | None]] = [(pub.average, average), (pub.deficit_flag, deficit)]
        if segment == 5:
            given += [(pub.final_segment, segment), (pub.recovery_support_flag, 1.0)]
        else:
            given.append((pub.segment, segment))
        for metric, value in given:
            if value is not None:
                trust.rows[metric] = MetricRow(metric, "", "", quarter, value, None, None, None,
                                               None if rank is None else int(rank), line)
    return list(trusts.values())


def _drop_empty(trusts: list[TrustQuarter], file: str, problems: list[Problem],
                need_scores: bool) -> list[TrustQuarter]:
    kept = []
    for t in trusts:
        if t.scores or (not need_scores and t.rows):
            kept.append(t)
        else:
            problems.append(Problem(file, t.first_line, f"{t.trust_code} ({t.quarter}) has no metric scores: "
                                    "left out"))
    return kept

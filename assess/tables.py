"""The batch's tables: league.csv and league.xlsx (one row per submission) and errors.csv (one row
per problem). Cells that a spreadsheet would run as a formula are neutralised; the same input
always gives the same bytes (the .xlsx is normalised: no save time inside)."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any, Sequence

from .report import READINESS, write_atomic
from .textsafe import csv_cell, visible

ERROR_COLUMNS = ("file", "line", "field", "message")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def league_columns(domains: Sequence[dict[str, str]], extra: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """(csv column, spreadsheet heading) pairs, in order; `extra` ones (moderation and change since
    the previous submission, from assess.review.batchwork) at the end."""
    return [
        ("rank", "Rank"), ("code", "Code"), ("name", "Name"), ("region", "Region"),
        ("population", "Population"), ("submitted_on", "Submitted on"), ("edition", "Edition"),
        ("illustrative", "Illustrative data"), ("rating", "Rating"), ("stage", "Stage"),
        ("ics_readiness", "ICS readiness"), ("score", "Overall score"),
        *[(f"score_{d['id']}", d["title"]) for d in domains],
        ("unmet_blocking", "Unmet blocking criteria"), ("file", "File"), ("report", "Gap report"),
        *extra,
    ]


def league_records(rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]],
                   extra: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """The league rows flattened to one value per column (csv column names)."""
    out = []
    for row in rows:
        record = {key: row.get(key) for key, _ in league_columns(domains, extra)}
        record.update({f"score_{d['id']}": row["domains"].get(d["id"]) for d in domains})
        record["report"] = f"reports/{row['stem']}.html"
        out.append(record)
    return out


def defuse(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe (the
    OWASP advice for CSV); numbers and other text are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def league_csv(rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]],
               extra: Sequence[tuple[str, str]] = ()) -> str:
    """league.csv: one row per submission, machine-readable column names and values."""
    import pandas as pd

    columns = [key for key, _ in league_columns(domains, extra)]
    records = [{k: defuse(visible(v) if isinstance(v, str) else v) for k, v in r.items()}
               for r in league_records(rows, domains, extra)]
    frame = pd.DataFrame(records, columns=columns)
    return str(frame.to_csv(index=False, lineterminator="\n", float_format="%.1f"))


def league_xlsx(rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]], *, stamp: str,
                extra: Sequence[tuple[str, str]] = (), sheets: Sequence[tuple[str, Any]] = ()) -> bytes:
    """league.xlsx for reviewers: readable headings and labels, a frozen header row and a filter.

    `stamp` (an ISO date) is written as the workbook's created/modified time, so that the same
    batch always gives the same bytes.
    """
    import pandas as pd

    columns = league_columns(domains, extra)
    records = league_records(rows, domains, extra)
    for record in records:
        record["ics_readiness"] = READINESS.get(record["ics_readiness"], record["ics_readiness"])
        record["illustrative"] = "yes" if record["illustrative"] else "no"
    frame = pd.DataFrame(records, columns=[key for key, _ in columns]).rename(columns=dict(columns))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="League")
        sheet = writer.sheets["League"]
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":  # submitted text such as "=HYPERLINK(…)" stays text
                    cell.data_type = "s"
        sheet.freeze_panes = "C2"
        sheet.auto_filter.ref = sheet.dimensions
        for name, extra_frame in sheets:  # (sheet name, DataFrame): e.g. the change since last time
            extra_frame.apply(lambda column: column.map(defuse)).to_excel(writer, index=False, sheet_name=name)
            writer.sheets[name].freeze_panes = "B2"
        for index, (key, heading) in enumerate(columns, 1):
            longest = max([len(heading)] + [len(str(r.get(key) or "")) for r in records])
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(max(10, longest + 2), 48)
    return _normalise_zip(buffer.getvalue(), stamp)


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
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ERROR_COLUMNS)
    for error in errors:
        writer.writerow([csv_cell("" if error.get(k) is None else error[k]) for k in ERROR_COLUMNS])
    return buffer.getvalue()


def write_tables(out_dir: Any, rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]],
                 errors: Sequence[dict[str, Any]], *, stamp: str, extra: Sequence[tuple[str, str]] = (),
                 sheets: Sequence[tuple[str, Any]] = ()) -> None:
    """Write league.csv, league.xlsx and errors.csv into `out_dir`, each atomically."""
    write_atomic(out_dir / "league.csv", league_csv(rows, domains, extra))
    write_atomic(out_dir / "league.xlsx", league_xlsx(rows, domains, stamp=stamp, extra=extra, sheets=sheets))
    write_atomic(out_dir / "errors.csv", errors_csv(errors))

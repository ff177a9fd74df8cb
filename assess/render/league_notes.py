"""What the league must say about files it does not rank: of two submissions with one footprint
code only one is ranked (batch.unique_codes), and an analyst reading league.csv or league.xlsx
alone must still see that the others exist.

Only when a batch has such files: a column on the ranked row naming the other files of its code,
and a "Not ranked" sheet of league.xlsx listing every such file with the reason (including codes
of which no file is ranked, submitted twice on one date). A batch without them keeps the league's
columns and sheets exactly as before.
"""
from __future__ import annotations

from typing import Any, Sequence

COLUMN = ("also_submitted_in", "Also submitted in (not ranked)")
SHEET = "Not ranked"


def duplicate_notes(rows: Any, errors: Sequence[dict[str, Any]],
                    ) -> tuple[list[tuple[str, str]], list[tuple[str, Any]]]:
    """Mark each league row whose code was also submitted in files not ranked (the column's value
    is set on each row as it is made: `rows` is an assess.batch.spooled.LeagueRows); return the extra
    league column and the extra sheet, both empty when the batch had no duplicate codes."""
    twins = [e for e in errors if e.get("duplicate")]
    if not twins:
        return [], []
    import pandas as pd

    by_code: dict[str, list[str]] = {}
    for e in twins:
        by_code.setdefault(str(e.get("code", "")).casefold(), []).append(e["file"])

    def mark(row: dict[str, Any], entry: dict[str, Any]) -> None:
        others = by_code.get(str(row.get("code", "")).casefold())
        if others:
            row[COLUMN[0]] = ", ".join(sorted(others))

    rows.marks.append(mark)
    frame = pd.DataFrame([{"File": e["file"], "Code": e.get("code"), "Reason": e["message"]} for e in twins],
                         columns=["File", "Code", "Reason"])
    return [COLUMN], [(SHEET, frame)]

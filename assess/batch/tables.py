"""The batch's tables, written into its staging folder: league.csv, league.xlsx and errors.csv.
How each looks is decided in assess.render (tables, league_workbook); this module only puts the
three files in place, each complete or absent."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..common.files import write_file
from ..render import league_workbook
from ..render.tables import errors_csv, write_league_csv


def write_tables(out_dir: Any, rows: Sequence[dict[str, Any]], domains: Sequence[dict[str, str]],
                 errors: Sequence[dict[str, Any]], *, stamp: str, extra: Sequence[tuple[str, str]] = (),
                 sheets: Sequence[tuple[str, Any]] = (), entries: Sequence[dict[str, Any]] = (),
                 catalogue: Any = None) -> None:
    """Write league.csv, league.xlsx and errors.csv into `out_dir`, the batch's staging folder: each
    under a temporary name until complete (assess.common.files.staged_file; the batch syncs the folder
    once), the workbook streamed to disk, never held whole in memory. `entries` (the batch's scored
    entries, with their spool files) feed the workbook's detail sheets."""
    write_league_csv(out_dir / "league.csv", rows, domains, extra)
    league_workbook.save_league_xlsx(out_dir / "league.xlsx", rows, domains, stamp=stamp, extra=extra,
                                     sheets=sheets, entries=entries, catalogue=catalogue)
    write_file(out_dir / "errors.csv", errors_csv(errors))

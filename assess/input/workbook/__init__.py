"""The submission workbook (.xlsx): its layout derived from the schema, a reader that applies the
written-down cell-type rule, and a writer used by `assess init` and `assess convert`.

The batch's league.xlsx is written by assess.render.sheetwriter (many rows, few styles, flat memory).

A workbook is hostile input like any file: the reader opens the zip and parses its XML itself,
with size caps and no DTDs, so a bomb is refused in bounded time and memory (see reader.py).
"""
from __future__ import annotations

from .reader import read_workbook
from .writer import write_workbook

__all__ = ["read_workbook", "write_workbook"]

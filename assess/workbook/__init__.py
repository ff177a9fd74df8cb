"""The submission workbook (.xlsx): its layout derived from the schema, a reader that applies the
written-down cell-type rule, and a writer used by `assess init` and `assess convert`.

sheetwriter.py is the batch's own streaming writer (league.xlsx: many rows, few styles, flat memory).

A workbook is hostile input like any file: the reader opens the zip and parses its XML itself,
with size caps and no DTDs, so a bomb is refused in bounded time and memory (see reader.py).
"""
from __future__ import annotations

from .layout import REFUSED_SUFFIXES, refused_suffix_message
from .reader import read_workbook
from .writer import write_workbook

__all__ = ["REFUSED_SUFFIXES", "read_workbook", "refused_suffix_message", "write_workbook"]

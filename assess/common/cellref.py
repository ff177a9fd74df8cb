"""Spreadsheet cell references as Excel and LibreOffice write them: column letters, sheet names
quoted where they must be. Shared by the workbook reader, the league's sheet writer and the
decisions workbook, so that a cell named in a message is the cell a person finds."""
from __future__ import annotations

import re


def letters(index: int) -> str:
    """A column's letters from its 1-based index: 1 is A, 28 is AB."""
    out = ""
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def column_index(letters: str) -> int:
    """A column's 1-based index from its letters: A is 1, AB is 28."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def quote_sheet(title: str) -> str:
    """A sheet name as a cell reference writes it: 'Seven day'!C4, Governance!C14."""
    return title if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title) else "'" + title.replace("'", "''") + "'"

"""How a spreadsheet's text fits its cells and its columns fit a printed page, for the two workbook
writers (the submission template and league.xlsx). Neither Excel nor LibreOffice reliably grows a
row to fit wrapped text when it opens a written file (LibreOffice keeps the default height, so lines
overlap the row below), so the writers set each row's height from these estimates.

Widths are in Excel's unit, the width of one digit of the default font (Calibri 11). The estimates
err on the roomy side: a line holds a little less text than Calibri fits, and LibreOffice's stand-in
fonts are wider than Calibri, so a row is sometimes a line taller than it needs, never too short.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

LINE_POINTS = 15.0  # the height of one line of 11-point text, Excel's default row height
MAX_ROW_POINTS = 409.0  # Excel's tallest row
CHARS_PER_WIDTH = 1.0  # characters of prose a line holds per unit of width (Calibri holds more)

# A4 with the margins the writers set (MARGINS: 0.4 inch left and right): the width, in Excel's unit, that
# prints at 100 %.
PORTRAIT_WIDTH = 85.0
LANDSCAPE_WIDTH = 125.0
SMALLEST_SCALE = 0.5  # narrower than this and 11-point text prints too small to read


def line_count(text: str, width: float) -> int:
    """The lines `text` takes when wrapped in a column `width` wide: words wrap whole, a word longer
    than a line breaks, and each line break in the text starts a line."""
    return _counted(text, width) if len(text) <= _CACHED_TEXT else _count(text, width)


_CACHED_TEXT = 2000  # texts up to this long are remembered (at most 4,096 of them: a few MB)


@lru_cache(maxsize=4096)  # a league repeats each rule's title, action and source for every submission
def _counted(text: str, width: float) -> int:
    return _count(text, width)


def _count(text: str, width: float) -> int:
    room = max(int(width * CHARS_PER_WIDTH), 1)
    if len(text) <= room and "\n" not in text:
        return 1
    count = 0
    for paragraph in text.split("\n"):
        used = 0
        count += 1
        for word in paragraph.split(" "):
            size = len(word)
            if used and used + 1 + size > room:
                count += 1
                used = 0
            if not used and size > room:  # a word longer than a line: broken where the line ends
                count += (size - 1) // room
                size = (size - 1) % room + 1
            used += size + (1 if used else 0)
    return count


def row_height(lines: int) -> float:
    """The height in points of a row whose tallest cell holds `lines` lines."""
    return min(LINE_POINTS * max(lines, 1), MAX_ROW_POINTS)


def wrapped_height(cells: Iterable[tuple[str, float]]) -> float | None:
    """The height a row of wrapped (text, column width) cells needs, or None when one line fits
    them all (the row keeps the default height)."""
    lines = max((line_count(text, width) for text, width in cells), default=1)
    return row_height(lines) if lines > 1 else None


def heading_width(heading: str, least: float = 8.0) -> float:
    """The width a column needs for its heading when the heading may wrap: its longest word, and at
    most three lines of it."""
    longest = max((len(word) for word in heading.split()), default=0)
    return max(least, longest + 2.0, math.ceil(len(heading) / 3) + 2.0)


@dataclass(frozen=True)
class PrintLayout:
    """How a sheet prints: `landscape` or portrait, and `pages_wide` pages across (scaled to fit)."""

    landscape: bool
    pages_wide: int


def print_layout(total_width: float) -> PrintLayout:
    """Portrait when the columns fit a portrait page at 100 %; otherwise landscape, as few pages
    across as keep the text at SMALLEST_SCALE or larger (one page for most sheets)."""
    if total_width <= PORTRAIT_WIDTH:
        return PrintLayout(False, 1)
    return PrintLayout(True, max(1, math.ceil(total_width / (LANDSCAPE_WIDTH / SMALLEST_SCALE))))


def page_header(title: str) -> str:
    """A page header as SpreadsheetML writes it: `title` on the left, the sheet's name on the right
    (an "&" in the title doubled, as the header's codes need)."""
    return f"&L{title.replace('&', '&&')}&R&A"


PAGE_FOOTER = "&CPage &P of &N"
# Page margins in inches. Top and bottom leave the header and footer an inch: with less (Excel's
# 0.75 and 0.3), LibreOffice adds a blank page after a long sheet of tall rows.
MARGINS = {"left": 0.4, "right": 0.4, "top": 1.0, "bottom": 1.0, "header": 0.4, "footer": 0.4}

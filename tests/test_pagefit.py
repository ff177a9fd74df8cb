"""How text fits a cell and columns fit a printed page (assess.common.pagefit), clause by clause."""
from __future__ import annotations

import pytest

from assess.common import pagefit
from assess.common.pagefit import LINE_POINTS, MAX_ROW_POINTS, heading_width, line_count, page_header, print_layout


def test_short_text_takes_one_line() -> None:
    assert line_count("", 10) == 1
    assert line_count("x" * 10, 10) == 1


def test_words_wrap_whole_and_line_breaks_start_lines() -> None:
    assert line_count("aaaa bbbb cccc", 10) == 2  # "aaaa bbbb" then "cccc"
    assert line_count("a\nb\n\nc", 40) == 4
    assert line_count("one two\nthree", 40) == 2


def test_a_word_longer_than_a_line_breaks_where_the_line_ends() -> None:
    assert line_count("x" * 25, 10) == 3
    assert line_count("ab " + "x" * 25, 10) == 4  # "ab", then the word over three lines


def test_row_height_grows_by_a_line_and_stops_at_excels_tallest() -> None:
    assert pagefit.row_height(1) == LINE_POINTS and pagefit.row_height(3) == 3 * LINE_POINTS
    assert pagefit.row_height(10_000) == MAX_ROW_POINTS
    assert pagefit.wrapped_height([("short", 20.0), ("also short", 20.0)]) is None
    long = "word " * 20
    assert pagefit.wrapped_height([("short", 20.0), (long, 20.0)]) == pagefit.row_height(line_count(long, 20.0))


def test_a_heading_may_wrap_but_keeps_its_longest_word_whole() -> None:
    heading = "Prevention and the health and wellbeing gap"
    assert len("wellbeing") + 2 <= heading_width(heading) < len(heading)
    assert heading_width("Rank") == 8


@pytest.mark.parametrize(("width", "landscape", "pages"), [
    (pagefit.PORTRAIT_WIDTH, False, 1),
    (pagefit.PORTRAIT_WIDTH + 1, True, 1),
    (pagefit.LANDSCAPE_WIDTH / pagefit.SMALLEST_SCALE, True, 1),
    (pagefit.LANDSCAPE_WIDTH / pagefit.SMALLEST_SCALE + 1, True, 2),
])
def test_portrait_when_it_fits_else_landscape_on_as_few_readable_pages_across(
        width: float, landscape: bool, pages: int) -> None:
    layout = print_layout(width)
    assert (layout.landscape, layout.pages_wide) == (landscape, pages)


def test_the_page_header_doubles_an_ampersand() -> None:
    assert page_header("A & E") == "&LA && E&R&A"

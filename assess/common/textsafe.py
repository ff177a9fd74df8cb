"""Text from a submission made safe to show: on a terminal, in a CSV cell, in a report.

Submitted text (and file names) can hold characters that act instead of showing: escape sequences
that clear a terminal or move its cursor, a newline that forges a line of output, C1 controls,
bidi overrides that make text read backwards, and the undecodable bytes of a file name that is
not UTF-8 (which no UTF-8 file could even hold). `visible` replaces each with its escape (`\\x1b`,
`\\n`, `\\u202e`), so it shows and does nothing. `clip` bounds how much input one message echoes.
`one_line` does both, for terminal lines and error rows. `spreadsheet_cell` keeps a cell from
being run as a formula when a CSV is opened in a spreadsheet.
"""
from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls and DEL; bidi embeddings, overrides, isolates and marks; line and paragraph
# separators (they break lines in some terminals and viewers).
_FORMAT = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# lone surrogates: the bytes of a file name that is not UTF-8, as Python decodes it
_FORMAT += "\ud800-\udfff"
_ACTIVE_RE = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}]")
#: the characters `visible(..., keep_lines=True)` escapes, as the body of a regex character class
ACTIVE_KEEP_LINES = f"\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}"
_ACTIVE_KEEP_LINES_RE = re.compile(f"[{ACTIVE_KEEP_LINES}]")
# Bound searches for hot paths: `visible` leaves text unchanged when these find nothing in it.
find_active = _ACTIVE_RE.search
find_active_keep_lines = _ACTIVE_KEEP_LINES_RE.search
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

WORD_LIMIT = 120  # longest run of input (no spaces) one message echoes
MESSAGE_LIMIT = 2000  # longest message line
_LONG_RUN = re.compile(r"\S{%d,}" % (WORD_LIMIT + 1))

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: Any, *, keep_lines: bool = False) -> str:
    """`text` with every control, C1 and bidi character replaced by its visible escape.

    keep_lines=True leaves line feeds and tabs alone (for HTML, where they are only white space)."""
    pattern = _ACTIVE_KEEP_LINES_RE if keep_lines else _ACTIVE_RE
    return pattern.sub(_escape, str(text))


def is_clean(text: str) -> bool:
    """True when `text` holds nothing `visible` would escape."""
    return _ACTIVE_RE.search(text) is None


def clip(text: str, limit: int = MESSAGE_LIMIT, *, word_limit: int = WORD_LIMIT) -> str:
    """`text` with each run of more than `word_limit` non-space characters cut, and the whole cut
    at `limit`, each cut marked with an ellipsis and the length it had: a 4 MB key echoed twice in
    one message comes out as two short excerpts, never as 8 MB."""
    if len(text) > word_limit:
        pattern = _LONG_RUN if word_limit == WORD_LIMIT else re.compile(r"\S{%d,}" % (word_limit + 1))
        text = pattern.sub(lambda m: _cut(m.group(), word_limit, run=True), text)
    return _cut(text, limit) if len(text) > limit else text


def _cut(text: str, limit: int, *, run: bool = False) -> str:
    """`text` cut to at most `limit` characters, the cut marked; clipping what was clipped
    changes nothing (a run keeps `limit` characters with its ellipsis, a whole `limit` with its
    note)."""
    note = f" ({len(text):,} characters)"
    keep = limit - 1 if run else max(limit - 1 - len(note), 0)
    return f"{text[:keep]}…{note}"


def one_line(text: Any, limit: int = MESSAGE_LIMIT) -> str:
    """One line for a terminal, a log or an error row: clipped, then made visible.

    Clipping comes first so that an escape sequence is never cut in half."""
    return visible(clip(str(text), limit))


def spreadsheet_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a
    line break) gets a leading apostrophe, the OWASP advice for CSV; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """A cell of a CSV written for people: text on one line, clipped, shown safely, never a formula."""
    return spreadsheet_cell(one_line(value)) if isinstance(value, str) else value

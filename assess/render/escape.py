"""How a value becomes safe text in each report format: the finalize hooks jinja applies to every
`{{ value }}` (HTML, Markdown, plain text) and the Markdown escapes. Below both the report
environment (assess.render.report) and the per-process fragments (assess.render.fragments), which
must produce the same bytes.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

from markupsafe import Markup, escape

from ..common.textsafe import ACTIVE_KEEP_LINES, find_active, find_active_keep_lines, visible


# The finalize hooks run on every `{{ value }}` a report prints (hundreds per report): most values
# are numbers, Markup or clean text, so each returns at once unless a control or bidi character
# is found, and only then pays for `visible`.
def html_finalize(value: Any) -> Any:
    """A value as an HTML report prints it: control and bidi characters shown as escapes."""
    if type(value) is str:
        return value if find_active_keep_lines(value) is None else visible(value, keep_lines=True)
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value, keep_lines=True)


def markdown_finalize(value: Any) -> str:
    """A value as a Markdown report prints it: escaped, one line (see md_escape)."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    return _md_escape_memo(text) if len(text) <= _MEMO_MAX_LENGTH else _md_escape(text)


# What HTML output needs of a plain string: nothing, unless it holds a character `visible` shows
# or one that markupsafe escapes.
_HTML_ACTIVE = re.compile(f"[{ACTIVE_KEEP_LINES}&<>'\"]").search


def html_output(value: Any) -> str:
    """`escape(html_finalize(value))`, the text jinja outputs for each `{{ value }}` of an HTML
    report, in one call, with no Markup made for text that needs no escape (most of a report's
    values: numbers, names, codes). See _CodeGenerator."""
    kind = type(value)
    if kind is str:
        return value if _HTML_ACTIVE(value) is None else escape(html_finalize(value))
    if kind is Markup:
        return cast(str, value)  # escape() keeps Markup as it is, and so does html_finalize
    if kind is int or kind is float:
        return str(value)  # digits, '.', '-', '+', 'e', 'inf', 'nan': nothing to escape
    return escape(html_finalize(value))


def text_finalize(value: Any) -> Any:
    """A value as a text report prints it: control and bidi characters shown as escapes."""
    if type(value) is str:
        return value if find_active(value) is None else visible(value)
    return visible(value) if isinstance(value, str) else value


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")
_MD_LEADING = re.compile(r"^( ?)(?:([#+-])(?=\s|$)|(#)(?=#{0,5}(?:\s|$))|([=-])(?=[=-]*\s?$)|(\d{1,9})([.)])(?=\s|$))")
_WHITESPACE = re.compile(r"\s+")


def md_escape(value: Any) -> str:
    """Text safe anywhere in a Markdown line or table cell: one line, no markup, no raw HTML.

    Whitespace runs (line breaks included) become one space, so a value can never start a new
    block or break a table row; the characters that open inline markup or HTML are
    backslash-escaped, and so is a leading block marker (heading, list item, setext underline).
    """
    if value is None:
        return ""
    if type(value) is str and len(value) <= _MEMO_MAX_LENGTH:
        return _md_escape_memo(value)
    return _md_escape(str(value))


# Every report repeats the catalogue's text (rule titles, advice, sources, field labels): escape
# each once per process, not once per report. Bounded: short texts only, least recently used out.
_MEMO_MAX_LENGTH = 2000


def _md_escape(text: str) -> str:
    return _MD_LEADING.sub(_escape_leading, _MD_INLINE.sub(r"\\\1", visible(_WHITESPACE.sub(" ", text))))


_md_escape_memo = lru_cache(maxsize=8192)(_md_escape)


def md_code(value: Any) -> Markup:
    """A Markdown code span (for catalogue field paths, never submitted text); safe in a table cell."""
    text = " ".join(str(value).split()).replace("`", "'").replace("|", "\\|")
    return Markup(f"`{text}`")


def _escape_leading(match: re.Match[str]) -> str:
    space, marker = match.group(1), match.group(2) or match.group(3) or match.group(4)
    return space + ("\\" + marker if marker else match.group(5) + "\\" + match.group(6))

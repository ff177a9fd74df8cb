"""Report fragments that are the same for every submission: each rule's source line, built from
the catalogue's text. A report shows one per criterion (about a hundred), and as a jinja macro each
cost a call frame, a lookup per field and an escape per value; here each distinct line is built and
escaped once per process, then reused. The key is the text itself, never a submission, so nothing
one submission sent can reach another's report.

The bytes are those the macros in assessment.html.j2 and assessment.md.j2 produced: the same
finalize hooks and escapes, applied in the same order.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from markupsafe import Markup, escape

from .escape import html_finalize, md_escape


def _ref(source: dict[str, Any], sources: dict[str, Any]) -> tuple[Any, Any] | None:
    ref = sources.get(source["id"])
    return (ref["title"], ref["url"]) if ref else None


def source_html(source: dict[str, Any], sources: dict[str, Any]) -> Markup:
    """'Source: <id>, <a href=url>title</a> — section' for an HTML report, escaped."""
    return _source_html(source["id"], source["section"], _ref(source, sources))


def source_markdown(source: dict[str, Any], sources: dict[str, Any]) -> Markup:
    """'<id>, title <url> — section' for a Markdown report, escaped."""
    return _source_markdown(source["id"], source["section"], _ref(source, sources))


@lru_cache(maxsize=4096)
def _source_html(sid: Any, section: Any, ref: tuple[Any, Any] | None) -> Markup:
    def h(value: Any) -> str:
        return str(escape(html_finalize(value)))

    text = "Source: " + h(sid)
    if ref:
        title, url = ref
        text += ", " + (f'<a href="{h(url)}" rel="noopener noreferrer">{h(title)}</a>' if url else h(title))
    return Markup(text + " — " + h(section))


@lru_cache(maxsize=4096)
def _source_markdown(sid: Any, section: Any, ref: tuple[Any, Any] | None) -> Markup:
    text = md_escape(sid)
    if ref:
        title, url = ref
        text += ", " + md_escape(title)
        if url:
            text += " <" + str(url).replace(">", "%3E").replace(" ", "%20") + ">"
    return Markup(text + " — " + md_escape(section))


GLOBALS: dict[str, Callable[..., Markup]] = {"source_html": source_html, "source_markdown": source_markdown}

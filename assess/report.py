"""Render assessments: JSON from the data itself, everything else from the jinja2 templates in
reports/. One function per format behind `render`; files are written atomically."""
from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2

from .results import Assessment

FORMATS = ("text", "json", "markdown", "html")


@lru_cache(maxsize=None)
def environment(directory: str | None = None) -> jinja2.Environment:
    """The template environment; autoescaping is on for HTML so submitted text stays text."""
    from .resources import bundled_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory or str(bundled_dir("reports"))),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "svg.j2"),
                                            default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["show"] = show
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.1f}"
    return env


def show(value: Any) -> str:
    """A submitted or expected value as a reviewer reads it."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(show(v) for v in value) or "none"
    if isinstance(value, dict) and "value_from" in value:
        return f"{value['value_from']} ({show(value.get('value'))})"
    return str(value)


def render_json(assessment: Assessment, **_: Any) -> str:
    return assessment.to_json()


def _template(name: str) -> Callable[..., str]:
    def render_with(assessment: Assessment, **context: Any) -> str:
        return environment().get_template(name).render(a=assessment.to_dict(), **context)
    return render_with


RENDERERS: dict[str, Callable[..., str]] = {
    "json": render_json,
    "text": _template("assessment.txt.j2"),
    "markdown": _template("assessment.md.j2"),
    "html": _template("assessment.html.j2"),
}


def render(assessment: Assessment, fmt: str = "text", **context: Any) -> str:
    """One assessment in `fmt` (text, json, markdown or html)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})") from None
    return renderer(assessment, **context)


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise

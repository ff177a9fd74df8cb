"""Render assessments: JSON from the data itself, everything else from the jinja2 templates in
reports/. One function per format behind `render`; files are written atomically.

Templates only ever see plain data (`Assessment.to_dict()` and optional context), never the engine.
HTML templates are autoescaped; Markdown templates escape every `{{ }}` value by default too
(`markdown_environment`), so submitted text can never become markup in either.
"""
from __future__ import annotations

import base64
import hashlib
import types
from functools import cache
from typing import TYPE_CHECKING, Any, Callable, Iterable

import jinja2
import jinja2.compiler
import jinja2.runtime
from markupsafe import Markup

from ..common import labels
from ..engine.results import Assessment
from .escape import (
    html_finalize,
    html_output,
    markdown_finalize,
    md_code,
    text_finalize,
)

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue

FORMATS = ("text", "json", "markdown", "html")
# Period-neutral words: one batch may mix 2017 ACS candidacy with 2019-21 ICS readiness; a report on
# one submission names its own edition's verdict (ReadinessMeaning).
READINESS = {"ready": "Ready", "aspirant": "Aspirant", "not_yet": "Not yet ready",
             "not_applicable": "Not assessed in this period"}
SEVERITIES = ("blocking", "major", "minor")


def readiness_label(assessment: dict[str, Any]) -> str:
    """An assessment's readiness in its edition's own words ("A possible later candidate" for
    2017's ACS candidacy), falling back on the generic labels for data written without them."""
    meaning = assessment.get("readiness") or {}
    value = assessment.get("ics_readiness")
    return str(meaning.get("label") or READINESS.get(str(value), value))


def readiness_word(assessment: dict[str, Any], value: str) -> str:
    """A readiness level (a path step's projection, say) in the assessment's edition's words."""
    labels = (assessment.get("readiness") or {}).get("labels") or {}
    return str(labels.get(value) or READINESS.get(value, value))


@cache
def environment(directory: str | None = None) -> jinja2.Environment:
    """The template environment; autoescaping is on for HTML so submitted text stays text."""
    return _environment(directory, "html", autoescape=jinja2.select_autoescape(
        enabled_extensions=("html", "html.j2", "svg.j2"), default_for_string=False),
        finalize=html_finalize, fused_output={"escape": html_output})


@cache
def text_environment(directory: str | None = None) -> jinja2.Environment:
    """The terminal environment: every `{{ value }}` shows control, C1 and bidi characters (line
    breaks included) as escapes, so submitted text can neither drive the terminal nor forge a line."""
    return _environment(directory, "text", autoescape=False, finalize=text_finalize)


@cache
def markdown_environment(directory: str | None = None) -> jinja2.Environment:
    """The Markdown environment: every `{{ value }}` is Markdown-escaped unless marked `| safe`."""
    return _environment(directory, "markdown", autoescape=False, finalize=markdown_finalize,
                        fused_output={"str": markdown_finalize})  # it always returns plain text


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """jinja's compiler, except that each `{{ value }}` is output through one function of the
    environment where it has one (`_Environment.fused_output`), instead of jinja's
    `escape(environment.finalize(value))` or `str(environment.finalize(value))`: two calls and a
    Markup per value, about a thousand times per gap report. The function returns the same text."""

    def _fused(self, frame: Any, finalize: Any) -> str | None:
        if frame.eval_ctx.volatile or finalize.src != "environment.finalize(":
            return None
        fused = getattr(self.environment, "fused_output", {})
        return "escape" if frame.eval_ctx.autoescape and "escape" in fused else (
            "str" if not frame.eval_ctx.autoescape and "str" in fused else None)

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        kind = self._fused(frame, finalize)
        if kind is None:
            super()._output_child_pre(node, frame, finalize)
        else:
            self.write(f"environment.fused_output[{kind!r}](")

    def _output_child_post(self, node: Any, frame: Any, finalize: Any) -> None:
        if self._fused(frame, finalize) is None:
            super()._output_child_post(node, frame, finalize)
        else:
            self.write(")")


_PLAIN_CALLABLES = frozenset({types.FunctionType, types.BuiltinFunctionType, types.MethodType})


class _Context(jinja2.runtime.Context):
    """jinja's context, with a shorter way through `call` for plain functions and methods (the
    helpers, `d.get(...)`), a few hundred per gap report: jinja looks for a pass_context-style
    marker on the object and on its `__call__` before each call; a plain function or method can
    only carry it as its own attribute, checked here, and anything else goes through jinja's path."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (jinja's signature)
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        try:
            if len(kwargs) == 1 and ("_loop_vars" in kwargs or "_block_vars" in kwargs):
                return __obj(*args)  # jinja passes one of these to every call it compiles
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


class _Environment(jinja2.Environment):
    """jinja2 with `a.b` on a plain dict looked up as a key first. jinja tries getattr() first, and
    on a dict that raises and catches AttributeError for every field a report prints (a third of
    the HTML report's time). The result is the same: a plain dict's only attributes are dict's own
    (items, get, ...), and those still come first. Values are output through `fused_output`
    (_CodeGenerator): "escape" replaces `escape(finalize(value))` in autoescaped templates, "str"
    replaces `str(finalize(value))` in the others."""

    code_generator_class = _CodeGenerator
    context_class = _Context
    fused_output: dict[str, Callable[[Any], str]] = {}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _environment(directory: str | None, kind: str, fused_output: dict[str, Callable[[Any], str]] | None = None,
                 **options: Any) -> jinja2.Environment:
    from ..common.resources import bundled_dir
    from .template_cache import bytecode_cache

    env = _Environment(
        loader=jinja2.FileSystemLoader(directory or str(bundled_dir("reports"))),
        bytecode_cache=None if directory else bytecode_cache(kind),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,
    )
    env.fused_output = fused_output or {}
    _install_helpers(env)
    return env


def _install_helpers(env: jinja2.Environment) -> None:
    env.filters["show"] = show
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.1f}"
    env.filters["thousands"] = lambda v: "–" if v is None else f"{v:,}"
    env.filters["readiness"] = lambda v: READINESS.get(v, v)
    env.filters["verdict"] = readiness_label
    env.globals["readiness_word"] = readiness_word
    env.filters["longdate"] = long_date
    env.filters["code"] = md_code
    env.filters["required"] = required
    env.filters["submitted"] = submitted
    env.filters["plural"] = plural
    env.filters["where"] = where
    env.globals["clause_groups"] = clause_groups
    env.globals["clause_tables"] = clause_tables
    env.globals["cap_lines"] = cap_lines
    env.globals["asset"] = asset
    env.globals["csp_hash"] = csp_hash
    env.globals["severities"] = SEVERITIES
    from .fragments import GLOBALS as fragments

    env.globals.update(fragments)


def long_date(value: str | None) -> str:
    """An ISO date as people write it in England: 21 October 2016 ('–' when there is none)."""
    return labels.long_date(value) if value else "–"


def required(failure: dict[str, Any]) -> str:
    """What a failing clause asked for, as the engine phrased it ("> 0", "includes carers")."""
    if failure.get("expected_text"):
        return str(failure["expected_text"])
    text = str(failure.get("text") or "")
    head, sep, want = text.rpartition("; expected ")
    if sep and head:
        return want
    return f"{failure.get('op')} {show(failure.get('expected'))}"


def submitted(failure: dict[str, Any]) -> str:
    """What a failing clause was given, in words (dates as dates, enum values by their labels)."""
    if failure.get("submitted_text"):
        return str(failure["submitted_text"])
    return show(failure.get("submitted"))


def where(items: Iterable[dict[str, Any]], key: str, value: Any) -> list[dict[str, Any]]:
    """The records whose `key` equals `value`: `selectattr(key, "equalto", value) | list` on plain
    dicts, without jinja's test call per item (a fifth of a gap report's time). A missing key
    fails, as it does under StrictUndefined."""
    return [item for item in items if item[key] == value]


def plural(count: int, one: str, many: str) -> str:
    """'1 blocking criterion', '2 blocking criteria'."""
    return f"{count} {one if count == 1 else many}"


def cap_lines(assessment: dict[str, Any]) -> dict[str, Any]:
    """The caps that set the rating, each on its own line, and the others (met by a submission
    already rated at or below them) for one line: five identical 'Rating capped' lines under a
    rating that is already the lowest say nothing a reviewer can act on."""
    rating, lowered = assessment["rating"], assessment["rating"] != assessment["score_rating"]
    binding = [c for c in assessment["caps_applied"] if lowered and c["max_rating"] == rating]
    other = [c for c in assessment["caps_applied"] if c not in binding]
    heading = (f"Also not met, without changing the rating ({rating})" if binding else
               f"Caps not met that do not change the rating ({rating})")
    return {"binding": binding, "other": other, "other_heading": heading}


def clause_groups(explanation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failing clauses in reading order: runs of clauses that are all required, and `one_of`
    groups whose options are alternatives (meeting every clause of any one option suffices)."""
    groups: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    for failure in explanation:
        group_id = failure.get("one_of")
        if group_id is None:
            if not groups or groups[-1]["kind"] != "all":
                groups.append({"kind": "all", "clauses": []})
            groups[-1]["clauses"].append(failure)
            continue
        group = by_id.get(group_id)
        if group is None:
            group = by_id[group_id] = {"kind": "one_of", "id": group_id, "options": []}
            groups.append(group)
        options = group["options"]
        if not options or options[-1]["option"] != failure.get("option"):
            options.append({"option": failure.get("option"), "clauses": []})
        options[-1]["clauses"].append(failure)
    return groups


def clause_tables(explanation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tables of a gap report's failing clauses, in reading order (clause_groups): one per run
    of required clauses, and one per option of a `one_of` group, the first of which opens the
    group and the last closes it. Each carries its caption ("Option 2 of 3", None for a run of
    required clauses). One loop in the template instead of a macro call per table."""
    tables: list[dict[str, Any]] = []
    for group in clause_groups(explanation):
        if group["kind"] == "all":
            tables.append({"caption": None, "clauses": group["clauses"], "opens": False, "closes": False})
            continue
        options = group["options"]
        for number, option in enumerate(options, 1):
            needed = ": every line is needed" if len(option["clauses"]) > 1 else ""
            caption = f"Option {number} of {len(options)}{needed}"
            tables.append({"caption": Markup(caption), "clauses": option["clauses"], "opens": number == 1,
                           "closes": number == len(options)})
    return tables


@cache
def _asset_text(name: str) -> str:
    from ..common.resources import bundled_dir

    path = bundled_dir("reports") / name
    if path.suffix not in (".css", ".js") or path.name != name:
        raise ValueError(f"not a report asset: {name!r}")
    return path.read_text(encoding="utf-8")


def asset(name: str) -> Markup:
    """A bundled stylesheet or script from reports/, to inline (reports are self-contained)."""
    return Markup(_asset_text(name))


def csp_hash(name: str) -> Markup:
    """The Content-Security-Policy source for an inlined asset: only that exact text may run."""
    digest = hashlib.sha256(_asset_text(name).encode("utf-8")).digest()
    return Markup("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")  # base64 and quotes only


def catalogue_context(catalogue: "Catalogue") -> dict[str, Any]:
    """Plain data from the catalogue that reports may show: source titles and links, and what
    each assumption-based rule assumes."""
    return {
        "ratings": [b.name for b in catalogue.scoring.ratings],
        "sources": {sid: {"title": s.title, "url": s.url} for sid, s in catalogue.meta.sources.items()},
        "assumption_notes": {rid: r.spec.assumption_note for rid, r in catalogue.rules.items()
                             if r.spec.assumption_note},
    }


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
    """The assessment as stable JSON (sorted keys: the same input gives the same bytes)."""
    return assessment.to_json()


def _template(name: str, kind: str = "html") -> Callable[..., str]:
    def render_with(assessment: Assessment | dict[str, Any], **context: Any) -> str:
        data = assessment.to_dict() if isinstance(assessment, Assessment) else assessment
        from ..common.version import __version__

        env = {"markdown": markdown_environment, "text": text_environment}.get(kind, environment)()
        return env.get_template(name).render(a=data, version=__version__, **{**GAP_REPORT_DEFAULTS, **context})
    return render_with


# Context a gap report may be given; without it (`assess score`) the report stands alone.
GAP_REPORT_DEFAULTS: dict[str, Any] = {
    "peers": None,       # batch medians beside this submission's scores (assess.render.dashboard.peer_context)
    "dashboard": None,   # link back to the batch dashboard
    "ratings": [],       # rating names, lowest first (catalogue_context)
    "sources": {},       # source id -> {title, url}
    "assumption_notes": {},  # rule id -> what the rule assumes
    "since": None,       # the change since the previous submission (assess.review.diff.diff_assessments)
}

RENDERERS: dict[str, Callable[..., str]] = {
    "json": render_json,
    "text": _template("assessment.txt.j2", "text"),
    "markdown": _template("assessment.md.j2", "markdown"),
    "html": _template("assessment.html.j2"),
}


def render(assessment: Assessment | dict[str, Any], fmt: str = "text", **context: Any) -> str:
    """One assessment (or its `to_dict()` data) in `fmt` (text, json, markdown or html)."""
    if fmt == "json" and not isinstance(assessment, Assessment):
        import json

        return json.dumps(assessment, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})") from None
    return renderer(assessment, **context)


def render_dashboard(data: dict[str, Any]) -> str:
    """The batch dashboard (index.html) from `assess.render.dashboard.dashboard()` data."""
    from ..common.version import __version__

    return environment().get_template("dashboard.html.j2").render(d=data, version=__version__)

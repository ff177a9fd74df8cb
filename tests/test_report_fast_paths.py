"""jinja made cheaper for the reports, with the same output. Each `{{ value }}` of an HTML or
Markdown report is output through one function (report._CodeGenerator) instead of jinja's
escape(finalize(value)) / str(finalize(value)): the same text for every kind of value. Plain
functions are called without jinja's search for a pass_context marker (report._Context)."""
from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup, escape

from assess.render import escape as escape_module
from assess.render import report


class _Text(str):
    pass


class _Html:
    def __html__(self) -> str:
        return "<b>safe</b>"

    def __str__(self) -> str:
        return "<unsafe>"


VALUES = ["", "plain", "A & B <c> 'd' \"e\"", "tab\tand\nnewline", "esc\x1b[2J", "bidi\u202eevil", "\ud800lone",
          "C1\x85", Markup("<i>kept</i>"), _Text("<sub & class>"), 0, -3, 10**30, 1.5, -0.0, 1e-7,
          float("inf"), float("nan"), True, False, None, _Html(), ["<a>", 1], {"k": "<v>"}]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_html_output_is_escape_of_finalize(value: object) -> None:
    assert escape_module.html_output(value) == escape(escape_module.html_finalize(value))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_markdown_output_is_plain_text(value: object) -> None:
    out = escape_module.markdown_finalize(value)
    assert type(out) is str and out == str(out)


def test_templates_output_through_the_fused_functions() -> None:
    env = report.environment()
    source = env.compile("{{ v }}|{{ m }}|{{ n }}", name="x.html.j2", raw=True)  # autoescaped by its name
    assert "environment.fused_output['escape'](" in source and "escape(environment.finalize(" not in source
    template = env.template_class.from_code(env, env.compile("{{ v }}|{{ m }}|{{ n }}", name="x.html.j2"), {})
    assert template.render(v="<x>", m=Markup("<y>"), n=2) == "&lt;x&gt;|<y>|2"
    assert env.from_string("{{ v }}").render(v="<x>") == "<x>"  # a string template: no autoescape
    md = report.markdown_environment()
    assert "environment.fused_output['str'](" in md.compile("{{ v }}", name="x.md.j2", raw=True)
    assert md.from_string("{{ v }}|{{ m }}").render(v="*a* | b", m=Markup("*kept*")) == "\\*a\\* \\| b|*kept*"


def test_autoescape_blocks_keep_jinja_output() -> None:
    env = report.environment()
    # a volatile autoescape setting (an {% autoescape %} block) keeps jinja's own code
    text = env.from_string("{% autoescape true %}{{ v }}{% endautoescape %}|{% autoescape false %}{{ v }}"
                           "{% endautoescape %}").render(v="<x>")
    assert text == "&lt;x&gt;|<x>"


def test_strict_undefined_still_fails() -> None:
    with pytest.raises(jinja2.UndefinedError):
        report.environment().get_template("assessment.html.j2").render(a={})


def test_calls_keep_jinja_semantics() -> None:

    @jinja2.pass_context
    def seen(context: jinja2.runtime.Context, name: str) -> str:
        return str(context.get(name))

    @jinja2.pass_environment
    def kind(environment: jinja2.Environment) -> str:
        return type(environment).__name__

    class Callable:
        @jinja2.pass_context
        def __call__(self, context: jinja2.runtime.Context) -> str:
            return str(context.get("v"))

    def stops() -> None:
        raise StopIteration

    source = ("{{ seen('v') }}|{{ kind() }}|{{ obj() }}|{{ d.get('k') }}|{{ plain(2) }}|{% for x in [1] %}"
              "{% set y = x %}{{ seen('y') }}{% endfor %}|{{ stops() is undefined }}")
    values = {"v": "V", "seen": seen, "kind": kind, "obj": Callable(), "d": {"k": "K"}, "plain": lambda n: n * 3,
              "stops": stops}
    ours = report.environment().from_string(source).render(values)
    assert ours == jinja2.Environment().from_string(source).render(values).replace("|Environment|", "|_Environment|")
    assert ours == "V|_Environment|V|K|6|1|True"

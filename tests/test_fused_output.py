"""Each `{{ value }}` of an HTML or Markdown report is output through one function
(report._CodeGenerator) instead of jinja's escape(finalize(value)) / str(finalize(value)): the same
text for every kind of value, and the same compiled behaviour in templates."""
from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup, escape

from assess import report


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
    assert report._html_output(value) == escape(report._html_finalize(value))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_markdown_output_is_plain_text(value: object) -> None:
    out = report._markdown_finalize(value)
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

"""Markdown escaping is memoised for the catalogue's repeated text: the same answer, every time."""
from __future__ import annotations

from assess.render import escape, report

SAMPLES = ["# heading", "1. item", "a | b", "<script>x</script>", "line\nbreak", "===", " - x", "&amp;",
           "x" * (escape._MEMO_MAX_LENGTH + 1) + "*", "plain", 12.5, 3, None]


def test_the_memo_gives_what_escaping_gives() -> None:
    for value in SAMPLES * 2:  # the second round answers from the memo
        expected = "" if value is None else escape._md_escape(str(value))
        assert escape.md_escape(value) == expected


def test_the_memo_is_bounded_and_used() -> None:
    escape._md_escape_memo.cache_clear()
    for _ in range(3):
        escape.md_escape("Agree a system urgent and emergency care recovery trajectory")
    info = escape._md_escape_memo.cache_info()
    assert info.hits == 2 and info.maxsize is not None
    escape.md_escape("y" * (escape._MEMO_MAX_LENGTH + 1))  # long submitted text is never kept
    assert escape._md_escape_memo.cache_info().currsize == 1


def test_dict_fields_read_as_before_in_templates() -> None:
    import jinja2
    import pytest

    env = report.environment()
    template = env.from_string("{{ d.title }}|{{ d.items() | list | length }}|{{ d.get('title') }}")
    assert template.render(d={"title": "T", "items": "shadowed"}) == "T|2|T"  # dict's own attributes first
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ d.missing }}").render(d={"title": "T"})
    assert env.from_string("{{ o.real }}").render(o=3) == "3"  # other objects: attributes as always

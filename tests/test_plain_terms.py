"""Explanations in plain terms: on every bundled fixture, in every format, no day numbers, no raw
enum codes, option counts that agree with the options shown, plurals that agree with the count,
and one line for the caps that do not change the rating."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from functools import cache
from typing import Any

import pytest
from casekit import FIXTURES

from assess import assess_file, load_catalogue
from assess.common.labels import enum_label, field_label, long_date, plain, words
from assess.input.fields import fields_of
from assess.render import report

FIXTURE_FILES = sorted(FIXTURES.glob("*.yaml"))
FORMATS = ("text", "markdown", "html", "json")


@cache
def catalogue():
    return load_catalogue()


@cache
def rendered(name: str) -> dict[str, Any]:
    cat = catalogue()
    assessment = assess_file(str(FIXTURES / name), cat)
    context = report.catalogue_context(cat)
    return {"data": assessment.to_dict(),
            **{fmt: report.render(assessment, fmt, **context) for fmt in FORMATS}}


def _dates(value: Any) -> set[dt.date]:
    if isinstance(value, dt.date):
        return {value}
    if isinstance(value, str):
        try:
            return {dt.date.fromisoformat(value)}
        except ValueError:
            return set()
    if isinstance(value, dict):
        return {d for v in value.values() for d in _dates(v)}
    if isinstance(value, list):
        return {d for v in value for d in _dates(v)}
    return set()


def _enum_codes() -> set[str]:
    """Enum values that are codes rather than words (snake_case, or an acronym in lower case)."""
    values: set[str] = set()
    for spec in fields_of().values():
        values.update(map(str, spec.values))
        if spec.model is not None:
            for item in fields_of(spec.model).values():
                values.update(map(str, item.values))
    return {v for v in values if "_" in v or enum_label(v) != v and enum_label(v).lower() == v}


ENUM_CODES = _enum_codes() | {"not_yet", "not_met", "not_applicable"}
_PATH = re.compile(r"\b[a-z0-9_]+(?:\.[a-z0-9_]+)+\b|`[^`]*`|\([a-z_]+\)")


def _prose(text: str, fmt: str) -> str:
    """What a reader reads: markup, code spans and field paths (shown on purpose, beside their
    labels) taken out."""
    if fmt == "html":
        text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
        text = re.sub(r"<code\b.*?</code>", " ", text, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return _PATH.sub(" ", text.replace("\\_", "_"))


@pytest.mark.parametrize("fixture", [p.name for p in FIXTURE_FILES])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_day_numbers(fixture, fmt):
    out = rendered(fixture)
    ordinals = {str(d.toordinal()) for d in _dates(out["data"])} | {
        str(d.toordinal()) for d in _dates(json.loads(out["json"]))}
    found = sorted(n for n in ordinals if re.search(rf"(?<![\d#]){n}(?!\d)", out[fmt]))
    assert not found, f"day numbers in {fmt}: {found}"


@pytest.mark.parametrize("fixture", [p.name for p in FIXTURE_FILES])
@pytest.mark.parametrize("fmt", ("text", "markdown", "html"))
def test_no_raw_enum_codes(fixture, fmt):
    prose = _prose(rendered(fixture)[fmt], fmt)
    found = sorted(code for code in ENUM_CODES if re.search(rf"(?<![\w.-]){re.escape(code)}(?![\w.-])", prose))
    assert not found, f"raw codes in {fmt}: {found}"


@pytest.mark.parametrize("fixture", [p.name for p in FIXTURE_FILES])
def test_explanations_name_the_field_in_words_and_give_dates_as_dates(fixture):
    data = rendered(fixture)["data"]
    for criterion in data["criteria"]:
        for failure in criterion["explanation"]:
            assert failure["label"] and failure["text"].startswith(f"{failure['label']} ({failure['field']}): ")
            assert not re.search(r"\d{4}-\d\d-\d\d", failure["submitted_text"] + failure["expected_text"])


@pytest.mark.parametrize("fixture", [p.name for p in FIXTURE_FILES])
def test_option_counts_agree_with_the_options_shown(fixture):
    out = rendered(fixture)
    for count in re.findall(r"Any one of these (\d+) options", out["text"]):
        assert int(count) >= 2
    for n, m in re.findall(r"option (\d+) of (\d+)", out["text"] + out["markdown"] + out["html"], re.I):
        assert 1 <= int(n) <= int(m) and int(m) >= 2, f"option {n} of {m}"
    text_options = len(re.findall(r"^\s+option \d+:", out["text"], re.M))
    md_options = len(re.findall(r"^\*Option \d+ of", out["markdown"], re.M))
    assert text_options == md_options


@pytest.mark.parametrize("fixture", [p.name for p in FIXTURE_FILES])
def test_plurals_agree_with_counts(fixture):
    for fmt in ("text", "markdown", "html"):
        text = _prose(rendered(fixture)[fmt], fmt)
        assert not re.search(r"\b1 blocking criteria\b", text)
        assert not re.search(r"\b(?:[02-9]|\d\d+) blocking criterion\b", text)


@pytest.mark.parametrize("fixture", [p.name for p in FIXTURE_FILES])
def test_caps_that_do_not_change_the_rating_take_one_line(fixture):
    out = rendered(fixture)
    data = out["data"]
    capped_lines = [line for line in out["text"].splitlines() if line.startswith("Rating capped at")]
    for line in capped_lines:
        assert line.startswith(f"Rating capped at {data['rating']}:")
    if data["rating"] == data["score_rating"]:
        assert not capped_lines
    md_capped = [line for line in out["markdown"].splitlines() if line.startswith("Rating capped at")]
    html_capped = out["html"].count('<span class="badge capped">Capped</span> at')
    assert len(md_capped) == len(capped_lines) == html_capped
    quiet = [c for c in data["caps_applied"] if f"({', '.join(c['unmet'])})" not in "\n".join(capped_lines)]
    if quiet:
        one = [line for line in out["text"].splitlines() if "do not change the rating" in line
               or "without changing the rating" in line]
        assert len(one) == 1 and all(c["title"] in one[0] for c in quiet)


def test_some_fixture_exercises_dates_options_and_caps():
    """The checks above must have something to check."""
    texts = [rendered(p.name)["text"] for p in FIXTURE_FILES]
    assert any(re.search(r"\(\d{1,2} [A-Z][a-z]+ \d{4}\)", t) for t in texts)  # a date given as a date
    assert any("option 2:" in t for t in texts)
    assert any("do not change the rating" in t for t in texts)


@pytest.mark.parametrize("value,kind,enum,expected", [
    (None, "", False, "not given"), (True, "bool", False, "yes"), ("2016-10-21", "date", False, "21 October 2016"),
    (736258, "date", False, "21 October 2016"), (3.0, "float", False, "3"), ("ccg", "enum", True, "CCG"),
    ("overview_and_scrutiny", "enum", True, "overview and scrutiny"), ("North West", "enum", True, "North West"),
    (["patients", "vcse"], "list", True, "patients, VCSE"), ("free_text_with_underscores", "str", False,
                                                           "free_text_with_underscores"),
])
def test_plain_values(value, kind, enum, expected):
    assert plain(value, kind, enum) == expected


def test_labels():
    assert field_label("leadership.leader_ratified_on") == "Leader ratified on"
    assert field_label("x.y", "Given title") == "Given title"
    assert words("planned_position_2020_21_gbp_m") == "planned position 2020/21 £m"
    assert long_date(dt.date(2017, 6, 30)) == "30 June 2017"


def test_the_batch_dashboard_shows_no_day_numbers_and_no_raw_codes(tmp_path):
    from assess.batch.run import run_batch

    run_batch(FIXTURES, tmp_path / "out", catalogue=catalogue(), progress=False)
    prose = _prose((tmp_path / "out" / "index.html").read_text(encoding="utf-8"), "html")
    found = sorted(code for code in ENUM_CODES if re.search(rf"(?<![\w.-]){re.escape(code)}(?![\w.-])", prose))
    assert not found
    ordinals = {str(d.toordinal()) for p in FIXTURE_FILES for d in _dates(rendered(p.name)["data"])}
    assert not [n for n in ordinals if re.search(rf"(?<![\d#]){n}(?!\d)", prose)]


# `assess diff` speaks as the gap reports do: each side's readiness named for its edition, the
# path ahead of that verdict, and every changed value in words beside its field's label.
DIFF_PAIRS = {
    "dorset-2016-to-2017": ("previous/dorset-2016-plan.yaml", "dorset-thriving.yaml"),
    "two-2017-returns": ("dorset-thriving.yaml", "lincs-no-leader.yaml"),
    "2017-to-2019": ("lincs-no-leader.yaml", "frimley-ics-ready.yaml"),
}


@cache
def diffed(pair: str) -> dict[str, Any]:
    from assess.review.diff import diff_files, render_diff

    old, new = DIFF_PAIRS[pair]
    data = diff_files(FIXTURES / old, FIXTURES / new, catalogue(), force=True)
    return {"data": data, **{fmt: render_diff(data, fmt) for fmt in FORMATS}}


@pytest.mark.parametrize("pair", DIFF_PAIRS)
@pytest.mark.parametrize("fmt", ("text", "markdown", "html"))
def test_diff_shows_no_raw_codes_iso_dates_or_day_numbers(pair, fmt):
    out = diffed(pair)
    prose = _prose(out[fmt], fmt)
    codes = sorted(code for code in ENUM_CODES | {"aspirant"}
                   if re.search(rf"(?<![\w.-]){re.escape(code)}(?![\w.-])", prose))
    assert not codes, f"raw codes in {fmt}: {codes}"
    assert not re.findall(r"\b\d{4}-\d\d-\d\d\b", prose)
    ordinals = {str(d.toordinal()) for d in _dates(json.loads(out["json"]))}
    assert ordinals and not [n for n in ordinals if re.search(rf"(?<![\d#]){n}(?!\d)", out[fmt])]


@pytest.mark.parametrize("fmt", ("text", "markdown", "html"))
def test_diff_names_each_sides_readiness_verdict_for_its_edition(fmt):
    text = _prose(diffed("dorset-2016-to-2017")[fmt], fmt)
    assert "Not assessed in this period" in text and not re.search(r"(?<!ACS and )ICS readiness", text)
    assert "ACS candidacy (Next Steps, March 2017)" in text
    assert "A candidate to become an accountable care system" in text
    assert "already ready" not in text and "already at the top rating" in text
    assert "to the top rating" in text  # the 2016 side's path leads to the top rating, not to a verdict
    later = _prose(diffed("2017-to-2019")[fmt], fmt)
    assert "ICS readiness (maturity matrix, 2019-21)" in later and "A possible later candidate" in later


@pytest.mark.parametrize("fmt", ("text", "markdown", "html"))
def test_diff_fields_in_words_beside_their_paths(fmt):
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</?code>", "", diffed("dorset-2016-to-2017")[fmt])))
    text = text.replace("`", "")
    assert re.search(r"Leader ratified on \(leadership\.leader_ratified_on\)\W+not given\W+15 May 2017", text)
    assert re.search(r"Leader ratified \(leadership\.leader_ratified\)\W+No\W+Yes", text)
    assert re.search(r"Submitted on \(footprint\.submitted_on\)\W+21 October 2016\W+30 June 2017", text)
    lincs = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</?code>", "", diffed("two-2017-returns")[fmt])))
    lincs = lincs.replace("`", "")
    assert re.search(r"Leader sector \(leadership\.leader_sector\)\W+NHS\W+not given", lincs)  # a criterion's value


def test_diff_json_keeps_the_codes():
    data = json.loads(diffed("dorset-2016-to-2017")["json"])
    assert (data["old"]["ics_readiness"], data["new"]["ics_readiness"]) == ("not_applicable", "ready")
    fields = {f["path"]: f for f in data["fields"]}
    assert fields["footprint.submitted_on"]["old"] == "2016-10-21"
    assert fields["leadership.leader_ratified"]["old"] is False
    assert fields["footprint.submitted_on"]["old_text"] == "21 October 2016"

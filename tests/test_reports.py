"""The gap report templates (HTML and Markdown) and the dashboard, rendered without a browser."""
from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from casekit import FIXTURES, build, catalogue
from click.testing import CliRunner
from markdown_it import MarkdownIt

from assess import assess
from assess.cli import main
from assess.render import escape as escape_module
from assess.render import report

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> | # x'


def failure(path: str, op: str, expected: Any, submitted: Any, want: str, one_of: int | None = None,
            option: int | None = None) -> dict[str, Any]:
    got = report.show(submitted)
    return {"path": path, "op": op, "expected": expected, "submitted": submitted,
            "text": f"{path}: submitted {got}; expected {want}", "one_of": one_of, "option": option}


def criterion(rid: str, status: str, severity: str = "major", *, explanation: list[dict[str, Any]] | None = None,
              assumption: bool = False) -> dict[str, Any]:
    return {"id": rid, "title": f"Criterion {rid} title", "domain": "plan", "severity": severity, "weight": 1.0,
            "status": status, "credit": 1.0 if status == "met" else 0.0, "assumption": assumption,
            "source": {"id": "S02", "section": "Section of the source"}, "explanation": explanation or [],
            "remediation": f"Do what {rid} asks, with dates." if status == "not_met" else None}


# A hand-made Assessment.to_dict(): the templates render plain data, so every branch can be reached
# whatever the rule catalogue holds.
DATA: dict[str, Any] = {
    "submission": {"code": "DEMO", "name": "Demo footprint", "region": "North", "population": 800_000,
                   "submitted_on": "2016-10-21", "illustrative": True},
    "edition": "2016-plan", "edition_title": "2016 STP plan assessment", "catalogue_version": "9.9",
    "input_sha256": "ab" * 32, "score": 42.5, "stage": "Developing", "rating": "Needs most improvement",
    "score_rating": "Making progress", "score_stage": "Developing", "ics_readiness": "not_yet",
    "readiness": {"verdict": "Test readiness verdict", "label": "Not yet ready", "note": "What the verdict rests on.",
                  "source": "S53, a section", "assumption": True},
    "unmet_blocking": ["GOV-01"],
    "caps_applied": [{"id": "cap-1", "title": "Blocking gaps cap the rating", "max_rating": "Needs most improvement",
                      "unmet": ["GOV-01"], "assumption": True}],
    "domains": [{"domain": "plan", "name": "Plan scope and footprint", "score": 42.5, "stage": "Developing",
                 "met": 1, "not_met": 3, "not_applicable": 1},
                {"domain": "care", "name": "Care models and quality", "score": None, "stage": None,
                 "met": 0, "not_met": 0, "not_applicable": 0}],
    "criteria": [
        criterion("GOV-01", "not_met", "blocking", explanation=[
            failure("finance.planned_position_2020_21_gbp_m", "gte", 0, -15.5, "≥ 0")]),
        criterion("CARE-01", "not_met", explanation=[
            failure("new_care_models.vanguards_in_footprint", "gt", 0, 0, "> 0", 1, 1),
            failure("new_care_models.vanguard_spread_plan", "eq", True, None, "= yes", 1, 1),
            failure("new_care_models.new_care_model_plan", "eq", True, False, "= yes", 1, 2),
            failure("plan.footprint_factors", "contains", "scale", ["travel_links"], "includes scale")]),
        criterion("ENG-09", "not_met", "minor", assumption=True, explanation=[
            failure("engagement.strategy_published", "eq", True, False, "= yes")]),
        criterion("PLAN-01", "met"),
        criterion("PLAN-02", "not_applicable"),
    ],
    "path_to_ics": [{"id": "GOV-01", "title": "Criterion GOV-01 title", "severity": "blocking", "gain": 10.0,
                     "projected_score": 52.5, "projected_rating": "Making progress",
                     "projected_readiness": "aspirant"}],
}
PEERS = {"rows": [{"domain": "plan", "name": "Plan scope and footprint", "score": 42.5,
                   "batch": {"median": 61.2, "n": 7}, "band": {"median": 55.0, "n": 3}},
                  {"domain": "care", "name": "Care models and quality", "score": None,
                   "batch": {"median": 70.0, "n": 6}, "band": {"median": None, "n": 0}},
                  {"domain": "overall", "name": "Overall score", "score": 42.5,
                   "batch": {"median": 58.3, "n": 7}, "band": {"median": 49.9, "n": 3}}],
         "batch_size": 7, "band": {"id": "medium", "label": "750,000 to 1.5 million", "size": 3},
         "bands": [{"id": "small", "label": "under 750,000"}, {"id": "medium", "label": "750,000 to 1.5 million"},
                   {"id": "large", "label": "1.5 million or more"}],
         "mixed_editions": True, "editions": ["2016-plan", "2017-partnership"]}


def data(**submission: Any) -> dict[str, Any]:
    out = copy.deepcopy(DATA)
    out["submission"].update(submission)
    return out


class Outline(HTMLParser):
    """Headings, table header cells and script elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.th: list[dict[str, str | None]] = []
        self.scripts = 0
        self.tags: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "th":
            self.th.append(dict(attrs))
        elif tag == "script":
            self.scripts += 1
        elif tag == "html":
            self.lang = dict(attrs).get("lang")


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def md_to_html(md: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(md)


# --- HTML gap report ------------------------------------------------------------------------------

def test_html_gap_report_structure_is_accessible() -> None:
    html = report.render(DATA, "html")
    page = outline(html)
    assert page.lang == "en"
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), page.headings  # no skipped level
    assert page.th and all(th.get("scope") in ("col", "row", "colgroup", "rowgroup") for th in page.th)
    assert page.scripts == 0
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
    assert "<details>" in html and "Criteria met (1)" in html
    assert 'role="img"' in html and "<title id=\"chart-title\">" in html
    assert "@media print" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html.split("<main", 1)[0])  # nothing fetched
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_html_gap_report_says_what_was_required_and_submitted() -> None:
    html = report.render(DATA, "html", sources={"S02": {"title": "Planning guidance", "url": "https://example.org/g"}})
    assert "finance.planned_position_2020_21_gbp_m" in html and "≥ 0" in html and "-15.5" in html
    assert "Any one of these options" in html and "Option 1 of 2: every line is needed" in html
    assert "Option 2 of 2</caption>" in html
    assert html.index("Blocking (1)") < html.index("Major (1)") < html.index("Minor (1)")
    assert "Recommended action:</strong> Do what GOV-01 asks" in html
    assert 'href="https://example.org/g"' in html and "Section of the source" in html
    assert 'class="badge assumption">Assumption' in html and "Assumption:</strong>" in html
    assert "Capped" in html and "Making progress" in html  # the score alone, before the cap
    assert "Making progress</td>" in html and "Aspirant" in html  # path to ICS projection
    assert "not scored" in html  # a domain with no applicable criterion


def test_illustrative_banner_only_for_illustrative_submissions() -> None:
    assert "not an assessment of the real system" in report.render(data(illustrative=True), "html")
    assert "not an assessment of the real system" not in report.render(data(illustrative=False), "html")
    assert "not an assessment of the real system" in report.render(data(illustrative=True), "markdown")
    assert "not an assessment of the real system" not in report.render(data(illustrative=False), "markdown")


def test_peer_medians_appear_only_with_batch_context() -> None:
    alone = report.render(DATA, "html")
    assert "Batch median" not in alone and "Back to the batch dashboard" not in alone
    beside = report.render(DATA, "html", peers=PEERS, dashboard="../index.html")
    assert "Batch median" in beside and "61.2" in beside and "(n=7)" in beside
    assert "750,000 to 1.5 million" in beside and "under 750,000" in beside
    assert "mixes assessment editions" in beside and 'href="../index.html"' in beside
    md = report.render(DATA, "markdown", peers=PEERS)
    assert "| Plan scope and footprint | 42.5 | Developing | 1 | 3 | 1 | 61.2 (n=7) | 55.0 (n=3) |" in md


def test_hostile_text_is_escaped_in_html() -> None:
    html = report.render(data(name=HOSTILE, region="North"), "html")
    assert "<script>window" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;" in html
    assert outline(html).scripts == 0 and "img" not in outline(html).tags


# --- Markdown gap report --------------------------------------------------------------------------

def test_markdown_contains_the_failing_clause_values() -> None:
    md = report.render(DATA, "markdown")
    assert "| `finance.planned_position_2020_21_gbp_m` | ≥ 0 | **-15.5** |" in md
    assert "| `plan.footprint_factors` | includes scale | **travel\\_links** |" in md
    assert "Any one of these options would meet this criterion" in md
    assert "*Option 1 of 2: every line is needed*" in md and "*Option 2 of 2*" in md
    assert "**Recommended action:** Do what CARE-01 asks, with dates." in md
    assert "Source: S02 — Section of the source" in md
    assert "#### GOV-01 Criterion GOV-01 title" in md


def test_markdown_cannot_be_injected_by_submitted_text() -> None:
    md = report.render(data(name=HOSTILE + "\n# Injected heading\n| a | b |"), "markdown", peers=PEERS)
    html = md_to_html(md)
    assert "<script" not in html and "<img" not in html and "Injected heading</h" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html  # shown as text
    assert html.count("<h1>") == 1
    # every table keeps its column count
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        widths = {len(re.findall(r"<t[hd][ >]", row)) for row in rows}
        assert len(widths) == 1, widths


@pytest.mark.parametrize("text", ["a | b", "# heading", "1. list", "- item", "<b>x</b>", "[l](javascript:x)",
                                  "**bold**", "`code`", "&lt;", "line\nbreak", "==="])
def test_md_escape_renders_as_the_same_plain_text(text: str) -> None:
    html = md_to_html(f"| h |\n| --- |\n| {escape_module.md_escape(text)} |\n\n{escape_module.md_escape(text)}\n")
    plain = " ".join(text.split())
    expected = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"<td>{expected}</td>" in html
    assert f"<p>{expected}</p>" in html


# --- real assessments -----------------------------------------------------------------------------

def real_assessment(name: str = "Real footprint") -> Any:
    sub = build({"footprint": {"name": name}, "finance": {"planned_position_2020_21_gbp_m": -15.0}})
    return assess(sub, catalogue())


def test_real_assessment_renders_every_failing_clause_in_markdown_and_html() -> None:
    a = real_assessment()
    context = report.catalogue_context(catalogue())
    md, html = report.render(a, "markdown", **context), report.render(a, "html", **context)
    d = a.to_dict()
    unmet = [c for c in d["criteria"] if c["status"] == "not_met"]
    assert unmet
    for c in unmet:
        assert f"#### {c['id']} " in md and f'id="c-{c["id"]}"' in html
        for f in c["explanation"]:
            assert f"{escape_module.md_escape(f['label'])} {escape_module.md_code(f['field'])}" in md
            assert f"**{escape_module.md_escape(f['submitted_text'])}**" in md
    assert report.render(d, "html", **context) == html  # data or Assessment: same page


def test_assess_score_writes_the_gap_report(tmp_path: Path) -> None:
    fixture = sorted(FIXTURES.glob("*.yaml"))[0] if list(FIXTURES.glob("*.yaml")) else None
    if fixture is None:
        path = tmp_path / "sub.json"
        path.write_text(build().model_dump_json())
        fixture = path
    runner = CliRunner()
    for fmt, marker in (("html", "<!DOCTYPE html>"), ("markdown", "# Gap report: ")):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(main, ["score", str(fixture), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_text().startswith(marker)


def test_clause_groups_keep_alternatives_together() -> None:
    groups = report.clause_groups(DATA["criteria"][1]["explanation"])
    assert [g["kind"] for g in groups] == ["one_of", "all"]
    assert [len(o["clauses"]) for o in groups[0]["options"]] == [2, 1]


def test_required_falls_back_when_the_text_has_no_expectation() -> None:
    assert report.required({"text": "x: submitted 1; expected ≥ 2", "op": "gte", "expected": 2}) == "≥ 2"
    assert report.required({"text": "odd", "op": "eq", "expected": True}) == "eq yes"


def test_dashboard_script_is_allowed_by_its_hash_only() -> None:
    import base64
    import hashlib

    from assess.render import dashboard

    html = report.render_dashboard(dashboard.dashboard([], [], domains=[], ratings=["Low", "High"],
                                                       stages=["Early"], catalogue_version="1"))
    script = re.search(r"<script>(.*?)</script>", html, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html
    assert outline(html).lang == "en"

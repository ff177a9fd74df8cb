"""Moderation: a reviewer's decisions file, pinned by fingerprint, scored beside the engine."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from casekit import FIXTURES, catalogue
from click.testing import CliRunner

import assess
from assess.cli import main
from assess.errors import InputError
from assess.render import report
from assess.review.moderation import MAX_DECISIONS, fingerprint, load_decisions, moderate

LINCS = FIXTURES / "lincs-no-leader.yaml"
EXAMPLE = FIXTURES / "review" / "decisions.yaml"
GOOD_WHY = "The signed memorandum names the partnership board as the body that settles disputes."


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def decision(**changes):
    record = {"submission": "LINCS", "criterion": "GOV-03", "decision": "met", "justification": GOOD_WHY,
              "reviewer": "A. Reviewer", "date": "2017-08-04"}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def write(tmp_path: Path, *records, name="decisions.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"decisions": list(records)}, sort_keys=False))
    return path


def lincs():
    return assess.assess_file(LINCS, catalogue())


def test_example_decisions_moderate_lincs_and_keep_the_engine_verdict():
    engine = lincs()
    moderated = assess.assess_file(LINCS, catalogue(), decisions=EXAMPLE)
    assert engine.criteria["GOV-03"].status.value == "not_met"
    assert moderated.criteria["GOV-03"].status.value == "met"
    assert moderated.score > engine.score
    data = moderated.to_dict()
    assert data["engine"]["score"] == engine.score and data["score"] == moderated.score
    gov03 = next(c for c in data["criteria"] if c["id"] == "GOV-03")
    assert gov03["engine_status"] == "not_met" and gov03["moderated"]["reviewer"].startswith("Regional")
    assert gov03["moderated"]["engine_explanation"], "the engine's reasons stay in the record"
    states = {d["criterion"]: d["state"] for d in data["moderation"]["decisions"]}
    assert states == {"GOV-03": "applied", "DASH-01": "unpinned"}
    assert data["moderation"]["overrides"] == 2 and data["moderation"]["sha256"]


def test_moderation_never_edits_the_submission():
    before = LINCS.read_bytes()
    engine = lincs()
    moderated = assess.assess_file(LINCS, catalogue(), decisions=EXAMPLE)
    assert LINCS.read_bytes() == before
    assert moderated.submission == engine.submission
    assert moderated.submission.governance.dispute_final_decision_taker is None


def test_redundant_decision_is_reported_and_changes_nothing(tmp_path):
    path = write(tmp_path, decision(criterion="GOV-04"))  # the engine already finds GOV-04 met
    moderated = assess.assess_file(LINCS, catalogue(), decisions=path)
    data = moderated.to_dict()
    assert data["moderation"]["decisions"][0]["state"] == "redundant"
    assert data["moderation"]["redundant"] == 1 and data["moderation"]["overrides"] == 0
    assert moderated.score == lincs().score


def test_fingerprint_reads_only_the_values_the_rule_reads():
    c = catalogue()
    sub = lincs().submission
    rule = c.rules["GOV-03"]
    base = fingerprint(rule, sub, c)
    unrelated = sub.model_copy(update={"finance": sub.finance.model_copy(update={"annual_efficiency_pct": 9.9})})
    assert fingerprint(rule, unrelated, c) == base
    governance = sub.governance.model_copy(update={"dispute_final_decision_taker": "The board"})
    changed = sub.model_copy(update={"governance": governance})
    assert fingerprint(rule, changed, c) != base
    assert len(base) == 16 and int(base, 16) >= 0


def test_stale_decision_is_shown_and_not_applied(tmp_path):
    path = write(tmp_path, decision(fingerprint="0123456789abcdef"))
    moderated = assess.assess_file(LINCS, catalogue(), decisions=path)
    data = moderated.to_dict()
    record = data["moderation"]["decisions"][0]
    assert record["state"] == "stale" and record["current_fingerprint"] != "0123456789abcdef"
    assert moderated.criteria["GOV-03"].status.value == "not_met"
    assert moderated.score == lincs().score
    text = report.render(moderated, "text")
    assert "[STALE: not applied] GOV-03" in text and record["current_fingerprint"] in text


def test_confirming_with_the_printed_fingerprint_applies_it(tmp_path):
    printed = run("fingerprint", LINCS, "GOV-03")
    assert printed.exit_code == 0
    pinned = next(line.split()[-1] for line in printed.stdout.splitlines() if "fingerprint:" in line)
    path = write(tmp_path, decision(fingerprint=pinned))
    data = assess.assess_file(LINCS, catalogue(), decisions=path).to_dict()
    assert data["moderation"]["decisions"][0]["state"] == "applied"
    # the template `assess fingerprint` prints is a valid decisions file once filled in
    filled = yaml.safe_load(printed.stdout)["decisions"][0]
    filled.update(decision=None, justification=GOOD_WHY, reviewer="A. Reviewer", date="2017-08-04")
    filled["decision"] = "met"
    assert load_decisions(write(tmp_path, filled, name="filled.yaml"), catalogue()).decisions


def test_unpinned_decision_prints_the_fingerprint_to_add():
    result = run("score", LINCS, "--decisions", EXAMPLE)
    assert result.exit_code == 0
    assert "[MODERATED] GOV-03" in result.stdout and "[MODERATED, unpinned] DASH-01" in result.stdout
    assert "pin it by adding `fingerprint: " in result.stderr
    assert "decisions for DORSET are not for LINCS" in result.stderr


def test_score_json_carries_the_audit_trail():
    result = run("score", LINCS, "--decisions", EXAMPLE, "--format", "json")
    data = json.loads(result.stdout)
    assert data["engine"]["score"] < data["score"]
    assert [d["criterion"] for d in data["moderation"]["decisions"]] == ["GOV-03", "DASH-01"]
    assert all(d["justification"] and d["reviewer"] and d["date"] for d in data["moderation"]["decisions"])


@pytest.mark.parametrize("record, message", [
    (decision(criterion="GOV-99"), "unknown criterion 'GOV-99'"),
    (decision(justification=None), "justification: required"),
    (decision(justification="agreed"), "not substantive"),
    (decision(justification="Looks fine to me."), "not substantive"),
    (decision(decision="yes"), "decisions[0].decision"),
    (decision(reviewer=""), "reviewer: must not be empty"),
    (decision(colour="red"), "unknown key 'colour'"),
    (decision(fingerprint="xyz"), "16 hexadecimal digits"),
    (decision(date="yesterday"), "decisions[0].date"),
    (decision(justification="The board \x1b[2J cleared the screen, then agreed it."), "control character"),
])
def test_bad_decisions_are_refused_with_file_line_and_field(tmp_path, record, message):
    path = write(tmp_path, record)
    result = run("score", LINCS, "--decisions", path)
    assert result.exit_code == 3
    assert message in result.stderr, result.stderr
    # the line of the key at fault (or of the record, for a missing key): within the record
    where = re.search(re.escape(str(path)) + r":(\d+): decisions\[0\]", result.stderr)
    assert where and 2 <= int(where.group(1)) <= len(path.read_text().splitlines()), result.stderr


def test_two_decisions_on_one_criterion_are_refused(tmp_path):
    path = write(tmp_path, decision(), decision(decision="not_applicable"))
    with pytest.raises(InputError) as caught:
        load_decisions(path, catalogue())
    assert "a second decision on GOV-03 for LINCS (the first is at line 2)" in str(caught.value)


def test_criterion_not_in_the_edition_is_refused(tmp_path):
    path = write(tmp_path, decision(criterion="PLAN-02"))  # a 2016-plan criterion; LINCS is 2017
    result = run("score", LINCS, "--decisions", path)
    assert result.exit_code == 3
    assert "PLAN-02 is not a criterion of the 2017-partnership edition" in result.stderr


@pytest.mark.parametrize("text, message", [
    ("decisions: {a: 1}\n", "one top-level key"),
    ("- a\n- b\n", "one top-level key"),
    ("decisions: [1, 2]\n", "each decision is a mapping"),
    # the submissions' YAML reader: aliases count towards its cap, a repeated key names both lines
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdef", "bcdefg")), "aliases expand"),
    ("decisions:\n  - submission: X\n    criterion: GOV-03\n    submission: Y\n",
     "duplicate key 'submission' (first at line 2, again at line 4)"),
    ("decisions:\n  - !!python/object:os.system {}\n", "tags"),
    ("decisions: [\n", "not valid YAML"),
])
def test_malformed_decisions_files(tmp_path, text, message):
    path = tmp_path / "d.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_decisions(path, catalogue())
    assert message in str(caught.value)


def test_huge_decisions_files_are_bounded(tmp_path):
    many = tmp_path / "many.yaml"
    many.write_text("decisions:\n" + "  - {}\n" * (MAX_DECISIONS + 1))
    with pytest.raises(InputError, match="at most 5,000"):
        load_decisions(many, catalogue())
    big = tmp_path / "big.yaml"
    big.write_text("decisions:\n  - justification: '" + "x" * (3 * 1024 * 1024) + "'\n")
    with pytest.raises(InputError, match="larger than 2 MiB"):
        load_decisions(big, catalogue())


XSS = "<script>alert('x')</script> [click](javascript:alert(1)) **bold** | pipe ` tick"


def test_hostile_justification_is_text_in_html_and_markdown(tmp_path):
    path = write(tmp_path, decision(justification=XSS + " and four more words",
                                    evidence="<img src=x onerror=alert(1)>"))
    moderated = assess.assess_file(LINCS, catalogue(), decisions=path)
    html = report.render(moderated, "html", **report.catalogue_context(catalogue()))
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    md = report.render(moderated, "markdown", **report.catalogue_context(catalogue()))
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\[click\\](javascript:alert(1))" in md and "\\*\\*bold\\*\\*" in md


def test_moderate_with_no_decision_for_the_code_returns_the_engine_assessment(tmp_path):
    path = write(tmp_path, decision(submission="ELSEWHERE"))
    engine = lincs()
    assert moderate(engine, load_decisions(path, catalogue()), catalogue()) is engine


def test_batch_applies_decisions_and_reports_codes_not_in_the_batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("lincs-no-leader.yaml", "dorset-thriving.yaml"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    path = write(tmp_path, decision(), decision(submission="NOWHERE"),
                 decision(submission="DORSET", criterion="PLAN-02"))
    result = run("batch", folder, "--out", tmp_path / "out", "--decisions", path)
    assert result.exit_code == 3, result.output
    errors = (tmp_path / "out" / "errors.csv").read_text()
    assert "decisions.yaml,9,submission,\"a decision for 'NOWHERE'" in errors
    assert "decisions.yaml,16,criterion,PLAN-02 is not a criterion of the 2017-partnership edition" in errors
    assert str(tmp_path) not in errors
    league = (tmp_path / "out" / "league.csv").read_text().splitlines()
    header = league[0].split(",")
    lincs_row = dict(zip(header, next(r for r in league if ",LINCS," in r).split(",")))
    assert lincs_row["overrides"] == "1" and float(lincs_row["engine_score"]) < float(lincs_row["score"])
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    by_code = {a["submission"]["code"]: a for a in results}
    assert by_code["LINCS"]["moderation"]["overrides"] == 1
    dorset = by_code["DORSET"]["moderation"]  # its one decision was refused: on record, not applied
    assert dorset["overrides"] == 0 and dorset["problems"][0]["line"] == 16
    assert by_code["DORSET"]["score"] == by_code["DORSET"]["engine"]["score"]
    html = (tmp_path / "out" / "reports" / "LINCS.html").read_text()
    assert "Moderation" in html and "badge moderated" in html and GOOD_WHY in html
    assert "Reviewers' decisions from decisions.yaml" in (tmp_path / "out" / "index.html").read_text()


def test_batch_with_workers_moderates_the_same(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("lincs-no-leader.yaml", "dorset-thriving.yaml"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert run("batch", folder, "--out", out, "--decisions", EXAMPLE, "--jobs", jobs).exit_code == 0
        outs.append((out / "results.json").read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_moderation_names_both_verdicts_in_the_editions_words(fmt):
    # LINCS is a 2017 return: its readiness is ACS candidacy, never an ICS verdict or a raw code.
    out = run("score", LINCS, "--decisions", EXAMPLE, "--format", fmt).output
    section = out[out.index("Moderation"):]
    section = section[:section.index("GOV-03")]
    assert "A possible later candidate" in section
    for raw in ("aspirant", "not_yet", "not_applicable", "ICS readiness"):
        assert raw not in section, raw


def test_a_stale_decision_names_the_values_that_changed_not_two_fingerprints(tmp_path):
    """`assess fingerprint` pins each value the criterion reads; when one changes, the note, the
    JSON and the gap report name it with what it is now."""
    from assess.input.load import load_submission
    from assess.review.moderation import pins

    lincs = FIXTURES / "lincs-no-leader.yaml"
    runner = CliRunner()
    text = runner.invoke(main, ["fingerprint", str(lincs), "GOV-03"]).stdout
    record = yaml.safe_load(text)["decisions"][0]
    assert record["pinned"] == "governance.dispute_final_decision_taker=" + record["pinned"].split("=")[1]
    record.update(decision="met", reviewer="A. Reviewer", date="2017-08-04",
                  justification="The memorandum names the partnership board as the body that settles disputes.")
    decisions = tmp_path / "d.yaml"
    decisions.write_text(yaml.safe_dump({"decisions": [record]}))
    changed = yaml.safe_load(lincs.read_text())
    changed["governance"]["dispute_final_decision_taker"] = "partnership_board"
    submission = tmp_path / "lincs.yaml"
    submission.write_text(yaml.safe_dump(changed))
    result = runner.invoke(main, ["score", str(submission), "--decisions", str(decisions), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    [note] = [line for line in result.stderr.splitlines() if "GOV-03" in line]
    assert "NOT applied: since it was pinned, governance.dispute_final_decision_taker (now partnership_board) " \
        "changed" in note
    assert " -> " not in note
    cat = catalogue()
    sub = load_submission(submission)
    rule = cat.rules["GOV-03"]
    assert f"`fingerprint: {fingerprint(rule, sub, cat)}` (and `pinned: {pins(rule, sub, cat)}`)" in note
    [decision] = json.loads(result.stdout)["moderation"]["decisions"]
    assert decision["state"] == "stale"
    assert decision["changed"] == [{"field": "governance.dispute_final_decision_taker", "now": "partnership_board"}]
    text = runner.invoke(main, ["score", str(submission), "--decisions", str(decisions), "-f", "text"]).stdout
    assert "not applied: since the decision was pinned, governance.dispute_final_decision_taker (now " \
        "partnership_board) changed" in text
    markdown = runner.invoke(main, ["score", str(submission), "--decisions", str(decisions), "-f", "markdown"]).stdout
    assert f"`pinned: {pins(rule, sub, cat)}`" in markdown  # a code span is not escaped


def test_a_stale_decision_pinned_by_fingerprint_alone_names_the_values_it_reads(tmp_path):
    lincs = FIXTURES / "lincs-no-leader.yaml"
    record = {"submission": "LINCS", "criterion": "GOV-03", "decision": "met", "reviewer": "A. Reviewer",
              "date": "2017-08-04", "fingerprint": "0123456789abcdef",
              "justification": "The memorandum names the partnership board as the body that settles disputes."}
    decisions = tmp_path / "d.yaml"
    decisions.write_text(yaml.safe_dump({"decisions": [record]}))
    result = CliRunner().invoke(main, ["score", str(lincs), "--decisions", str(decisions)])
    assert "one or more of the values it reads changed since it was pinned: " \
        "governance.dispute_final_decision_taker (now not stated)" in result.stderr, result.stderr


@pytest.mark.parametrize("change", [{"decision": "maybe"}, {"date": "someday"}, {"reviewer": 5},
                                    {"justification": ["a", "list"]}, {"evidence": {"a": 1}}])
def test_decision_problems_are_in_plain_words(tmp_path, change):
    from hostile import library_wording

    record = {"submission": "LINCS", "criterion": "GOV-03", "decision": "met", "reviewer": "A. Reviewer",
              "date": "2017-08-04", "justification": "The memorandum names the board as the body that decides."}
    record.update(change)
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump({"decisions": [record]}))
    with pytest.raises(InputError) as caught:
        load_decisions(path, catalogue())
    messages = [p.message for p in caught.value.all()]
    assert messages and [m for m in messages if library_wording(m)] == [], messages

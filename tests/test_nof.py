"""NHS Oversight Framework 2025/26: the published Q1-Q3 file reproduced, the reader's problems, the
rules through the engine, the cut-points and the `assess nof` command."""
from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest
from casekit import FIXTURES, ROOT
from click.testing import CliRunner

from assess.catalogue.conditions import holds
from assess.cli import main
from assess.cli.common import ExitCode
from assess.errors import InputError
from assess.nof import Method, load_cutpoints, load_edition, read_published, resolve_cutpoints, verify
from assess.nof.edition import StageFacts
from assess.nof.path import path_to_better, peer_stats

DATA = FIXTURES / "nof-2025-26" / "mental-health-and-community-trust-data-Q1-Q3.csv"
SHARED = ROOT.parent / "shared" / "data" / "nof-2025-26" / DATA.name
SHA256 = "06790a726c824ff3932d04c3c016fe34b2606f6b2abc5e5f5140c8e11d195392"
HEADER = ("Quarter,Region,Trust_type,Trust_subtype,Trust_code,Trust_name,Domain,Sub-domain,Metric_ID,"
          "Metric_description,Reporting_date,Units,Value,Median_value,Lower_quartile,Upper_quartile,Rank")


@pytest.fixture(scope="module")
def edition():
    return load_edition()


@pytest.fixture(scope="module")
def method(edition):
    with Method(edition) as m:
        yield m


@pytest.fixture(scope="module")
def published(edition):
    return read_published(DATA, edition)


@pytest.fixture(scope="module")
def results(method, published, edition):
    return method.run(published, resolve_cutpoints(edition))


def test_bundled_file_is_the_published_file_unchanged():
    raw = DATA.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHA256
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM and CRLF kept, as published
    assert SHA256 in (DATA.parent / "README.md").read_text()
    if SHARED.exists():
        assert SHARED.read_bytes() == raw


def test_every_published_result_is_reproduced(results, edition, published):
    """The closing test of the issue: every trust-quarter, every step, no disagreement."""
    assert len(published.trusts) == 183 and not published.problems
    table = verify.agreement(results, edition)
    assert list(table) == ["Q1 2025/26", "Q2 2025/26", "Q3 2025/26"]
    assert verify.disagreements(table) == []
    for quarter, row in table.items():
        for step in verify.STEPS:
            if step.startswith("final segment") and quarter == "Q3 2025/26":
                assert row[step].compared == 0  # OF5005 is published for Q1-Q2 only
            elif step.startswith("domain scores"):
                assert row[step].compared >= 5 * 61 - 10
            else:
                assert row[step].compared == 61, (quarter, step)
    # exact to 2 dp where it can be: NHS England averages unrounded scores, so a few differ by 0.01
    exact = sum(row[verify.EXACT_AVERAGE].agree for row in table.values())
    assert exact >= 170


def test_agreement_would_catch_a_wrong_cut_point(method, published, edition):
    cuts = resolve_cutpoints(edition, {"Q1 2025/26": (2.05, 2.30, 2.625)})
    table = verify.agreement(method.run(published, cuts), edition)
    assert any("unadjusted segment" in d and "Q1" in d for d in verify.disagreements(table))


def _engine_and_python_agree(method, edition, stage, facts):
    fired = set(method.fire(stage, facts))
    projected = edition.project(facts)
    python = {r.id for r in edition.stage_rules(stage) if holds(edition.conditions[r.id], projected)}
    assert fired == python
    return fired


@pytest.mark.parametrize("plan, variance, rule, combined", [
    (1.0, 1.0, "NOF-01", 1.0), (1.0, 3.0, "NOF-01", 2.0), (2.0, 2.0, "NOF-02", 3.0), (4.0, 4.0, "NOF-02", 4.0)])
def test_combined_finance_rules(method, edition, plan, variance, rule, combined):
    fired = _engine_and_python_agree(method, edition, "finance", StageFacts(plan_score=plan, variance_score=variance))
    assert fired == {rule}
    from assess.nof.reader import MetricRow, TrustQuarter

    trust = TrustQuarter("Q1 2025/26", "X", "X", "", "T", "")
    for mid, v in (("OF1079", plan), ("OF1081", variance), ("OF1005", 2.0)):
        trust.rows[mid] = MetricRow(mid, "", "score", "", v, None, None, None, None, 2)
    result = method.assess(trust, resolve_cutpoints(edition)["Q1 2025/26"])
    assert result.combined_finance == combined
    assert result.average == (combined + 2.0) / 2  # the parts never count, the combination does


@pytest.mark.parametrize("plan, variance, expected", [
    (0.0, 0.0, {"NOF-03", "NOF-07"}), (2.4, 4.5, {"NOF-03", "NOF-07"}), (-0.01, -0.01, {"NOF-04", "NOF-08"}),
    (-1.0, -0.5, {"NOF-04", "NOF-08"}), (-1.01, -0.51, {"NOF-05", "NOF-09"}), (-2.0, -1.0, {"NOF-05", "NOF-09"}),
    (-2.01, -1.01, {"NOF-06", "NOF-10"}), (-9.0, -7.2, {"NOF-06", "NOF-10"})])
def test_finance_band_rules(method, edition, plan, variance, expected):
    facts = StageFacts(plan_value=plan, variance_value=variance)
    assert _engine_and_python_agree(method, edition, "bands", facts) == expected


@pytest.mark.parametrize("average, segment", [
    (1.0, 1), (2.05, 1), (2.0501, 2), (2.325, 2), (2.3251, 3), (2.625, 3), (2.6251, 4), (4.0, 4)])
def test_segment_rules_at_the_cut_points(method, edition, average, segment):
    facts = StageFacts(average=average, cut_1=2.05, cut_2=2.325, cut_3=2.625)
    fired = _engine_and_python_agree(method, edition, "segment", facts)
    assert [edition.rules[r].effect["segment_unadjusted"] for r in fired] == [segment]


@pytest.mark.parametrize("unadjusted, deficit, rsp, expected", [
    (1, True, False, {"NOF-21"}), (2, True, False, {"NOF-21"}), (3, True, False, set()), (4, True, False, set()),
    (1, False, False, set()), (4, False, True, {"NOF-22"}), (2, True, True, {"NOF-21", "NOF-22"})])
def test_deficit_and_segment_five_rules(method, edition, unadjusted, deficit, rsp, expected):
    facts = StageFacts(segment_unadjusted=unadjusted, in_deficit=deficit, recovery_support=rsp)
    assert _engine_and_python_agree(method, edition, "adjust", facts) == expected


def test_every_rule_is_documented_and_inferred_steps_are_assumptions(edition):
    for rule in edition.data.rules:
        assert rule.rationale and rule.remediation and rule.source.section
    assert {r.id for r in edition.data.rules if r.assumption} == {f"NOF-{i:02d}" for i in range(1, 11)}
    assert "derived, not published" in edition.data.cutpoints.provenance


def test_rank_ties_share_the_lowest_rank(results):
    q3 = sorted((r for r in results if r.trust.quarter == "Q3 2025/26"), key=lambda r: r.rank)
    ranks = [r.rank for r in q3]
    assert ranks[0] == 1 and len(set(ranks)) < len(ranks)
    for a, b in zip(q3, q3[1:]):
        if (a.segment, a.rank_average) == (b.segment, b.rank_average):
            assert a.rank == b.rank
        else:
            assert b.rank == q3.index(b) + 1


# --- the path to a better segment -------------------------------------------------------------

def test_path_reaches_the_next_segment_with_realistic_scores(results, edition):
    peers = peer_stats(results)
    checked = 0
    for r in results:
        path = path_to_better(r, peers, results)
        if not path.reachable or not path.improvements:
            continue
        scores = dict(r.scores)
        for step in path.improvements:
            stats = peers[(r.trust.quarter, r.trust.trust_type, step.metric)]
            assert step.target in (stats.median, stats.best_quartile) and step.target < step.current
            scores[step.metric] = step.target
        after = sum(scores.values()) / len(scores)
        assert after == pytest.approx(path.average_after, abs=1e-6)
        assert r.cutpoints.segment_of(after) == r.segment_unadjusted - 1
        # smallest: no set with one metric fewer, even at the best quartile, gets there
        gains = sorted((s - peers[(r.trust.quarter, r.trust.trust_type, m)].best_quartile
                        for m, s in r.scores.items()), reverse=True)
        fewer = sum(r.scores.values()) - sum(g for g in gains[:len(path.improvements) - 1] if g > 0)
        assert fewer / len(r.scores) > path.cut
        # and no set of that size reaches it with fewer best-quartile targets (brute force)
        k, quartile_targets = len(path.improvements), sum(i.target_kind != "peer median" for i in path.improvements)
        need = sum(r.scores.values()) - path.cut * len(r.scores)
        for combo in itertools.combinations(sorted(r.scores), k):
            stats = [peers[(r.trust.quarter, r.trust.trust_type, m)] for m in combo]
            medians = sum(max(0.0, r.scores[m] - st.median) for m, st in zip(combo, stats))
            if quartile_targets and medians >= need - 1e-12:
                raise AssertionError(f"{r.key}: {combo} at the median would do")
        checked += 1
    assert checked > 50


def test_deficit_path_says_what_ending_the_deficit_changes(results):
    peers = peer_stats(results)
    held = [r for r in results if r.in_deficit and r.segment_unadjusted < r.segment]
    assert held
    path = path_to_better(held[0], peers, results)
    assert not path.improvements and "deficit" in path.note
    assert f"segment {held[0].segment_unadjusted} instead of 3" in path.deficit_note


# --- cut-points -----------------------------------------------------------------------------

def test_user_cut_points_override_a_quarter(tmp_path, edition):
    file = tmp_path / "cuts.yaml"
    file.write_text('"Q1 2025/26": [2.0, 2.3, 2.6]\n"Q4 2025/26": [2.1, 2.4, 2.7]\n')
    cuts = resolve_cutpoints(edition, load_cutpoints(file), str(file))
    assert cuts["Q1 2025/26"].cuts == (2.0, 2.3, 2.6) and str(file) in cuts["Q1 2025/26"].provenance
    assert cuts["Q2 2025/26"].provenance.startswith("bundled default: derived, not published")
    assert cuts["Q4 2025/26"].cuts == (2.1, 2.4, 2.7)


@pytest.mark.parametrize("text, words", [
    ('"Q1 2025/26": [2.0, 2.3]\n', "three numbers"), ('"Q1 2025/26": [2.3, 2.0, 2.6]\n', "ascend"),
    ("[1, 2, 3]\n", "mapping"), ('"Q1": [a, 2, 3\n', "YAML"), ('"Q1 2025/26": [2.0, "x", 2.6]\n', "three numbers")])
def test_bad_cut_points_files(tmp_path, text, words):
    file = tmp_path / "cuts.yaml"
    file.write_text(text)
    with pytest.raises(InputError) as info:
        load_cutpoints(file)
    assert words in str(info.value) and str(file) in str(info.value)


# --- the reader -----------------------------------------------------------------------------

def _rows(*rows: str, header: str = HEADER, bom: bool = False, crlf: bool = False) -> str:
    text = "\n".join((header,) + rows) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if bom else "") + text


def _row(metric: str, value: str, code: str = "RXX", quarter: str = "Q1 2025/26") -> str:
    return (f"{quarter},London,Acute trust,Large,{code},Some NHS Trust,Summary,Summary,{metric},"
            f"desc,{quarter},score,{value},,,,")


BASIC = [_row("OF1005", "2.0"), _row("OF1016", "3.0"), _row("OF1079", "1.0"), _row("OF1081", "2.0"),
         _row("OF5004", "0"), _row("OF1005", "1.5", code="RYY"), _row("OF1016", "1.5", code="RYY")]


def _read(tmp_path, text, edition, name="data.csv"):
    file = tmp_path / name
    file.write_bytes(text.encode("utf-8"))
    return read_published(file, edition)


@pytest.mark.parametrize("bom, crlf", [(True, True), (False, False), (True, False)])
def test_reader_takes_bom_and_line_endings(tmp_path, edition, bom, crlf):
    data = _read(tmp_path, _rows(*BASIC, bom=bom, crlf=crlf), edition)
    assert [t.trust_code for t in data.trusts] == ["RXX", "RYY"] and not data.problems
    assert data.trusts[0].trust_type == "Acute trust"


def test_reader_takes_reporting_date_for_quarter(tmp_path, edition, method):
    header = HEADER.replace("Quarter,", "", 1)
    rows = [r.split(",", 1)[1] for r in BASIC]
    data = _read(tmp_path, _rows(*rows, header=header), edition)
    assert {t.quarter for t in data.trusts} == {"Q1 2025/26"}
    result = method.run(data, resolve_cutpoints(edition))
    assert result[0].average == pytest.approx((2.0 + 3.0 + 1.0) / 3)


def test_reader_names_a_missing_column(tmp_path, edition):
    header = HEADER.replace("Value,", "")
    with pytest.raises(InputError) as info:
        _read(tmp_path, _rows(header=header), edition)
    assert "'Value'" in str(info.value) and "data.csv:1" in str(info.value)


@pytest.mark.parametrize("bad, words", [
    (_row("OF1999", "2.0"), "OF1999 is not in the nof-2025-26 edition"),
    (_row("XX12", "2.0"), "not an Oversight Framework id"),
    (_row("OF1041", "n/a"), "'n/a' is not a number"),
    (_row("OF1041", ""), "no value"),
    (_row("OF1041", "7.5"), "outside 1-4"),
    (_row("OF1005", "2.0"), "repeats line 2: duplicate ignored"),
    ("Q1 2025/26,London,too,few", "fields where the header has 17"),
])
def test_reader_warns_naming_the_line(tmp_path, edition, bad, words):
    data = _read(tmp_path, _rows(*BASIC, bad), edition)
    (problem,) = data.problems
    assert words in str(problem) and str(problem).startswith(f"{tmp_path / 'data.csv'}:{len(BASIC) + 2}:")


def test_reader_refuses_conflicting_duplicates(tmp_path, edition):
    with pytest.raises(InputError) as info:
        _read(tmp_path, _rows(*BASIC, _row("OF1005", "3.5")), edition)
    assert "given twice with different values" in str(info.value) and "line 2" in str(info.value)


def test_reader_warns_of_a_trust_with_no_scores(tmp_path, edition):
    data = _read(tmp_path, _rows(*BASIC, _row("OF5004", "1", code="RZZ")), edition)
    assert [t.trust_code for t in data.trusts] == ["RXX", "RYY"]
    assert any("RZZ (Q1 2025/26) has no metric scores" in str(p) for p in data.problems)


@pytest.mark.parametrize("content, words", [(b"", "empty file"), (b"\xff\xfe\x00bad", "not UTF-8"),
                                            (b"a,b\n1,2\n", "neither NHS England's trust data")])
def test_reader_refuses_what_is_not_a_published_file(tmp_path, edition, content, words):
    file = tmp_path / "x.csv"
    file.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_published(file, edition)
    assert words in str(info.value)


@pytest.mark.parametrize("quarter_column", ["Quarter", "Reporting_date"])
def test_league_table_is_segmented_and_ranked_from_its_published_average(tmp_path, edition, method, results,
                                                                          quarter_column):
    header = (f"{quarter_column},Region,Trust_type,Trust_subtype,Trust_code,Trust_name,Average_score,"
              "Likely_range_of_average_score,Segment,Trust_in_financial_deficit,Rank,Likely_range_of_rank")
    rows = [f"{r.trust.quarter},{r.trust.region},{r.trust.trust_type},{r.trust.trust_subtype},{r.trust.trust_code},"
            f"\"{r.trust.trust_name}\",{r.rank_average},,{r.final_segment},{'Yes' if r.in_deficit else 'No'},{r.rank},"
            for r in results]
    data = _read(tmp_path, _rows(*rows, header=header, bom=True, crlf=True), edition, "league.csv")
    assert data.layout == "league table" and not data.problems
    league = method.run(data, resolve_cutpoints(edition))
    assert [(r.segment, r.final_segment, r.rank) for r in league] == [
        (r.segment, r.final_segment, r.rank) for r in results]
    assert verify.disagreements(verify.agreement(league, edition)) == []


# --- the command ----------------------------------------------------------------------------

def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_json_has_the_documented_keys_and_is_byte_identical():
    first, second = run("nof", DATA, "--format", "json"), run("nof", DATA, "--format", "json")
    assert first.exit_code == 0 and first.stdout == second.stdout
    trusts = json.loads(first.stdout)["trusts"]
    assert len(trusts) == 183
    for key in ("trust_code", "quarter", "trust_type", "average_score", "domain_scores", "segment_unadjusted",
                "segment", "final_segment", "rank"):
        assert key in trusts[0]
    assert "Patient safety" in trusts[0]["domain_scores"]
    one = run("nof", DATA, "--quarter", "Q2 2025/26", "-f", "json")
    assert {t["quarter"] for t in json.loads(one.stdout)["trusts"]} == {"Q2 2025/26"}


def test_text_output_names_the_cut_points_source_and_licence():
    result = run("nof", DATA, "--quarter", "Q1 2025/26")
    assert result.exit_code == 0
    assert "derived, not published" in result.stdout and "not confirmed" in result.stdout


def test_a_quarter_without_cut_points_is_an_error_saying_how_to_give_them(tmp_path):
    text = DATA.read_text(encoding="utf-8-sig").replace("Q3 2025/26", "Q4 2025/26")
    file = tmp_path / "q4.csv"
    file.write_text(text, encoding="utf-8")
    result = run("nof", file, "--quarter", "Q4 2025/26")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "no segment cut-points for Q4 2025/26" in result.stderr and "--cutpoints FILE" in result.stderr
    cuts = tmp_path / "cuts.yaml"
    cuts.write_text('"Q4 2025/26": [2.07, 2.355, 2.72]\n')
    ok = run("nof", file, "--quarter", "Q4 2025/26", "--cutpoints", cuts, "-f", "json")
    assert ok.exit_code == 0 and all(t["cutpoints_source"] == f"given in {cuts}"
                                     for t in json.loads(ok.stdout)["trusts"])


@pytest.mark.parametrize("args, code", [(["missing.csv"], ExitCode.INVALID_INPUT),
                                        ([DATA, "--quarter", "Q9"], ExitCode.INVALID_INPUT),
                                        ([DATA, "--format", "xml"], ExitCode.USAGE)])
def test_command_errors_have_exit_codes(args, code):
    result = run("nof", *args)
    assert result.exit_code == code and result.stderr


def test_batch_of_fixtures_reads_only_the_stp_submissions():
    from assess.batch.run import discover

    assert all(p.suffix in (".yaml", ".yml", ".json", ".xlsx") for p in discover(FIXTURES))
    assert all(p.parent == FIXTURES for p in discover(FIXTURES))


# --- reports ----------------------------------------------------------------------------------

def test_out_writes_reports_workbook_and_dashboard_the_same_every_time(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = run("nof", DATA, "--quarter", "Q2 2025/26", "--out", out)
        assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert Path("q2-2025-26/index.html") in files and Path("q2-2025-26/league.xlsx") in files
    assert len([f for f in files if f.parts[1:2] == ("trusts",)]) == 61
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    index = (first / "index.html").read_text()
    assert "not confirmed" in index and "61/61" in index
    page = (first / "q2-2025-26" / "trusts" / "RAT.html").read_text()
    assert "Change since Q1 2025/26" in page and "q1-2025-26/trusts" not in page  # not written: no link
    dashboard = (first / "q2-2025-26" / "index.html").read_text()
    assert 'href="trusts/RAT.html"' in dashboard and "derived, not published" in dashboard


def test_trust_report_explains_segment_path_and_change(tmp_path):
    out = tmp_path / "out"
    assert run("nof", DATA, "--out", out).exit_code == 0
    held = (out / "q2-2025-26" / "trusts" / "RAT.html").read_text()  # in deficit, held in segment 3
    assert "places it in <strong>segment 2</strong>" in held and "placed in segment 3 instead of 2" in held
    assert "Without the deficit it would be in segment 2 instead of 3 (rank 16 instead of 29)" in held
    assert "Change since Q1 2025/26" in held and "not confirmed" in held
    lifted = (out / "q2-2025-26" / "trusts" / "R1A.html").read_text()
    assert "Path to a better segment" in lifted and "OF1005" in lifted and "peer median" in lifted
    assert "Change since" not in (out / "q1-2025-26" / "trusts" / "R1A.html").read_text()


def test_league_workbook_has_typed_cells_frozen_header_and_filters(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    assert run("nof", DATA, "--quarter", "Q1 2025/26", "--out", out).exit_code == 0
    wb = load_workbook(out / "q1-2025-26" / "league.xlsx")
    ws = wb["League"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Rank", "Trust code", "Trust name"] and ws.freeze_panes == "D2"
    assert ws.auto_filter.ref and ws.max_row == 62
    row = {h: c.value for h, c in zip(header, ws[2])}
    assert row["Rank"] == 1 and isinstance(row["Average score"], float)
    assert isinstance(row["In financial deficit"], bool) and isinstance(row["Final segment"], int)
    assert "not confirmed" in " ".join(str(c.value) for c in wb["About"]["B"])


def test_published_text_is_escaped_in_reports(tmp_path):
    text = DATA.read_text(encoding="utf-8-sig").replace("West London NHS Trust", "<script>x</script> Trust")
    file = tmp_path / "hostile.csv"
    file.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert run("nof", file, "--quarter", "Q1 2025/26", "--out", out).exit_code == 0
    page = (out / "q1-2025-26" / "trusts" / "RKL.html").read_text()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_the_mean_is_the_stp_models_weighted_credit_with_equal_weights(results, edition):
    """Two uses of one model: graded scores as 0-1 credits, aggregated as the STP scorer does."""
    from assess.engine.graded import GradedScale

    scale = GradedScale(edition.data.scale.best, edition.data.scale.worst)
    assert scale.lower_is_better and scale.credit(1.0) == 1.0 and scale.credit(4.0) == 0.0
    for r in results:
        weights = {m: 1.0 for m in r.scores}
        credit = sum(weights[m] * scale.credit(s) for m, s in r.scores.items()) / sum(weights.values())
        assert scale.score(credit) == pytest.approx(r.average, abs=1e-9)


def test_readme_worked_example_and_agreement_table_are_real_output(results, edition):
    readme = (ROOT / "README.md").read_text()
    line = next(x for x in readme.splitlines() if x.startswith('{"target_segment"'))
    shown = json.loads(line)
    q3 = run("nof", DATA, "--quarter", "Q3 2025/26", "--format", "json")
    (rgd,) = [t for t in json.loads(q3.stdout)["trusts"] if t["trust_code"] == "RGD"]
    assert rgd["path_to_better_segment"] == shown
    table = verify.agreement(results, edition)
    for step in verify.STEPS:
        cells = " | ".join(str(table[q][step]) for q in table).replace(" | -", " | –")
        assert cells in readme, step


def test_an_empty_quarter_cell_is_a_problem_not_a_guess(tmp_path, edition):
    data = _read(tmp_path, _rows(*BASIC, "," + _row("OF1041", "2.0").split(",", 1)[1]), edition)
    (problem,) = data.problems
    assert "no quarter or no trust code" in str(problem)


def test_reporting_date_without_a_quarter_is_refused(tmp_path, edition):
    header = HEADER.replace("Quarter,", "", 1)
    rows = [r.split(",", 1)[1].replace("Q1 2025/26", "Jun-25") for r in BASIC]
    with pytest.raises(InputError) as info:
        _read(tmp_path, _rows(*rows, header=header), edition)
    assert "the quarter cannot be told" in str(info.value)


def test_a_scored_metric_the_edition_lacks_counts_in_its_files_domain(tmp_path, edition, method):
    extra = _row("OF1999", "4.0").replace("Summary,Summary", "Access to services,Elective care")
    data = _read(tmp_path, _rows(*BASIC, extra), edition)
    (result, _) = method.run(data, resolve_cutpoints(edition))
    assert result.scores["OF1999"] == 4.0 and result.domain_scores["access"] == pytest.approx(3.0)
    assert result.average == pytest.approx((2.0 + 3.0 + 1.0 + 4.0) / 4)


def test_an_output_folder_that_cannot_be_written_is_named(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("nof", DATA, "--quarter", "Q1 2025/26", "--out", blocker / "out")
    assert result.exit_code == ExitCode.OUTPUT
    assert "cannot write the reports" in result.stderr and str(blocker) in result.stderr

"""Each edition's readiness verdict, named for its period: none in 2016, ACS candidacy in 2017, ICS
readiness from the maturity matrix in 2019-21. Met and not-met cases through the real engine."""
from __future__ import annotations

import json

import pytest
from casekit import FIXTURES, catalogue
from click.testing import CliRunner

from assess import assess, load_submission
from assess.cli import main

ALL_FIXTURES = sorted([*FIXTURES.glob("*.yaml"), *FIXTURES.glob("previous/*.yaml")])


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=[f.stem for f in ALL_FIXTURES])
def test_no_fixture_gets_an_ics_verdict_in_the_2016_edition(fixture):
    runner = CliRunner()
    data = json.loads(runner.invoke(main, ["score", str(fixture), "--edition", "2016-plan", "-f", "json"]).output)
    assert data["ics_readiness"] == "not_applicable"
    assert data["readiness"]["verdict"] is None and data["readiness"]["label"] == "Not assessed in this period"
    assert {s["projected_readiness"] for s in data["path_to_ics"]} <= {"not_applicable"}
    for fmt in ("text", "markdown", "html"):
        out = runner.invoke(main, ["score", str(fixture), "--edition", "2016-plan", "-f", fmt]).output
        assert "Not assessed in this period" in out, fmt
        for verdict in ("Ready to become an ICS", "ICS readiness", "Aspirant", "Not yet ready", "candidate"):
            assert verdict not in out, (fmt, verdict)


def _assess(name, edition, **patch):
    sub = load_submission(FIXTURES / name)
    if patch:
        sub = sub.model_copy(update=patch)
    return assess(sub, catalogue(), edition=edition)


def test_2017_acs_candidacy_met():
    a = _assess("dorset-thriving.yaml", "2017-partnership")
    assert a.ics_readiness == "ready" and a.unmet_blocking == []
    assert a.to_dict()["readiness"]["verdict"] == "ACS candidacy (Next Steps, March 2017)"
    assert a.to_dict()["readiness"]["label"] == "A candidate to become an accountable care system"


def test_2017_acs_candidacy_not_met_without_a_leader():
    a = _assess("lincs-no-leader.yaml", "2017-partnership")
    assert a.unmet_blocking == ["GOV-01"] and a.ics_readiness == "aspirant"


def test_2017_acs_candidacy_needs_the_rating_as_well_as_every_capability():
    """Every blocking capability met, but the rating below Advanced: not a candidate."""
    from assess.engine.results import CriterionResult, Status
    from assess.engine.scoring import Scorer
    cat = catalogue()
    rules = cat.rules_for("2017-partnership")
    criteria = {r.id: CriterionResult(r, Status.MET, 1.0) if r.severity == "blocking" or r.domain != "care"
                else CriterionResult(r, Status.NOT_MET, 0.0) for r in rules}
    v = Scorer(cat, "2017-partnership").score(criteria)
    assert v.unmet_blocking == [] and v.rating == "Making progress"  # CAP-MIN-CONTENTS holds it there
    assert v.ics_readiness == "aspirant"
    all_met = Scorer(cat, "2017-partnership").score({r.id: CriterionResult(r, Status.MET, 1.0) for r in rules})
    assert all_met.ics_readiness == "ready"


def test_2019_ics_readiness_met():
    a = _assess("frimley-ics-ready.yaml", "2019-ics")
    assert a.ics_readiness == "ready" and a.unmet_blocking == []
    assert a.to_dict()["readiness"]["verdict"] == "ICS readiness (maturity matrix, 2019-21)"


def test_2019_ics_readiness_reads_the_matrix_dimensions_not_only_the_gates():
    """No delivered change: every blocking criterion still met, but the track-record dimension
    (early tangible progress) is Emerging, so the system is not ready and not even aspirant."""
    a = _assess("frimley-ics-ready.yaml", "2019-ics", evidence=[])
    assert a.unmet_blocking == []
    progress = next(d for d in a.domains if d.domain == "progress")
    assert progress.stage == "Emerging"
    assert a.ics_readiness == "not_yet"


def test_2019_ics_readiness_not_met_without_a_balanced_system_plan():
    sub = load_submission(FIXTURES / "frimley-ics-ready.yaml")
    finance = sub.finance.model_copy(update={"planned_position_2023_24_gbp_m": -12.0})
    a = assess(sub.model_copy(update={"finance": finance}), catalogue(), edition="2019-ics")
    assert a.unmet_blocking == ["FIN-05"] and a.ics_readiness != "ready"


def test_every_readiness_verdict_cites_its_source_and_names_its_period():
    cat = catalogue()
    labels = {}
    for edition in cat.meta.editions:
        r = edition.readiness
        if r is None:
            assert "Not assessed in this period" in (edition.no_readiness or "")
            continue
        assert r.source.id in cat.meta.sources and r.basis.note
        labels[edition.id] = r.label
    assert labels == {"2017-partnership": "ACS candidacy (Next Steps, March 2017)",
                      "2019-ics": "ICS readiness (maturity matrix, 2019-21)"}


@pytest.mark.parametrize("fmt,marker", [
    ("text", "Stage           Maturing (score alone: Thriving; held to the capped rating)"),
    ("markdown", "Maturing (held to the capped rating; the score alone gives Thriving)"),
    ("html", "held to the capped rating; the score alone gives Thriving")])
def test_a_capped_rating_holds_the_stage_and_every_report_says_why(fmt, marker):
    out = CliRunner().invoke(main, ["score", str(FIXTURES / "lincs-no-leader.yaml"), "-f", fmt]).output
    assert marker in out
    assert "assumption" in out.lower()  # the cap is labelled as the catalogue's own


def test_the_2016_must_dos_are_major_criteria_with_their_published_thresholds():
    cat = catalogue()
    expected = {"DASH-01": ("performance.ae_4h_pct", 95), "DASH-02": ("performance.ambulance_cat_a_8min_pct", 75),
                "DASH-03": ("performance.rtt_18w_pct", 92), "DASH-04": ("performance.cancer_62d_pct", 85),
                "DASH-05": ("performance.eip_2w_pct", 50)}
    for rule_id, (path, threshold) in expected.items():
        rule = cat.rules[rule_id]
        assert "2016-plan" in rule.editions and rule.severity == "major"
        assert (rule.when.label, rule.when.expected) == (path, threshold)
    assert cat.rules["DASH-04"].assumption  # the 85% is not in the retrieved sources


def test_the_seven_day_trajectory_is_not_held_against_2016_plans():
    cat = catalogue()
    assert "2016-plan" not in cat.rules["SDS-01"].editions
    a = _assess("hcv-seven-day-behind.yaml", "2016-plan")
    assert "SDS-01" not in a.criteria and "CAP-SEVEN-DAY" not in {c.cap_id for c in a.caps_applied}


@pytest.mark.parametrize("population,rating,candidacy", [(327_000, "Outstanding", "ready"),
                                                         (120_000, "Advanced", "aspirant")])
def test_footprint_scale_in_2016_and_2017(population, rating, candidacy):
    """A strong plan from a footprint far below the scale of any agreed footprint is neither
    Outstanding (2016) nor an ACS candidate (2017); at the scale of the smallest agreed, it is both."""
    sub = load_submission(FIXTURES / "dorset-thriving.yaml")
    sub = sub.model_copy(update={"footprint": sub.footprint.model_copy(update={"population": population})})
    plan = assess(sub, catalogue(), edition="2016-plan")
    assert plan.rating == rating and plan.ics_readiness == "not_applicable"
    assert assess(sub, catalogue(), edition="2017-partnership").ics_readiness == candidacy


def test_dashboard_counts_readiness_in_each_editions_words():
    # Dorset (2017) and Frimley (2019) are both "ready", but one is an ACS candidate and the other
    # ready to become an ICS: the dashboard must not add them up under one ICS label.
    from assess.render.dashboard import league, readiness_check

    entries = []
    for name in ("dorset-thriving", "frimley-ics-ready", "northamptonshire-emerging"):
        a = assess(load_submission(FIXTURES / f"{name}.yaml"), catalogue()).to_dict()
        entries.append({"assessment": a, "file": name, "stem": name})
    rows = {(r["level"], r["label"]): r["footprints"] for r in readiness_check(entries)}
    assert rows[("ready", "A candidate to become an accountable care system")] == 1
    assert rows[("ready", "Ready to become an ICS")] == 1
    assert rows[("not_applicable", "Not assessed in this period")] == 1
    labels = {r["code"]: r["readiness_label"] for r in league(entries, [], [], [])}
    assert labels["DORSET"].startswith("A candidate") and labels["FRIMLEY"] == "Ready to become an ICS"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_path_steps_project_readiness_in_the_editions_words(fmt):
    # LINCS (2017) becomes an ACS candidate once its leader is named: the path must say so, never
    # "Ready to become an ICS", a status that did not exist in 2017.
    out = CliRunner().invoke(main, ["score", str(FIXTURES / "lincs-no-leader.yaml"), "--format", fmt]).output
    path = out[out.index("Path to"):]
    assert "A candidate to become an accountable care system" in path
    assert "Ready to become an ICS" not in path and "ICS readiness" not in path

"""Scoring thresholds, caps, readiness and the path to ICS, checked by hand on a small catalogue."""
from __future__ import annotations

from pathlib import Path

import pytest
from casekit import build

from assess import assess, load_catalogue
from assess.engine.results import CriterionResult, Status
from assess.engine.scoring import Scorer

CATALOGUE = load_catalogue(Path(__file__).parent / "scoring_catalogue")
SCORER = Scorer(CATALOGUE, "2016-plan")
MET, NOT_MET, NA = Status.MET, Status.NOT_MET, Status.NOT_APPLICABLE


def verdict(**statuses):
    criteria = {}
    for rule_id, rule in CATALOGUE.rules.items():
        status = statuses.get(rule_id.replace("-", "_"), MET)
        credit = None if status is NA else (1.0 if status is MET else 0.0)
        criteria[rule_id] = CriterionResult(rule, status, credit)
    return SCORER.score(criteria)


def test_all_met():
    v = verdict()
    assert (v.score, v.rating, v.stage, v.ics_readiness, v.path_to_ics) == (
        100.0, "Outstanding", "Thriving", "ready", [])


def test_domain_scores_are_weighted_and_overall_weights_domains():
    v = verdict(PREV_02=NOT_MET)  # prevention 1 of 4 -> 25; finance 100; overall (25*1 + 100*3) / 4
    assert [d.score for d in v.domains] == [25.0, 100.0]
    assert [d.stage for d in v.domains] == ["Emerging", "Thriving"]
    assert v.score == 81.2 and v.rating == "Advanced"


def test_band_edges_are_inclusive():
    v = verdict(FIN_02=NOT_MET)  # finance 50 -> Developing; overall exactly 62.5 -> Advanced
    assert v.domains[1].score == 50.0 and v.domains[1].stage == "Developing"
    assert v.score == 62.5 and v.rating == "Advanced" and v.ics_readiness == "ready"


def test_not_applicable_leaves_the_denominator():
    v = verdict(PREV_02=NA)
    assert v.domains[0].score == 100.0 and v.domains[0].not_applicable == 1 and v.score == 100.0


def test_cap_limits_rating_and_blocking_unmet_makes_aspirant():
    v = verdict(FIN_01=NOT_MET)  # finance 50 -> score 62.5 -> Advanced, capped to Making progress
    assert v.score_rating == "Advanced" and v.rating == "Making progress"
    assert [c.cap_id for c in v.caps_applied] == ["CAP-FIN"]
    assert v.unmet_blocking == ["FIN-01"] and v.ics_readiness == "aspirant"


def test_not_yet_when_too_many_blocking_unmet():
    v = verdict(FIN_01=NOT_MET, PREV_01=NOT_MET)
    assert v.ics_readiness == "not_yet"


def test_path_takes_blocking_first_then_largest_gain_and_stops_when_ready():
    v = verdict(PREV_01=NOT_MET, PREV_02=NOT_MET, FIN_01=NOT_MET, FIN_02=NOT_MET)
    assert v.score == 0.0 and v.ics_readiness == "not_yet"
    steps = [(s.rule_id, s.gain, s.projected_score, s.projected_rating, s.projected_readiness) for s in v.path_to_ics]
    assert steps == [
        ("FIN-01", 37.5, 37.5, "Needs most improvement", "not_yet"),
        ("PREV-01", 6.2, 43.8, "Needs most improvement", "not_yet"),
        ("FIN-02", 37.5, 81.2, "Advanced", "ready"),
    ]


def test_path_prefers_the_rule_that_lifts_a_binding_cap():
    from dataclasses import replace

    from assess.catalogue.model import Basis, Cap
    scoring = CATALOGUE.scoring.model_copy(update={"caps": [
        Cap(id="CAP-PREV", title="t", rules=["PREV-02"], max_rating="Making progress",
            basis=Basis(assumption=True, note="a cap for the test to bind"))]})
    catalogue = replace(CATALOGUE, meta=CATALOGUE.meta.model_copy(update={"scoring": scoring}), _compiled={})
    scorer = Scorer(catalogue, "2016-plan")
    criteria = {rid: CriterionResult(rule, NOT_MET if rid in ("PREV-02", "FIN-02") else MET,
                                     0.0 if rid in ("PREV-02", "FIN-02") else 1.0)
                for rid, rule in catalogue.rules.items()}
    v = scorer.score(criteria)
    # FIN-02 adds more score (37.5 against 18.75), but the cap would still hold the rating down:
    # closing PREV-02 first reaches readiness in one step.
    assert [(s.rule_id, s.projected_rating, s.projected_readiness) for s in v.path_to_ics] == [
        ("PREV-02", "Advanced", "ready")]


def test_engine_to_verdict_end_to_end():
    met = build({"prevention": {"obesity_actions": 1, "diabetes_actions": 0},
                 "finance": {"planned_position_2020_21_gbp_m": -1, "annual_efficiency_pct": 3}})
    a = assess(met, CATALOGUE)
    assert {k: c.status for k, c in a.criteria.items()} == {
        "FIN-01": NOT_MET, "FIN-02": MET, "PREV-01": MET, "PREV-02": NOT_MET}
    assert a.rating == "Needs most improvement" and a.score == 43.8


@pytest.mark.parametrize("score,expected", [(0, "Needs most improvement"), (49.9, "Needs most improvement"),
                                            (50, "Making progress"), (62.4, "Making progress"), (62.5, "Advanced"),
                                            (84.9, "Advanced"), (85, "Outstanding"), (100, "Outstanding")])
def test_rating_bands(score, expected):
    from assess.engine.scoring import band
    assert band(CATALOGUE.scoring.ratings, score) == expected


def _scorer_with(edition: str = "2016-plan", caps=None, readiness_update=None) -> Scorer:
    """The test catalogue with other caps or another readiness verdict for the first edition."""
    from dataclasses import replace
    meta = CATALOGUE.meta
    if caps is not None:
        meta = meta.model_copy(update={"scoring": meta.scoring.model_copy(update={"caps": caps})})
    if readiness_update is not None:
        first = meta.editions[0]
        edited = first.model_copy(update={"readiness": first.readiness.model_copy(update=readiness_update)})
        meta = meta.model_copy(update={"editions": [edited, *meta.editions[1:]]})
    return Scorer(replace(CATALOGUE, meta=meta, _compiled={}), edition)


def _criteria(**statuses):
    return {rid: CriterionResult(rule, statuses.get(rid.replace("-", "_"), MET),
                                 0.0 if statuses.get(rid.replace("-", "_"), MET) is NOT_MET else 1.0)
            for rid, rule in CATALOGUE.rules.items()}


def test_an_edition_without_a_verdict_says_not_applicable_and_paths_to_the_top_rating():
    scorer = Scorer(CATALOGUE, "2017-partnership")
    v = scorer.score(_criteria(FIN_01=NOT_MET, PREV_02=NOT_MET))
    assert v.ics_readiness == "not_applicable"
    assert v.path_to_ics and v.path_to_ics[-1].projected_rating == "Outstanding"
    assert {s.projected_readiness for s in v.path_to_ics} == {"not_applicable"}
    assert scorer.score(_criteria()).path_to_ics == []


def test_the_stage_never_reads_higher_than_the_capped_rating():
    v = verdict(PREV_01=NOT_MET)  # (75 + 3 * 100) / 4 = 93.8: Thriving and Outstanding, no cap
    assert (v.score, v.score_stage, v.stage, v.rating) == (93.8, "Thriving", "Thriving", "Outstanding")
    capped = _scorer_with(caps=[_cap("CAP-P", ["PREV-01"], "Making progress")]).score(_criteria(PREV_01=NOT_MET))
    assert capped.rating == "Making progress" and capped.score_stage == "Thriving"
    assert capped.stage == "Maturing"  # the top of Making progress (below 62.5) is Maturing


def _cap(cap_id, rules, max_rating, groups=None, min_unmet=1):
    from assess.catalogue.model import Basis, Cap
    return Cap(id=cap_id, title="t", rules=rules, groups=groups or {}, max_rating=max_rating, min_unmet=min_unmet,
               basis=Basis(assumption=True, note="a cap for the test to bind"))


def test_a_group_counts_once_however_many_of_its_rules_are_unmet():
    cap = _cap("CAP-G", [], "Making progress", groups={"P": ["PREV-01", "PREV-02"], "F": ["FIN-02"]}, min_unmet=2)
    scorer = _scorer_with(caps=[cap])
    assert scorer.score(_criteria(PREV_01=NOT_MET, PREV_02=NOT_MET)).caps_applied == []
    bound = scorer.score(_criteria(PREV_01=NOT_MET, FIN_02=NOT_MET)).caps_applied
    assert [(c.cap_id, c.unmet) for c in bound] == [("CAP-G", ("FIN-02", "PREV-01"))]


def test_readiness_dimensions_must_each_reach_the_stage():
    scorer = _scorer_with(readiness_update={"dimensions": ["prevention"], "min_stage": "Maturing",
                                            "aspirant_min_stage": "Developing", "min_rating": None})
    assert scorer.score(_criteria()).ics_readiness == "ready"
    # PREV-02 (weight 3 of 4) unmet: prevention scores 25, Emerging; rating stays high enough
    v = scorer.score(_criteria(PREV_02=NOT_MET))
    assert v.unmet_blocking == [] and v.ics_readiness == "not_yet"
    assert v.path_to_ics[-1].rule_id == "PREV-02" and v.path_to_ics[-1].projected_readiness == "ready"

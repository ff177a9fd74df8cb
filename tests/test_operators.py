"""Every operator of the grammar, met and not met, plain and negated, through the real engine."""
from __future__ import annotations

import pytest
from casekit import build

from assess.catalogue.conditions import OPERATORS, Needs, Parser, explain, holds, nnf
from assess.engine.durable import Matcher
from assess.engine.projection import _plain

# operator -> (condition, a submission patch that meets it, one that does not)
CASES = {
    "eq": ({"path": "prevention.cross_partner_plan", "op": "eq", "value": True},
           {"prevention": {"cross_partner_plan": True}}, {"prevention": {"cross_partner_plan": False}}),
    "ne": ({"path": "leadership.leader_sector", "op": "ne", "value": "other"},
           {"leadership": {"leader_sector": "nhs"}}, {"leadership": {"leader_sector": "other"}}),
    "lt": ({"path": "performance.dtoc_days_per_100k", "op": "lt", "value": 10},
           {"performance": {"dtoc_days_per_100k": 9.9}}, {"performance": {"dtoc_days_per_100k": 10}}),
    "lte": ({"path": "plan.period_start", "op": "lte", "value": "2016-10-31"},
            {"plan": {"period_start": "2016-10-31"}}, {"plan": {"period_start": "2016-11-01"}}),
    "gt": ({"path": "finance.planned_position_2020_21_gbp_m", "op": "gt", "value": 0},
           {"finance": {"planned_position_2020_21_gbp_m": 0.1}}, {"finance": {"planned_position_2020_21_gbp_m": 0}}),
    "gte": ({"path": "performance.ae_4h_pct", "op": "gte", "value": 95},
            {"performance": {"ae_4h_pct": 95}}, {"performance": {"ae_4h_pct": 94.9}}),
    "between": ({"path": "performance.rtt_18w_pct", "op": "between", "value": [92, 99]},
                {"performance": {"rtt_18w_pct": 92}}, {"performance": {"rtt_18w_pct": 99.5}}),
    "in": ({"path": "integration.payment_model", "op": "in", "value": ["blended", "capitated"]},
           {"integration": {"payment_model": "capitated"}}, {"integration": {"payment_model": "activity"}}),
    "contains": ({"path": "plan.footprint_factors", "op": "contains", "value": "patient_flows"},
                 {"plan": {"footprint_factors": ["scale", "patient_flows"]}},
                 {"plan": {"footprint_factors": ["scale"]}}),
    "exists": ({"path": "leadership.leader_name", "op": "exists"},
               {"leadership": {"leader_name": "A Leader"}}, {}),
}
COUNT = ({"count": "evidence", "where": {"all": [{"path": "status", "op": "eq", "value": "delivered"},
                                                 {"path": "started_on", "op": "lte",
                                                  "value_from": "footprint.submitted_on"}]},
          "op": "gte", "value": 2},
         {"evidence": [{"ref": f"E{i}", "area": "care", "title": "t", "status": "delivered",
                        "started_on": "2016-01-01"} for i in range(2)]},
         {"evidence": [{"ref": "E1", "area": "care", "title": "t", "status": "delivered", "started_on": "2016-01-01"},
                       {"ref": "E2", "area": "care", "title": "t", "status": "delivered", "started_on": "2017-01-01"}]})
VALUE_FROM = ({"path": "quality.services_with_joint_improvement_plan", "op": "gte",
               "value_from": "quality.services_inadequate_or_special_measures"},
              {"quality": {"services_with_joint_improvement_plan": 2, "services_inadequate_or_special_measures": 2}},
              {"quality": {"services_with_joint_improvement_plan": 1, "services_inadequate_or_special_measures": 2}})


def test_every_operator_has_cases():
    assert set(CASES) == set(OPERATORS)


def _verdicts(raw, patch):
    """(engine, walk) verdicts for the condition and for its negation on one submission."""
    needs = Needs()
    node = Parser(needs).parse(raw)
    sub = build(patch)
    fact = {}
    for path, key in needs.fields.items():
        obj = sub
        for part in path.split("."):
            obj = getattr(obj, part)
        if _plain(obj) is not None:
            fact[key] = _plain(obj)
    for (list_path, _), (key, where) in needs.counts.items():
        refs = {k: fact[k] for k in needs.item_refs.get(list_path, ()) if k in fact}
        rows = [{**refs, **{f: _plain(getattr(item, f)) for f in needs.item_fields.get(list_path, ())
                             if getattr(item, f) is not None}} for item in getattr(sub, list_path)]
        fact[key] = sum(holds(where, row) for row in rows)
    with Matcher([("pos", nnf(node), 4), ("neg", nnf(node, negated=True), 4)]) as m:
        matched = m.match(fact)
    return ("pos" in matched, "neg" in matched), (holds(node, fact), not holds(node, fact)), node, fact


@pytest.mark.parametrize("name", sorted(CASES) + ["count", "value_from"])
def test_operator_met_and_not_met(name):
    raw, good, bad = CASES.get(name) or {"count": COUNT, "value_from": VALUE_FROM}[name]
    engine, walk, node, fact = _verdicts(raw, good)
    assert engine == walk == (True, False)
    assert explain(node, fact) == []
    engine, walk, node, fact = _verdicts(raw, bad)
    assert engine == walk == (False, True)
    failures = explain(node, fact)
    assert failures and failures[0].text


@pytest.mark.parametrize("name", sorted(CASES))
def test_operator_on_a_missing_value(name):
    raw = CASES[name][0]
    engine, walk, node, fact = _verdicts(raw, {})
    assert engine == walk
    assert engine[0] is False  # nothing given: only `not exists` could hold, and it is a negation


def test_explanation_names_path_value_and_expectation():
    raw, _, bad = CASES["gte"]
    _, _, node, fact = _verdicts(raw, bad)
    (failure,) = explain(node, fact)
    assert (failure.path, failure.op, failure.expected, failure.submitted) == ("performance.ae_4h_pct", "gte", 95, 94.9)
    assert "94.9" in failure.text and "≥ 95" in failure.text


def test_explanation_groups_alternatives():
    raw = {"any": [{"all": [{"path": "prevention.obesity_actions", "op": "gte", "value": 1},
                            {"path": "prevention.diabetes_actions", "op": "gte", "value": 1}]},
                   {"path": "prevention.cross_partner_plan", "op": "eq", "value": True}]}
    _, _, node, fact = _verdicts(raw, {"prevention": {"obesity_actions": 0}})
    failures = explain(node, fact)
    assert {f.one_of for f in failures} == {1}
    assert sorted({f.option for f in failures}) == [1, 2]

"""Every rule's pass and fail cases, run through the real engine; completeness is enforced."""
from __future__ import annotations

import pytest
from casekit import build, catalogue, engine_vs_walk, load_cases

from assess import assess
from assess.engine.assessor import compile_edition

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.test_id for c in CASES])
def test_rule_case(case):
    cat = catalogue()
    assert case.rule_id in cat.rules, f"{case.file}: case for unknown rule {case.rule_id}"
    rule = cat.rules[case.rule_id]
    edition = case.edition or rule.editions[0]
    assert edition in rule.editions, f"{case.test_id}: rule is not in edition {edition}"
    result = assess(build(case.patch), cat, edition=edition).criteria[case.rule_id]
    paths = [f.path for f in result.failures]
    assert result.status.value == case.status, f"{case.test_id}: got {result.status.value}; failures {paths}"
    for path in case.failing:
        assert any(path in p for p in paths), f"{case.test_id}: expected {path} among failing clauses {paths}"


@pytest.mark.parametrize("case", CASES, ids=[c.test_id for c in CASES])
def test_engine_agrees_with_walk_on_case(case):
    cat = catalogue()
    for edition in {e.id for e in cat.meta.editions}:
        assert engine_vs_walk(compile_edition(cat, edition), build(case.patch)) == []


def test_every_rule_has_a_met_and_a_not_met_case():
    have = {(c.rule_id, c.status) for c in CASES}
    missing = [f"{rid} lacks a {status} case" for rid in catalogue().rules
               for status in ("met", "not_met") if (rid, status) not in have]
    assert not missing, "\n".join(missing)

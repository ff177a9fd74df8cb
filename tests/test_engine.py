"""The engine: agreement with the Python walk, errors surfacing, many submissions with flat memory."""
from __future__ import annotations

import gc
import random

import pytest
from casekit import FIXTURES, catalogue, engine_vs_walk
from randomsub import operands, random_submission

import assess.engine.durable as engine
from assess import EngineError, assess
from assess.engine.assessor import compile_edition
from assess.engine.durable import Matcher

EDITIONS = ("2016-plan", "2017-partnership", "2019-ics")


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096 / 2**20


@pytest.mark.parametrize("edition", EDITIONS)
def test_engine_agrees_with_walk_on_fixtures(edition):
    from assess import load_submission
    for path in sorted(FIXTURES.glob("*.yaml")):
        assert engine_vs_walk(compile_edition(catalogue(), edition), load_submission(path)) == [], path.name


def test_engine_agrees_with_walk_on_thousands_of_random_submissions():
    cat = catalogue()
    rng, near = random.Random(20161021), operands(cat)
    compiled = [compile_edition(cat, e) for e in EDITIONS]
    outcomes = {e: {True: 0, False: 0} for e in EDITIONS}
    disagreements = []
    for _ in range(1000):
        sub = random_submission(cat, rng, near)
        for c in compiled:
            disagreements += engine_vs_walk(c, sub)
            outcomes[c.edition][True] += len(c.matcher.match(c.projector.project(sub)) & {r.id for r in c.rules})
            outcomes[c.edition][False] += len(c.rules)
    assert disagreements == []
    for edition, seen in outcomes.items():  # the draws really exercise both outcomes
        assert 0 < seen[True] < seen[False], (edition, seen)


def test_absence_is_matched_correctly_beside_other_rules():
    # durable_rules' own $nex misfires once a ruleset holds another rule; the matcher must not.
    nnf_absent = ("nex", "a", None, None)
    with Matcher([("absent", nnf_absent, 1), ("big", ("gte", "a", 3, None), 1)]) as m:
        assert m.match({"a": 10}) == {"big"}
        assert m.match({}) == {"absent"}
        assert m.match({"b": 1}) == {"absent"}


def test_or_branches_fire_once_in_the_result():
    form = ("or", [("gte", "a", 1, None), ("gte", "b", 1, None)])
    with Matcher([("either", form, 2)]) as m:
        assert m.match({"a": 5, "b": 5}) == {"either"}
        assert m.match({"a": 0, "b": 0}) == set()


def test_engine_failure_is_an_error_not_a_score(monkeypatch):
    # Lift the packing limits so one ruleset holds 70 rules that all match: durable_rules' C stack
    # (64) overflows and assert_fact fails. That must surface as EngineError.
    monkeypatch.setattr(engine, "MAX_FIRINGS_PER_RULESET", 1000)
    monkeypatch.setattr(engine, "MAX_RULES_PER_RULESET", 1000)
    with Matcher([(f"r{i}", ("gte", "a", -i, None), 1) for i in range(70)]) as m:
        with pytest.raises(EngineError, match="durable_rules"):
            m.match({"a": 1})


def test_engine_refusing_a_fact_is_an_error(monkeypatch):
    compiled = compile_edition(catalogue(), "2016-plan")
    from assess import load_submission
    sub = load_submission(FIXTURES / "dorset-thriving.yaml")
    monkeypatch.setattr(engine._durable, "assert_fact", lambda handle, payload: (2, 0))
    with pytest.raises(EngineError, match="code 2"):
        assess(sub, compiled.catalogue, edition="2016-plan")


def test_thousands_of_mixed_submissions_in_one_process_with_flat_memory(monkeypatch):
    codes = {0: 0, 1: 0}
    real_assert = engine._durable.assert_fact

    def counting_assert(handle, payload):
        result = real_assert(handle, payload)
        codes[result[0]] = codes.get(result[0], 0) + 1
        return result

    monkeypatch.setattr(engine._durable, "assert_fact", counting_assert)
    cat = catalogue()
    rng, near = random.Random(7), operands(cat)
    pool = [random_submission(cat, rng, near) for _ in range(300)]
    pool += [random_submission(cat, rng, near).model_copy(update={"organisations": [], "evidence": []})
             for _ in range(50)]  # submissions that match nothing in some rulesets
    scores = set()

    def run(count):
        for i in range(count):
            sub = pool[i % len(pool)]
            a = assess(sub, cat, edition=EDITIONS[i % 3])
            scores.add(a.score)

    run(1000)  # warm up: compile every edition, fill caches
    gc.collect()
    before = _rss_mb()
    run(5000)
    gc.collect()
    growth = _rss_mb() - before
    assert len(scores) >= 20  # the pool is varied, not one answer repeated
    assert codes[1] > 0, "no submission matched nothing in a ruleset: the hazardous path went untested"
    assert growth < 8, f"resident memory grew {growth:.1f} MB over 5,000 assessments"

"""The compiled projection gives exactly the fact the tree walk gives (conditions.holds per item)."""
from __future__ import annotations

import pytest
from casekit import build, catalogue, mixed_submissions

from assess.engine.assessor import compile_edition

SUBMISSIONS = mixed_submissions(150, seed=11)


@pytest.mark.parametrize("edition", ["2016-plan", "2017-partnership", "2019-ics"])
def test_compiled_projection_equals_the_tree_walk(edition):
    cat = catalogue()
    if edition not in {e.id for e in cat.meta.editions}:
        pytest.skip(f"no edition {edition}")
    projector = compile_edition(cat, edition).projector
    for sub in SUBMISSIONS:
        assert projector.project(sub) == projector.reference_project(sub), sub.footprint.code


def test_empty_lists_count_zero_and_are_not_given():
    cat = catalogue()
    projector = compile_edition(cat, cat.meta.editions[0].id).projector
    sub = build({})
    fact = projector.project(sub)
    assert fact == projector.reference_project(sub)
    for (list_path, _), (key, _) in cat.needs.counts.items():
        if not getattr(sub, list_path):
            assert fact[key] == 0

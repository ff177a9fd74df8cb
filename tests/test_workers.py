"""The worker pool: results in order, a dead worker costs only its task, wherever it falls."""
from __future__ import annotations

import os

import pytest
from casekit import catalogue

from assess.batch import run as batch_module


def triple_or_die(task: int) -> int:
    if task in (5, 33):
        os._exit(70)
    return task * 3


@pytest.mark.parametrize("jobs", [2, 3])
def test_crashes_early_and_late_in_a_long_run_cost_only_their_tasks(jobs: int) -> None:
    kept: list[int] = []
    runner = batch_module._Runner(jobs, None, catalogue(), progress=False)
    try:
        results = runner.map(triple_or_die, list(range(40)), "test", lambda task: -task,
                             keep=lambda r: (kept.append(r), r)[1])
    finally:
        runner.close()
    assert results == [-t if t in (5, 33) else 3 * t for t in range(40)]
    assert sorted(kept) == sorted(results)  # each result passed through keep() once

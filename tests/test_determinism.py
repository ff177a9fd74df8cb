"""Same input, same bytes: across runs and across processes (hash seeds differ)."""
from __future__ import annotations

import os
import subprocess
import sys

from casekit import FIXTURES

from assess import assess_file, load_catalogue
from assess.render.report import render


def test_json_is_byte_identical_within_a_process():
    cat = load_catalogue()
    for path in sorted(FIXTURES.glob("*.yaml")):
        first = render(assess_file(path, cat), "json")
        second = render(assess_file(path, load_catalogue()), "json")
        assert first == second


def test_json_is_byte_identical_across_processes():
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "assess", "score", str(FIXTURES / "dorset-thriving.yaml"),
                               "-f", "json"], capture_output=True, env=env, check=True)
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] and b'"input_sha256"' in outputs[0]

"""The fixtures' outputs are byte-identical to the committed golden files unless a change is
intended; then regenerate them with `.venv/bin/python tests/golden.py --write` and review the diff."""
from __future__ import annotations

import difflib

import golden


def test_fixture_outputs_match_the_golden_files() -> None:
    now, old = golden.build(), golden.stored()
    assert old, "no golden files: run .venv/bin/python tests/golden.py --write"
    assert sorted(now) == sorted(old)
    for name in sorted(old):
        if now[name] != old[name]:
            diff = difflib.unified_diff(old[name].decode("utf-8", "replace").splitlines(),
                                        now[name].decode("utf-8", "replace").splitlines(), "golden", "now",
                                        lineterm="", n=1)
            raise AssertionError(f"{name} differs from tests/golden/{name} (regenerate with "
                                 f"tests/golden.py --write if intended):\n" + "\n".join(list(diff)[:40]))

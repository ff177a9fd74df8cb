"""The README's notebook example runs, and gives what it says."""
from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_notebook_example_runs(monkeypatch):
    blocks = python_blocks()
    assert blocks, "the README has a python example"
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    frames = namespace["frames"]
    assert list(frames.submissions["code"]) == ["DORSET", "LINCS"]
    assert frames.submissions.set_index("code").loc["LINCS", "overrides"] == 2
    assert len(frames.criteria) == sum(len(a.criteria) for a in (namespace["result"], namespace["moderated"]))
    assert set(namespace["unmet"]["code"]) <= {"DORSET", "LINCS"} and len(namespace["unmet"]) > 0
    assert {c["id"] for c in namespace["change"]["criteria"]["newly_met"]} == {"ENG-05"}
    assert os.getcwd() == str(ROOT)


def test_every_readme_python_block_runs(monkeypatch):
    """Each block, the Oversight Framework's included, runs on a fresh clone as written."""
    monkeypatch.chdir(ROOT)
    blocks = python_blocks()
    assert len(blocks) >= 2
    for block in blocks[1:]:
        namespace: dict[str, object] = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    results = namespace["results"]
    assert len(results) == 61  # type: ignore[arg-type]
    assert sorted(r.rank for r in results)[0] == 1 and {r.segment for r in results} <= {1, 2, 3, 4, 5}  # type: ignore[attr-defined]

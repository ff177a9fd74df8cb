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

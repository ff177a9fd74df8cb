"""The package is laid out by job and stays so: few modules at the top, a docstring per
subpackage saying what it may import, no import circle (the layers themselves are checked by
lint-imports, setup.cfg [importlinter])."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assess"


def test_at_most_eight_modules_at_the_top() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 8, modules


def test_each_subpackage_says_what_it_does_and_may_import() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        if init.parent.name.startswith("_"):
            continue
        doc = init.read_text(encoding="utf-8").split('"""')[1]
        assert len(doc.split()) >= 20, init
        assert "import" in doc.lower(), f"{init}: say what it may import"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), the package root excluded:
    it only names the public API, each name imported on first use."""
    nodes = sorted(m for m in graph.modules if m != "assess")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if w == "assess":
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for v in nodes:
        if v not in index:
            visit(v)
    return found


def test_no_import_circle() -> None:
    graph = grimp.build_graph("assess")
    # a subpackage's __init__ that only hands names on is still a module: a circle through it counts
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "circled"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("from . import a\n")
    (pkg / "c.py").write_text("from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("circled", cache_dir=None)
    graph_cycles = _cycles_of(graph, "circled")
    assert graph_cycles == [["circled.a", "circled.b"]]


def _cycles_of(graph: grimp.ImportGraph, root: str) -> list[list[str]]:
    renamed = grimp.ImportGraph()
    for module in graph.modules:
        renamed.add_module("assess" if module == root else module)
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            renamed.add_import(importer="assess" if module == root else module,
                               imported="assess" if imported == root else imported)
    return _cycles(renamed)


def test_the_layer_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout, proc.stdout

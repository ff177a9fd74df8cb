"""A regular (non-editable) install carries the catalogue and templates and runs from any folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from casekit import FIXTURES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The project built as a wheel once for the module (a regular, non-editable install), from a
    clean copy: pip builds in the source tree, where a stale build/ folder can hide a package that
    setup.cfg forgets to list."""
    source = tmp_path_factory.mktemp("source") / "project"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "*.egg-info", "node_modules", "out", "__pycache__", ".*_cache"))
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
                   check=True, capture_output=True)
    (built,) = dist.glob("stp_assess-*.whl")
    return built


def test_wheel_ships_rules_and_templates_and_scores_from_elsewhere(tmp_path, wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "assess/_rules/catalogue.yaml" in names
    assert any(n.startswith("assess/_reports/") and n.endswith(".j2") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import assess, sys; assert assess.__file__.startswith(sys.argv[1]), assess.__file__; "
            "from assess.cli import main; main(sys.argv[2:])")
    proc = subprocess.run([sys.executable, "-c", code, str(site), "score", str(FIXTURES / "dorset-thriving.yaml")],
                          cwd=elsewhere, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(site)})
    assert proc.returncode == 0, proc.stderr
    assert "ICS readiness" in proc.stdout


def test_wheel_ships_the_oversight_framework_edition_and_runs_it_from_elsewhere(tmp_path, wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "assess/_rules/nof-2025-26/edition.yaml" in names
    assert "assess/nof/method.py" in names and "assess/_reports/nof_trust.html.j2" in names
    # every subpackage ships (an editable install in the test's environment would hide one missing)
    for init in sorted((ROOT / "assess").glob("*/__init__.py")):
        assert f"assess/{init.parent.name}/__init__.py" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = FIXTURES / "nof-2025-26" / "mental-health-and-community-trust-data-Q1-Q3.csv"
    code = ("import assess, sys; assert assess.__file__.startswith(sys.argv[1]), assess.__file__; "
            "from assess.cli import main; main(sys.argv[2:])")
    proc = subprocess.run([sys.executable, "-c", code, str(site), "nof", str(data), "--quarter", "Q1 2025/26",
                           "--out", str(elsewhere / "out")],
                          cwd=elsewhere, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(site)})
    assert proc.returncode == 0, proc.stderr
    assert "derived, not published" in proc.stdout
    assert (elsewhere / "out" / "q1-2025-26" / "trusts" / "RAT.html").exists()

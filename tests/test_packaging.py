"""A regular (non-editable) install carries the catalogue and templates and runs from any folder."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from casekit import FIXTURES, ROOT


def test_wheel_ships_rules_and_templates_and_scores_from_elsewhere(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("stp_assess-*.whl")
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

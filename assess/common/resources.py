"""Find the bundled catalogue and report templates, installed or in a source checkout."""
from __future__ import annotations

from pathlib import Path


def bundled_dir(name: str) -> Path:
    """`rules` or `reports`: shipped inside the package as `_rules`/`_reports` by setup.cfg, or
    beside the package in a source checkout (editable installs and running from the repo)."""
    here = Path(__file__).resolve().parent.parent  # the assess package
    for candidate in (here / f"_{name}", here.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled '{name}' folder not found beside {here}")

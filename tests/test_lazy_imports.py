"""Each command imports only what it runs: the one-file commands stay near the import time of the
libraries they need. Each case runs in a fresh interpreter (this session has imported everything)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from casekit import FIXTURES

_PROBE = """
import json, sys
from click.testing import CliRunner
from assess.cli import main
result = CliRunner().invoke(main, json.loads(sys.argv[1]))
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {
    "pydantic", "jinja2", "durable_rules_engine", "pandas", "openpyxl", "assess"})
print(json.dumps({"exit": result.exit_code, "output": result.output, "loaded": loaded}))
"""


def loaded_by(*args: str) -> set[str]:
    """The modules of interest a fresh interpreter has imported after `assess ARGS`."""
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(list(args))], capture_output=True,
                          text=True, env=dict(os.environ), check=True, timeout=120)
    report = json.loads(done.stdout)
    assert report["exit"] == 0, report["output"]
    return set(report["loaded"])


def test_help_loads_no_model_no_engine_no_templates() -> None:
    loaded = loaded_by("--help")
    assert not {m for m in loaded if m.split(".")[0] in {"pydantic", "jinja2", "durable_rules_engine"}}
    assert "assess.input.submission" not in loaded and "assess.catalogue.model" not in loaded


def test_check_loads_the_models_but_not_the_engine_or_templates() -> None:
    loaded = loaded_by("check", str(FIXTURES / "dorset-thriving.yaml"))
    assert "assess.input.submission" in loaded
    assert not {m for m in loaded if m.split(".")[0] in {"jinja2", "durable_rules_engine", "pandas", "openpyxl"}}
    assert not {"assess.catalogue.model", "assess.engine.assessor", "assess.render.report"} & loaded


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_score_loads_no_review_module_without_decisions(fmt: str) -> None:
    loaded = loaded_by("score", str(FIXTURES / "dorset-thriving.yaml"), "--format", fmt)
    assert "durable_rules_engine" in loaded and "assess.engine.assessor" in loaded
    assert not {"assess.review.moderation", "assess.review.diff", "assess.review.frames",
                "assess.render.catalogue_page", "assess.input.template", "pandas", "openpyxl"} & loaded
    assert ("jinja2" in loaded) == (fmt == "text")  # JSON is written from the data alone


_CACHED_CATALOGUE = """
from assess.catalogue.model import CatalogueFile, RuleSpec
from assess.catalogue.cache import load
catalogue = load()
assert catalogue.rules and catalogue.meta.editions
print(CatalogueFile.__pydantic_complete__, RuleSpec.__pydantic_complete__)
"""


def test_a_catalogue_read_from_the_cache_builds_no_catalogue_validator() -> None:
    run = [sys.executable, "-c", _CACHED_CATALOGUE]
    subprocess.run(run, env=dict(os.environ), check=True, capture_output=True, timeout=120)  # fills the cache
    second = subprocess.run(run, env=dict(os.environ), check=True, capture_output=True, text=True, timeout=120)
    assert second.stdout.split() == ["False", "False"]
    no_cache = subprocess.run(run, env={**os.environ, "ASSESS_NO_CACHE": "1"}, check=True, capture_output=True,
                              text=True, timeout=120)
    assert no_cache.stdout.split() == ["True", "True"]  # loading the rule files validates them

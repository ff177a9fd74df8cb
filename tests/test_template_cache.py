"""Compiled templates kept between runs: the same bytes as compiling afresh, keyed by environment,
and never read from a folder others could write."""
from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest
from casekit import FIXTURES

import assess
from assess.render import report, template_cache


def _fresh_render(fmt: str) -> str:
    """Render one fixture's report in new environments (as a new process would)."""
    for factory in (report.environment, report.text_environment, report.markdown_environment):
        factory.cache_clear()
    try:
        cat = assess.load_catalogue()
        return report.render(assess.assess_file(FIXTURES / "dorset-thriving.yaml", cat), fmt)
    finally:
        for factory in (report.environment, report.text_environment, report.markdown_environment):
            factory.cache_clear()


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_cached_code_renders_the_same_bytes(cache: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _fresh_render(fmt)
    stored = sorted((cache / "templates").glob("*.jinja"))
    assert stored, "the compiled templates were not stored"
    loaded: list[str] = []
    real = jinja2.FileSystemBytecodeCache.load_bytecode
    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "load_bytecode",
                        lambda self, bucket: (loaded.append(bucket.key), real(self, bucket))[1])
    second = _fresh_render(fmt)
    assert loaded and second == first
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    assert _fresh_render(fmt) == first


def test_each_environment_has_its_own_key(cache: Path) -> None:
    keys = {kind: template_cache.bytecode_cache(kind).get_cache_key("assessment.md.j2")  # type: ignore[union-attr]
            for kind in ("html", "markdown", "text")}
    assert len(set(keys.values())) == 3


def test_a_folder_others_can_write_is_not_used(cache: Path) -> None:
    (cache / "templates").mkdir(parents=True)
    (cache / "templates").chmod(0o777)
    assert template_cache.bytecode_cache("html") is None


def test_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    assert template_cache.bytecode_cache("html") is None


def test_a_broken_cache_only_costs_a_compile(cache: Path) -> None:
    first = _fresh_render("html")
    for stored in (cache / "templates").glob("*.jinja"):
        stored.write_bytes(stored.read_bytes()[:40])  # truncated: jinja's header, then half the code
    assert _fresh_render("html") == first
    report.environment.cache_clear()
    env = report.environment()
    shutil.rmtree(cache)  # the folder goes away while the process runs
    assert env.get_template("assessment.html.j2") is not None
    report.environment.cache_clear()

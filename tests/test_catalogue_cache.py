"""The command line's catalogue cache: named by content, so never stale; never trusted if others could write it."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from casekit import FIXTURES
from click.testing import CliRunner

import assess
from assess.catalogue import cache as catalogue_cache
from assess.cli import main
from assess.common import version
from assess.common.resources import bundled_dir


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each real (uncached) load of a catalogue."""
    calls: list[Any] = []
    real = catalogue_cache.load_catalogue

    def counting(directory: Any = None) -> Any:
        calls.append(directory)
        return real(directory)

    monkeypatch.setattr(catalogue_cache, "load_catalogue", counting)
    return calls


def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), target)
    return target


def test_a_second_load_comes_from_the_cache_and_scores_the_same(cache: Path, loads: list[Any]) -> None:
    first = catalogue_cache.load()
    second = catalogue_cache.load()
    assert len(loads) == 1 and len(list(cache.glob("catalogue-*.pickle"))) == 1
    assert list(second.rules) == list(first.rules) and second.meta == first.meta
    path = FIXTURES / "dorset-thriving.yaml"
    fresh = assess.assess_file(path, assess.load_catalogue()).to_json()
    assert assess.assess_file(path, second).to_json() == fresh


def test_a_changed_rule_file_is_never_served_from_the_cache(cache: Path, loads: list[Any], tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    before = catalogue_cache.load(rules)
    rule_file = next(p for p in sorted(rules.glob("*.yaml")) if p.name != "catalogue.yaml")
    rule_id = next(r.id for r in before.rules.values() if Path(r.file).name == rule_file.name)
    text = rule_file.read_text(encoding="utf-8")
    old_title = before.rules[rule_id].title
    rule_file.write_text(text.replace(f"title: {old_title}", "title: A title changed since", 1), encoding="utf-8")
    after = catalogue_cache.load(rules)
    assert after.rules[rule_id].title == "A title changed since" and len(loads) == 2
    rule_file.write_text(text, encoding="utf-8")  # back as it was: the first file serves again
    assert catalogue_cache.load(rules).rules[rule_id].title == old_title and len(loads) == 2


def test_the_key_covers_the_package_version_and_its_code(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = bundled_dir("rules")
    key = catalogue_cache.cache_key(rules)
    monkeypatch.setattr(version, "__version__", "99.0.0")
    assert catalogue_cache.cache_key(rules) != key
    code = tmp_path / "code"
    shutil.copytree(catalogue_cache._PACKAGE, code, ignore=shutil.ignore_patterns("__pycache__", "_*"))
    monkeypatch.setattr(catalogue_cache, "_PACKAGE", code)
    same = catalogue_cache.cache_key(rules)
    (code / "catalogue" / "model.py").write_text((code / "catalogue" / "model.py").read_text() + "\n# edited\n")
    assert catalogue_cache.cache_key(rules) != same


def test_a_corrupt_cache_file_is_replaced(cache: Path, loads: list[Any]) -> None:
    catalogue_cache.load()
    (stored,) = cache.glob("catalogue-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert catalogue_cache.load().rules and len(loads) == 2
    assert stored.read_bytes() != b"not a pickle"


def test_a_cache_others_can_write_is_never_read(cache: Path, loads: list[Any]) -> None:
    catalogue_cache.load()
    cache.chmod(0o777)
    catalogue_cache.load()
    assert len(loads) == 2


def test_the_cache_can_be_turned_off(cache: Path, loads: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    catalogue_cache.load()
    catalogue_cache.load()
    assert len(loads) == 2 and not cache.exists()


def test_score_through_the_cache_is_byte_identical(cache: Path, loads: list[Any]) -> None:
    args = ["score", str(FIXTURES / "frimley-ics-ready.yaml"), "--format", "json"]
    first, second = CliRunner().invoke(main, args), CliRunner().invoke(main, args)
    assert first.exit_code == second.exit_code == 0 and first.output == second.output
    assert len(loads) == 1


@pytest.mark.parametrize(("value", "uncached_loads"), [("0", 1), ("", 1), ("false", 1), ("1", 2), ("yes", 2)])
def test_assess_no_cache_is_read_as_the_readme_says(cache: Path, loads: list[Any], monkeypatch: pytest.MonkeyPatch,
                                                   value: str, uncached_loads: int) -> None:
    monkeypatch.setenv("ASSESS_NO_CACHE", value)
    catalogue_cache.load()
    catalogue_cache.load()
    assert len(loads) == uncached_loads

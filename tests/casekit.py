"""Helpers shared by the tests: build submissions from patches, load rule cases, ask the engine."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assess import Submission, load_catalogue
from assess.catalogue.conditions import holds
from assess.catalogue.model import Catalogue
from assess.engine.assessor import NA_SUFFIX, CompiledEdition

HERE = Path(__file__).resolve().parent
CASES = HERE / "rule_cases"
ROOT = HERE.parent
FIXTURES = ROOT / "fixtures"
BASE: dict[str, Any] = yaml.safe_load((CASES / "_base.yaml").read_text())


def merge(base: Any, patch: Any) -> Any:
    """Deep-merge `patch` into a copy of `base` (mappings merge, everything else replaces)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(patch)


def build(patch: dict[str, Any] | None = None) -> Submission:
    """A validated submission: the base with `patch` applied."""
    return Submission.model_validate(merge(BASE, patch or {}))


@dataclass(frozen=True)
class RuleCase:
    rule_id: str
    name: str
    status: str
    patch: dict[str, Any]
    failing: tuple[str, ...]
    edition: str | None
    file: str

    @property
    def test_id(self) -> str:
        return f"{self.rule_id}-{self.status.replace('_', '')}-{self.name}"


def load_cases() -> list[RuleCase]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        data = yaml.safe_load(path.read_text()) or {}
        for rule_id, items in (data.get("cases") or {}).items():
            for item in items:
                cases.append(RuleCase(rule_id, item["name"], item["status"], item.get("patch") or {},
                                      tuple(item.get("failing") or ()), item.get("edition"), path.name))
    return cases


_catalogue: Catalogue | None = None


def catalogue() -> Catalogue:
    global _catalogue
    if _catalogue is None:
        _catalogue = load_catalogue()
    return _catalogue


def engine_vs_walk(compiled: CompiledEdition, submission: Submission) -> list[str]:
    """Rules on which durable_rules and the Python walk disagree for one submission."""
    fact = compiled.projector.project(submission)
    matched = compiled.matcher.match(fact)
    wrong = []
    for rule in compiled.rules:
        applies = rule.applies is None or holds(rule.applies, fact)
        walk_met = applies and holds(rule.when, fact)
        if (rule.id in matched) != walk_met:
            wrong.append(f"{rule.id}: engine {'met' if rule.id in matched else 'not met'}, walk "
                         f"{'met' if walk_met else 'not met'}")
        if rule.applies is not None and ((rule.id + NA_SUFFIX) in matched) == applies:
            wrong.append(f"{rule.id}: applicability differs")
    return wrong


def mixed_submissions(n: int, seed: int) -> list[Submission]:
    """A pool for comparing two implementations of one step: `n` synthetic submissions, every rule
    case and every fixture."""
    from assess.input.synthetic import generate

    subs = [Submission.model_validate(d) for d in generate(n, seed=seed)]
    subs += [build(case.patch) for case in load_cases()]
    subs += [Submission.model_validate(yaml.safe_load(p.read_text())) for p in sorted(FIXTURES.glob("*.yaml"))]
    return subs

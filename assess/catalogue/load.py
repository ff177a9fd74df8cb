"""Load and check a rule catalogue: `catalogue.yaml` (editions, domains, scoring model, sources)
plus one YAML file of rules per domain, into the model of assess.catalogue.model. Anything
incomplete or inconsistent is a RuleError naming the file and the rule; nothing is ever skipped.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..common.resources import bundled_dir
from ..errors import RuleError, did_you_mean
from .conditions import ConditionError, Needs, Parser, dnf_terms, nnf
from .lint import shared_fact_problems, weight_problems
from .model import MAX_FIRINGS, Catalogue, CatalogueFile, Domain, Rule, RuleSpec

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(str(path), f"cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise RuleError(where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None


def _pydantic_problem(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    return "; ".join(parts)


def load_catalogue(directory: str | Path | None = None) -> Catalogue:
    """Load `catalogue.yaml` and every other `*.yaml` in `directory` (default: the bundled rules)."""
    root = Path(directory) if directory is not None else bundled_dir("rules")
    head = root / "catalogue.yaml"
    if not head.is_file():
        raise RuleError(str(root), "no catalogue.yaml here (is this a rules folder?)")
    try:
        meta = CatalogueFile.model_validate(_read_yaml(head))
    except ValidationError as exc:
        raise RuleError(str(head), _pydantic_problem(exc)) from None
    domains = {d.id: d for d in meta.domains}
    editions = {e.id for e in meta.editions}
    needs = Needs()
    parser = Parser(needs, tuple(meta.trajectories))
    rules: dict[str, Rule] = {}
    aliases: dict[str, str] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name == "catalogue.yaml":
            continue
        data = _read_yaml(path)
        if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data["rules"], list):
            raise RuleError(str(path), "a rule file holds one key, 'rules', with a list of rules")
        for index, raw in enumerate(data["rules"]):
            rule_id = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
            rule = _load_rule(raw, str(path), str(rule_id), parser, meta, domains, editions)
            if rule.id in rules or rule.id in aliases:
                other = rules[rule.id].file if rule.id in rules else "an alias"
                raise RuleError(str(path), f"duplicate id (also in {other})", rule_id=rule.id)
            rules[rule.id] = rule
            for alias in rule.aliases:
                if alias in rules or alias in aliases:
                    raise RuleError(str(path), f"alias {alias} is already in use", rule_id=rule.id)
                aliases[alias] = rule.id
    if not rules:
        raise RuleError(str(root), "no rules found")
    _check_model(meta, rules, str(head))
    return Catalogue(meta, dict(sorted(rules.items())), needs, root)


def _check_model(meta: CatalogueFile, rules: dict[str, Rule], head: str) -> None:
    """What the scoring model names must exist; every citation resolves; the lint passes."""
    edition_ids = {e.id for e in meta.editions}
    for cap in meta.scoring.caps:
        for name in cap.editions:
            if name not in edition_ids:
                raise RuleError(head, f"cap {cap.id} names unknown edition {name}.{did_you_mean(name, edition_ids)}")
        for _, ids in cap.members():
            for rule_id in ids:
                if rule_id not in rules:
                    raise RuleError(head, f"cap {cap.id} names unknown rule {rule_id}.{did_you_mean(rule_id, rules)}")
    citations = [cap.basis.source for cap in meta.scoring.caps]
    citations += [meta.scoring.aggregation.source, meta.scoring.stages_basis.source,
                  meta.scoring.ratings_basis.source]
    for ed in meta.editions:
        if ed.readiness is not None:
            citations += [ed.readiness.source, ed.readiness.basis.source]
        if ed.domain_weights_basis is not None:
            citations.append(ed.domain_weights_basis.source)
    for cite in citations:
        if cite is not None and cite.id not in meta.sources:
            raise RuleError(head, f"source '{cite.id}' is not in the source register."
                                  f"{did_you_mean(cite.id, meta.sources)}")
    for decl in meta.shared_facts:
        for rule_id in decl.rules:
            if rule_id not in rules:
                raise RuleError(head, f"shared_facts names unknown rule {rule_id}.{did_you_mean(rule_id, rules)}")
    problems = []
    for ed in meta.editions:
        in_edition = [r for r in rules.values() if ed.id in r.editions]
        problems += shared_fact_problems(in_edition, meta, ed.id)
        problems += weight_problems(in_edition, meta, ed.id)
    if problems:
        raise RuleError(head, "the catalogue fails its lint: " + "; ".join(problems))


def _load_rule(raw: Any, file: str, rule_id: str, parser: Parser, meta: CatalogueFile,
               domains: dict[str, Domain], editions: set[str]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(file, "each rule must be a mapping", rule_id=rule_id)
    try:
        spec = RuleSpec.model_validate(raw)
    except ValidationError as exc:
        raise RuleError(file, _pydantic_problem(exc), rule_id=rule_id) from None
    domain = domains.get(spec.domain)
    if domain is None:
        raise RuleError(file, f"unknown domain '{spec.domain}'.{did_you_mean(spec.domain, domains)}", rule_id=rule_id)
    if not spec.id.startswith(domain.prefix + "-"):
        raise RuleError(file, f"ids in domain {domain.id} start with {domain.prefix}-", rule_id=rule_id)
    for edition in spec.editions:
        if edition not in editions:
            raise RuleError(file, f"unknown edition '{edition}'.{did_you_mean(edition, editions)}", rule_id=rule_id)
    if spec.source.id not in meta.sources:
        raise RuleError(file, f"source '{spec.source.id}' is not in the catalogue's source register."
                        f"{did_you_mean(spec.source.id, meta.sources)}", rule_id=rule_id)
    for cid in spec.criteria:
        if cid not in meta.digest_criteria:
            raise RuleError(file, f"criteria: '{cid}' is not a digest criterion in catalogue.yaml."
                            f"{did_you_mean(cid, meta.digest_criteria)}", rule_id=rule_id)
    try:
        when = parser.parse(spec.when, "when")
        applies = parser.parse(spec.applies_when, "applies_when") if spec.applies_when else None
    except ConditionError as exc:
        raise RuleError(file, str(exc), rule_id=rule_id) from None
    for label, node in (("when", when), ("applies_when", applies)):
        if node is None:
            continue
        firings = max(dnf_terms(nnf(node)), dnf_terms(nnf(node, negated=True)))
        if firings > MAX_FIRINGS:
            raise RuleError(file, f"{label}: the engine would fire this condition up to {firings} times for "
                            f"one submission (limit {MAX_FIRINGS}); split it or use fewer 'any' branches",
                            rule_id=rule_id)
    return Rule(spec, when, applies, file)

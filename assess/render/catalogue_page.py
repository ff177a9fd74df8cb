"""`assess rules`: the catalogue as a terminal list, JSON, or the Markdown reference document with
the traceability table (digest criterion → rule ids, or why it is not encoded)."""
from __future__ import annotations

import json
from typing import Any

from ..catalogue.conditions import describe
from ..catalogue.model import SEVERITY_ORDER, Catalogue, Rule
from .report import environment


def rule_dict(rule: Rule, catalogue: Catalogue) -> dict[str, Any]:
    """A rule as plain data, with its condition in words."""
    spec = rule.spec
    source = catalogue.meta.sources[spec.source.id]
    return {
        "id": spec.id, "title": spec.title, "domain": spec.domain, "severity": spec.severity,
        "weight": spec.weight, "editions": spec.editions, "criteria": spec.criteria,
        "source": {"id": spec.source.id, "section": spec.source.section, "title": source.title,
                   "seed": source.seed, "url": source.url},
        "rationale": spec.rationale.strip(), "remediation": spec.remediation.strip(),
        "assumption": spec.assumption, "assumption_note": spec.assumption_note,
        "aliases": spec.aliases,
        "condition": describe(rule.when),
        "applies_when": describe(rule.applies) if rule.applies is not None else None,
    }


def select(catalogue: Catalogue, domain: str | None, edition: str | None) -> list[Rule]:
    """The rules of one domain and edition (or all), by domain, severity and id."""
    rules = [r for r in catalogue.rules.values()
             if (domain is None or r.domain == domain) and (edition is None or edition in r.editions)]
    return sorted(rules, key=lambda r: (r.domain, SEVERITY_ORDER[r.severity], r.id))


def traceability(catalogue: Catalogue) -> list[dict[str, Any]]:
    """Each digest criterion with the rules that encode it, or the reason none does."""
    by_criterion: dict[str, list[str]] = {}
    for rule in catalogue.rules.values():
        for cid in rule.criteria:
            by_criterion.setdefault(cid, []).append(rule.id)
    return [{"criterion": cid, "summary": summary, "rules": sorted(by_criterion.get(cid, [])),
             "not_encoded": catalogue.meta.not_encoded.get(cid)}
            for cid, summary in catalogue.meta.digest_criteria.items()]


def render(catalogue: Catalogue, fmt: str, *, domain: str | None = None, edition: str | None = None) -> str:
    """The catalogue (optionally one domain or edition) as text, json or markdown."""
    rules = [rule_dict(r, catalogue) for r in select(catalogue, domain, edition)]
    data = {
        "catalogue_version": catalogue.version, "title": catalogue.meta.title,
        "editions": [e.model_dump(mode="json") for e in catalogue.meta.editions],
        "domains": [d.model_dump(mode="json") for d in catalogue.meta.domains
                    if domain is None or d.id == domain],
        "scoring": catalogue.scoring.model_dump(mode="json"),
        "trajectories": {k: [p.model_dump(mode="json") for p in v] for k, v in catalogue.meta.trajectories.items()},
        "rules": rules,
        "traceability": traceability(catalogue) if domain is None and edition is None else [],
    }
    if fmt == "markdown":
        from .method_page import scoring_context
        data["model"] = scoring_context(catalogue)
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    name = {"text": "catalogue.txt.j2", "markdown": "catalogue.md.j2"}[fmt]
    return environment().get_template(name).render(c=data)

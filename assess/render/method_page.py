"""`assess method`: the "method and assumptions" page, generated from the catalogue.

A page a reviewer could publish beside the results: what each edition assesses, how criteria
become scores, stages and ratings, which caps apply, what the readiness verdict of each edition
means, and which of those parts rest on a cited source and which are this catalogue's assumptions.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from ..catalogue.lint import rule_shares
from ..catalogue.model import Catalogue
from .report import environment


def scoring_context(catalogue: Catalogue) -> dict[str, Any]:
    """The scoring model, editions' readiness and lint settings as plain data for the templates."""
    meta = catalogue.meta
    sources = meta.sources

    def cite(ref: Any) -> str | None:
        return None if ref is None else f"{ref.id} ({sources[ref.id].title}), {ref.section}"

    def basis(b: Any) -> dict[str, Any]:
        return {"assumption": b.assumption, "note": " ".join(b.note.split()), "source": cite(b.source)}

    editions = []
    for e in meta.editions:
        rules = catalogue.rules_for(e.id)
        shares = rule_shares(catalogue, e.id)
        r = e.readiness
        editions.append({
            "id": e.id, "title": e.title, "framework": e.framework, "valid_from": str(e.valid_from),
            "valid_until": str(e.valid_until) if e.valid_until else None, "rules": len(rules),
            "blocking": sorted(x.id for x in rules if x.severity == "blocking"),
            "assumed": sorted(x.id for x in rules if x.assumption),
            "severities": dict(Counter(x.severity for x in rules)),
            "heaviest": max(shares.items(), key=lambda kv: (kv[1], kv[0])),
            "domain_weights": {d.id: catalogue.domain_weight(d.id, e.id) for d in meta.domains
                               if any(x.domain == d.id for x in rules)},
            "weight_overrides": dict(e.domain_weights),
            "domain_weights_basis": basis(e.domain_weights_basis) if e.domain_weights_basis else None,
            "no_readiness": " ".join(e.no_readiness.split()) if e.no_readiness else None,
            "readiness": None if r is None else {
                "label": r.label, "ready_label": r.ready_label, "aspirant_label": r.aspirant_label,
                "not_yet_label": r.not_yet_label, "source": cite(r.source), "basis": basis(r.basis),
                "min_rating": r.min_rating, "dimensions": [catalogue.domain(d).title for d in r.dimensions],
                "min_stage": r.min_stage, "aspirant_min_rating": r.aspirant_min_rating,
                "aspirant_min_stage": r.aspirant_min_stage,
                "aspirant_max_unmet_blocking": r.aspirant_max_unmet_blocking},
        })
    model = meta.scoring
    return {
        "aggregation": basis(model.aggregation),
        "stages": [{"name": b.name, "min_score": b.min_score} for b in model.stages],
        "stages_basis": basis(model.stages_basis),
        "ratings": [{"name": b.name, "min_score": b.min_score} for b in model.ratings],
        "ratings_basis": basis(model.ratings_basis),
        "caps": [{"id": c.id, "title": c.title, "max_rating": c.max_rating, "min_unmet": c.min_unmet,
                  "members": [name if ids == (name,) else f"{name} ({', '.join(ids)})" for name, ids in c.members()],
                  "editions": c.editions, "basis": basis(c.basis)} for c in model.caps],
        "max_rule_share_pct": model.max_rule_share_pct,
        "shared_facts": [{"rules": d.rules, "facts": d.facts, "reason": " ".join(d.reason.split())}
                         for d in meta.shared_facts],
        "editions": editions,
        "trajectories": {k: [{"valid_from": str(p.valid_from), "value": p.value, "note": p.note} for p in v]
                         for k, v in meta.trajectories.items()},
    }


def render_method(catalogue: Catalogue) -> str:
    """The method and assumptions page, in Markdown."""
    data = scoring_context(catalogue)
    data.update(version=catalogue.version, title=catalogue.meta.title, rules=len(catalogue.rules),
                assumed=sum(1 for r in catalogue.rules.values() if r.assumption),
                digest=len(catalogue.meta.digest_criteria), not_encoded=len(catalogue.meta.not_encoded))
    return environment().get_template("method.md.j2").render(m=data)

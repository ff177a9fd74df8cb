"""Catalogue lint: one fact, one rule per edition, and no rule heavier than a stated share.

A submitted fact scored by two rules of one edition counts twice in the score (and twice again if
both feed a cap or the readiness gate). The loader refuses such a catalogue unless its
`shared_facts` declares why the two rules read the same fact (for example a plan's minimum and an
accountable-care capability that read the same coverage at different bars).

What counts as "a fact" here: a comparison at the top of a rule's `when` (not inside a count's
`where`, which only picks the items counted; not an `applies_when`, which only says whether the
rule applies; not the right-hand side of `value_from`, which is the bar, not the fact). A
`contains` reads one member of a list, so `efficiency_schemes includes carter` and
`efficiency_schemes includes rightcare` are different facts. A count is one fact per list and
filter.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Iterator

from .conditions import All, AnyOf, Compare, Count, Node, Not, describe

if TYPE_CHECKING:
    from .model import Catalogue, CatalogueFile, Rule


def facts_read(node: Node | None) -> Iterator[str]:
    """The submitted facts a `when` tree scores (see the module docstring for what counts)."""
    if node is None:
        return
    if isinstance(node, (All, AnyOf)):
        for child in node.children:
            yield from facts_read(child)
    elif isinstance(node, Not):
        yield from facts_read(node.child)
    elif isinstance(node, Count):
        yield f"count of {node.list_path} where {describe(node.where)}"
    elif isinstance(node, Compare):
        yield f"{node.label} includes {node.expected}" if node.op == "contains" else node.label


def shared_fact_problems(rules: list["Rule"], meta: "CatalogueFile", edition: str) -> list[str]:
    """Facts read by two rules of `edition` with no declaration in `shared_facts`."""
    readers: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        for fact in facts_read(rule.when):
            readers[fact].add(rule.id)
    declared = [(set(d.rules), set(d.facts)) for d in meta.shared_facts]
    problems = []
    for fact, ids in sorted(readers.items()):
        if len(ids) < 2:
            continue
        if not any(ids <= rule_set and fact in facts for rule_set, facts in declared):
            problems.append(f"edition {edition}: {', '.join(sorted(ids))} all score '{fact}'; score it "
                            f"in one rule, or declare why in shared_facts")
    return problems


def rule_shares(catalogue: "Catalogue", edition: str) -> dict[str, float]:
    """Each rule's share (%) of the edition's score when every criterion applies."""
    return nominal_shares(catalogue.rules_for(edition), catalogue.meta, edition)


def nominal_shares(rules: list["Rule"], meta: "CatalogueFile", edition: str) -> dict[str, float]:
    """rule_shares before a Catalogue exists (the loader checks the rules it has just read)."""
    ed = next(e for e in meta.editions if e.id == edition)
    weights = {d.id: ed.domain_weights.get(d.id, d.weight) for d in meta.domains}
    in_domain: dict[str, float] = defaultdict(float)
    for rule in rules:
        in_domain[rule.domain] += rule.weight
    total = sum(weights[d] for d in in_domain)
    return {r.id: 100.0 * weights[r.domain] * r.weight / in_domain[r.domain] / total for r in rules}


def weight_problems(rules: list["Rule"], meta: "CatalogueFile", edition: str) -> list[str]:
    """Rules of `edition` that carry more than the catalogue's stated share of its score."""
    limit = meta.scoring.max_rule_share_pct
    return [f"edition {edition}: {rid} carries {share:.1f}% of the score (limit {limit:g}%); "
            f"lower its weight or its domain's weight in this edition"
            for rid, share in sorted(nominal_shares(rules, meta, edition).items()) if share > limit]

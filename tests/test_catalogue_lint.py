"""Lint of the bundled catalogue: consistency, sources, traceability and the committed document."""
from __future__ import annotations

import re

import pytest
from casekit import ROOT, build, catalogue

from assess import Status, assess
from assess.engine.results import CriterionResult
from assess.engine.scoring import Scorer
from assess.render.catalogue_page import render

REFERENCE = ROOT.parent / "shared" / "reference"


def test_every_edition_has_blocking_rules_and_many_domains():
    cat = catalogue()
    for edition in cat.meta.editions:
        rules = cat.rules_for(edition.id)
        assert any(r.severity == "blocking" for r in rules), edition.id
        assert len({r.domain for r in rules}) >= 8, edition.id


def test_every_domain_has_rules():
    cat = catalogue()
    assert {d.id for d in cat.meta.domains} == {r.domain for r in cat.rules.values()}


def test_aliases_never_shadow_ids():
    cat = catalogue()
    aliases = [a for r in cat.rules.values() for a in r.aliases]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & set(cat.rules)


@pytest.mark.parametrize("edition", ["2016-plan", "2017-partnership", "2019-ics"])
def test_scoring_is_consistent_at_the_extremes(edition):
    """Everything met reaches ready (or, without a verdict, the top rating); nothing met is not yet."""
    cat = catalogue()
    scorer = Scorer(cat, edition)
    rules = cat.rules_for(edition)
    all_met = scorer.score({r.id: CriterionResult(r, Status.MET, 1.0) for r in rules})
    none_met = scorer.score({r.id: CriterionResult(r, Status.NOT_MET, 0.0) for r in rules})
    top = cat.scoring.ratings[-1].name
    if cat.edition(edition).readiness is None:
        assert (all_met.score, all_met.ics_readiness, all_met.rating) == (100.0, "not_applicable", top)
        assert (none_met.score, none_met.ics_readiness) == (0.0, "not_applicable")
        assert none_met.path_to_ics[-1].projected_rating == top
    else:
        assert (all_met.score, all_met.ics_readiness, all_met.rating) == (100.0, "ready", top)
        assert (none_met.score, none_met.ics_readiness) == (0.0, "not_yet")
        assert none_met.path_to_ics[-1].projected_readiness == "ready"


@pytest.mark.parametrize("edition,readiness", [("2016-plan", "not_applicable"), ("2017-partnership", "not_yet"),
                                               ("2019-ics", "not_yet")])
def test_an_empty_submission_is_not_ready(edition, readiness):
    a = assess(build(), catalogue(), edition=edition)
    assert a.ics_readiness == readiness and a.rating == "Needs most improvement"


def _needs_reference():
    if not REFERENCE.is_dir():
        pytest.skip("the shared reference folder is not beside this checkout")


def test_every_source_resolves():
    _needs_reference()
    register = (REFERENCE / "domain.md").read_text()
    known = set(re.findall(r"^\| (S\d+b?) \|", register, flags=re.M))
    for sid, source in catalogue().meta.sources.items():
        if source.seed:
            assert (REFERENCE / "seeds" / source.seed).is_file(), sid
        elif sid != "DIGEST":
            assert sid in known, f"{sid} is not in the digest's source register"


def test_every_digest_criterion_is_registered_and_traced():
    _needs_reference()
    text = (REFERENCE / "domain.md").read_text()
    body = text[:text.index("## Source register")]
    ids = {"D:" + cid for cid in re.findall(
        r"^\| ((?:PLAN|PROC|QUAL|GAP-[A-Z]{2}|MUST|MIN|ENG-P|ETP|GOV|RET|LA|7DS|ACS|ICS|ICSF|"
        r"DASH-[A-Z]{2})-?\d+) \|", body, flags=re.M)}
    cat = catalogue()
    assert ids <= set(cat.meta.digest_criteria), sorted(ids - set(cat.meta.digest_criteria))
    encoded = {cid for r in cat.rules.values() for cid in r.criteria}
    untraced = sorted(set(cat.meta.digest_criteria) - encoded - set(cat.meta.not_encoded))
    assert not untraced, f"neither encoded nor explained in not_encoded: {untraced}"
    both = sorted(encoded & set(cat.meta.not_encoded))
    assert not both, f"encoded and also listed as not encoded: {both}"


def test_committed_catalogue_document_is_current():
    doc = ROOT / "docs" / "catalogue.md"
    assert doc.read_text() == render(catalogue(), "markdown"), (
        "docs/catalogue.md is out of date: run `assess rules --format markdown -o docs/catalogue.md`")


def test_document_lists_every_rule_with_source_and_advice():
    text = (ROOT / "docs" / "catalogue.md").read_text()
    for rule in catalogue().rules.values():
        assert f"#### {rule.id} · " in text
    assert text.count("- **Advice** ") == len(catalogue().rules)


def test_digest_criteria_and_rule_ids_cannot_be_confused():
    cat = catalogue()
    assert all(cid.startswith("D:") for cid in cat.meta.digest_criteria)
    assert not {cid for r in cat.rules.values() for cid in r.criteria} - set(cat.meta.digest_criteria)
    assert not set(cat.meta.digest_criteria) & set(cat.rules)


def test_one_fact_one_rule_per_edition_and_no_rule_too_heavy():
    """The loader refuses a catalogue that fails the lint; check the bundled one passes it here too."""
    from assess.catalogue.lint import rule_shares, shared_fact_problems, weight_problems
    cat = catalogue()
    for edition in cat.meta.editions:
        rules = cat.rules_for(edition.id)
        assert shared_fact_problems(rules, cat.meta, edition.id) == []
        assert weight_problems(rules, cat.meta, edition.id) == []
        assert max(rule_shares(cat, edition.id).values()) <= cat.scoring.max_rule_share_pct


def test_every_part_of_the_scoring_model_is_sourced_or_labelled():
    cat = catalogue()
    model = cat.scoring
    for basis in (model.aggregation, model.stages_basis, model.ratings_basis, *(c.basis for c in model.caps)):
        assert basis.assumption or basis.source is not None
    # no published framework caps an STP rating: every cap is this catalogue's assumption
    assert all(c.basis.assumption for c in model.caps)
    for edition in cat.meta.editions:
        assert (edition.readiness is None) != (edition.no_readiness is None)
        if edition.readiness is not None:
            assert edition.readiness.source.id in cat.meta.sources


def test_the_generated_documents_label_every_assumed_threshold_band_and_cap():
    from assess.render.method_page import render_method
    doc = render(catalogue(), "markdown")
    method = render_method(catalogue())
    for text in (doc, method):
        assert "as oversight frameworks apply them" not in text
        for cap in catalogue().scoring.caps:
            line = next(line for line in text.splitlines() if cap.id in line)
            assert "assumption" in line.lower(), line
        assert "Rating bands" in text and "Stage bands" in text
    assert (ROOT / "docs" / "method.md").read_text() == method, (
        "docs/method.md is out of date: run `assess method -o docs/method.md`")

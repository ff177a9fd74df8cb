"""Run one submission through a compiled edition: project, match in the engine, explain, score."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..catalogue.conditions import Explainer, dnf_terms, nnf
from ..catalogue.model import Catalogue, Edition, Rule
from ..errors import EngineError
from ..input.submission import Submission
from .durable import Matcher
from .projection import Projector
from .results import Assessment, CriterionResult, ReadinessMeaning, Status
from .scoring import Scorer

NA_SUFFIX = "~na"  # engine name of "this rule does not apply" for rules with applies_when


@dataclass
class CompiledEdition:
    """One edition's rules compiled onto the engine, with its projector and scorer."""

    catalogue: Catalogue
    edition: str
    rules: list[Rule]
    matcher: Matcher
    projector: Projector
    scorer: Scorer
    # per rule, prepared once: (id, engine name of "does not apply", its met and not-applicable
    # results, which are immutable and the same for every submission, and the explainer of `when`)
    plan: list[tuple[Rule, str, str, CriterionResult, CriterionResult, Explainer]] = field(default_factory=list)
    edition_meta: Edition | None = None
    readiness_meaning: ReadinessMeaning | None = None

    def __post_init__(self) -> None:
        if not self.plan:
            self.plan = [(rule, rule.id, rule.id + NA_SUFFIX, CriterionResult(rule, Status.MET, 1.0),
                          CriterionResult(rule, Status.NOT_APPLICABLE, None), Explainer(rule.when))
                         for rule in self.rules]
        if self.edition_meta is None:
            self.edition_meta = self.catalogue.edition(self.edition)
        if self.readiness_meaning is None:
            self.readiness_meaning = readiness_meaning(self.edition_meta)


def readiness_meaning(edition: Edition) -> ReadinessMeaning:
    """The edition's readiness verdict in words, with its basis."""
    r = edition.readiness
    if r is None:
        return ReadinessMeaning(None, {"not_applicable": "Not assessed in this period"},
                                " ".join((edition.no_readiness or "").split()), None, False)
    return ReadinessMeaning(r.label, {"ready": r.ready_label, "aspirant": r.aspirant_label,
                                      "not_yet": r.not_yet_label},
                            " ".join(r.basis.note.split()), f"{r.source.id}, {r.source.section}",
                            r.basis.assumption)


def compile_edition(catalogue: Catalogue, edition: str) -> CompiledEdition:
    """Compile (once per catalogue and edition) the rules of `edition` onto durable_rules."""
    compiled = catalogue._compiled.get(edition)
    if compiled is None:
        catalogue.edition(edition)  # raises KeyError for an unknown edition
        rules = catalogue.rules_for(edition)
        forms = []
        for rule in rules:
            if rule.applies is None:
                form = nnf(rule.when)
            else:
                form = ("and", [nnf(rule.applies), nnf(rule.when)])
                not_applies = nnf(rule.applies, negated=True)
                forms.append((rule.id + NA_SUFFIX, not_applies, dnf_terms(not_applies)))
            forms.append((rule.id, form, dnf_terms(form)))
        matcher = Matcher(forms, label=f"stp_{edition.replace('-', '_')}")
        compiled = CompiledEdition(catalogue, edition, rules, matcher, Projector(catalogue),
                                   Scorer(catalogue, edition))
        catalogue._compiled[edition] = compiled
    return compiled


def run(compiled: CompiledEdition, submission: Submission, *, source_sha256: str | None = None,
        source_file: str | None = None) -> Assessment:
    """Assess one validated submission with a compiled edition."""
    fact = compiled.projector.project(submission)
    matched = compiled.matcher.match(fact)
    criteria: dict[str, CriterionResult] = {}
    for rule, rule_id, na_name, met, not_applicable, explainer in compiled.plan:
        if na_name in matched:
            criteria[rule_id] = not_applicable
        elif rule_id in matched:
            criteria[rule_id] = met
        else:
            failures = explainer(fact)
            if not failures:  # the engine said no, the Python walk finds nothing wrong
                raise EngineError(f"{rule_id}: durable_rules and the explanation disagree on "
                                  f"{submission.footprint.code}; refusing to score it")
            criteria[rule_id] = CriterionResult(rule, Status.NOT_MET, 0.0, tuple(failures))
    verdict = compiled.scorer.score(criteria)
    edition = compiled.edition_meta
    assert edition is not None
    return Assessment(
        submission=submission, edition=edition.id, edition_title=edition.title,
        catalogue_version=compiled.catalogue.version, criteria=criteria, domains=verdict.domains,
        score=verdict.score, stage=verdict.stage, rating=verdict.rating,
        score_rating=verdict.score_rating, ics_readiness=verdict.ics_readiness,
        unmet_blocking=verdict.unmet_blocking, caps_applied=verdict.caps_applied,
        path_to_ics=verdict.path_to_ics, source_sha256=source_sha256, source_file=source_file,
        score_stage=verdict.score_stage, readiness_meaning=compiled.readiness_meaning)


def assess_submission(submission: Submission | dict[str, Any], catalogue: Catalogue, *, edition: str | None = None,
                      source_sha256: str | None = None, source_file: str | None = None) -> Assessment:
    """Assess one submission (a Submission, or a plain dict validated here) with `edition`, by
    default the one in force on the submission's date: the engine's verdict, before moderation."""
    if not isinstance(submission, Submission):
        submission = Submission.model_validate(submission)
    chosen = edition or catalogue.edition_for(submission.footprint.submitted_on).id
    return run(compile_edition(catalogue, chosen), submission, source_sha256=source_sha256,
               source_file=source_file)

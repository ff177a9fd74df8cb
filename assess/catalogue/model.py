"""The rule catalogue as data: editions, domains, the scoring model, sources and rules, each
validated as it is read (assess.catalogue.load reads the files into it). Pydantic models for
what the YAML says; `Rule` and `Catalogue` for what the engine and the reports use.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import did_you_mean
from .conditions import Needs, Node

RULE_ID = r"^[A-Z]{2,5}-\d{2,3}$"
# Digest criteria carry a "D:" prefix so that they can never be read as rule ids (rule ICS-02 and
# digest criterion D:ICS-02 are different things); the loader enforces both patterns.
DIGEST_ID = r"^D:[A-Z0-9]+(-[A-Z0-9]+)*$"
MAX_FIRINGS = 24  # per rule: durable_rules fires once per 'or' branch; a ruleset's stack holds 64
Severity = Literal["blocking", "major", "minor"]
SEVERITY_ORDER = {"blocking": 0, "major": 1, "minor": 2}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SourceCitation(_Strict):
    """A rule's citation: a source of the register and the section it rests on."""
    id: str
    section: str = Field(min_length=1)


class Basis(_Strict):
    """Where a part of the scoring model comes from: a cited source, this catalogue's assumption,
    or both (a sourced idea with an assumed threshold). Shown in the catalogue and the method page."""

    assumption: bool
    note: str = Field(min_length=20)
    source: SourceCitation | None = None

    @model_validator(mode="after")
    def _sourced_or_assumed(self) -> "Basis":
        if not self.assumption and self.source is None:
            raise ValueError("a basis that is not an assumption must cite a source")
        return self


class EditionReadiness(_Strict):
    """The readiness verdict an edition gives, named for what it meant in its period.

    `ready`: every blocking criterion of the edition met, the rating at least `min_rating` (if
    set) and every domain in `dimensions` at least at stage `min_stage` (if set). `aspirant`: at
    most `aspirant_max_unmet_blocking` blocking criteria unmet and the aspirant thresholds reached.
    """

    label: str = Field(min_length=5)
    ready_label: str
    aspirant_label: str
    not_yet_label: str
    source: SourceCitation
    basis: Basis
    min_rating: str | None = None
    dimensions: list[str] = []
    min_stage: str | None = None
    aspirant_min_rating: str | None = None
    aspirant_min_stage: str | None = None
    aspirant_max_unmet_blocking: int = Field(ge=0)


class Edition(_Strict):
    """An assessment framework, chosen by the submission's date unless named."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    framework: str
    valid_from: dt.date
    valid_until: dt.date | None = None
    readiness: EditionReadiness | None = Field(
        None, description="The edition's readiness verdict; none where the period had no such status.")
    no_readiness: str | None = Field(
        None, description="Why the edition gives no readiness verdict (required when readiness is absent).")
    domain_weights: dict[str, float] = Field(
        {}, description="Domain weights that differ in this edition from the catalogue-wide ones.")
    domain_weights_basis: Basis | None = None

    @model_validator(mode="after")
    def _readiness_or_reason(self) -> "Edition":
        if (self.readiness is None) == (self.no_readiness is None):
            raise ValueError(f"edition {self.id}: give either readiness or no_readiness (one of them)")
        if self.domain_weights and self.domain_weights_basis is None:
            raise ValueError(f"edition {self.id}: domain_weights needs a domain_weights_basis")
        return self


class Domain(_Strict):
    """A scored group of criteria; `weight` sets its share of the overall score."""

    id: str = Field(pattern=r"^[a-z_]+$")
    title: str
    prefix: str = Field(pattern=r"^[A-Z]{2,5}$")
    weight: float = Field(gt=0, le=10)
    description: str = ""


class Band(_Strict):
    """A named band starting at `min_score` (0-100)."""

    name: str
    min_score: float = Field(ge=0, le=100)


class Cap(_Strict):
    """An override applied after banding: unmet rules limit the rating, whatever the score.

    `rules` count one each; `groups` (named, e.g. by digest criterion) count once when any of their
    rules is unmet. A cap counts its members that are in the edition assessed.
    """

    id: str
    title: str
    rules: list[str] = []
    groups: dict[str, list[str]] = {}
    editions: list[str] = Field([], description="Editions the cap applies in (empty: all).")
    min_unmet: int = Field(1, ge=1)
    max_rating: str
    basis: Basis

    @model_validator(mode="after")
    def _has_members(self) -> "Cap":
        if not self.rules and not self.groups:
            raise ValueError(f"cap {self.id}: give rules or groups")
        return self

    def members(self) -> list[tuple[str, tuple[str, ...]]]:
        """(name, rule ids) for each counted member, rules first then groups."""
        return [(r, (r,)) for r in self.rules] + [(name, tuple(ids)) for name, ids in self.groups.items()]


class TrajectoryPoint(_Strict):
    """A national trajectory's value from a date (e.g. seven-day services coverage)."""
    valid_from: dt.date
    value: float
    note: str = ""


class SourceRef(_Strict):
    """One source document of the register: its title, seed file and address."""
    title: str
    seed: str | None = None
    url: str | None = None


class ScoringModel(_Strict):
    """Every threshold of the scoring, as data, each with its basis (source or assumption)."""

    aggregation: Basis
    stages: list[Band] = Field(min_length=2)
    stages_basis: Basis
    ratings: list[Band] = Field(min_length=2)
    ratings_basis: Basis
    caps: list[Cap] = []
    max_rule_share_pct: float = Field(gt=0, le=100, description=(
        "No rule may carry more than this share of an edition's score when every criterion applies."))

    @model_validator(mode="after")
    def _bands_ascend(self) -> "ScoringModel":
        for name, bands in (("stages", self.stages), ("ratings", self.ratings)):
            mins = [b.min_score for b in bands]
            if mins[0] != 0 or mins != sorted(set(mins)):
                raise ValueError(f"{name}: bands must start at 0 and strictly ascend")
        names = [b.name for b in self.ratings]
        for rating in (c.max_rating for c in self.caps):
            if rating not in names:
                raise ValueError(f"unknown rating {rating!r}.{did_you_mean(rating, names)}")
        return self

    def rating_rank(self, name: str) -> int:
        """A rating's place in the scale, 0 for the lowest."""
        return [b.name for b in self.ratings].index(name)


class SharedFact(_Strict):
    """A declared exception to "one fact, one rule per edition": why these rules read these facts."""

    rules: list[str] = Field(min_length=2)
    facts: list[str] = Field(min_length=1)
    reason: str = Field(min_length=20)


class CatalogueFile(_Strict):
    """catalogue.yaml: editions, domains, the scoring model, the source register and what is not encoded."""
    version: str
    title: str
    editions: list[Edition] = Field(min_length=1)
    domains: list[Domain] = Field(min_length=1)
    scoring: ScoringModel
    trajectories: dict[str, list[TrajectoryPoint]] = {}
    sources: dict[str, SourceRef]
    digest_criteria: dict[str, str]
    not_encoded: dict[str, str] = {}
    shared_facts: list[SharedFact] = []

    @model_validator(mode="after")
    def _not_encoded_known(self) -> "CatalogueFile":
        for cid in self.digest_criteria:
            if not re.match(DIGEST_ID, cid):
                raise ValueError(f"digest_criteria: {cid!r} must start with 'D:' (e.g. 'D:PLAN-01') so that "
                                 f"it cannot be mistaken for a rule id")
        domains = {d.id for d in self.domains}
        stages = [b.name for b in self.scoring.stages]
        ratings = [b.name for b in self.scoring.ratings]
        for ed in self.editions:
            for dom in ed.domain_weights:
                if dom not in domains:
                    raise ValueError(f"edition {ed.id}: domain_weights names unknown domain {dom!r}")
            r = ed.readiness
            if r is None:
                continue
            for dom in r.dimensions:
                if dom not in domains:
                    raise ValueError(f"edition {ed.id}: readiness dimension {dom!r} is not a domain")
            for stage in (r.min_stage, r.aspirant_min_stage):
                if stage is not None and stage not in stages:
                    raise ValueError(f"edition {ed.id}: unknown stage {stage!r}.{did_you_mean(stage, stages)}")
            for rating in (r.min_rating, r.aspirant_min_rating):
                if rating is not None and rating not in ratings:
                    raise ValueError(f"edition {ed.id}: unknown rating {rating!r}.{did_you_mean(rating, ratings)}")
            if r.dimensions and r.min_stage is None:
                raise ValueError(f"edition {ed.id}: readiness dimensions need a min_stage")
        for cid in self.not_encoded:
            if cid not in self.digest_criteria:
                raise ValueError(f"not_encoded: unknown digest criterion {cid!r}."
                                 f"{did_you_mean(cid, self.digest_criteria)}")
        return self


class RuleSpec(_Strict):
    """A rule as written in YAML: complete metadata plus its condition."""

    id: str = Field(pattern=RULE_ID)
    title: str = Field(min_length=5, max_length=120)
    domain: str
    severity: Severity
    weight: float = Field(gt=0, le=10)
    editions: list[str] = Field(min_length=1)
    source: SourceCitation
    criteria: list[str] = Field(min_length=1, description="Digest criterion ids this rule encodes.")
    rationale: str = Field(min_length=20)
    remediation: str = Field(min_length=20)
    assumption: bool = False
    assumption_note: str | None = None
    aliases: list[str] = []
    applies_when: dict[str, Any] | None = None
    when: dict[str, Any]

    @model_validator(mode="after")
    def _assumption_explained(self) -> "RuleSpec":
        if self.assumption and not self.assumption_note:
            raise ValueError("assumption: true needs an assumption_note saying what is assumed")
        return self


@dataclass(frozen=True)
class Rule:
    """A loaded rule: metadata plus parsed condition trees."""

    spec: RuleSpec
    when: Node
    applies: Node | None
    file: str

    def __getattr__(self, name: str) -> Any:  # id, title, domain, ... read through to the spec
        if name.startswith("__"):  # not the spec's (pickle asks for __setstate__ before spec is set)
            raise AttributeError(name)
        return getattr(self.spec, name)


@dataclass
class Catalogue:
    """A checked catalogue: rules by id, the scoring model, and what the engine must be given."""

    meta: CatalogueFile
    rules: dict[str, Rule]
    needs: Needs
    directory: Path
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def version(self) -> str:
        """The catalogue's version, as catalogue.yaml states it."""
        return self.meta.version

    @property
    def scoring(self) -> ScoringModel:
        """The scoring model: bands, ratings, caps and readiness."""
        return self.meta.scoring

    def domain(self, domain_id: str) -> Domain:
        """The domain with this id."""
        return next(d for d in self.meta.domains if d.id == domain_id)

    def edition(self, edition_id: str) -> Edition:
        """The edition with this id; KeyError naming the known ones otherwise."""
        for e in self.meta.editions:
            if e.id == edition_id:
                return e
        ids = [e.id for e in self.meta.editions]
        raise KeyError(f"unknown edition '{edition_id}' (editions: {', '.join(ids)}).{did_you_mean(edition_id, ids)}")

    def edition_for(self, day: dt.date) -> Edition:
        """The edition in force on `day`; before the first, the first; after the last, the last."""
        editions = sorted(self.meta.editions, key=lambda e: e.valid_from)
        chosen = editions[0]
        for e in editions:
            if e.valid_from <= day:
                chosen = e
        return chosen

    def rules_for(self, edition_id: str) -> list[Rule]:
        """The rules that apply in this edition, in catalogue order."""
        return [r for r in self.rules.values() if edition_id in r.editions]

    def domain_weight(self, domain_id: str, edition_id: str) -> float:
        """The domain's weight in this edition (the edition may override the catalogue-wide one)."""
        return self.edition(edition_id).domain_weights.get(domain_id, self.domain(domain_id).weight)

    def trajectory_value(self, name: str, day: dt.date) -> float | None:
        """A national trajectory's value in force on `day`, or None before its first date."""
        value = None
        for point in self.meta.trajectories[name]:
            if point.valid_from <= day:
                value = point.value
        return value

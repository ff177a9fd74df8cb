"""The NHS Oversight Framework edition as data: metrics, domains, the mean, cut-points and rules.

Loaded from `rules/nof-2025-26/edition.yaml` (its own folder, so the STP catalogue loader never
reads it as STP rules). Rule conditions use the project's `when` grammar, checked at load time
against the facts of the method's stages (`StageFacts`); a bad edition file is a RuleError naming
the file and the rule.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..catalogue.conditions import ConditionError, Needs, Node, Parser, nnf
from ..common.resources import bundled_dir
from ..errors import RuleError
from ..input.fields import fields_of

EDITION_ID = "nof-2025-26"
Stage = Literal["bands", "finance", "segment", "adjust"]
STAGES: tuple[Stage, ...] = ("bands", "finance", "segment", "adjust")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageFacts(BaseModel):
    """The values the method's rules read, one stage at a time (the schema their `when` checks)."""

    plan_value: float | None = Field(None, description="planned surplus/deficit, % of income (OF0079)")
    variance_value: float | None = Field(None, description="year-to-date variance to plan, % (OF0081)")
    plan_score: float | None = Field(None, description="planned surplus/deficit score (OF1079)")
    variance_score: float | None = Field(None, description="year-to-date variance to plan score (OF1081)")
    average: float | None = Field(None, description="the trust's average metric score")
    cut_1: float | None = Field(None, description="the quarter's first cut-point")
    cut_2: float | None = Field(None, description="the quarter's second cut-point")
    cut_3: float | None = Field(None, description="the quarter's third cut-point")
    segment_unadjusted: int | None = Field(None, description="the segment of the average")
    in_deficit: bool | None = Field(None, description="in financial deficit or receiving deficit support")
    recovery_support: bool | None = Field(None, description="in the Recovery Support Programme")


class Source(_Strict):
    """Where the method is published."""

    title: str
    url: str


class Scale(_Strict):
    """Graded metric scores: `best` to `worst`; lower is better in this edition."""

    best: float
    worst: float
    lower_is_better: bool


class Published(_Strict):
    """The metric ids under which NHS England publishes the summary results."""

    average: str
    segment_unadjusted: str
    deficit_flag: str
    segment: str
    recovery_support_flag: str
    final_segment: str


class DomainSpec(_Strict):
    """A domain, with the ids of its published score and segment."""

    id: str
    name: str
    score_id: str
    segment_id: str


class MetricSpec(_Strict):
    """A scored metric; `combines` names the metrics a derived score replaces."""

    id: str = Field(pattern=r"^OF1\d{3}$")
    name: str
    domain: str
    value_id: str | None = Field(None, pattern=r"^OF0\d{3}$")
    in_average: bool = True
    combines: list[str] = []


class Aggregation(_Strict):
    """How graded scores are combined: `mean` (unweighted), the second kind beside weighted credit."""

    kind: Literal["mean"]
    note: str
    assumption: bool
    evidence: str


class QuarterCuts(_Strict):
    """A quarter's bundled cut-points and the published gaps they were derived from."""

    cuts: tuple[float, float, float]
    gaps: list[tuple[float, float]] = []


class Cutpoints(_Strict):
    """The bundled cut-points per quarter and how they were obtained."""

    provenance: str
    note: str
    quarters: dict[str, QuarterCuts]


class Ranking(_Strict):
    """How the league rank is decided."""

    within: Literal["trust_type"]
    order: list[str]
    ties: Literal["lowest"]
    assumption: bool
    evidence: str


class RuleSource(_Strict):
    """The part of the method a rule encodes."""

    section: str


class NofRule(_Strict):
    """One decision of the method, evaluated by durable_rules in its stage."""

    id: str = Field(pattern=r"^NOF-\d{2}$")
    stage: Stage
    title: str = Field(min_length=5, max_length=120)
    effect: dict[str, Any] = Field(min_length=1)
    source: RuleSource
    rationale: str = Field(min_length=20)
    remediation: str = Field(min_length=10)
    assumption: bool = False
    assumption_note: str | None = None
    when: dict[str, Any]

    @model_validator(mode="after")
    def _assumption_explained(self) -> "NofRule":
        if self.assumption and not self.assumption_note:
            raise ValueError("assumption: true needs an assumption_note saying what is assumed")
        return self


class EditionFile(_Strict):
    """The edition file as written."""

    id: str
    title: str
    framework: str
    source: Source
    licence_note: str
    scale: Scale
    published: Published
    domains: list[DomainSpec] = Field(min_length=1)
    metrics: list[MetricSpec] = Field(min_length=1)
    aggregation: Aggregation
    cutpoints: Cutpoints
    ranking: Ranking
    rules: list[NofRule] = Field(min_length=1)
    unknown: list[str] = []

    @model_validator(mode="after")
    def _consistent(self) -> "EditionFile":
        domain_ids = {d.id for d in self.domains}
        metric_ids = {m.id for m in self.metrics}
        for m in self.metrics:
            if m.domain not in domain_ids:
                raise ValueError(f"metric {m.id}: unknown domain '{m.domain}'")
            for part in m.combines:
                if part not in metric_ids:
                    raise ValueError(f"metric {m.id}: combines unknown metric {part}")
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        for q, c in self.cutpoints.quarters.items():
            if not c.cuts[0] < c.cuts[1] < c.cuts[2]:
                raise ValueError(f"cut-points of {q} must strictly ascend")
        return self


class Edition:
    """A loaded edition: the file's data plus each rule's parsed condition, by stage."""

    def __init__(self, data: EditionFile, file: str) -> None:
        self.data = data
        self.file = file
        self.metrics = {m.id: m for m in data.metrics}
        self.domains = {d.id: d for d in data.domains}
        self.needs = Needs()
        parser = Parser(self.needs)
        parser.root = fields_of(StageFacts)
        self.conditions: dict[str, Node] = {}
        for rule in data.rules:
            try:
                self.conditions[rule.id] = parser.parse(rule.when, f"{rule.id}.when")
            except ConditionError as exc:
                raise RuleError(file, str(exc), rule_id=rule.id) from None
        self.rules = {r.id: r for r in data.rules}

    @property
    def id(self) -> str:
        """The edition id (nof-2025-26)."""
        return self.data.id

    def stage_rules(self, stage: Stage) -> list[NofRule]:
        """The rules of one stage, in file order."""
        return [r for r in self.data.rules if r.stage == stage]

    def engine_conditions(self, stage: Stage) -> list[tuple[str, tuple[Any, ...]]]:
        """(rule id, engine-neutral condition) for the rules of one stage."""
        return [(r.id, nnf(self.conditions[r.id])) for r in self.stage_rules(stage)]

    def project(self, facts: StageFacts) -> dict[str, Any]:
        """The fact the engine is given: each value the rules read under its projected key."""
        values = facts.model_dump()
        return {key: values[path] for path, key in self.needs.fields.items() if values[path] is not None}

    def scored_metrics(self) -> list[MetricSpec]:
        """The metrics an average counts (the combined finance score in place of its parts)."""
        return [m for m in self.data.metrics if m.in_average]

    def domain_of(self, metric_id: str) -> str | None:
        """The domain of a metric of the edition (None for a metric it does not list)."""
        m = self.metrics.get(metric_id)
        return m.domain if m else None


def load_edition(path: str | Path | None = None) -> Edition:
    """The bundled 2025/26 edition, or an edition file given by path."""
    file = Path(path) if path is not None else bundled_dir("rules") / EDITION_ID / "edition.yaml"
    return _load(str(file))


@lru_cache(maxsize=4)
def _load(file: str) -> Edition:
    try:
        raw = yaml.safe_load(Path(file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(file, f"cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise RuleError(file, f"not valid YAML: {exc}") from None
    try:
        data = EditionFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RuleError(file, f"{where}: {first['msg']}") from None
    return Edition(data, file)

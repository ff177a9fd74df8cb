"""What an assessment says, as plain data keyed by rule id, ready for any renderer."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from ..catalogue.conditions import ClauseFailure

if TYPE_CHECKING:
    from ..catalogue.model import Rule
    from ..input.submission import Submission


class Status(str, Enum):
    """How a criterion ended."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


# The result records below are frozen dataclasses whose __init__ fills the instance dict directly:
# the generated frozen __init__ goes through object.__setattr__ for every field, about three times
# slower, and an assessment builds a hundred of these. Fields, equality, hashing, repr, pickling
# and immutability are those of the dataclass.

@dataclass(frozen=True, init=False)
class CriterionResult:
    """One rule's verdict. `credit` (0-1) leaves room for graded criteria; met/not met give 1/0."""

    rule: "Rule"
    status: Status
    credit: float | None
    failures: tuple[ClauseFailure, ...] = ()

    def __init__(self, rule: "Rule", status: Status, credit: float | None,
                 failures: tuple[ClauseFailure, ...] = ()) -> None:
        d = self.__dict__
        d["rule"], d["status"], d["credit"], d["failures"] = rule, status, credit, failures

    def to_dict(self) -> dict[str, Any]:
        """As plain data, in the shape of `assess score --format json`."""
        spec = self.rule.spec
        return {
            "id": spec.id, "title": spec.title, "domain": spec.domain, "severity": spec.severity,
            "weight": spec.weight, "status": self.status.value, "credit": self.credit,
            "assumption": spec.assumption,
            "source": {"id": spec.source.id, "section": spec.source.section},
            "explanation": [f.to_dict() for f in self.failures],
            "remediation": spec.remediation if self.status is Status.NOT_MET else None,
        }


@dataclass(frozen=True, init=False)
class DomainScore:
    """A domain's weighted score (None when no criterion applied) and its maturity stage."""

    domain: str
    title: str
    score: float | None
    stage: str | None
    met: int
    not_met: int
    not_applicable: int

    def __init__(self, domain: str, title: str, score: float | None, stage: str | None, met: int,
                 not_met: int, not_applicable: int) -> None:
        d = self.__dict__
        d["domain"], d["title"], d["score"], d["stage"] = domain, title, score, stage
        d["met"], d["not_met"], d["not_applicable"] = met, not_met, not_applicable

    def to_dict(self) -> dict[str, Any]:
        """As plain data, in the shape of `assess score --format json`."""
        return {"domain": self.domain, "name": self.title, "score": self.score, "stage": self.stage,
                "met": self.met, "not_met": self.not_met, "not_applicable": self.not_applicable}


@dataclass(frozen=True, init=False)
class PathStep:
    """One criterion to close on the way to ICS readiness, with what closing it would yield."""

    rule_id: str
    title: str
    severity: str
    gain: float
    projected_score: float
    projected_rating: str
    projected_readiness: str

    def __init__(self, rule_id: str, title: str, severity: str, gain: float, projected_score: float,
                 projected_rating: str, projected_readiness: str) -> None:
        d = self.__dict__
        d["rule_id"], d["title"], d["severity"], d["gain"] = rule_id, title, severity, gain
        d["projected_score"], d["projected_rating"], d["projected_readiness"] = (
            projected_score, projected_rating, projected_readiness)

    def to_dict(self) -> dict[str, Any]:
        """As plain data, in the shape of `assess score --format json`."""
        return {"id": self.rule_id, "title": self.title, "severity": self.severity, "gain": self.gain,
                "projected_score": self.projected_score, "projected_rating": self.projected_rating,
                "projected_readiness": self.projected_readiness}


@dataclass(frozen=True)
class CapApplied:
    """A rating cap that bound this submission."""

    cap_id: str
    title: str
    max_rating: str
    unmet: tuple[str, ...]
    assumption: bool = True  # no published framework caps an STP rating: the catalogue's own rule

    def to_dict(self) -> dict[str, Any]:
        """As plain data, in the shape of `assess score --format json`."""
        return {"id": self.cap_id, "title": self.title, "max_rating": self.max_rating, "unmet": list(self.unmet),
                "assumption": self.assumption}


@dataclass(frozen=True)
class ReadinessMeaning:
    """What the edition's readiness verdict is called and rests on (None: the edition gives none)."""

    verdict: str | None  # e.g. "ACS candidacy (Next Steps, March 2017)"
    labels: dict[str, str]  # value -> words a reviewer reads
    note: str  # its basis (sourced and assumed parts), or why the edition gives no verdict
    source: str | None
    assumption: bool

    def to_dict(self, value: str) -> dict[str, Any]:
        """As plain data, with the label of the verdict `value`."""
        return {"verdict": self.verdict, "label": self.labels.get(value, value), "note": self.note,
                "source": self.source, "assumption": self.assumption, "labels": dict(self.labels)}


@dataclass
class Assessment:
    """The whole assessment of one submission against one edition of one catalogue."""

    submission: "Submission"
    edition: str
    edition_title: str
    catalogue_version: str
    criteria: dict[str, CriterionResult]
    domains: list[DomainScore]
    score: float
    stage: str
    rating: str
    score_rating: str  # the rating the score alone gives, before caps
    ics_readiness: str  # ready | aspirant | not_yet, or not_applicable in an edition without a verdict
    unmet_blocking: list[str]
    caps_applied: list[CapApplied]
    path_to_ics: list[PathStep]
    source_sha256: str | None = None
    source_file: str | None = None
    score_stage: str | None = None  # the stage the score alone gives (the stage never exceeds the rating)
    readiness_meaning: ReadinessMeaning | None = None
    _sha: str | None = field(default=None, repr=False)

    @property
    def input_sha256(self) -> str:
        """sha256 of the file read, or of the submission's canonical JSON when there was none."""
        if self.source_sha256:
            return self.source_sha256
        if self._sha is None:
            canonical = self.submission.model_dump_json(exclude_defaults=False).encode()
            self._sha = hashlib.sha256(canonical).hexdigest()
        return self._sha

    def to_dict(self) -> dict[str, Any]:
        """As plain data, in the shape of `assess score --format json`."""
        fp = self.submission.footprint
        return {
            "submission": {"code": fp.code, "name": fp.name, "region": fp.region,
                           "population": fp.population, "submitted_on": fp.submitted_on.isoformat(),
                           "illustrative": self.submission.illustrative},
            "edition": self.edition,
            "edition_title": self.edition_title,
            "catalogue_version": self.catalogue_version,
            "input_sha256": self.input_sha256,
            "score": self.score,
            "stage": self.stage,
            "rating": self.rating,
            "score_rating": self.score_rating,
            "score_stage": self.score_stage or self.stage,
            "ics_readiness": self.ics_readiness,
            "readiness": self.readiness_meaning.to_dict(self.ics_readiness) if self.readiness_meaning else None,
            "unmet_blocking": self.unmet_blocking,
            "caps_applied": [c.to_dict() for c in self.caps_applied],
            "domains": [d.to_dict() for d in self.domains],
            "criteria": [c.to_dict() for c in self.criteria.values()],
            "path_to_ics": [s.to_dict() for s in self.path_to_ics],
        }

    def to_json(self) -> str:
        """Sorted keys, fixed separators: the same input always gives the same bytes."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

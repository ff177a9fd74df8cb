"""Assessments as tidy pandas DataFrames, for notebooks: one row per submission, and one row per
submission x criterion. Built from plain assessment data, so a batch's results.json reads into
exactly the same tables as assessments made in the notebook."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

from ..engine.results import Assessment

if TYPE_CHECKING:
    import pandas as pd

SUBMISSION_COLUMNS = ("code", "name", "region", "population", "submitted_on", "edition", "catalogue_version",
                      "score", "stage", "rating", "score_rating", "ics_readiness", "unmet_blocking",
                      "engine_score", "engine_rating", "overrides", "stale_decisions", "input_sha256")
CRITERION_COLUMNS = ("code", "edition", "criterion", "title", "domain", "severity", "weight", "status",
                     "engine_status", "credit", "submitted", "required", "moderated_by", "justification")


class Frames(NamedTuple):
    """`submissions`: one row per submission; `criteria`: one row per submission x criterion."""

    submissions: "pd.DataFrame"
    criteria: "pd.DataFrame"


def _records(assessments: Iterable[Assessment | dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for a in assessments:
        yield a.to_dict() if isinstance(a, Assessment) else a


def to_frame(assessments: Assessment | dict[str, Any] | Iterable[Assessment | dict[str, Any]]) -> Frames:
    """Tidy DataFrames of assessments (Assessment objects or their `to_dict()` data).

    `criteria` has the criterion's status (moderated, where a reviewer decided) and the engine's,
    its credit, severity and domain, and for a failing criterion the values submitted and required,
    clause by clause ("; " between clauses).
    """
    import pandas as pd

    items = [assessments] if isinstance(assessments, (Assessment, dict)) else assessments
    subs, crits = [], []
    for a in _records(items):
        s = a["submission"]
        moderation = a.get("moderation") or {}
        engine = a.get("engine") or a
        subs.append({
            "code": s["code"], "name": s["name"], "region": s["region"], "population": s["population"],
            "submitted_on": pd.Timestamp(s["submitted_on"]), "edition": a["edition"],
            "catalogue_version": a["catalogue_version"], "score": a["score"], "stage": a["stage"],
            "rating": a["rating"], "score_rating": a["score_rating"], "ics_readiness": a["ics_readiness"],
            "unmet_blocking": len(a["unmet_blocking"]), "engine_score": engine["score"],
            "engine_rating": engine["rating"], "overrides": moderation.get("overrides", 0),
            "stale_decisions": moderation.get("stale", 0), "input_sha256": a.get("input_sha256"),
        })
        for c in a["criteria"]:
            failures = c.get("explanation") or []
            moderated = c.get("moderated") or {}
            crits.append({
                "code": s["code"], "edition": a["edition"], "criterion": c["id"], "title": c["title"],
                "domain": c["domain"], "severity": c["severity"], "weight": c.get("weight"),
                "status": c["status"], "engine_status": c.get("engine_status", c["status"]),
                "credit": c.get("credit"),
                "submitted": "; ".join(f"{f['path']} = {f.get('submitted')}" for f in failures) or None,
                "required": "; ".join(f.get("text", "") for f in failures) or None,
                "moderated_by": moderated.get("reviewer"), "justification": moderated.get("justification"),
            })
    submissions = pd.DataFrame(subs, columns=list(SUBMISSION_COLUMNS))
    criteria = pd.DataFrame(crits, columns=list(CRITERION_COLUMNS))
    for frame, column in ((criteria, "status"), (criteria, "engine_status"), (criteria, "severity")):
        frame[column] = frame[column].astype("category")
    return Frames(submissions, criteria)


def read_results(path: str | Path) -> Frames:
    """A batch's results.json as the same DataFrames as `to_frame`."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, list):
        raise ValueError(f"{path}: not a batch's results.json (a list of assessments)")
    return to_frame(data)

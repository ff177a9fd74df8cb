"""stp-assess: score STP/ICS submissions against the published NHS criteria, explainably.

The library API a notebook calls; the `assess` command is a thin layer over it. The names below
are imported from their modules on first use, so a command pays only for what it runs (`assess
check` never loads the engine, `assess --help` not even pydantic).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .lazy import lazy_names

if TYPE_CHECKING:
    from .catalogue import Catalogue, load_catalogue
    from .errors import AssessError, EngineError, InputError, RuleError
    from .results import Assessment, Status
    from .review import (
        DecisionSet,
        ModeratedAssessment,
        diff_assessments,
        diff_files,
        load_decisions,
        moderate,
        read_results,
        to_frame,
    )
    from .sources import load_submission
    from .submission import Submission

__all__ = [
    "AssessError", "Assessment", "Catalogue", "DecisionSet", "EngineError", "InputError",
    "ModeratedAssessment", "RuleError", "Status", "Submission", "assess", "assess_file", "diff_assessments",
    "diff_files", "load_catalogue", "load_decisions", "load_submission", "moderate", "read_results", "to_frame",
]
__version__ = "0.1.0"

_LAZY = {
    "Catalogue": "catalogue", "load_catalogue": "catalogue",
    "AssessError": "errors", "EngineError": "errors", "InputError": "errors", "RuleError": "errors",
    "Assessment": "results", "Status": "results",
    "DecisionSet": "review", "ModeratedAssessment": "review", "diff_assessments": "review",
    "diff_files": "review", "load_decisions": "review", "moderate": "review", "read_results": "review",
    "to_frame": "review",
    "load_submission": "sources",
    "Submission": "submission",
}

__getattr__, __dir__ = lazy_names(__name__, _LAZY)


def assess(submission: Submission | dict[str, Any], catalogue: Catalogue, *, edition: str | None = None,
           source_sha256: str | None = None, source_file: str | None = None,
           decisions: DecisionSet | str | Path | None = None) -> Assessment:
    """Assess one submission (a Submission or a plain dict, validated here).

    `edition` defaults to the one in force on the submission's date. `decisions` (a reviewer's
    decisions file, or one already loaded) gives the moderated assessment, the engine's beside it.
    """
    from .assessor import compile_edition, run
    from .submission import Submission

    if not isinstance(submission, Submission):
        submission = Submission.model_validate(submission)
    chosen = edition or catalogue.edition_for(submission.footprint.submitted_on).id
    result = run(compile_edition(catalogue, chosen), submission, source_sha256=source_sha256,
                 source_file=source_file)
    if decisions is None:
        return result
    from .review import DecisionSet, load_decisions, moderate

    if not isinstance(decisions, DecisionSet):
        decisions = load_decisions(decisions, catalogue)
    return moderate(result, decisions, catalogue)


def assess_file(path: str | Path, catalogue: Catalogue, *, edition: str | None = None,
                decisions: DecisionSet | str | Path | None = None) -> Assessment:
    """Read, validate and assess one submission file; InputError names the file, field and line."""
    from .sources import read_source, validate

    source = read_source(path)
    return assess(validate(source), catalogue, edition=edition, source_sha256=source.sha256,
                  source_file=source.file, decisions=decisions)

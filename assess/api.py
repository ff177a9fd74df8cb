"""The two calls a notebook or another tool makes to assess one submission: `assess` (a dict or a
Submission) and `assess_file` (a file). Both are re-exported by the package: `from assess import
assess`."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalogue.model import Catalogue
    from .engine.results import Assessment
    from .input.submission import Submission
    from .review import DecisionSet


def assess(submission: Submission | dict[str, Any], catalogue: Catalogue, *, edition: str | None = None,
           source_sha256: str | None = None, source_file: str | None = None,
           decisions: DecisionSet | str | Path | None = None) -> Assessment:
    """Assess one submission (a Submission or a plain dict, validated here).

    `edition` defaults to the one in force on the submission's date. `decisions` (a reviewer's
    decisions file, or one already loaded) gives the moderated assessment, the engine's beside it.
    """
    from .engine.assessor import assess_submission

    result = assess_submission(submission, catalogue, edition=edition, source_sha256=source_sha256,
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
    from .input.load import read_source, validate

    source = read_source(path)
    return assess(validate(source), catalogue, edition=edition, source_sha256=source.sha256,
                  source_file=source.file, decisions=decisions)

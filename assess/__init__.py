"""stp-assess: score STP/ICS submissions against the published NHS criteria, explainably.

The library API a notebook calls; the `assess` command is a thin layer over it. The names below
are imported from their modules on first use, so a command pays only for what it runs (`assess
check` never loads the engine, `assess --help` not even pydantic).

The package is laid out by job, in the order a submission flows (docs/architecture.md):
common (safe text, words, files) -> input (read and validate) -> catalogue (rules as data) ->
engine (match and score) -> render (results as reports and workbooks) -> review, nof, batch (jobs
built on them) -> api (`assess`, `assess_file`) -> cli. A layer imports only those below it; the
contracts in setup.cfg ([importlinter]) are checked in CI.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .common.lazy import lazy_names
from .common.version import __version__ as __version__

if TYPE_CHECKING:
    from .api import assess, assess_file
    from .catalogue.load import load_catalogue
    from .catalogue.model import Catalogue
    from .engine.results import Assessment, Status
    from .errors import AssessError, EngineError, InputError, RuleError
    from .input.load import load_submission
    from .input.submission import Submission
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

__all__ = [
    "AssessError", "Assessment", "Catalogue", "DecisionSet", "EngineError", "InputError",
    "ModeratedAssessment", "RuleError", "Status", "Submission", "assess", "assess_file", "diff_assessments",
    "diff_files", "load_catalogue", "load_decisions", "load_submission", "moderate", "read_results", "to_frame",
]

_LAZY = {
    "assess": "api", "assess_file": "api",
    "Catalogue": "catalogue.model", "load_catalogue": "catalogue.load",
    "AssessError": "errors", "EngineError": "errors", "InputError": "errors", "RuleError": "errors",
    "Assessment": "engine.results", "Status": "engine.results",
    "DecisionSet": "review", "ModeratedAssessment": "review", "diff_assessments": "review",
    "diff_files": "review", "load_decisions": "review", "moderate": "review", "read_results": "review",
    "to_frame": "review",
    "load_submission": "input.load",
    "Submission": "input.submission",
}

__getattr__, __dir__ = lazy_names(__name__, _LAZY)

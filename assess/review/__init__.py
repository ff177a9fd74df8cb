"""The reviewer's workflow: moderation with an audit trail, progress between submissions, results
as DataFrames. Each job has its module: `moderation` (decisions files, fingerprints, the moderated
verdict), `diff` (what changed between two submissions of one footprint) and `frames` (tidy pandas
tables of assessments or of a batch's results.json). Each name is imported from its module on
first use, so that scoring without decisions never loads them.

Imports: assess.render, assess.engine, assess.catalogue, assess.input, assess.common and
assess.errors; never assess.nof, assess.batch or the command line.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..common.lazy import lazy_names

if TYPE_CHECKING:
    from .diff import DiffError, diff_assessments, diff_files
    from .frames import read_results, to_frame
    from .moderation import Decision, DecisionSet, ModeratedAssessment, fingerprint, load_decisions, moderate

__all__ = [
    "Decision", "DecisionSet", "DiffError", "ModeratedAssessment", "diff_assessments", "diff_files",
    "fingerprint", "load_decisions", "moderate", "read_results", "to_frame",
]
_LAZY = {
    "DiffError": "diff", "diff_assessments": "diff", "diff_files": "diff",
    "read_results": "frames", "to_frame": "frames",
    "Decision": "moderation", "DecisionSet": "moderation", "ModeratedAssessment": "moderation",
    "fingerprint": "moderation", "load_decisions": "moderation", "moderate": "moderation",
}

__getattr__, __dir__ = lazy_names(__name__, _LAZY)

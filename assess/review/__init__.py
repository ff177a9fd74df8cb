"""The reviewer's workflow: moderation with an audit trail, progress between submissions, results
as DataFrames. Each job has its module: `moderation` (decisions files, fingerprints, the moderated
verdict), `diff` (what changed between two submissions of one footprint) and `frames` (tidy pandas
tables of assessments or of a batch's results.json).
"""
from __future__ import annotations

from .diff import DiffError, diff_assessments, diff_files
from .frames import read_results, to_frame
from .moderation import Decision, DecisionSet, ModeratedAssessment, fingerprint, load_decisions, moderate

__all__ = [
    "Decision", "DecisionSet", "DiffError", "ModeratedAssessment", "diff_assessments", "diff_files",
    "fingerprint", "load_decisions", "moderate", "read_results", "to_frame",
]

"""The submission model under its old import path (`from assess.submission import Submission`),
kept for notebooks written before the package was laid out by job; the model lives in
assess.input.submission."""
from __future__ import annotations

from .input.submission import SCHEMA_VERSION, Submission

__all__ = ["SCHEMA_VERSION", "Submission"]

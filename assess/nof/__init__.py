"""The NHS Oversight Framework 2025/26 on NHS England's published data.

reader: the published CSVs as they are; edition: the method as data (rules/nof-2025-26);
method: the steps, decided by durable_rules; verify: agreement with the published results;
path: the shortest path to a better segment; output/reports: JSON, text, HTML, workbook;
command: the `assess nof` command.

Imports: assess.render, assess.engine, assess.catalogue, assess.input, assess.common and
assess.errors; never assess.review, assess.batch or the command line.
"""
from __future__ import annotations

from .edition import Edition, load_edition
from .method import Method, QuarterCutpoints, TrustResult, load_cutpoints, resolve_cutpoints
from .reader import Problem, PublishedData, TrustQuarter, read_published

__all__ = ["Edition", "Method", "Problem", "PublishedData", "QuarterCutpoints", "TrustQuarter", "TrustResult",
           "load_cutpoints", "load_edition", "read_published", "resolve_cutpoints"]

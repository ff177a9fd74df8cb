"""Beyond a few hundred submissions the dashboard shows aggregates, so index.html stays small."""
from __future__ import annotations

import re

import largebatch

from assess.render import dashboard


def test_a_small_batch_keeps_a_row_and_a_heatmap_column_per_submission() -> None:
    html = largebatch.page(dashboard.LARGE_BATCH)
    assert html.count('<td class="cell st-') > dashboard.LARGE_BATCH * 10
    assert len(re.findall(r'<th scope="row" class="name"', html)) == 2 * dashboard.LARGE_BATCH


def test_a_large_batch_shows_aggregates_and_the_top_of_the_league() -> None:
    n = dashboard.LARGE_BATCH + 1
    html = largebatch.page(n, errors=dashboard.ERRORS_SHOWN + 5)
    assert f"The best {dashboard.LEAGUE_SHOWN} of {n} submissions" in html
    assert len(re.findall(r'<th scope="row" class="name"', html)) == 2 * dashboard.LEAGUE_SHOWN
    assert '<td class="cell st-' not in html and "criteria-summary" in html
    assert f"The first {dashboard.ERRORS_SHOWN} of {dashboard.ERRORS_SHOWN + 5} problems" in html
    assert "Coverage by footprint" not in html and "not reporting coverage" in html


def test_the_large_form_counts_every_criterion_status() -> None:
    entries = largebatch.entries(30)
    domain_ids = sorted({c["domain"] for e in entries for c in e["assessment"]["criteria"]})
    domains = [{"id": d, "title": d} for d in domain_ids]
    groups = dashboard.criteria_summary(entries, domains)
    rows = [r for g in groups for r in g["rows"]]
    for row in rows:
        statuses = [c["status"] for e in entries for c in e["assessment"]["criteria"] if c["id"] == row["id"]]
        assert (row["met"], row["not_met"], row["not_applicable"]) == tuple(
            statuses.count(s) for s in ("met", "not_met", "not_applicable"))
        assert row["not_in_edition"] == 30 - len(statuses)


def test_the_large_page_does_not_grow_with_the_batch() -> None:
    sizes = [len(largebatch.page(n).encode()) for n in (dashboard.LARGE_BATCH + 1, 4 * dashboard.LARGE_BATCH)]
    assert sizes[1] - sizes[0] < 2_000, sizes  # only the counts' digits differ
    assert sizes[1] < 1_000_000

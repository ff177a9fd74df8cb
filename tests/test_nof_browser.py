"""The Oversight Framework pages in a real browser: no console error, no request but the page
itself, axe-core's WCAG 2.1 A/AA with no serious or critical violation, sortable by keyboard."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import browserkit as bk
import pytest
from casekit import FIXTURES
from test_browser import check_page, driver  # noqa: F401  (the shared headless Chromium fixture)

from assess.nof import Method, load_edition, read_published, resolve_cutpoints
from assess.nof.path import peer_stats
from assess.nof.reports import write_reports

DATA = FIXTURES / "nof-2025-26" / "mental-health-and-community-trust-data-Q1-Q3.csv"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    edition = load_edition()
    data = read_published(DATA, edition)
    with Method(edition) as method:
        results = method.run(data, resolve_cutpoints(edition))
    out = tmp_path_factory.mktemp("nof")
    write_reports(out, data, results, peer_stats(results), edition)
    return out


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("ASSESS_SCREENSHOTS")
    return Path(target) if target else tmp_path_factory.mktemp("screenshots")


def _driver(request: pytest.FixtureRequest) -> Any:
    """test_browser's module-scoped headless Chromium (imported above so that pytest finds it)."""
    return request.getfixturevalue("driver")


def test_landing_dashboard_and_trust_pages_pass(request: pytest.FixtureRequest, site: Path, shots: Path) -> None:
    browser = _driver(request)
    check_page(browser, site / "index.html", shots, "nof-index")
    check_page(browser, site / "q2-2025-26" / "index.html", shots, "nof-dashboard-q2")
    # held back by the deficit; lifted by one metric; segment 5 (Recovery Support Programme)
    for code in ("RAT", "R1A", "RHA"):
        check_page(browser, site / "q2-2025-26" / "trusts" / f"{code}.html", shots, f"nof-trust-{code}")
        assert browser.find_element("css selector", "h1").text.strip()


def test_league_sorts_by_keyboard(request: pytest.FixtureRequest, site: Path) -> None:
    browser = _driver(request)
    from selenium.webdriver.common.keys import Keys

    bk.load(browser, site / "q2-2025-26" / "index.html")
    button = browser.find_element("css selector", "#league thead th:nth-child(4) button")
    button.send_keys(Keys.ENTER)
    averages = [float(c.text) for c in browser.find_elements("css selector", "#league tbody tr td:nth-child(4)")]
    assert averages == sorted(averages) or averages == sorted(averages, reverse=True)
    assert len(averages) == 61

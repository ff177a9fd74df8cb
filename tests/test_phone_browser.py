"""Every kind of page fits a phone and a desktop: no sideways scroll of the page at 390 or 1280 CSS
pixels (a wide table scrolls inside its own labelled, keyboard-reachable region instead) and no
axe-core violation of any impact, minor included, of WCAG 2.1 A/AA or axe's best practices.

The page kinds: the gap report (plain and with hostile text), the moderated gap report, one with
"since the last submission", the dashboard (plain, with its review block, and the large form) and
`assess diff --format html`. The catalogue and method pages are Markdown, not HTML."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import browserkit as bk
import pytest
from test_browser import driver, shots, site  # noqa: F401 - fixtures shared with the browser tests
from test_review_browser import review_site  # noqa: F401

WIDTHS = (390, 1280)
PAGES = {
    "gap report": ("site", "reports/DORSET.html"),
    "gap report, hostile text": ("site", "reports/HOSTILE.html"),
    "dashboard": ("site", "index.html"),
    "moderated gap report": ("review_site", "reports/LINCS.html"),
    "gap report since the last submission": ("review_site", "reports/DORSET.html"),
    "dashboard with review": ("review_site", "index.html"),
    "diff": ("review_site", "diff.html"),
    "large dashboard": ("large_site", "index.html"),
}

#: Elements that scroll sideways: each must be a labelled region reachable by keyboard.
SCROLLERS = """
return Array.from(document.querySelectorAll('body *')).filter(e => {
  const style = getComputedStyle(e);
  return ['auto', 'scroll'].includes(style.overflowX) && e.scrollWidth > e.clientWidth;
}).map(e => ({tag: e.tagName, cls: e.className, role: e.getAttribute('role'),
              label: e.getAttribute('aria-label') || (e.getAttribute('aria-labelledby') &&
                     (document.getElementById(e.getAttribute('aria-labelledby')) || {}).textContent) || '',
              tabindex: e.getAttribute('tabindex')}));
"""
#: What sticks out past the right edge of the window (to say what to fix when the page scrolls).
WIDEST = """
const w = document.documentElement.clientWidth;
return Array.from(document.querySelectorAll('body *')).filter(e => {
  const r = e.getBoundingClientRect();
  if (r.right <= w + 0.5) return false;
  for (let p = e.parentElement; p; p = p.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false;
  }
  return true;
}).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
"""


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import largebatch

    from assess.render import dashboard

    base = tmp_path_factory.mktemp("large-site")
    page = largebatch.page(dashboard.LARGE_BATCH * 2, errors=dashboard.ERRORS_SHOWN + 1)
    (base / "index.html").write_text(page, encoding="utf-8")
    return base


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(PAGES))
def test_the_page_fits_the_screen_and_passes_axe_with_no_violation(
        driver: Any, request: pytest.FixtureRequest, shots: Path, kind: str, width: int) -> None:  # noqa: F811
    folder, page = PAGES[kind]
    path = request.getfixturevalue(folder) / page
    driver.set_window_size(width, 900)
    try:
        bk.load(driver, path)
        assert driver.execute_script("return document.documentElement.clientWidth") <= width
        sideways = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways == 0, (f"{kind} scrolls {sideways} px sideways at {width} px",
                               driver.execute_script(WIDEST))
        for scroller in driver.execute_script(SCROLLERS):
            assert scroller["role"] == "region" and scroller["label"].strip() and scroller["tabindex"] == "0", scroller
        violations = bk.axe(driver, bk.ALL_TAGS)
        assert violations == [], json.dumps(violations, indent=1)
        if width == 390:
            name = "phone-" + kind.replace(" ", "-").replace(",", "")
            bk.screenshot(driver, shots / f"{name}.png", width=width, max_height=4000)
    finally:
        driver.set_window_size(1280, 900)


def test_the_measure_sees_a_page_that_scrolls_sideways(driver: Any, tmp_path: Path) -> None:  # noqa: F811
    """A table too wide for a phone, outside any region: the checks above must notice it."""
    wide = tmp_path / "wide.html"
    cells = "".join(f"<td>column-{i}-with-a-long-value</td>" for i in range(12))
    wide.write_text('<!DOCTYPE html><html lang="en"><head><title>wide</title>'
                    '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>'
                    f'<table><tr>{cells}</tr></table><div style="overflow-x:auto"><table><tr>{cells}</tr>'
                    '</table></div></main></body></html>')
    driver.set_window_size(390, 900)
    try:
        bk.load(driver, wide)
        assert driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth") > 100
        assert [s["role"] for s in driver.execute_script(SCROLLERS)] == [None]
    finally:
        driver.set_window_size(1280, 900)

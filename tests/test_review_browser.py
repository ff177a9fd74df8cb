"""The reviewer's pages in a real browser: a moderated gap report (with a hostile justification),
one with "since the last submission", the dashboard's review block and `assess diff --format html`
must pass the same checks as every page (no console error, no request, no script run, axe)."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from casekit import FIXTURES, catalogue
from test_browser import check_page, driver, shots  # noqa: F401 - fixtures shared with the browser tests

from assess.batch.run import run_batch
from assess.review.diff import diff_files, render_diff

HOSTILE = '<script>window.__pwned=5</script><img src=x onerror="window.__pwned=6"> is four words at least'


@pytest.fixture(scope="module")
def review_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("review-site")
    previous = run_batch(FIXTURES / "previous", base / "previous", catalogue=catalogue(), progress=False)
    assert previous.assessed == 1
    decisions = yaml.safe_load((FIXTURES / "review" / "decisions.yaml").read_text())
    decisions["decisions"].append({"submission": "SUSSEX", "criterion": "GOV-01", "decision": "not_met",
                                   "justification": HOSTILE, "reviewer": "<b>x</b>", "date": "2016-11-01"})
    path = base / "decisions.yaml"
    path.write_text(yaml.safe_dump(decisions))
    folder = base / "in"
    folder.mkdir()
    for name in ("dorset-thriving.yaml", "lincs-no-leader.yaml", "sussex-glossy-plan.yaml"):
        shutil.copy(FIXTURES / name, folder)
    summary = run_batch(folder, base / "out", catalogue=catalogue(), progress=False, decisions=path,
                        previous=base / "previous" / "results.json")
    assert summary.assessed == 3 and not summary.errors, summary.errors
    diff = render_diff(diff_files(FIXTURES / "previous" / "dorset-2016-plan.yaml",
                                  FIXTURES / "dorset-thriving.yaml", catalogue()), "html")
    (base / "out" / "diff.html").write_text(diff, encoding="utf-8")
    return base / "out"


@pytest.mark.parametrize("page", ["reports/LINCS.html", "reports/DORSET.html", "reports/SUSSEX.html",
                                  "index.html", "diff.html"])
def test_review_pages_pass_in_the_browser(driver: Any, review_site: Path, shots: Path, page: str) -> None:  # noqa: F811
    check_page(driver, review_site / page, shots, "review-" + page.replace("/", "-"), screenshot=False)
    assert driver.execute_script("return window.__pwned === undefined")


def test_hostile_justification_reads_as_text(driver: Any, review_site: Path, shots: Path) -> None:  # noqa: F811
    check_page(driver, review_site / "reports" / "SUSSEX.html", shots, "review-sussex", screenshot=False)
    text = driver.find_element("css selector", "#moderation-h").find_element("xpath", "..").text
    assert "<script>window.__pwned=5</script>" in text and "<b>x</b>" in text
    assert driver.execute_script("return document.querySelectorAll('main img').length") == 0

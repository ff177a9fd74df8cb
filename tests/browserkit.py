"""Headless Chromium driven by selenium, for tests (and docs screenshots) of the HTML reports.

Needs Debian's `chromium` and `chromium-driver` and the npm package axe-core at the repository
root (`npm install --no-save axe-core@4`); `missing()` says what is absent.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: WCAG 2.1 A/AA and axe-core's best practices (an empty table header, content outside landmarks)
ALL_TAGS = [*WCAG_TAGS, "best-practice"]
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--hide-scrollbars"]


def _program(variable: str, *names: str) -> str | None:
    """$variable when set (None if it names no program), else the first of `names` on PATH."""
    chosen = os.environ.get(variable)
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    return next((found for found in map(shutil.which, names) if found), None)


def chromium() -> str | None:
    return _program("CHROMIUM", "chromium", "chromium-browser")


def chromedriver() -> str | None:
    return _program("CHROMEDRIVER", "chromedriver")


def missing() -> str | None:
    """Why browser tests cannot run here, or None when everything is present."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not chromium():
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if not chromedriver():
        return "chromedriver is not installed (apt-get install chromium-driver)"
    if not AXE.is_file():
        return "axe-core is not installed (npm install --no-save axe-core@4 at the repository root)"
    return None


def start(profile: Path) -> Any:
    """A headless Chromium with browser and network (performance) logs enabled."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver()))
    driver.set_script_timeout(120)
    driver.set_page_load_timeout(60)
    driver.get("about:blank")  # leave the start page, so its requests are not mistaken for ours
    return driver


@dataclass
class Page:
    """What loading one file showed: console messages at error level and every request made."""

    url: str
    console_errors: list[str]
    requests: list[str]

    @property
    def other_requests(self) -> list[str]:
        return [u for u in self.requests if u.split("#")[0] != self.url]


def load(driver: Any, path: Path) -> Page:
    """Open a local file and collect what it logged and requested."""
    driver.get_log("browser")  # drop anything from earlier pages
    driver.get_log("performance")
    url = path.resolve().as_uri()
    driver.get(url)
    driver.execute_script("return document.readyState")
    console = [f"{e.get('level')}: {e.get('message')}" for e in driver.get_log("browser")
               if e.get("level") in ("SEVERE", "ERROR")]
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    return Page(url, console, requests)


@lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe(driver: Any, tags: list[str] = WCAG_TAGS) -> list[dict[str, Any]]:
    """axe-core's violations on the current page for WCAG 2.1 A and AA (or the rules of `tags`)."""
    driver.execute_script(_axe_source())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))"
        ".catch(e => done({error: String(e)}));", tags)
    if isinstance(result, dict) and "error" in result:
        raise RuntimeError(f"axe-core failed: {result['error']}")
    return list(result)


def screenshot(driver: Any, target: Path, *, width: int = 1280, full_page: bool = True,
               max_height: int | None = None) -> Path:
    """A PNG of the page; the whole page (not just the window) when `full_page`, cut at
    `max_height` CSS pixels when given."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not full_page:
        driver.save_screenshot(str(target))
        return target
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": max(width, size["width"]),
                 "height": min(size["height"], max_height or size["height"]), "scale": 1}})
    target.write_bytes(base64.b64decode(shot["data"]))
    return target

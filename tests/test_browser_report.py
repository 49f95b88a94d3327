"""A report page and the search box in headless Chromium, on the built site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

import shutil

from tests.browser import chromium, require_chromium, serve
from tests.test_build import REPORTS, add_hostile_report, page_dir, run_build

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("browser")
    reports = root / "reports"
    shutil.copytree(REPORTS, reports)
    add_hostile_report(reports)
    proc = run_build(reports, root / "site", root / "work")
    assert proc.returncode == 0, proc.stderr
    site = root / "site"
    with serve(site) as base:
        yield site, base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, problems


def test_report_page_shows_t3_and_drawn_charts(served, browser):
    site, base = served
    rel = page_dir(site, "城东区人民政府", 2020).relative_to(site).as_posix()
    page, problems = open_page(browser, base + quote(rel) + "/")
    t3 = page.locator(".archive-t3 table")
    assert t3.is_visible()
    assert "（七）总计" in t3.inner_text()
    page.wait_for_selector(".archive-chart[data-drawn='true'] canvas", timeout=10_000)
    sizes = page.eval_on_selector_all(
        ".archive-chart canvas", "els => els.map(c => [c.clientWidth, c.clientHeight])")
    assert len(sizes) >= 2
    assert all(w > 200 and h > 100 for w, h in sizes), sizes
    # the failing check is visible at the top of the page
    assert page.locator(".admonition.failure").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-page.png"), full_page=False)
    page.locator(".archive-t3").screenshot(path=str(ARTIFACTS / "report-t3.png"))
    page.locator(".archive-figure").first.screenshot(path=str(ARTIFACTS / "report-chart.png"))
    page.close()
    assert problems == []


def test_every_report_page_loads_without_errors(served, browser):
    site, base = served
    for page_file in sorted((site / "r").glob("*/*/index.html")):
        rel = page_file.parent.relative_to(site).as_posix()
        page, problems = open_page(browser, base + quote(rel) + "/")
        page.wait_for_timeout(300)
        failed = page.locator(".archive-chart--failed").count()
        # the hostile report's text and sidecar tried to set window.pwned
        pwned = page.evaluate("() => typeof window.pwned")
        page.close()
        assert problems == [] and failed == 0, (rel, problems)
        assert pwned == "undefined", rel


def search_for(page, words: str) -> None:
    """Type into the header search box (Pagefind, in Material's markup).

    Playwright inserts CJK characters as text (as an IME commit would), which fires the
    ``input`` event the box listens to; a key press ends the input like a user's would.
    """
    box = page.locator("input.md-search__input")
    box.fill(words)
    box.press("End")


def test_search_finds_ledu_district(served, browser):
    site, base = served
    target = page_dir(site, "海东市乐都区人民政府", 2022).relative_to(site).as_posix()
    page, problems = open_page(browser, base)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search_for(page, "乐都区")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a",
                                      "els => els.map(a => decodeURI(a.href))")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-ledu.png"))
    assert any(target in h for h in hrefs), hrefs

    search_for(page, "行政复议")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.md-search-result__item a')]"
        ".some(a => decodeURI(a.href).includes('/r/'))", timeout=15_000)
    page.close()
    assert problems == []

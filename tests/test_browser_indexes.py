"""Index pages in a real browser: charts draw, tables sort, phones scroll tables not pages.

Headless Debian Chromium through Playwright (never a downloaded browser); the built site is
served on 127.0.0.1 from a thread.  Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from build_tools import indexes, synth, urls
from tests.browser import CHROMIUM, chromium, serve

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
playwright_sync = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")]


def _build(records: list[dict], tmp: Path) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = tmp / "docs"
    shutil.copytree(REPO / "docs", docs)
    for name in ("index.md", "about.md", "build-report.md"):
        if not (docs / name).exists():
            (docs / name).write_text("# 页面\n", encoding="utf-8")
    indexes.enrich(records)
    for r in records:
        page = docs / (urls.report_slug(r) + ".md")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("# 报告\n", encoding="utf-8")
    indexes.write_indexes(records, docs)
    build(load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(docs),
                      site_dir=str(tmp / "site"), strict=True))
    return tmp / "site"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    records = [synth.to_record(s) for s in synth.plan(120, seed=5)]
    site = _build(records, tmp_path_factory.mktemp("browser-indexes"))
    province = sorted({r["meta"]["region"][0] for r in records})[0]
    with serve(site) as base:
        yield base.rstrip("/"), province, _busiest_city(records)


def _busiest_city(records: list[dict]) -> list[str]:
    """The city with the most reports filed at city level: its page lists them (a province
    page lists only its own bodies, and the generator files none at province level)."""
    counts = Counter(tuple(r["meta"]["region"]) for r in records if len(r["meta"]["region"]) == 2)
    return list(min(counts, key=lambda c: (-counts[c], c)))


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _open(browser, url: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".archive-chart[data-drawn='true'] canvas", timeout=15000)
    return page, errors


def _canvas_size(page) -> tuple[float, float]:
    box = page.locator(".archive-chart[data-drawn='true'] canvas").first.bounding_box()
    return box["width"], box["height"]


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_region_page_chart_draws_and_table_sorts(base_url, browser):
    base, _, city = base_url
    page, errors = _open(browser, f"{base}/{quote(urls.region_slug(city))}/")
    w, h = _canvas_size(page)
    assert w > 100 and h > 100
    table = page.locator("table[data-archive-sortable]").last          # 本级机关历年主要数据
    page.wait_for_function("document.querySelector('table[data-archive-sortable]')"
                           ".getAttribute('data-sortable-ready') === 'true'")
    table.scroll_into_view_if_needed()
    headers = table.locator("thead th")
    col = next(i for i in range(headers.count()) if headers.nth(i).inner_text() == "本年新收申请")

    def column() -> list[float]:
        return [float(v) for v in table.locator(f"tbody tr td:nth-child({col + 1})")
                .evaluate_all("tds => tds.map(td => td.getAttribute('data-sort'))")]

    before = column()
    assert len(before) > 5 and before != sorted(before) and before != sorted(before, reverse=True)
    headers.nth(col).click()
    first = column()
    assert first != before and first in (sorted(before), sorted(before, reverse=True))
    headers.nth(col).click()                                     # second click: other direction
    ascending_first = first == sorted(before)
    assert column() == sorted(before, reverse=ascending_first)
    _shot(page, "indexes-region-desktop.png")
    assert errors == []
    page.close()


def test_year_page_ranking_chart_draws(base_url, browser):
    base, province, _ = base_url
    page, errors = _open(browser, f"{base}/years/2021/")
    w, h = _canvas_size(page)
    assert w > 100 and h > 100
    _shot(page, "indexes-year-desktop.png")
    # the province row leads to the province's reports of the year, ranked in a chart too
    page.locator(f"table[data-archive-sortable] a:text-is('{province}')").click()
    page.wait_for_selector(".archive-chart[data-drawn='true'] canvas", timeout=15000)
    assert page.url.endswith(f"/years/2021/{quote(urls.region_part(province))}/")
    w, h = _canvas_size(page)
    assert w > 100 and h > 100
    assert page.locator("h2", has_text="全部报告").count() == 1
    assert errors == []
    page.close()


def test_phone_width_tables_scroll_in_their_own_box(base_url, browser):
    base, province, _ = base_url
    page, errors = _open(browser, f"{base}/{quote(urls.region_slug([province]))}/", width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # a wide table overflows a scrolling box of its own (ours or Material's), not the page
    overflowing = page.locator("table[data-archive-sortable]").evaluate_all("""tables =>
        tables.filter(t => {
          for (let e = t.parentElement; e && e !== document.body; e = e.parentElement) {
            const o = getComputedStyle(e).overflowX;
            if ((o === 'auto' || o === 'scroll') && e.scrollWidth > e.clientWidth) return true;
          }
          return false;
        }).length""")
    assert overflowing >= 1
    w, _ = _canvas_size(page)
    assert 0 < w <= 375
    _shot(page, "indexes-region-phone.png")
    assert errors == []
    page.close()

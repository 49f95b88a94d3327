"""Pagefind search in the header box, on an archive of the seeds plus synthetic reports.

The archive: the five seeds, a hostile report, and 300 synthetic reports from provinces
other than 青海省, so which reports a 青海 place name must find is known from the seeds
alone (written out by hand below).  Bytes are measured in headless Chromium as the sum
of response bodies from opening the search box to the first result; the benchmark
(benchmarks/scale.py) measures the same over 10,000 reports.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import pytest

from build_tools import synth

from tests.test_build import REPORTS, add_hostile_report, run_build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Which reports each query must find, as their texts name them (agency, year).
HAIDONG = {("海东市人民政府", 2021), ("海东市乐都区人民政府", 2022), ("海东市市直机关事务管理局", 2021)}
NOT_HAIDONG = {("城东区人民政府", 2020), ("同仁市人民政府", 2021)}
LEDU = {("海东市乐都区人民政府", 2022)}
SEEDS = HAIDONG | NOT_HAIDONG
SEARCH_BUDGET = 500 * 1024


def _synthetic_specs() -> list:
    return [s for s in synth.plan(400, seed=7) if s.region[0] != "青海省"][:300]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("search")
    reports = root / "reports"
    shutil.copytree(REPORTS, reports)
    add_hostile_report(reports)
    specs = _synthetic_specs()
    assert len(specs) == 300
    for spec in specs:
        synth.write_txt(spec, reports)
    proc = run_build(reports, root / "site", root / "work")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "site"


@pytest.fixture(scope="module")
def probe(archive):
    pytest.importorskip("playwright.sync_api")
    from benchmarks.search_probe import CHROMIUM, probe_site

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    return lambda queries, prefix="": probe_site(archive, list(queries), prefix)


def _named(hrefs: list[str]) -> set[tuple[str, int]]:
    """(agency, year) of every report page among result links."""
    out = set()
    for h in hrefs:
        m = re.search(r"/r/(\d{4})/(.+)-[0-9a-f]{8}/$", h)
        if m:
            out.add((m.group(2), int(m.group(1))))
    return out


def test_site_has_pagefind_not_material_search(archive):
    assert (archive / "pagefind" / "pagefind.js").is_file()
    assert not (archive / "search" / "search_index.json").exists()


def test_only_main_content_is_indexed(archive):
    pages = sorted((archive / "r").glob("*/*/index.html"))
    assert len(pages) > 300
    for page in pages[:50]:
        text = page.read_text(encoding="utf-8")
        assert text.count("data-pagefind-body") == 1, page
        body = text.index("data-pagefind-body")
        # header, tabs and the navigation come before the indexed part and are not in it
        assert text.index('class="md-header') < body and text.index('class="md-tabs') < body
        assert 'class="md-nav' not in text[body:text.index("</article>", body)]


def _own_words(page: Path) -> str:
    """The text of a report page that the search index keeps: no tables, figures or the
    archive's headings (build_tools/search.py EXCLUDED_SELECTORS), parsed independently."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    body = soup.select_one("[data-pagefind-body]")
    for el in body.select("table, figure, h2, h3, [data-pagefind-ignore]"):
        el.decompose()
    return body.get_text(" ")


def test_chinese_queries_find_the_right_reports(archive, probe):
    by_query = {p.query: p for p in probe(["海东市", "乐都区", "行政复议", "不予公开"])}

    haidong = _named(by_query["海东市"].hrefs)
    assert haidong == HAIDONG, by_query["海东市"].hrefs
    # the city's own page first, though its bodies' reports repeat its name more often
    assert urlsplit(by_query["海东市"].hrefs[0]).path == "/regions/青海省/海东市/", \
        by_query["海东市"].hrefs
    assert _named(by_query["乐都区"].hrefs) == LEDU

    # Every report prints 行政复议 and 不予公开 in its tables; the index leaves the tables
    # out, so a report is found when its own words discuss them.  Of the seeds only
    # 海东市人民政府 2021 does ("因政府信息公开引起的行政复议14宗"); none writes 不予公开.
    pages = sorted((archive / "r").glob("*/*/index.html"))
    for query in ("行政复议", "不予公开"):
        probe_ = by_query[query]
        discussing = [p for p in pages if query in _own_words(p)]
        assert 0 < len(discussing) < len(pages), query
        shown = _named(probe_.hrefs)
        assert len(shown) == min(10, len(discussing)), (query, probe_.hrefs)
        for href in probe_.hrefs:
            rel = href.split("/r/", 1)[1]
            assert query in _own_words(archive / "r" / rel / "index.html"), (query, href)
    assert ("海东市人民政府", 2021) in _named(probe(["行政复议 海东"])[0].hrefs)
    assert not (_named(by_query["不予公开"].hrefs) & SEEDS)
    for p in by_query.values():
        assert p.bytes < SEARCH_BUDGET, (p.query, p.bytes, p.largest)



def test_a_city_named_comes_before_the_reports_of_its_bodies(probe):
    # Pagefind ranks the cities with the most reports here after dozens of their bodies'
    # reports, whose names and text repeat the city; the search box puts the city's own
    # page first (docs/assets/js/search.js, namedPlaces).
    busiest = Counter(tuple(s.region[:2]) for s in _synthetic_specs()).most_common(3)
    assert busiest[-1][1] >= 20, busiest
    results = probe([city for (_, city), _ in busiest])
    for ((province, city), _), p in zip(busiest, results):
        assert urlsplit(p.hrefs[0]).path == f"/regions/{province}/{city}/", (city, p.hrefs)
        assert len(p.hrefs) == len(set(p.hrefs)), p.hrefs     # shown once, not again below


def test_names_as_readers_shorten_them_find_the_reports(probe):
    # People write 黄南藏族自治州 as 黄南州 and 城东区人民政府 as 城东区政府.  Of the seeds
    # only 同仁市 lies in 黄南州; the synthetic reports are from other provinces.
    huangnan, chengdong = probe(["黄南州", "城东区政府"])
    assert _named(huangnan.hrefs) == {("同仁市人民政府", 2021)}, huangnan.hrefs
    # and the region's own page, whose title is the full name, comes first
    assert urlsplit(huangnan.hrefs[0]).path == "/regions/青海省/黄南藏族自治州/", huangnan.hrefs
    assert _named(chengdong.hrefs) == {("城东区人民政府", 2020)}, chengdong.hrefs


def test_search_works_from_a_sub_path(probe):
    (p,) = probe(["乐都区"], prefix="gov-archive")
    paths = [urlsplit(h).path for h in p.hrefs]
    assert paths and all(path.startswith("/gov-archive/") for path in paths), p.hrefs
    assert _named(p.hrefs) == LEDU
    # the place's own page leads, and the body's page is found too
    assert paths[0] == "/gov-archive/regions/青海省/海东市/乐都区/", p.hrefs
    assert any(path.startswith("/gov-archive/agencies/海东市乐都区人民政府-") for path in paths)



@pytest.mark.parametrize("prefix", ["", "gov-archive"])
def test_search_works_from_an_address_with_a_doubled_slash(archive, probe, prefix):
    # http://host//: the servers tolerate the doubled slash and serve the page, but a
    # search root of "//" made Pagefind fetch its index from "//pagefind/…", a host named
    # "pagefind", and nothing was ever found.  Under a sub-path (/gov-archive//) the root
    # was never protocol-relative; it must keep working there too.
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    from benchmarks.search_probe import launch, run_query, serve

    with serve(archive, prefix) as url, sync_playwright() as pw:
        browser = launch(pw)
        try:
            p = run_query(browser, url + "/", "乐都区", timeout_ms=15_000)
        finally:
            browser.close()
    origin = url.split("/")[2]
    base = f"/{prefix}/" if prefix else "/"
    assert p.hrefs and all(urlsplit(h).netloc == origin for h in p.hrefs), p.hrefs
    assert all(urlsplit(h).path.startswith(base) and "//" not in urlsplit(h).path
               for h in p.hrefs), p.hrefs
    assert _named(p.hrefs) == LEDU


RESULT_LINK = ".md-search-result__item a.md-search-result__link"


# Stands in for pagefind/pagefind.js and records every term the page asks Pagefind for
# in window.__pagefindAsked, and for the query itself (debouncedSearch) the address of
# every page Pagefind returned in window.__pagefindFound; the real module is loaded from
# the same address + ?real=1.
PAGEFIND_SPY = """
import * as real from "./pagefind.js?real=1";
const asked = (window.__pagefindAsked = window.__pagefindAsked || []);
export const { createInstance, destroy, filters, init, mergeIndex, options, preload } = real;
export function search(term, opts) { asked.push(term); return real.search(term, opts); }
export async function debouncedSearch(term, opts, ms) {
  asked.push(term);
  const found = await real.debouncedSearch(term, opts, ms);
  if (found) {
    const pages = await Promise.all(found.results.map((r) => r.data()));
    window.__pagefindFound = pages.map((d) => d.url);
  }
  return found;
}
"""


def _spy_on_pagefind(route: Any) -> None:
    if "real=1" in route.request.url:
        route.continue_()
    else:
        route.fulfill(body=PAGEFIND_SPY, content_type="text/javascript")


@contextmanager
def typed_in_search_box(site: Path, query: str,
                        spy: bool = False) -> Iterator[tuple[Any, list[str]]]:
    """A Chromium page of the served ``site`` with ``query`` typed into the header search
    box, and the addresses of the Pagefind fragments it has requested so far; with
    ``spy``, the terms asked of Pagefind are in ``window.__pagefindAsked``."""
    from playwright.sync_api import sync_playwright

    from benchmarks.search_probe import launch, serve

    with serve(site) as url, sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page()
            fragments: list[str] = []
            page.on("request", lambda r: fragments.append(r.url) if "/fragment/" in r.url else None)
            if spy:
                page.route("**/pagefind/pagefind.js*", _spy_on_pagefind)
            page.goto(url)
            page.locator("input.md-search__input").click()
            page.locator("input.md-search__input").fill(query)
            yield page, fragments
        finally:
            browser.close()

def test_result_text_from_a_hostile_report_stays_text(archive, probe):
    with typed_in_search_box(archive, "pwned") as (page, _):
        page.wait_for_selector(RESULT_LINK)
        page.wait_for_timeout(300)
        results = page.locator("[data-archive-search-list]")
        assert results.locator("script, img, iframe").count() == 0
        assert "pwned" in results.inner_text()     # shown as text, never run
        assert page.evaluate("() => typeof window.pwned") == "undefined"


def test_excerpts_show_the_hidden_name_words_as_names(archive, probe):
    """A result whose excerpt falls on the hidden search words shows them closed up
    (黄南藏族自治州 、 黄南州), not a character at a time (黄 南 藏 族)."""
    with typed_in_search_box(archive, "黄南州") as (page, _):
        page.wait_for_selector(RESULT_LINK)
        page.wait_for_timeout(300)
        excerpts = page.locator(".md-search-result__article p").all_inner_texts()
    assert excerpts
    assert not any("黄 南" in e or "南 州" in e for e in excerpts), excerpts
    assert any("黄南藏族自治州" in e and "黄南州" in e for e in excerpts), excerpts


def test_excerpts_show_the_query_as_typed(archive, probe):
    """Pagefind's excerpt is where the words asked (行政 复议) are densest, often a sentence
    on 行政许可 and 行政处罚; the box shows where the page holds 行政复议 itself."""
    with typed_in_search_box(archive, "行政复议") as (page, _):
        page.wait_for_selector(RESULT_LINK)
        page.wait_for_load_state("networkidle")
        excerpts = page.locator(".md-search-result__article p").all_inner_texts()
        marks = page.locator(".md-search-result__article p mark").all_inner_texts()
    assert len(excerpts) == 10, excerpts
    assert all("行政复议" in e for e in excerpts), excerpts
    assert marks and set(marks) == {"行政复议"}, marks


def test_a_query_matching_nothing_as_typed_fetches_a_bounded_number_of_pages(archive, probe):
    """江苏省统计: over a hundred pages of 江苏省 hold its words (江苏, 省, 统计 …), none
    the query as typed.  The box examines 50 candidates, says so, and goes on only when
    asked."""
    with typed_in_search_box(archive, "江苏省统计") as (page, fragments):
        meta = page.locator("[data-archive-search-meta]")
        meta.filter(has_text="前 50 个候选中没有完全符合的结果").wait_for()
        page.wait_for_load_state("networkidle")
        # 50 candidates, and at most NAMED (10) place pages looked up for a title to show first
        assert 50 <= len(fragments) <= 60
        assert page.locator(RESULT_LINK).count() == 0
        more = page.locator(".archive-search-more button")
        assert more.inner_text().startswith("继续查找（还有 ")
        more.click()
        meta.filter(has_text="前 100 个候选中").or_(meta.filter(has_text="没有找到")).wait_for()
        assert 60 < len(fragments) <= 110


def test_words_every_report_holds_are_not_asked_of_pagefind(archive, probe):
    """不予公开 is asked as 不予: Pagefind would load every page's positions of 公开
    (306 KB at 10,000 reports).  The results are still exactly pages that hold 不予公开."""
    words = json.loads((archive / "assets" / "search-words.json").read_text(encoding="utf-8"))
    assert "公开" in words["ubiquitous"] and "不予" not in words["ubiquitous"]
    with typed_in_search_box(archive, "不予公开", spy=True) as (page, _):
        page.wait_for_selector(RESULT_LINK)
        page.wait_for_load_state("networkidle")
        asked = page.evaluate("() => window.__pagefindAsked")
        hrefs = page.eval_on_selector_all(RESULT_LINK, "els => els.map(a => a.href)")
    assert asked and all(term == "不予" for term in asked), asked
    assert hrefs
    for href in hrefs:
        rel = unquote(href).split("/r/", 1)[1]
        assert "不予公开" in _own_words(archive / "r" / rel / "index.html"), href
    # a query of nothing but such words is asked as the lightest of them (listed last):
    # asked whole, 信息公开申请 transferred 832 KB at 10,000 reports
    lightest = max(("信息", "公开", "申请"), key=words["ubiquitous"].index)
    with typed_in_search_box(archive, "信息公开申请", spy=True) as (page, _):
        page.wait_for_selector(RESULT_LINK)
        page.wait_for_load_state("networkidle")
        assert set(page.evaluate("() => window.__pagefindAsked")) == {lightest}
        hrefs = page.eval_on_selector_all(RESULT_LINK, "els => els.map(a => a.href)")
    assert hrefs
    for href in hrefs:
        path = unquote(urlsplit(href).path).strip("/")
        assert "信息公开申请" in _squeezed_words(archive / path / "index.html"), href


def _squeezed_words(page: Path) -> str:
    """A page's indexed text with the spaces closed up, as the search box compares it."""
    return re.sub(r"\s+", "", _own_words(page))


def _candidates(archive: Path, query: str) -> tuple[list[str], set[str]]:
    """The terms asked of Pagefind for ``query`` typed in the box, and the report and
    place pages it returned (as paths below ``archive``)."""
    with typed_in_search_box(archive, query, spy=True) as (page, _):
        page.wait_for_function("() => window.__pagefindFound !== undefined")
        asked = page.evaluate("() => window.__pagefindAsked")
        found = page.evaluate("() => window.__pagefindFound")
    return asked, {unquote(urlsplit(u).path).strip("/") for u in found}


@pytest.mark.parametrize("query", ["行政复议", "海东市", "乐都区", "黄南州"])
def test_pagefind_is_asked_for_the_words_the_index_holds(archive, query):
    """The index holds 行政复议 as 行政 / 复议 (Pagefind's jieba); the browser's segmenter
    splits the query 行政 / 复 / 议.  Asked so, Pagefind also returned every page holding
    行政 and 复杂, and ranked them all (its time grows with the square of the candidates:
    0.7 s at 10,000 reports).  The box asks 行政 复议, and keeps place names, which the
    index holds a character at a time too, split.  Either way Pagefind must return every
    page that holds the query as typed."""
    asked, found = _candidates(archive, query)
    pages = {str(p.parent.relative_to(archive)): p for p in archive.glob("**/index.html")
             if "data-pagefind-body" in p.read_text(encoding="utf-8")}
    holding = {rel for rel, p in pages.items() if query in _squeezed_words(p)}
    assert holding, query
    assert holding <= found, (query, asked, sorted(holding - found)[:5])
    if query == "行政复议":
        # nothing returned that lacks 复议: the pages that only hold 复杂 are not ranked
        merely = {rel for rel, p in pages.items()
                  if "复杂" in _squeezed_words(p) and "复议" not in _squeezed_words(p)}
        assert merely, "the archive has pages holding 复杂 and not 复议"
        assert not (found & merely), (asked, sorted(found & merely)[:5])
        assert asked[0] == "行政 复议", asked

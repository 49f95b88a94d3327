"""The site as a reader sees it, in headless Chromium and over HTTP (one build per module).

Built from the seed reports plus the hostile payload reports of ``tests/payloads/`` (a
real archive holds odd names too).  Checks: every page loads without console errors,
charts draw, every same-origin link resolves over HTTP, search finds Chinese words, no
page overflows a 375 px phone screen, the keyboard reaches the search box and the tables.
Screenshots of the main pages go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import html.parser
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import quote, unquote, urldefrag, urljoin

import pytest

from tests.browser import chromium, open_page, serve

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(payload_archive) -> Path:
    return payload_archive / "site"


@pytest.fixture(scope="module")
def base(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def pages_of(site: Path) -> list[str]:
    """Site-relative directory URLs of every content page (no assets, no 404 page)."""
    out = []
    for index in sorted(site.rglob("index.html")):
        rel = index.parent.relative_to(site).as_posix()
        if rel.startswith(("assets", "search", "pagefind")):
            continue
        out.append("" if rel == "." else rel + "/")
    return out


def report_page(site: Path, agency: str, year: int) -> str:
    found = sorted((site / "r" / str(year)).glob(f"{agency}-*"))
    assert len(found) == 1, found
    return found[0].relative_to(site).as_posix() + "/"


def main_pages(site: Path) -> dict[str, str]:
    return {
        "home": "",
        "regions": "regions/",
        "region-haidong": "regions/青海省/海东市/",
        "years": "years/",
        "year-2021": "years/2021/",
        "agency-ledu": next(p for p in pages_of(site) if p.startswith("agencies/海东市乐都区人民政府-")),
        "report-chengdong-2020": report_page(site, "城东区人民政府", 2020),
        "report-ledu-2022": report_page(site, "海东市乐都区人民政府", 2022),
        "quality": "quality/",
        "build-report": "build-report/",
    }


def test_every_page_loads_without_console_errors(site, base, browser):
    problems = {}
    pages = pages_of(site)
    assert len(pages) > 20
    for rel in pages:
        opened = open_page(browser, base + quote(rel))
        failed_charts = opened.page.locator(".archive-chart--failed").count()
        opened.page.close()
        if opened.errors or opened.failed_requests or failed_charts:
            problems[rel] = (opened.errors, opened.failed_requests, failed_charts)
    assert problems == {}


def test_charts_draw_on_report_region_year_and_agency_pages(site, base, browser):
    pages = main_pages(site)
    empty = {}
    for name in ("report-chengdong-2020", "report-ledu-2022", "region-haidong", "year-2021", "agency-ledu"):
        opened = open_page(browser, base + quote(pages[name]))
        page = opened.page
        n = page.locator(".archive-chart").count()
        assert n >= 1, name
        page.wait_for_function(
            "n => document.querySelectorAll('.archive-chart[data-drawn=\"true\"] canvas').length >= n",
            arg=n, timeout=10_000)
        sizes = page.eval_on_selector_all(
            ".archive-chart canvas", "els => els.map(c => [c.clientWidth, c.clientHeight])")
        page.close()
        if not sizes or any(w < 100 or h < 100 for w, h in sizes):
            empty[name] = sizes
    assert empty == {}


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "link" and a.get("href") and a.get("rel") != "canonical":
            self.links.append(a["href"])
        elif tag in ("script", "img", "source", "iframe") and a.get("src"):
            self.links.append(a["src"])
        if a.get("data-src"):
            self.links.append(a["data-src"])


def _fetch(url: str) -> tuple[int, bytes, str]:
    # hrefs may hold raw CJK (valid in HTML); HTTP needs them percent-encoded
    url = quote(url, safe=":/?#[]@!$&'()*+,;=%")
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


def test_every_internal_link_resolves_over_http(site, base):
    status: dict[str, int] = {}
    referrer: dict[str, str] = {}
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str]] = []
    queue = deque([base])
    while queue:
        url = queue.popleft()
        if url in status:
            continue
        code, body, ctype = _fetch(url)
        status[url] = code
        if code != 200 or "html" not in ctype:
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        ids[url] = parser.ids
        for href in parser.links:
            target, frag = urldefrag(urljoin(url, href))
            if not target.startswith(base):
                continue  # other origins (the canonical site address, mailto:) are not ours
            if frag:
                fragments.append((url, target, unquote(frag)))
            referrer.setdefault(target, url)
            if target not in status:
                queue.append(target)
    assert len(status) > 50
    broken = [(unquote(u), code, unquote(referrer.get(u, "?"))) for u, code in sorted(status.items())
              if code != 200]
    assert broken == []
    # in-page anchors point at an element that exists
    missing = [(unquote(src), unquote(t), f) for src, t, f in fragments
               if t in ids and f not in ids[t] and f not in ("", "top")]
    assert missing == []


def _search(page, words: str) -> list[str]:
    box = page.locator("input.md-search__input, [data-archive-search-query]").first
    box.fill(words)
    box.press("End")
    page.wait_for_selector(".md-search-result__item a, a.md-search-result__link", timeout=15_000)
    page.wait_for_timeout(500)
    return [unquote(h) for h in page.eval_on_selector_all(
        ".md-search-result__item a, a.md-search-result__link", "els => els.map(a => a.href)")]


def test_search_finds_reports_by_chinese_words(site, base, browser):
    pages = main_pages(site)
    ledu = pages["report-ledu-2022"]
    chengdong = pages["report-chengdong-2020"]
    haidong = report_page(site, "海东市人民政府", 2021)
    opened = open_page(browser, base)
    hits = _search(opened.page, "乐都区")
    opened.page.close()
    assert any(h.split("#")[0].endswith(ledu) for h in hits), hits
    opened = open_page(browser, base)
    hits = _search(opened.page, "行政复议")
    errors = opened.errors
    opened.page.close()
    # Every seed prints a 行政复议 table under a 行政复议 heading, which the index leaves
    # out (build_tools/search.py); only 海东市人民政府's 2021 report discusses its cases in
    # its own words ("因政府信息公开引起的行政复议14宗"), so it is found and the others are not.
    reports = {h.split("#")[0] for h in hits if "/r/" in h}
    assert any(h.endswith(haidong) for h in reports), hits
    assert not any(h.endswith(chengdong) or h.endswith(ledu) for h in reports), hits
    assert errors == []


def test_nothing_overflows_a_phone_screen(site, base, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = {}
    for name, rel in main_pages(site).items():
        opened = open_page(browser, base + quote(rel), width=375, height=812)
        page = opened.page
        page.wait_for_timeout(300)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 375:
            culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > 376 && getComputedStyle(e).position !== 'fixed')
              .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > 376))
              .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
            wide[name] = (width, culprits)
        page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
        page.close()
    assert wide == {}


def test_screenshots_of_the_main_pages(site, base, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, rel in main_pages(site).items():
        opened = open_page(browser, base + quote(rel), width=1280, height=900)
        opened.page.wait_for_timeout(500)
        path = SHOTS / f"{name}.png"
        opened.page.screenshot(path=str(path), full_page=True)
        opened.page.close()
        assert path.stat().st_size > 10_000, name


DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const table = e.tagName === 'TABLE' ? e : (e.querySelector && e.querySelector('table')) || e.closest('table');
  return {tag: e.tagName, cls: String(e.className || ''), tabindex: e.getAttribute('tabindex'),
          search: e.matches('input.md-search__input, [data-archive-search-query], input[type=search]'),
          table: !!table && (e.contains(table) || table.contains(e))};
}"""

SCROLL_TABLES = """() => [...document.querySelectorAll('table')].map(t => {
  let e = t.parentElement;
  while (e && e !== document.body) {
    const o = getComputedStyle(e).overflowX;
    if (o === 'auto' || o === 'scroll') return {cls: e.className, tabindex: e.getAttribute('tabindex'),
        overflows: e.scrollWidth > e.clientWidth};
    e = e.parentElement;
  }
  return null;
}).filter(Boolean)"""


def _tab_through(page, presses: int = 150) -> list[dict]:
    """Press Tab from the top of the page; the focused elements, in order, until it cycles."""
    page.locator("body").click(position={"x": 1, "y": 1})
    focused = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        info = page.evaluate(DESCRIBE_FOCUS)
        if info is None and focused:
            break  # back at the document: every focusable element was visited
        if info:
            focused.append(info)
    return focused


def test_keyboard_reaches_the_search_box(site, base, browser):
    rel = main_pages(site)["report-chengdong-2020"]
    opened = open_page(browser, base + quote(rel))
    focused = _tab_through(opened.page)
    opened.page.close()
    assert any(f["search"] for f in focused[:10]), focused[:10]


def test_keyboard_reaches_the_tables(site, base, browser):
    rel = main_pages(site)["report-chengdong-2020"]
    opened = open_page(browser, base + quote(rel))
    focused = _tab_through(opened.page)
    opened.page.close()
    assert any(f["table"] for f in focused), [f["tag"] + "." + f["cls"] for f in focused]


def test_scrollable_table_containers_are_keyboard_focusable(site, base, browser):
    # a table wider than its box scrolls sideways; a keyboard user can only scroll it when
    # the scroll container takes focus (tabindex="0")
    unreachable = {}
    for name in ("report-chengdong-2020", "year-2021", "quality"):
        opened = open_page(browser, base + quote(main_pages(site)[name]), width=375, height=812)
        containers = opened.page.evaluate(SCROLL_TABLES)
        opened.page.close()
        bad = [c for c in containers if c["overflows"] and c["tabindex"] is None]
        if bad:
            unreachable[name] = bad
    assert unreachable == {}

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
    # the table leaves out optional end tags: the browser still builds the template's grid,
    # seven value cells in every body row, the failing 总计 cells marked
    cells_per_row = page.eval_on_selector_all(
        ".archive-t3 tbody tr", "rows => rows.map(r => r.querySelectorAll('td').length)")
    assert len(cells_per_row) >= 23 and set(cells_per_row) == {7}, cells_per_row
    assert page.locator(".archive-t3 td.cell-fail").count() >= 2
    assert page.locator(".archive-figure table.archive-chart-data").count() >= 2
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


# What Material's stylesheet decides for a table cell or a list item.
STYLE_PROPS = ["font-size", "font-weight", "line-height", "color", "background-color",
               "padding-top", "padding-left", "border-top-width", "border-top-style",
               "border-top-color", "vertical-align", "text-align", "margin-top", "margin-left",
               "margin-bottom", "list-style-type", "display"]


def computed(page, selector: str) -> dict:
    return page.eval_on_selector(selector, """(el, props) => {
        const s = getComputedStyle(el);
        return Object.fromEntries(props.map(p => [p, s.getPropertyValue(p)]));
    }""", STYLE_PROPS)


def test_report_lists_tables_and_failure_box_are_styled_as_materials_markdown(served, browser):
    """The meta list, the headline table and the failing-checks box are raw HTML on report
    pages; Material must treat them as the Markdown-made lists and tables of other pages."""
    site, base = served
    rel = page_dir(site, "城东区人民政府", 2020).relative_to(site).as_posix()
    report, problems = open_page(browser, base + quote(rel) + "/")
    home, _ = open_page(browser, base)
    about, _ = open_page(browser, base + "about/")
    headline = "xpath=//h2[text()='主要指标']/following-sibling::*[1]"
    # Material's script wrapped the class-less table for scrolling, as it wraps Markdown's
    assert report.eval_on_selector(
        headline, "el => el.matches('div.md-typeset__scrollwrap') && "
                  "!!el.querySelector(':scope > div.md-typeset__table > table:not([class])')")
    for cell in ("th", "td"):
        mine = computed(report, f"{headline}//table//{cell}")
        theirs = computed(home, f"article .md-typeset__table table:not([class]) {cell}")
        assert mine == theirs, cell
    meta_item = "xpath=//article//ul[li[starts-with(., '机关：')]]/li[1]"
    assert computed(report, meta_item) == computed(about, "article ul > li")
    assert computed(report, meta_item + "/..") == computed(about, "article ul")
    # the failing-checks box has Material's failure colours (#ff5252) and title icon
    box = report.locator(".admonition.failure").first
    assert box.evaluate("el => getComputedStyle(el).borderLeftColor") == "rgb(255, 82, 82)"
    title = box.locator(":scope > p.admonition-title")
    assert title.evaluate("el => getComputedStyle(el, '::before').backgroundColor") == "rgb(255, 82, 82)"
    assert box.locator(":scope > ul > li > strong").first.inner_text() == "未通过"
    # the list of every check is left out of the search index
    assert report.locator("xpath=//h2[text()='勾稽关系检查']/following-sibling::ul[1][@data-pagefind-ignore]").count() == 1
    for p in (report, home, about):
        p.close()
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


# Draws ECharts options into an SVG of fixed size and returns the SVG text (element ids,
# which count up per chart, made neutral) and the tooltip's model (keys sorted).
DRAW_JS = """([full, compact]) => full.map((option, i) => {
  const canon = (v) => Array.isArray(v) ? '[' + v.map(canon).join(',') + ']'
    : (v && typeof v === 'object') ? '{' + Object.keys(v).sort().filter((k) => v[k] !== undefined)
      .map((k) => JSON.stringify(k) + ':' + canon(v[k])).join(',') + '}'
    : JSON.stringify(v);
  const draw = (o) => {
    const el = document.createElement('div');
    el.style.cssText = 'width:600px;height:400px;position:absolute;left:-9999px';
    document.body.appendChild(el);
    const chart = echarts.init(el, null, {renderer: 'svg'});
    chart.setOption(o);
    const svg = chart.renderToSVGString().replace(/zr\\d+-/g, 'zr-').replace(/cls-\\d+/g, 'cls');
    const tooltip = canon(chart.getOption().tooltip);
    chart.dispose();
    el.remove();
    return [svg, tooltip];
  };
  return [draw(option), draw(compact[i])];
})"""


def test_compact_chart_options_draw_what_pyecharts_options_draw(served, browser):
    """options_json drops only ECharts' defaults: full and compact options give the same
    picture and the same tooltip, for the report charts and for a line chart with a title
    and a scrolling legend like the index pages' trend charts."""
    import json

    from pyecharts import options as opts
    from pyecharts.charts import Line

    from build_tools.render import charts
    from tests.test_render import make_record

    full = [c.options for t in ("2021", "2019") for c in charts.report_charts(make_record(t))]
    line = (Line().add_xaxis(["2020", "2021", "2022"])
            .add_yaxis("本年新收申请", [3, None, 7]).add_yaxis("行政复议", [0, 1, 2])
            .set_global_opts(title_opts=opts.TitleOpts(title="历年"),
                             tooltip_opts=opts.TooltipOpts(trigger="axis"),
                             legend_opts=opts.LegendOpts(pos_bottom="0", type_="scroll")))
    full.append(json.loads(line.dump_options()))
    compact = [json.loads(charts.options_json(o)) for o in full]
    for o in full:     # what options_json always adds; the rest must come out equal
        o.setdefault("tooltip", {})["renderMode"] = "richText"
    for o in full + compact:    # compare the finished picture, not a frame of an animation
        o["animation"] = False
    size = [(len(json.dumps(f)), len(json.dumps(c))) for f, c in zip(full, compact)]
    assert all(c < f / 2 for f, c in size[:6]) and size[6][1] < size[6][0], size
    site, base = served
    rel = page_dir(site, "城东区人民政府", 2020).relative_to(site).as_posix()
    page, problems = open_page(browser, base + quote(rel) + "/")
    drawn = page.evaluate(DRAW_JS, [full, compact])
    page.close()
    assert len(drawn) == 7
    for i, (a, b) in enumerate(drawn):
        assert "<path" in a[0] and a[0] == b[0], i
        assert a[1] == b[1], i
    assert problems == []

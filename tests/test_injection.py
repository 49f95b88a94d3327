"""Hostile report text and sidecars stay inert text on every page, in a real browser.

One site is built per module from the seed reports plus the files of ``tests/payloads/``:
a complete 2021-template report with script/HTML/Markdown/MkDocs/template payloads in the
title, every narrative section, a T2 and a T3 label and its closing lines (with a hostile
sidecar), and a clean report whose sidecar names the agency ``function(){window.__pwned=4}``
so an ECharts formatter string reaches chart data.  Every payload that ran would set
``window.__pwned``.  The same inputs are built a second time to check determinism.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser import chromium, open_page, serve
from tests.test_build import run_build

REPO = Path(__file__).resolve().parent.parent
PAYLOADS = REPO / "tests" / "payloads"
HONGZE = REPO / "tests" / "fixtures" / "generated" / "hongze_2021.txt"
FOLDER = "青海省/测试注入/2021"

# Written out from tests/payloads/*.yml by hand.
HOSTILE_AGENCY = ('注入测试局</title><script>window.__pwned=1</script>'
                  '<img src=x onerror="window.__pwned=2">{{ config.site_name }}')
FORMATTER_AGENCY = "function(){window.__pwned=4}"
HOSTILE_REGION = '注入<img src=x onerror="window.__pwned=2">市'

# Payload texts that must be readable, literally, on the hostile report's page.
VISIBLE_ON_REPORT = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "[click](javascript:window.__pwned=3)",
    "![x](javascript:window.__pwned=5)",
    "{{ config.site_name }}",
    "{% raw %}",
    "function(){window.__pwned=4}",
    '!!! danger "注入告警"',
    '??? note "折叠注入"',
    '{: onclick="window.__pwned=8"}',
    "<iframe src=\"javascript:window.__pwned=7\"></iframe>",
    "<style>body{display:none}</style>",
    '<div onmouseover="window.__pwned=6">悬停注入</div>',
    "**加粗**",
]

# Elements or attributes any payload would create if it were not inert.
DOM_PROBE = """() => {
  const bad = [];
  document.querySelectorAll('iframe').forEach(e => bad.push('iframe ' + e.outerHTML.slice(0, 80)));
  document.querySelectorAll('img').forEach(e => {
    const src = e.getAttribute('src') || '';
    if (src === 'x' || src.endsWith('/x') || src.toLowerCase().startsWith('javascript')) bad.push('img ' + src);
  });
  document.querySelectorAll('[href],[src],[action],[formaction],[xlink\\\\:href]').forEach(e => {
    for (const name of ['href', 'src', 'action', 'formaction', 'xlink:href']) {
      const v = (e.getAttribute(name) || '').replace(/[\\s\\u0000-\\u001f]+/g, '').toLowerCase();
      if (v.startsWith('javascript:') || v.startsWith('data:text/html')) bad.push(name + '=' + v);
    }
  });
  document.querySelectorAll('*').forEach(e => {
    for (const a of e.getAttributeNames()) {
      if (a.startsWith('on')) bad.push('attr ' + e.tagName + ' ' + a + '=' + e.getAttribute(a));
    }
  });
  document.querySelectorAll('style').forEach(e => {
    if (e.textContent.includes('display:none') && e.textContent.includes('body')) bad.push('style payload');
  });
  document.querySelectorAll('.admonition-title, summary').forEach(e => {
    if (/注入告警|折叠注入/.test(e.textContent)) bad.push('admonition ' + e.parentElement.className);
  });
  document.querySelectorAll('.md-button').forEach(e => {
    if (/注入|click/.test(e.textContent)) bad.push('attr_list class ' + e.outerHTML.slice(0, 80));
  });
  return bad;
}"""


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def add_payload_reports(reports: Path) -> None:
    folder = reports / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PAYLOADS / "hostile_2021.txt", folder / "hostile_2021.txt")
    shutil.copy(PAYLOADS / "hostile_2021.yml", folder / "hostile_2021.yml")
    shutil.copy(HONGZE, folder / "formatter_2021.txt")
    shutil.copy(PAYLOADS / "formatter_2021.yml", folder / "formatter_2021.yml")


@pytest.fixture(scope="module")
def built(payload_archive) -> dict:
    root = payload_archive
    reports = root / "reports"
    site = root / "site"
    report = json.loads((site / "build-report.json").read_text(encoding="utf-8"))
    return {"root": root, "reports": reports, "site": site, "report": report}


def _published(built: dict, rel: str) -> dict:
    hits = [p for p in built["report"]["published"] if p["file"] == f"{FOLDER}/{rel}"]
    assert len(hits) == 1, (rel, built["report"])
    return hits[0]


def _record_of(built: dict, agency: str) -> dict:
    for path in sorted((built["site"] / "data" / "r").rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["meta"].get("agency") == agency:
            return record
    raise AssertionError(f"no record with agency {agency!r}")


def _pages(built: dict) -> dict[str, str]:
    """Site-relative directories of every page a payload reaches, by a readable name."""
    from build_tools import quality, urls

    hostile = _record_of(built, HOSTILE_AGENCY)
    formatter = _record_of(built, FORMATTER_AGENCY)
    return {
        "home": "",
        "report (hostile text + sidecar)": urls.report_slug(hostile) + "/",
        "report (formatter agency)": urls.report_slug(formatter) + "/",
        "agency (hostile)": urls.agency_slug(hostile) + "/",
        "agency (formatter)": urls.agency_slug(formatter) + "/",
        "region (hostile)": urls.region_slug(hostile["meta"]["region"]) + "/",
        "region (province)": urls.region_slug(["青海省"]) + "/",
        "regions": urls.region_slug([]) + "/",
        "region (海东市)": urls.region_slug(["青海省", "海东市"]) + "/",
        "year 2021": urls.year_slug(2021) + "/",
        "years": "years/",
        "quality": "quality/",
        "quality list": quality.detail_dir("t4_group_sum", "青海省") + "/",
        "build report": "build-report/",
        "agencies": "agencies/",
        "data": "data/",
    }


def test_payload_reports_are_parsed_and_published(built):
    # the hostile report is a whole 2021-template report: parsed, with its tables
    hostile = _record_of(built, HOSTILE_AGENCY)
    assert hostile["meta"]["year"] == 2021 and hostile["meta"]["template"] == "2021"
    assert hostile["meta"]["region"] == ["青海省", HOSTILE_REGION]
    assert hostile["tables"]["T3"]["new_received"]["total"] == 98  # printed in the fixture
    assert "<script>window.__pwned=1</script>" in hostile["sections"]["overview"]
    _published(built, "hostile_2021.txt")
    _published(built, "formatter_2021.txt")
    assert built["report"]["unreadable"] == []


def test_pages_exist_for_every_payload_target(built):
    for name, rel in _pages(built).items():
        assert (built["site"] / rel / "index.html").is_file(), name


def test_no_script_runs_and_no_payload_element_in_the_dom(built):
    site = built["site"]
    pages = _pages(built)
    failures: dict[str, object] = {}
    with serve(site) as base, chromium() as browser:
        for name, rel in pages.items():
            opened = open_page(browser, base + quote(rel))
            page = opened.page
            page.wait_for_timeout(200)
            # tooltips of ECharts render category names as HTML: hover every chart
            for canvas in page.locator(".archive-chart canvas").all():
                box = canvas.bounding_box()
                if not box:
                    continue
                for fx in (0.2, 0.5, 0.8):
                    for fy in (0.15, 0.35, 0.5, 0.65, 0.85):
                        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                        page.wait_for_timeout(15)
            # onmouseover payloads would fire when hovered: sweep the content column
            content = page.locator("article").first
            if content.count():
                box = content.bounding_box()
                if box:
                    for i in range(12):
                        page.mouse.move(box["x"] + box["width"] / 2,
                                        box["y"] + min(box["height"], 4000) * i / 12)
            pwned = page.evaluate("() => typeof window.__pwned")
            bad = page.evaluate(DOM_PROBE)
            if pwned != "undefined" or bad or opened.errors:
                failures[name] = {"pwned": pwned, "dom": bad, "errors": opened.errors}
            page.close()
    assert failures == {}


def test_payload_text_is_visible_as_text(built):
    pages = _pages(built)
    with serve(built["site"]) as base, chromium() as browser:
        opened = open_page(browser, base + quote(pages["report (hostile text + sidecar)"]))
        body = opened.page.locator("article").first.inner_text()
        title = opened.page.title()
        heading = opened.page.locator("article h1").first.inner_text()
        opened.page.close()
        missing = [p for p in VISIBLE_ON_REPORT if p not in body]
        assert missing == []
        assert "注入测试局</title><script>window.__pwned=1</script>" in heading
        assert title.startswith(HOSTILE_AGENCY)

        # the formatter string is a plain axis label of the year ranking chart, and text
        opened = open_page(browser, base + quote(pages["year 2021"]))
        assert FORMATTER_AGENCY in opened.page.locator("article").first.inner_text()
        opened.page.close()
        # the hostile report fails rule 4 (its 行政复议 总计 is 9, not 5+1+1+1): listed by name
        opened = open_page(browser, base + quote(pages["quality list"]))
        assert "注入测试局</title><script>window.__pwned=1</script>" in \
            opened.page.locator("article").first.inner_text()
        opened.page.close()
        opened = open_page(browser, base + quote(pages["region (hostile)"]))
        assert HOSTILE_REGION in opened.page.locator("article").first.inner_text()
        opened.page.close()

    ranking = json.loads((built["site"] / "years" / "2021" / "ranking.json").read_text(encoding="utf-8"))
    labels = ranking["yAxis"][0]["data"] + ranking["xAxis"][0].get("data", [])
    assert FORMATTER_AGENCY in labels
    # no formatter option anywhere: a string formatter is a template, a function would be code
    assert "formatter" not in json.dumps(ranking["yAxis"]) + json.dumps(ranking["xAxis"])


def test_search_results_show_payloads_as_text(built):
    with serve(built["site"]) as base, chromium() as browser:
        opened = open_page(browser, base)
        page = opened.page
        box = page.locator("input.md-search__input, [data-archive-search-query]").first
        box.fill("注入段落")
        box.press("End")
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        page.wait_for_timeout(300)
        pwned = page.evaluate("() => typeof window.__pwned")
        bad = page.evaluate(DOM_PROBE)
        results = page.locator(".md-search-result").inner_text()
        page.close()
    assert pwned == "undefined" and bad == [] and opened.errors == []
    # the hostile report is found (its excerpt shows the payload as text, if at all)
    assert "注入" in results.replace("\u200b", "")


def test_second_build_of_the_same_inputs_is_identical(built, tmp_path_factory):
    # a fresh folder, a cold cache: the full site, hostile reports included, byte for byte
    root = tmp_path_factory.mktemp("injection-again")
    reports = root / "reports"
    shutil.copytree(built["reports"], reports)
    proc = run_build(reports, root / "site", root / "work")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first, second = _tree(built["site"]), _tree(root / "site")
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_feed_carries_payloads_as_plain_text(built):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    tree = ET.parse(built["site"] / "feed.xml")
    hostile = [e for e in tree.getroot().iter(f"{atom}entry")
               if "注入" in "".join(e.itertext())]
    assert hostile
    for entry in hostile:
        for el in entry:
            # Atom text constructs default to type="text": a feed reader shows them as text
            assert el.get("type") in (None, "text") or el.tag == f"{atom}link", (el.tag, el.get("type"))
        for link in entry.iter(f"{atom}link"):
            assert link.get("href", "").startswith(("https://", "http://")), link.get("href")

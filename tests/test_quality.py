"""Data-quality pages and the build report stay small at 10,000 reports (issue 5).

``quality.quality_pages`` splits the list of failing checks into a summary and one list
per (rule, province); ``build_report.render_pages`` keeps the build report's main page to
the counts and the files that could not be published, with long lists on numbered pages.
Small cases have their expected values written out by hand; the 10,000-report cases
clone parsed seed records (no file is parsed 10,000 times) and check the budget, that
every item is listed exactly once, and that every link between the pages resolves.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from build_tools import quality, urls
from build_tools.build import Outcome
from build_tools.record import new_record
from build_tools.render import build_report, links
from tests.conftest import seed_record
from tests.test_paths import assert_safe

REPO = Path(__file__).resolve().parents[1]
BUDGET = 200_000   # bytes of Markdown per generated page (issue 5)
PROVINCES = ["青海省", "四川省", "广东省", "江苏省", "浙江省", "河南省", "湖北省", "云南省"]
YEARS = [2019, 2020, 2021, 2022, 2023, 2024]


# ----------------------------------------------------------------------------- helpers

def rec(agency: str, region: list[str], year: int, checks: list[dict], sha: str | None = None) -> dict:
    r = new_record()
    r["meta"].update(agency=agency, region=list(region), year=year)
    r["meta"]["source"]["sha256"] = sha or urls.short_hash(agency, "/".join(region), str(year),
                                                            length=64)
    r["checks"] = checks
    return r


def fail(rule: str, cells: list[str], message: str) -> dict:
    return {"rule": rule, "status": "fail", "cells": cells, "message": message}


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def hrefs(text: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', text)


def resolve_html(md_path: str, href: str) -> str:
    """Site directory an HTML link of a generated page leads to (served at its URL dir)."""
    assert not urlsplit(href).scheme and not href.startswith("/"), href
    target = posixpath.normpath(posixpath.join(links.page_url_dir(md_path) or ".", unquote(href)))
    assert not target.startswith(".."), (md_path, href)
    return "" if target == "." else target


def detail_rows(text: str) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(report link, region, cell paths, message) of each row of a detail page's list."""
    table = text[text.index("## 未通过的检查\n"):]
    out = []
    for m in re.finditer(r'<tr><td><a href="([^"]+)">.*?</a></td><td[^>]*>.*?</td>'
                         r"<td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table):
        cells = tuple(html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", m.group(3)))
        out.append((m.group(1), html.unescape(m.group(2)), cells, html.unescape(m.group(4))))
    return out


def page_number(md_path: str) -> int:
    """1 for ``<list>/index.md``, n for ``<list>/page.<n>/index.md``."""
    m = re.search(r"/page\.(\d+)/index\.md$", md_path)
    return int(m.group(1)) if m else 1


def assert_safe_page(md_path: str) -> None:
    """Every folder a safe name (tests/test_paths), or the ``page.<n>`` of a numbered page."""
    assert md_path.endswith(".md")
    parts = [p for p in md_path[:-3].split("/") if not re.fullmatch(r"page\.[1-9]\d*", p)]
    assert_safe("/".join(parts))


def region_dirs(records: list[dict]) -> set[str]:
    out = {urls.region_slug([])}
    for r in records:
        reg = [p for p in r["meta"]["region"] if p]
        out |= {urls.region_slug(reg[:i]) for i in range(1, len(reg) + 1)}
    return out


# ----------------------------------------------------------------------------- paging helper

def test_pack_cuts_by_bytes_and_by_count():
    # "ab" and "cd" take 3 bytes each with their newline; "长" 3 bytes + 1
    assert build_report.pack(["ab", "cd", "ef"], budget=6, max_items=10) == [["ab", "cd"], ["ef"]]
    assert build_report.pack(["ab", "cd", "ef"], budget=100, max_items=2) == [["ab", "cd"], ["ef"]]
    assert build_report.pack(["长", "长"], budget=4, max_items=10) == [["长"], ["长"]]
    # an item over the budget is kept, alone, never dropped
    assert build_report.pack(["x" * 50, "y"], budget=10, max_items=10) == [["x" * 50], ["y"]]
    assert build_report.pack([], budget=10, max_items=10) == []


# ----------------------------------------------------------------------------- quality: small

@pytest.fixture(scope="module")
def small():
    a = rec("海东市人民政府", ["青海省", "海东市"], 2021, [
        fail("t3_balance", ["T3.new_received.total"], "总计列：本年新收 3 + 上年结转 0 = 3，相差 1。"),
        fail("narrative_vs_table", ["T3.new_received.total"], "正文写“收到申请5件”，不一致。"),
        {"rule": "t3_row_sum", "status": "pass", "cells": ["T3.granted.total"], "message": "通过"}])
    b = rec("城东区人民政府", ["青海省", "西宁市", "城东区"], 2022, [
        fail("t3_balance", ["T3.carried_over.total"], "城东区第一项"),
        fail("t3_balance", ["T3.carried_forward.total"], "城东区第二项")])
    c = rec("成都市人民政府", ["四川省", "成都市"], 2021, [
        fail("t4_group_sum", ["T4.review.total"], "行政复议：总计印为 9，相差 1。")])
    d = rec("无地区局", [], 2020, [fail("t3_balance", [], "无地区的一项")])
    e = rec("绵阳市人民政府", ["四川省", "绵阳市"], 2021, [])
    records = [a, b, c, d, e]
    return records, dict(quality.quality_pages(records))


def test_summary_counts_by_rule_and_province(small):
    records, pages = small
    assert sorted(pages) == ["quality.md",
                             "quality/narrative_vs_table/青海省/index.md",
                             "quality/t3_balance/region--unknown/index.md",
                             "quality/t3_balance/青海省/index.md",
                             "quality/t4_group_sum/四川省/index.md"]
    text = pages["quality.md"]
    assert "全档案 5 份报告中，共有 4 份报告的 6 项勾稽关系检查未通过" in text
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr><td>(?:<a[^>]*>)?([^<]+)(?:</a>)?</td>.*?</tr>", text)}
    # 按规则汇总: 规则1 has 4 failing items (a 1, b 2, d 1) in 3 reports
    rule1 = rows["规则1 表三每一列：本年新收 &#43; 上年结转 &#61; 办理结果总计 &#43; 结转下年度继续办理"]
    assert re.findall(r">(\d+)</td>", rule1) == ["4", "3"]
    # 按省份汇总: reports, reports with problems, then 规则1..6 in rule order (5 before 6)
    qinghai = rows["青海省"]
    assert 'href="../regions/%E9%9D%92%E6%B5%B7%E7%9C%81/"' in qinghai
    cells = re.findall(r"<td[^>]*>(.*?)</td>", qinghai)[1:]
    assert cells == ["2", "2",
                     '<a href="t3_balance/%E9%9D%92%E6%B5%B7%E7%9C%81/">3</a>', "0", "0", "0", "0",
                     '<a href="narrative_vs_table/%E9%9D%92%E6%B5%B7%E7%9C%81/">1</a>']
    sichuan = re.findall(r"<td[^>]*>(.*?)</td>", rows["四川省"])[1:]
    assert sichuan == ["2", "1", "0", "0", "0",
                       '<a href="t4_group_sum/%E5%9B%9B%E5%B7%9D%E7%9C%81/">1</a>', "0", "0"]
    unknown = re.findall(r"<td[^>]*>(.*?)</td>", rows["地区未知"])[1:]
    assert unknown == ["1", "1", '<a href="t3_balance/region--unknown/">1</a>', "0", "0", "0", "0", "0"]
    # 明细: one heading per failing rule, linking each province's list
    assert re.search(r"<h3[^>]*>|### 规则4", text)
    section = text[text.index("### 规则4"):]
    assert '<li><a href="t4_group_sum/%E5%9B%9B%E5%B7%9D%E7%9C%81/">四川省</a>：1 项</li>' in section


def test_detail_page_lists_report_region_cells_and_message(small):
    records, pages = small
    text = pages["quality/t3_balance/青海省/index.md"]
    assert "青海省共有 2 份报告的 3 项检查未通过此规则。" in text
    assert '<a href="../../">数据质量</a>' in text
    rows = [(unquote(link), *rest) for link, *rest in detail_rows(text)]
    a, b = records[0], records[1]
    # sorted by year: a (2021) before b (2022)
    assert rows == [
        ("../../../" + urls.report_slug(a) + "/", "青海省／海东市", ("T3.new_received.total",),
         "总计列：本年新收 3 + 上年结转 0 = 3，相差 1。"),
        ("../../../" + urls.report_slug(b) + "/", "青海省／西宁市／城东区", ("T3.carried_over.total",),
         "城东区第一项"),
        ("../../../" + urls.report_slug(b) + "/", "青海省／西宁市／城东区", ("T3.carried_forward.total",),
         "城东区第二项"),
    ]
    assert "一、本年新收政府信息公开申请数量｜总计" in text
    # the province and its cities, each linked to its region page, with this rule's counts
    # (青海省 3 items in 2 reports, 海东市 1 in 1, 西宁市 2 in 1); counties only in the list
    table = text[text.index("## 按地区"):text.index("## 未通过的检查")]
    counts = [(unquote(m.group(1)), m.group(2), m.group(3)) for m in re.finditer(
        r'<tr><td><a href="([^"]+)">[^<]*</a></td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td></tr>', table)]
    assert counts == [("../../../regions/青海省/", "3", "2"),
                      ("../../../regions/青海省/海东市/", "1", "1"),
                      ("../../../regions/青海省/西宁市/", "2", "1")]
    unknown = pages["quality/t3_balance/region--unknown/index.md"]
    assert "地区未知共有 1 份报告的 1 项检查未通过此规则。" in unknown
    assert [r[3] for r in detail_rows(unknown)] == ["无地区的一项"]


def test_long_lists_are_cut_into_numbered_pages():
    checks = [fail("t3_balance", ["T3.new_received.total"], f"第{i}项") for i in range(12)]
    records = [rec("海东市人民政府", ["青海省", "海东市"], 2021, checks)]
    base = "quality/t3_balance/青海省"
    whole = dict(quality.quality_pages(records))
    assert [p for p in whole if p.startswith(base)] == [base + "/index.md"]
    one_page = size(whole[base + "/index.md"])
    # half the bytes (the heading and region table take their share of each page): the
    # list goes on to page.2, page.3
    pages = dict(quality.quality_pages(records, page_bytes=one_page // 2))
    mine = sorted((p for p in pages if p.startswith(base)), key=page_number)
    assert len(mine) >= 3
    assert mine == [f"{base}/index.md"] + [f"{base}/page.{k}/index.md" for k in range(2, len(mine) + 1)]
    assert all(size(pages[p]) <= one_page // 2 for p in mine)
    # in order, each check once, none lost
    assert [r[3] for p in mine for r in detail_rows(pages[p])] == [f"第{i}项" for i in range(12)]
    # every page's pager leads to every other page of the list
    for p in mine:
        pager = re.search(r'<p class="archive-pager">.*?</p>', pages[p]).group(0)
        assert {resolve_html(p, h) for h in hrefs(pager)} == \
            {links.page_url_dir(q) for q in mine} - {links.page_url_dir(p)}
    # the region table is on the first page only
    assert "## 按地区" in pages[mine[0]] and not any("## 按地区" in pages[p] for p in mine[1:])


def test_hostile_names_give_safe_distinct_addresses_and_inert_text():
    hostile = ["index", "README", "../../etc", "<script>window.pwned=1</script>省", "乐都<>局",
               "乐都局", "青海省/海东市", "CON", "长" * 300, "region--unknown"]
    records = [rec(f"{name}局{i}", [name, "市"], 2021,
                   [fail("t3_balance", ["T3.new_received.total"], f"<img src=x onerror=1>{i}")])
               for i, name in enumerate(hostile)]
    records.append(rec("<b>局</b>", [], 2021, [fail("../../规则", [], "[x](javascript:alert(1))")]))
    pages = quality.quality_pages(records)
    paths = [p for p, _ in pages]
    assert len(paths) == len(set(paths)) == 1 + len(hostile) + 1
    for path in paths:
        assert path.endswith(".md")
        assert_safe_page(path)
    # one folder per province: a province called index/README is not its rule's index page
    assert all(p.endswith("/index.md") for p in paths if p != "quality.md")
    # a province really called region--unknown does not take the folder of no region
    assert "quality/t3_balance/region--unknown/index.md" not in paths
    assert quality.detail_dir("t3_balance", "region--unknown") + "/index.md" in paths
    assert quality.detail_dir("../../规则", None) + "/index.md" in paths
    assert quality.detail_dir("../../规则", None).endswith("/region--unknown")
    for _, text in pages:
        assert "<script" not in text and "<img" not in text and "<b>" not in text
        assert "](javascript" not in text
    by_path = dict(pages)
    shown = detail_rows(by_path[quality.detail_dir("t3_balance", "<script>window.pwned=1</script>省")
                                + "/index.md"])
    assert shown[0][1] == "<script>window.pwned=1</script>省／市"
    assert shown[0][3] == "<img src=x onerror=1>3"


# ----------------------------------------------------------------------------- quality: 10,000

def clone_archive(n: int = 10_000) -> list[dict]:
    """``n`` cheap records cloned from the parsed seeds: 8 provinces × 6 years, 5 cities of
    3 districts each, the seeds' own failing checks kept on a third of them and a
    cross-year failure on every seventh (tables shared, read-only)."""
    seeds = [seed_record(s) for s in ("000", "001", "002", "003", "004")]
    out = []
    for i in range(n):
        seed = seeds[i % 5]
        prov = PROVINCES[(i // 5) % 8]
        region = [prov, f"{prov[:2]}第{(i // 40) % 5}市", f"第{(i // 200) % 3}区"]
        year = YEARS[(i // 7) % 6]
        checks = [c for c in seed["checks"] if c["status"] != "fail" or (i // 3) % 3 == 0]
        if i % 7 == 0:
            checks.append(fail("cross_year_carryover", ["T3.carried_over.total"],
                               f"跨年度核对：{year}年报告“二、上年结转”为{i % 9}件，相差{i % 9 + 1}件。"))
        meta = {**seed["meta"], "region": region, "year": year,
                "agency": f"{region[2]}机关{i // 48}",
                "source": {**seed["meta"]["source"], "sha256": urls.short_hash(str(i), length=64)}}
        out.append({**seed, "meta": meta, "checks": checks})
    return out


@pytest.fixture(scope="module")
def archive() -> list[dict]:
    return clone_archive()


@pytest.fixture(scope="module")
def big(archive):
    return archive, quality.quality_pages(archive)


def test_every_quality_page_is_within_budget_at_10000(big):
    records, pages = big
    fails = sum(1 for r in records for c in r["checks"] if c["status"] == "fail")
    assert fails > 8_000              # more than the synthetic archive's ~3,400 at 10,000
    assert len({p for p, _ in pages}) == len(pages)
    over = {p: size(t) for p, t in pages if size(t) > BUDGET}
    assert over == {}
    # the lists really were cut (the old single page was megabytes)
    assert sum(size(t) for _, t in pages) > 10 * BUDGET
    assert any(p.endswith("/page.2/index.md") for p, _ in pages)


def test_every_failing_check_is_on_exactly_one_page(big):
    records, pages = big
    slug_of = {}
    expected: Counter = Counter()
    for r in records:
        slug_of[urls.report_slug(r)] = r
        for c in r["checks"]:
            if c["status"] == "fail":
                expected[(urls.report_slug(r), c["rule"], r["meta"]["region"][0],
                          tuple(c["cells"]), c["message"])] += 1
    listed: Counter = Counter()
    for path, text in pages:
        if path == "quality.md":
            continue
        _, rule, prov_part, *_ = path.split("/")
        for link, region, cells, message in detail_rows(text):
            slug = resolve_html(path, link)
            assert slug in slug_of, link
            prov = region.split("／")[0]
            assert urls.region_part(prov) == prov_part and rule == urls.region_part(rule)
            listed[(slug, rule, prov, cells, message)] += 1
    assert sum(listed.values()) == sum(expected.values())
    assert listed == expected


def test_links_between_quality_pages_resolve(big):
    records, pages = big
    page_dirs = {links.page_url_dir(p) for p, _ in pages}
    targets = page_dirs | region_dirs(records) | {urls.report_slug(r) for r in records}
    reached = set()
    for path, text in pages:
        for h in hrefs(text):
            assert h.endswith("/"), (path, h)
            target = resolve_html(path, h)
            assert target in targets, (path, h)
            reached.add(target)
    # every list page is reached from the summary or from another page of its list
    assert page_dirs - {"quality"} <= reached
    summary = dict(pages)["quality.md"]
    first_pages = {links.page_url_dir(p) for p, _ in pages
                   if p != "quality.md" and page_number(p) == 1}
    assert {resolve_html("quality.md", h) for h in hrefs(summary)} >= first_pages
    assert size(summary) < 20_000


# ----------------------------------------------------------------------------- build report

def summary_of(files: int, unreadable_every: int, not_ok_every: int, duplicate_every: int,
               orphans: int, hostile: list[str] = ()) -> dict:
    seeds = [seed_record(s) for s in ("000", "001", "002", "004")]
    outcomes = []
    names = [f"{PROVINCES[i % 8]}/第{i % 5}市/{YEARS[i % 6]}/机关{i:05d}.txt" for i in range(files)]
    names[:len(hostile)] = hostile
    for i, name in enumerate(names):
        if i % unreadable_every == 1:
            code = ("empty", "corrupt", "encrypted", "parser_crash")[(i // unreadable_every) % 4]
            outcomes.append(Outcome(name, error={"code": code, "reason": f"第{i}个文件的原因（{code}）"}))
            continue
        seed = seeds[i % 4]
        meta = {**seed["meta"], "agency": f"机关{i:05d}", "year": YEARS[i % 6],
                "source": {**seed["meta"]["source"], "sha256": urls.short_hash(name, length=64)}}
        record = {**seed, "meta": meta}
        if i % not_ok_every == 2:
            record = {**record, "status": "partial",
                      "warnings": [{"code": "table_missing", "message": f"表{k}未能读取（第{i}个）",
                                    "cells": []} for k in ("二", "三", "四")]}
        outcomes.append(Outcome(name, record=record,
                                duplicate_of=names[i - 1] if i % duplicate_every == 3 else None))
    sidecars = [f"青海省/孤立{i}.yml" for i in range(orphans)]
    return build_report.summarize(outcomes, sidecars)


def md_link_targets(md_path: str, text: str) -> list[str]:
    out = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        assert not urlsplit(target).scheme, (md_path, target)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(md_path), target))
        assert not resolved.startswith(".."), (md_path, target)
        out.append(resolved)
    return out


def items_on(text: str, prefix: str) -> list[str]:
    """File names of the items of one list: the first <code> of each line with ``prefix``."""
    return [html.unescape(re.search(r"<code>(.*?)</code>", line).group(1))
            for line in text.splitlines() if line.startswith(prefix)]


TITLES = {"unreadable": "无法读取的文件", "incomplete": "解析不完整的报告", "duplicates": "重复文件",
          "orphan-sidecars": "无对应报告的元数据文件", "published": "已发布的报告"}
PREFIX = {"unreadable": "    - <code>", "incomplete": "- [<code>", "duplicates": "- <code>",
          "orphan-sidecars": "- <code>", "published": "<tr><td><code>"}


def test_small_build_report_is_one_page():
    # 3 files: #1 unreadable (empty), #2 partial with its three warnings, #0 fine
    summary = summary_of(3, unreadable_every=1000, not_ok_every=1000, duplicate_every=1000,
                         orphans=1)
    pages = build_report.render_pages(summary)
    assert [p for p, _ in pages] == ["build-report.md"]
    text = pages[0][1]
    assert "| 文件总数 | 3 |" in text and "| 已发布报告 | 2 |" in text
    assert "| 无法读取的文件 | 1 |" in text and "| 解析不完整的报告 | 1 |" in text
    assert "文件为空" in text and "第1个文件的原因（empty）" in text
    for k in ("二", "三", "四"):
        assert f"    - 表{k}未能读取（第2个）" in text
    # in file order (code-point order of the paths: 广 U+5E7F before 青 U+9752)
    assert items_on(text, PREFIX["published"]) == ["广东省/第2市/2021/机关00002.txt",
                                                  "青海省/第0市/2019/机关00000.txt"]
    assert items_on(text, "- <code>") == ["青海省/孤立0.yml"]
    assert "逐项列表见[数据质量](quality.md)" in text


@pytest.fixture(scope="module")
def big_report():
    hostile = ["青海省/<img src=x onerror=1>.txt", "青海省/a](javascript:alert(1)).txt",
               "青海省/" + "长" * 300 + ".txt", "青海省/!!! note.txt"]
    summary = summary_of(10_000, unreadable_every=3, not_ok_every=37, duplicate_every=97,
                         orphans=40, hostile=hostile)
    return summary, build_report.render_pages(summary)


def test_build_report_pages_are_within_budget_at_10000(big_report):
    summary, pages = big_report
    assert summary["totals"]["files"] == 10_000 and summary["totals"]["unreadable"] > 3_000
    over = {p: size(t) for p, t in pages if size(t) > BUDGET}
    assert over == {}
    paths = [p for p, _ in pages]
    assert paths[0] == "build-report.md" and len(set(paths)) == len(paths)
    for p in paths:
        assert_safe_page(p)
    # the long lists went to numbered pages; the short ones stayed on the main page
    assert "build-report/published/青海省/index.md" in paths
    assert "build-report/published/青海省/page.2/index.md" in paths
    assert "build-report/unreadable/page.2/index.md" in paths
    assert not any(p.startswith(("build-report/duplicates/", "build-report/orphan-sidecars/"))
                   for p in paths)
    for _, text in pages:
        assert "<img" not in text and "](javascript" not in text


def test_build_report_lists_every_item_exactly_once(big_report):
    summary, pages = big_report
    main = pages[0][1]
    lists = {"unreadable": summary["unreadable"], "incomplete": summary["not_ok"],
             "duplicates": summary["duplicates"],
             "orphan-sidecars": [{"file": s} for s in summary["orphan_sidecars"]],
             "published": summary["published"]}
    for key, items in lists.items():
        subs = [t for _, t in sorted(((page_number(p), t) for p, t in pages
                                      if p.startswith(f"build-report/{key}/")))]
        expected = [i["file"] for i in items]
        if key == "published":
            listed = [f for t in published_pages_in_link_order(main, pages)
                      for f in items_on(t, PREFIX[key])]
        elif subs:
            listed = [f for t in subs for f in items_on(t, PREFIX[key])]
        else:
            section = main[main.index(f"## {TITLES[key]}\n"):]
            section = section[:section.index("\n## ", 3)]
            listed = items_on(section, PREFIX[key])
        assert listed == expected, key
    # what matters most leads the main page: the unreadable files, as many as fit
    shown = items_on(main, PREFIX["unreadable"])
    assert len(shown) > 100 and shown == [i["file"] for i in summary["unreadable"][:len(shown)]]
    assert main.index("无法读取的文件") < main.index("已发布的报告")
    # the incomplete reports keep the parser's warnings on their pages
    incomplete = "\n".join(t for p, t in pages if p.startswith("build-report/incomplete/"))
    assert "    - 表三未能读取（第2个）" in incomplete
    # the published list is not repeated on the main page, only its pages are linked
    assert items_on(main, PREFIX["published"]) == []


def published_pages_in_link_order(main: str, pages: list[tuple[str, str]]) -> list[str]:
    """The published list's pages as a reader reaches them: each folder linked from the
    main page, in the main page's order, then that folder's pages in page order."""
    section = main[main.index("## 已发布的报告\n"):]
    folders = [posixpath.normpath(target).removesuffix("/index.md")   # main page at the root
               for target in re.findall(r"^- \[.*?\]\(([^)]+)\)：", section, re.M)]
    assert folders and len(set(folders)) == len(folders)
    by_folder = {}
    for path, text in pages:
        if path.startswith("build-report/published/"):
            folder = re.sub(r"/(page\.\d+/)?index\.md$", "", path)
            by_folder.setdefault(folder, []).append((page_number(path), text))
    assert sorted(by_folder) == sorted(folders)
    return [text for folder in folders for _, text in sorted(by_folder[folder])]


def test_published_files_are_paged_by_their_first_folder(big_report):
    summary, pages = big_report
    main = pages[0][1]
    for path, text in pages:
        if path.startswith("build-report/published/"):
            folder = path.split("/")[2]
            files = items_on(text, PREFIX["published"])
            assert files and {f.split("/")[0] for f in files} == {folder}, path
    # the main page names each folder with its count
    assert re.search(r"^- \[青海省\]\(build-report/published/青海省/index\.md\)：(\d+) 份，分 \d+ 页$",
                     main, re.M)
    counted = sum(int(n) for n in re.findall(r"^- \[.*?\]\(build-report/published/.*?\)：(\d+) 份",
                                             main, re.M))
    assert counted == summary["totals"]["published"]


def test_one_more_report_rewrites_only_its_own_folders_pages():
    # what keeps adding a report cheap: the pages of the other provinces stay the same
    # bytes, so the docs folder and MkDocs' dirty build leave them alone
    before = dict(build_report.render_pages(summary_of(3_000, 1000, 1000, 1000, 0)))
    after = dict(build_report.render_pages(summary_of(3_001, 1000, 1000, 1000, 0)))
    added = PROVINCES[3_000 % len(PROVINCES)]
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert "build-report.md" in changed
    assert any(p.startswith(f"build-report/published/{added}/") for p in changed)
    assert {p for p in changed if p != "build-report.md"
            and not p.startswith(f"build-report/published/{added}/")} == set()
    assert sum(p.startswith("build-report/published/") for p in before) > 8


def test_a_hostile_first_folder_gets_a_safe_page_and_inert_text():
    # (summary_of makes file #1 unreadable and #3 a duplicate: the hostile names are the others)
    hostile = ["d.txt", "x/1.txt", "<img src=x onerror=1>/a.txt", "x/3.txt", "page.2/b.txt",
               "../c.txt", "[a](javascript:alert(1))/e.txt"]
    summary = summary_of(400, 1000, 1000, 1000, 0, hostile=hostile)
    pages = build_report.render_pages(summary)
    for path, text in pages:
        assert_safe_page(path)
        assert "<img" not in text
    paths = [p for p, _ in pages]
    assert len(set(paths)) == len(paths)
    main = pages[0][1]
    # the folder names are Markdown link text on the main page: inert there
    assert "](javascript" not in main and "[&#91;a&#93;&#40;javascript&#58;" in main
    # root files have their own group; every file is listed once, following the links
    assert build_report.ROOT_GROUP in main
    listed = [f for t in published_pages_in_link_order(main, pages)
              for f in items_on(t, PREFIX["published"])]
    assert sorted(listed) == sorted(i["file"] for i in summary["published"])


def test_build_report_links_resolve(big_report):
    summary, pages = big_report
    paths = {p for p, _ in pages}
    reports = {links.report_md(i["slug"]) for i in summary["published"]}
    allowed = paths | reports | {"build-report.json", "quality.md"}
    reached = set()
    for path, text in pages:
        for target in md_link_targets(path, text):
            assert target in allowed, (path, target)
            reached.add(target)
    assert paths - {"build-report.md"} <= reached
    # the table of published files links each report page in raw HTML, by its URL
    report_dirs = {links.page_url_dir(r) for r in reports}
    linked = {resolve_html(path, h) for path, text in pages for h in hrefs(text)}
    assert linked <= report_dirs and report_dirs <= linked


def test_build_report_json_stays_whole(big_report):
    summary, _ = big_report
    whole = json.loads(build_report.render_json(summary))
    # one file for machines and CI (summary.py): every list complete, never paged
    assert len(whole["published"]) == whole["totals"]["published"] > 6_000
    assert len(whole["unreadable"]) == whole["totals"]["unreadable"] > 3_000
    assert whole["published"] == summary["published"]


# ----------------------------------------------------------------------------- MkDocs

@pytest.mark.slow
def test_paged_pages_build_strict_and_links_resolve_in_the_site(tmp_path, monkeypatch):
    """A strict MkDocs build of the paged pages (lists cut after 2 items): MkDocs checks
    the Markdown links, and every HTML link of the built pages leads to a file."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    records = clone_archive(60)
    records.append(rec("<b>局</b>", ["index", "README"], 2021,
                       [fail("t3_balance", ["T3.new_received.total"], "<i>x</i>")]))
    monkeypatch.setattr(build_report, "ROWS_PER_PAGE", 2)
    summary = summary_of(40, unreadable_every=4, not_ok_every=5, duplicate_every=97, orphans=3,
                         hostile=["青海省/<img src=x onerror=1>.txt"])
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    stubs = ["index.md", "regions/index.md", "years/index.md", "data/index.md"]
    stubs += [f"{d}/index.md" for d in region_dirs(records)]
    stubs += [links.report_md(urls.report_slug(r)) for r in records]
    stubs += [links.report_md(i["slug"]) for i in summary["published"]]
    for rel in stubs:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("# 页面\n", encoding="utf-8")
    (docs / "build-report.json").write_text(build_report.render_json(summary), encoding="utf-8")
    written = quality.quality_pages(records, page_bytes=8000) + build_report.render_pages(summary)
    assert sum(1 for p, _ in written if p.startswith("build-report/")) > 5
    for rel, text in written:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    cfg = load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(docs),
                      site_dir=str(tmp_path / "site"), strict=True)
    build(cfg)   # strict: a broken Markdown link raises
    site = tmp_path / "site"
    built = [site / links.page_url_dir(p) / "index.html" for p, _ in written]
    assert all(p.is_file() for p in built)
    broken = {}
    for page in built:
        text = page.read_text(encoding="utf-8")
        assert "<b>局</b>" not in text and "<img src=x" not in text
        for h in re.findall(r'<a [^>]*href="([^"#]+)"', text):
            parts = urlsplit(h)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.setdefault(str(page.relative_to(site)), []).append(h)
    assert broken == {}

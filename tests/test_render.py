"""Report pages from hand-made records (independent of the parser)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from build_tools import record as rec
from build_tools import urls
from build_tools.render import charts, home, report_page, tables
from tests.test_escape import parse, to_html

PAYLOAD = ("<script>window.pwned=1</script> <img src=x onerror=alert(1)> "
           "[a](javascript:alert(1)) {: onclick=x} {{ config }}")


def make_record(template: str = "2021") -> dict:
    r = rec.new_record()
    r["meta"].update(agency="测试区人民政府", year=2021 if template == "2021" else 2020,
                     region=["青海省", "海东市", "测试区"], template=template,
                     published="2022-01-20", agency_kind="government")
    r["meta"]["source"].update(file="青海省/海东市/测试区/2021/测试区人民政府.txt",
                               format="txt", sha256="1a2b3c4d" + "0" * 56)
    r["tables"]["T2"] = rec.empty_t2(template)
    r["tables"]["T3"] = rec.empty_t3(template)
    r["tables"]["T4"] = rec.empty_t4()
    t3 = r["tables"]["T3"]
    t3["new_received"].update(natural_person=38, commercial=1, research=0, total=39)
    t3["carried_over"].update(natural_person=5, total=5)
    t3["granted"].update(natural_person=20, total=20)
    t3["partially_granted"].update(natural_person=4, total=4)
    t3["denied"]["state_secret"].update(natural_person=0, total=0)
    t3["unable"]["not_held"].update(natural_person=8, total=8)
    t3["total_processed"].update(natural_person=32, total=32)
    t3["carried_forward"].update(natural_person=0, total=0)
    r["tables"]["T4"]["review"].update(upheld=10, corrected=1, other=0, pending=0, total=0)
    r["tables"]["T4"]["litigation_direct"].update(upheld=2, corrected=0, other=0, pending=1, total=3)
    r["checks"] = [
        {"rule": "t3_balance", "status": "fail",
         "cells": ["T3.new_received.total", "T3.carried_over.total",
                   "T3.total_processed.total", "T3.carried_forward.total"],
         "message": "总计列：本年新收 39 + 上年结转 5 = 44，但办理结果总计 32 + 结转下年度 0 = 32，相差 12。"},
        {"rule": "t4_group_sum", "status": "pass", "cells": ["T4.litigation_direct.total"],
         "message": "行政诉讼 未经复议直接起诉：合计一致。"},
    ]
    r["warnings"] = [{"code": "money_converted", "message": "收费金额由元换算为万元",
                      "cells": ["T2.fees.amount"]}]
    r["sections"]["overview"] = "（一）主动公开情况。\n" + PAYLOAD + "\n!!! note \"x\"\n    缩进"
    return r


# Columns of T3 and T4 as printed in the national template (REPORT_FORMAT.md).
T3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T4_COLS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


class BodyRows(HTMLParser):
    """The body rows of the tables in a piece of HTML, read as a browser would: the
    optional end tags (</td>, </th>, </tr>) may be left out.  Each row is
    (header cell texts, [(data cell text, class)])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[list[str], list[tuple[str, str]]]] = []
        self.in_body = False
        self.cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif tag in ("thead", "table"):
            self.in_body = False
        elif self.in_body and tag == "tr":
            self.rows.append(([], []))
        elif self.in_body and tag in ("th", "td") and self.rows:
            self.cell = [tag, "", dict(attrs).get("class") or ""]
            heads, cells = self.rows[-1]
            (heads if tag == "th" else cells).append(self.cell)

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_body = False

    def handle_data(self, data):
        if self.in_body and self.cell is not None:
            self.cell[1] += data


def body_rows(html_text: str) -> list[tuple[list[str], list[tuple[str, str]]]]:
    p = BodyRows()
    p.feed(html_text)
    return [([h[1].strip() for h in heads], [(c[1].strip(), c[2]) for c in cells])
            for heads, cells in p.rows]


def t3_cell(html_text: str, row: str, column: str) -> tuple[str, str]:
    """(text, class) of the T3 cell in the row whose own label is ``row``."""
    found = [cells for heads, cells in body_rows(html_text)
             if heads and heads[-1] == row and len(cells) == len(T3_COLS)]
    assert len(found) == 1, (row, len(found))
    return found[0][T3_COLS.index(column)]


def cell(html_text: str, row: str, column: str) -> str:
    return t3_cell(html_text, row, column)[0]


def cell_class(html_text: str, row: str, column: str) -> str:
    return t3_cell(html_text, row, column)[1]


def test_t3_shows_blank_as_blank_and_zero_as_zero():
    h = tables.render_t3(make_record())
    new = "一、本年新收政府信息公开申请数量"
    assert cell(h, new, "自然人") == "38"
    assert cell(h, new, "科研机构") == "0"
    assert cell(h, new, "社会公益组织") == ""
    assert cell(h, "1.属于国家秘密", "总计") == "0"
    assert cell(h, "2.其他法律行政法规禁止公开", "总计") == ""


def test_t3_has_template_columns_and_grouped_rows():
    h = tables.render_t3(make_record())
    for label in ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
                  "法律服务机构", "其他", "总计"):
        assert re.search(f">{label}(<|\n)", h), label
    assert '<th rowspan="8" scope="rowgroup">（三）不予公开<' in h
    assert '<th rowspan="3" scope="rowgroup">（四）无法提供<' in h
    assert "一、本年新收政府信息公开申请数量" in h
    assert "（七）总计" in h and "四、结转下年度继续办理" in h
    # 25 body rows in the 2021 template: 2 + 22 outcome rows + 1
    assert h.count("<tr>") - 3 == 25
    # every body row has the 7 value cells
    rows = body_rows(h)
    assert len(rows) == 25
    assert all(len(cells) == 7 for _, cells in rows)


def test_t3_2019_template_has_single_other_row():
    r = make_record("2019")
    r["tables"]["T3"]["other_total"].update(natural_person=1, total=1)
    h = tables.render_t3(r)
    assert cell(h, "（六）其他处理", "总计") == "1"
    assert cell(h, "（六）其他处理", "自然人") == "1"
    assert "逾期不补正" not in h
    assert h.count("<tr>") - 3 == 23


def test_t3_collapsed_other_row_in_2021_report_is_shown():
    r = make_record()
    r["tables"]["T3"]["other_total"] = {c: None for c in rec.T3_COLUMNS}
    r["tables"]["T3"]["other_total"].update(total=2, natural_person=2)
    h = tables.render_t3(r)
    assert cell(h, "（六）其他处理", "总计") == "2"
    assert "缴纳费用" not in h


def test_t4_labels_and_values():
    h = tables.render_t4(make_record())
    for label in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正",
                  "其他结果", "尚未审结"):
        assert label in h
    # printed order: review 10 1 0 0 0, then direct suits 2 0 0 1 3, then suits after
    # review (all blank)
    (heads, cells), = body_rows(h)
    assert [c[0] for c in cells] == ["10", "1", "0", "0", "0", "2", "0", "0", "1", "3",
                                     "", "", "", "", ""]
    assert h.index("行政复议") < h.index("未经复议直接起诉") < h.index("复议后起诉")
    assert re.findall(r"<th>([^<\n]+)", h) == T4_COLS * 3


def test_t2_2021_and_2019_labels():
    h = tables.render_t2(make_record())
    assert "规章" in h and "本年制发件数" in h and "行政事业性收费" in h and "万元" in h
    h19 = tables.render_t2(make_record("2019"))
    assert "本年新制作数量" in h19 and "政府集中采购" in h19 and "本年制发件数" not in h19


def test_failing_check_is_prominent_and_names_its_cells():
    page = report_page.render_report(make_record(), "测试区人民政府.txt")
    h = to_html(page.markdown)
    first_table = h.index("<table")
    adm = h.index('class="admonition failure"')
    assert adm < first_table and adm < h.index("<h2")
    admonition = html.unescape(h[adm:h.index("</div>", adm)])
    assert "相差 12" in admonition
    assert "一、本年新收政府信息公开申请数量 / 总计" in admonition
    assert "四、结转下年度继续办理 / 总计" in admonition
    assert "T3.new_received.total" in admonition
    # the failing cells are marked in the table, the others are not
    assert "cell-fail" in cell_class(h, "一、本年新收政府信息公开申请数量", "总计")
    assert "cell-fail" in cell_class(h, "四、结转下年度继续办理", "总计")
    assert "cell-fail" not in cell_class(h, "一、本年新收政府信息公开申请数量", "自然人")
    assert "cell-fail" not in cell_class(h, "（一）予以公开", "总计")
    # the list of all checks points to the box instead of naming the cells again
    listed = html.unescape(h[h.index("勾稽关系检查</h2>"):])
    assert "相差 12" in listed and "T3.new_received.total" not in listed
    # the passing check is listed but not in the failure box
    assert "合计一致" in h and "合计一致" not in admonition


def test_narrative_and_names_are_escaped():
    r = make_record()
    r["meta"]["agency"] = "恶意</title><script>window.pwned=1</script>局"
    r["warnings"].append({"code": "x<y>", "message": PAYLOAD, "cells": []})
    r["checks"].append({"rule": "t3_row_sum", "status": "fail", "cells": ["T3.granted.total"],
                        "message": PAYLOAD})
    page = report_page.render_report(r, "x.txt")
    h = to_html(page.markdown)
    out = parse(h)
    tags = {t for t, _ in out.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "style"}
    for _, attrs in out.tags:
        assert not any(k.startswith("on") for k in attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript")
    text = "".join(out.text)
    assert "<script>window.pwned=1</script>" in text
    assert "[a](javascript:alert(1))" in text
    assert "{{ config }}" in text and "{: onclick=x}" in text
    assert '!!! note "x"' in text
    # only our own admonition (the failing checks) — none started by the narrative
    assert sum(1 for t, a in out.tags if t == "div" and "admonition" in (a.get("class") or "")) == 1


def test_page_parts_are_raw_html_that_markdown_passes_whole():
    """The failing-checks box, the meta list, the headline table and the lists of checks and
    warnings are raw HTML with the elements Markdown made of them before (so Material styles
    them the same), and Python-Markdown keeps each block whole."""
    r = make_record()
    r["sections"]["overview"] = "正文。"
    md = report_page.render_report(r, "a.txt").markdown
    assert "**" not in md and "\n- " not in md and "| --- |" not in md and "!!!" not in md
    h = to_html(md)
    # the box of failed checks, like the list of every check, stays out of the search index
    assert ('<div class="admonition failure" data-pagefind-ignore>\n'
            '<p class="admonition-title">勾稽关系检查：1 项未通过\n'
            "<ul>\n<li><strong>未通过</strong> · 规则 1：") in h
    assert "<p>表格中涉及的单元格以红色标出。原始数据照录，不作修改。\n</div>" in h
    # the list of every check stays out of the search index (overrides/main.html)
    assert re.search(r"勾稽关系检查</h2>\n<ul data-pagefind-ignore>\n<li><strong>未通过</strong>", h)
    assert re.search(r"解析提示</h2>\n<ul data-pagefind-ignore>\n<li><code>money_converted</code> 收费金额由元换算为万元", h)
    # 11 meta items, 1 failing check in the box, 2 checks in the list, 1 warning
    assert h.count("<li>") == 15
    # Markdown neither wrapped a block in a paragraph nor escaped a tag of it
    assert not re.search(r"<p>\s*<(ul|li|div|table|p)\b", h)
    assert "&lt;" not in h and "&amp;" not in h
    assert h.count("<table>") == 1   # the headline table: the only one without a class


def test_hostile_text_in_the_lists_and_tables_stays_text():
    r = make_record()
    r["sections"]["overview"] = "正文。"
    bad = "<script>window.pwned=1</script><a href=javascript:x>[l](javascript:y)</a>**b**"
    r["meta"].update(region=["青海省", bad], published=bad, template=bad, agency_kind=bad)
    r["checks"].append({"rule": bad, "status": "fail", "cells": [bad], "message": bad,
                        "other": {"slug": "r/2020/x-12345678", "year": bad}})
    r["warnings"].append({"code": bad, "message": bad, "cells": [bad]})
    r["context"] = {"previous": {"year": bad, "slug": "r/2020/x-12345678"},
                    "change": {bad: {"label": bad, "previous": bad, "current": 1, "delta": bad}}}
    h = to_html(report_page.render_report(r, "a.txt").markdown)
    out = parse(h)
    assert not {t for t, _ in out.tags} & {"script", "img", "iframe", "object", "embed", "style"}
    hrefs = [a.get("href") or "" for t, a in out.tags if t == "a"]
    assert not [x for x in hrefs if "javascript" in x.lower() or x.endswith(".md")]
    assert not any(k.startswith("on") for _, a in out.tags for k in a)
    assert "<b>" not in h and "<strong>b</strong>" not in h
    # shown as text, each once: kind, region (link text), published, template (4); in the
    # failing box rule, cell label, cell path, message, other year (5); in the list of checks
    # rule, message, other year (3); the warning's code, message, cell label and path (4);
    # previous year in the link and above the table (2); change label, previous, delta (3)
    assert "".join(out.text).count("<script>window.pwned=1</script>") == 21


def test_meta_links_and_download():
    r = make_record()
    r["meta"]["source"]["url"] = "http://www.ledu.gov.cn/report?id=1&x=2"
    page = report_page.render_report(r, "青海省/海东市/测试区/2021/测试区人民政府.html")
    assert page.md_path == urls.report_slug(r) + ".md"
    assert page.md_path.startswith("r/2021/测试区人民政府-1a2b3c4d")
    md = page.markdown
    # region, year and agency links are HTML links to those pages' URLs, relative to this
    # page's URL r/2021/测试区人民政府-1a2b3c4d/ (MkDocs does not rewrite links in raw HTML),
    # percent-encoded as MkDocs writes the links it resolves (青海省 in UTF-8)
    assert '<a href="../../../regions/%E9%9D%92%E6%B5%B7%E7%9C%81/">青海省</a>' in md
    hrefs = {text: unquote(href) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', md)}
    assert hrefs["海东市"] == "../../../regions/青海省/海东市/"
    assert hrefs["测试区"] == "../../../regions/青海省/海东市/测试区/"
    assert hrefs["2021"] == "../../../years/2021/"
    assert re.fullmatch(r"\.\./\.\./\.\./agencies/测试区人民政府-[0-9a-f]{8}/", hrefs["该机关历年报告"])
    assert ".md" not in "".join(hrefs.values())
    # an HTML original is offered as text, never served as a page of the site
    dl = report_page.download_path(r, "青海省/海东市/测试区/2021/测试区人民政府.html")
    assert dl == f"files/{urls.report_slug(r)}/测试区人民政府.html.txt"
    assert 'href="../../../' + dl + '"' in md
    assert 'href="http://www.ledu.gov.cn/report?id=1&amp;x=2"' in md
    r["meta"]["source"]["url"] = "javascript:alert(1)"
    md = report_page.render_report(r, "a.txt").markdown
    assert "<li>来源：原始发布地址未知" in md and 'href="javascript' not in md


def test_download_name_cannot_escape_its_folder():
    r = make_record()
    for name in ("../../etc/passwd", "a/../../b.pdf", "..", "x\\..\\y.docx", "报告.PDF"):
        dl = report_page.download_path(r, name)
        parts = dl.split("/")
        assert ".." not in parts and "" not in parts, dl
        assert dl.startswith(f"files/{urls.report_slug(r)}/")
    assert report_page.download_path(r, "报告.PDF").endswith("/报告.pdf")


def test_headline_figures_on_page():
    h = to_html(report_page.render_report(make_record(), "a.txt").markdown)
    i = h.index("主要指标")
    block = h[i:h.index("</table>", i) + len("</table>")]
    # a plain <table> as Markdown's tables extension made: Material styles and wraps it
    assert "<table>" in block and "<p>" not in block
    assert re.findall(r"<th>([^<\n]+)", block) == ["指标", "数值", "口径"]
    rows = {cells[0][0]: cells[1][0] for _, cells in body_rows(block)}
    # 本年新收 39; 公开率 = (20 + 4) / 32 = 75.0%; 行政复议 总计 printed as 0; 诉讼 3
    assert rows["本年新收申请"] == "39"
    assert rows["公开率"] == "75.0%"
    assert rows["行政复议"] == "0"
    assert rows["行政诉讼"] == "3"
    assert len(rows) == 8


def test_context_links_previous_and_next_years():
    r = make_record()
    r["context"] = {
        "previous": {"year": 2020, "slug": "r/2020/测试区人民政府-99999999", "agency": "测试区人民政府"},
        "next": {"year": 2022, "slug": "r/2022/测试区人民政府-88888888", "agency": "测试区人民政府"},
        "change": {"requests_received": {"label": "本年新收申请", "previous": 30, "current": 39,
                                         "delta": 9},
                   "review_corrected_rate": {"label": "复议纠错率", "previous": None,
                                             "current": 0.5, "delta": None}},
    }
    md = report_page.render_report(r, "a.txt").markdown
    # from the page URL r/2021/测试区人民政府-1a2b3c4d/ to the other years' page URLs
    hrefs = {text: unquote(href) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', md)}
    assert hrefs["2020年报告"] == "../../2020/测试区人民政府-99999999/"
    assert hrefs["2022年报告"] == "../../2022/测试区人民政府-88888888/"
    h = to_html(md)
    block = h[h.index("与上一年度（2020年）相比："):]
    block = block[:block.index("</table>") + len("</table>")]
    assert re.findall(r"<th>([^<\n]+)", block) == ["指标", "上一年度", "本年度", "变化"]
    assert [[c for c, _ in cells] for _, cells in body_rows(block)] == [
        ["本年新收申请", "30", "39", "+9"], ["复议纠错率", "—", "50.0%", "—"]]


def test_status_not_ok_is_explained():
    r = rec.new_record()
    r["status"] = "no_text_layer"
    r["meta"].update(agency="扫描件局", year=2021)
    r["meta"]["source"]["sha256"] = "f" * 64
    h = to_html(report_page.render_report(r, "scan.pdf").markdown)
    assert "没有文本层" in h and "OCR" in h
    assert '<div class="admonition warning">\n<p class="admonition-title">原始文件没有文本层' in h
    assert "<table" in h  # the headline table only
    assert "未能读取表三" in h


def test_charts_are_data_only_with_hand_computed_values():
    r = make_record()
    page = report_page.render_report(r, "a.txt")
    names = sorted(p.rsplit("/", 1)[1] for p in page.data_files)
    assert names == ["chart-appeals.json", "chart-applicants.json", "chart-outcomes.json"]
    slug = urls.report_slug(r)
    outcomes = json.loads(page.data_files[f"{slug}/chart-outcomes.json"])
    series = outcomes["series"][0]["data"]
    labels = outcomes["yAxis"][0]["data"]
    values = dict(zip(labels, series))
    # 予以公开 20, 部分公开 4, 不予公开 0 (only 国家秘密 filled, with 0), 无法提供 8,
    # 不予处理 blank, 其他处理 blank
    assert values == {"（一）予以公开": 20, "（二）部分公开": 4,
                      "（三）不予公开": 0, "（四）无法提供": 8, "（五）不予处理": None,
                      "（六）其他处理": None}
    applicants = json.loads(page.data_files[f"{slug}/chart-applicants.json"])
    # horizontal bars list the categories bottom-up: 其他 … 自然人
    assert applicants["series"][0]["data"] == [None, None, None, 0, 1, 38]
    assert applicants["yAxis"][0]["data"][-1] == "自然人"

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                yield from walk(v)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v)
        else:
            yield node
    for text in page.data_files.values():
        for leaf in walk(json.loads(text)):
            assert not (isinstance(leaf, str) and ("function" in leaf or "=>" in leaf))
    # each chart has a container pointing at its file and a data table beside it
    h = to_html(page.markdown)
    assert h.count('class="archive-chart"') == 3
    assert 'data-src="测试区人民政府-1a2b3c4d' not in h  # relative to the page's own URL
    assert 'data-src="chart-outcomes.json"' in h
    assert h.count('class="archive-grid archive-chart-data"') == 3


def test_chart_json_is_deterministic():
    a = charts.options_json(charts.outcomes_chart(make_record()).options)
    b = charts.options_json(charts.outcomes_chart(make_record()).options)
    assert a == b


def test_home_page_counts_and_links():
    r1, r2 = make_record(), make_record("2019")
    r2["meta"]["source"]["sha256"] = "2" * 64
    summary = {"totals": {"published": 2}}
    md = home.render_home([r1, r2], summary)
    assert "| [青海省](regions/青海省/index.md) | 2 |" in md
    assert "| 　[海东市](regions/青海省/海东市/index.md) | 2 |" in md
    assert "| [2021](years/2021/index.md) | 1 |" in md
    assert "| [2020](years/2020/index.md) | 1 |" in md
    assert f"({urls.report_slug(r1)}.md)" in md


@pytest.mark.parametrize("path,label", [
    ("T3.new_received.total", "一、本年新收政府信息公开申请数量 / 总计"),
    ("T3.denied.state_secret.natural_person", "（三）不予公开 1.属于国家秘密 / 自然人"),
    ("T4.review.total", "行政复议 总计"),
    ("T2.fees.amount", "行政事业性收费 本年收费金额"),
    ("T3.other_total.total", "（六）其他处理 / 总计"),
    ("2020:T3.carried_forward.total", "2020 四、结转下年度继续办理 / 总计"),
    ("T9.nothing", "T9.nothing"),
])
def test_cell_labels(path, label):
    assert tables.cell_label(path) == label


def test_t2_2019_rows_in_printed_order():
    h = tables.render_t2(make_record("2019"))
    items = re.findall(r'<th scope="rowgroup"(?: rowspan="\d+")?>([^<\n]+)', h)
    assert items == ["规章", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
                     "行政事业性收费", "政府集中采购"]
    licensing = h[h.index("行政许可"):h.index("其他对外管理服务事项")]
    measures = re.findall(r'<th scope="row">([^<\n]+)', licensing)
    assert measures == ["上一年项目数量（项）", "本年增/减（项）", "本年处理决定数量（件）"]


@pytest.mark.parametrize("agency", [
    "../../etc/passwd", "a/b\\c", "  空 格  ", "x" * 500, "<>:\"|?*\x00名", "..", "", None,
    "海东市乐都区人民政府", "CON", "名\u202e称",
])
def test_report_addresses_are_safe_for_any_agency_name(agency):
    r = make_record()
    r["meta"]["agency"] = agency
    slug = urls.report_slug(r)
    parts = slug.split("/")
    assert parts[0] == "r" and parts[1] == "2021" and len(parts) == 3
    assert parts[2] not in ("", ".", "..")
    assert re.fullmatch(r"[0-9A-Za-z\u3400-\u9fff_-]+", parts[2]), slug
    assert len(parts[2]) <= 60
    assert parts[2].endswith("-1a2b3c4d")
    # two reports of one name and year still get two addresses (the file hash differs)
    other = make_record()
    other["meta"]["agency"] = agency
    other["meta"]["source"]["sha256"] = "9" * 64
    assert urls.report_slug(other) != slug


def test_lean_table_markup_still_makes_whole_blocks_in_markdown():
    """The report tables leave out optional end tags; Python-Markdown must still take each
    table as one raw block (its outer </div> ends it) and go on with the Markdown after it."""
    page = report_page.render_report(make_record(), "a.txt")
    assert "</td>" not in page.markdown and "</tr>" not in page.markdown
    assert "data-cell" not in page.markdown
    h = to_html(page.markdown)
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", h)
    assert headings == ["主要指标", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "图表", "勾稽关系检查", "解析提示",
                        "报告正文"]
    # Markdown never wrapped a piece of a table in a paragraph or escaped its tags
    for start in [m.start() for m in re.finditer("<table", h)]:
        block = h[start:h.index("</table>", start)]
        assert "<p>" not in block and "&lt;" not in block
    # T2 4 + T3 7 + T4 15 + the three chart tables 2, 2, 6 value columns per row
    assert h.count("<table") == 7
    assert len(body_rows(tables.render_t2(make_record()))) == 10
    t2 = {heads[-1]: cells[0][0] for heads, cells in body_rows(tables.render_t2(make_record()))}
    assert list(t2)[:3] == ["本年制发件数（件）", "本年废止件数（件）", "现行有效件数（件）"]


def test_narrative_in_raw_html_is_text_with_plain_punctuation():
    r = make_record()
    r["sections"]["overview"] = "数据统计期限自2021.1.1至2021.12.31，公开率50.0%。\n<b>粗</b> & [x](y)"
    h = to_html(report_page.render_report(r, "a.txt").markdown)
    narrative = h[h.index('<div class="narrative">'):]
    narrative = narrative[:narrative.index("</div>")]
    # punctuation stays plain characters inside our raw block (no &#46; for every dot)
    assert "<p>数据统计期限自2021.1.1至2021.12.31，公开率50.0%。" in narrative
    assert "<p>&lt;b&gt;粗&lt;/b&gt; &amp; [x](y)" in narrative
    out = parse(narrative)
    assert [t for t, _ in out.tags] == ["div", "p", "p"]


def test_options_json_drops_echarts_defaults_and_keeps_the_chart():
    chart = charts.appeals_chart(make_record())
    full = chart.options
    text = charts.options_json(full)
    compact = json.loads(text)
    assert "\n" not in text.rstrip("\n") and ", " not in text   # minified, one line
    assert len(text.encode()) < len(json.dumps(full, ensure_ascii=False).encode()) / 2
    # the data and what we chose stay
    assert compact["series"][0]["data"] == [10, 2, None]        # 结果维持 per group
    assert [s["name"] for s in compact["series"]] == ["结果维持", "结果纠正", "其他结果", "尚未审结"]
    assert compact["xAxis"][0]["data"] == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert compact["yAxis"][0]["minInterval"] == 1
    assert compact["grid"] == {"bottom": 8, "containLabel": True, "left": 8, "right": 32, "top": 40}
    assert compact["tooltip"]["trigger"] == "axis"
    # values pyecharts writes that are NOT ECharts 6's defaults stay (ECharts 6: 10%, 8)
    assert compact["series"][0]["barGap"] == "30%"
    assert compact["legend"][0]["itemGap"] == 10
    # ECharts' defaults go: legend item size 25 x 14, tooltip hideDelay 100, axis nameGap 15
    assert "itemWidth" not in compact["legend"][0] and "itemHeight" not in compact["legend"][0]
    assert "hideDelay" not in compact["tooltip"]
    assert "nameGap" not in compact["xAxis"][0]
    # animation is off for report charts, so no animation timings anywhere
    assert compact["animation"] is False
    assert "animationDuration" not in text and "animationEasing" not in text
    # the page buttons of a scrolling legend are dropped from a plain legend only
    assert "pageIconColor" not in text


def test_options_json_draws_tooltips_as_canvas_text_and_keeps_animated_timings():
    options = {"tooltip": {"trigger": "axis", "hideDelay": 100}, "animationDuration": 1000,
               "animationEasing": "cubicOut",
               "legend": [{"type": "scroll", "pageIconColor": "#2f4554", "padding": 5}],
               "series": [{"type": "line", "name": "甲", "data": [1, None], "smooth": False}]}
    compact = json.loads(charts.options_json(options))
    assert compact == {"tooltip": {"trigger": "axis", "renderMode": "richText"},
                       "animationEasing": "cubicOut",
                       "legend": [{"type": "scroll", "pageIconColor": "#2f4554"}],
                       "series": [{"type": "line", "name": "甲", "data": [1, None]}]}
    # the caller's options are left as they were
    assert options["tooltip"] == {"trigger": "axis", "hideDelay": 100}


def test_the_outline_of_six_parts_stays_on_the_page_but_out_of_the_search_index():
    from tests.conftest import seed_record

    # seed 000 opens with the template's outline: "包括总体情况、…、其他需要报告的事项六个部分"
    page = report_page.render_report(seed_record("000"), "x.txt")
    h = to_html(page.markdown)
    ignored = re.findall(r"<p data-pagefind-ignore>([^<]*)</p>", h)
    assert len(ignored) == 1           # closed: Pagefind must not skip what follows it
    assert ignored[0].startswith("本年度报告根据《中华人民共和国政府信息公开条例》第四十九条")
    assert "其他需要报告的事项六个部分" in ignored[0]
    # the report's own words about its work stay searchable
    assert re.search(r"<p>（一）全面夯实公开基础。", h)
    # one part named alone is no outline, nor is a paragraph naming its own review cases
    assert not report_page.is_outline("（一）总体情况。全年收到行政复议申请2件。")
    assert not report_page.is_outline("其他需要报告的事项：无。")
    assert report_page.is_outline("本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
                                  "政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。")

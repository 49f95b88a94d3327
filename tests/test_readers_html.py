"""HTML reader: article picked out of site chrome, tables on a grid, GBK pages decoded."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from build_tools.readers import read
from build_tools.readers.html import decode
from conftest import find_row

GEN = Path(__file__).parent / "fixtures" / "generated"

# Words that only occur in the generated pages' chrome (navigation, sidebar, breadcrumb,
# article tools, footer, scripts).
CHROME_WORDS = ("首页", "互动交流", "走进洪泽", "法定主动公开内容", "当前位置", "浏览次数", "打印本页",
                "关闭窗口", "网站标识码", "主办单位", "ICP", "siteConfig", "document.write",
                "无障碍", "网站首页", "版权所有", "字体", "请输入关键词")


def texts(doc) -> list[str]:
    return [r.text for r in doc.rows]


@pytest.fixture(scope="module")
def hongze():
    return read(GEN / "hongze_2021.html")


def test_article_without_chrome(hongze):
    assert hongze.format == "html" and hongze.status == "ok"
    joined = "\n".join(texts(hongze))
    for word in CHROME_WORDS:
        assert word not in joined, word
    # The sidebar says 政府信息公开 too; the article is still what is picked.
    assert texts(hongze)[0] == "洪泽区人民政府2021年政府信息公开工作年度报告"
    assert texts(hongze)[-2:] == ["淮安市洪泽区人民政府", "2022年1月25日"]


def test_block_elements_are_text_rows_in_order(hongze):
    t = texts(hongze)
    assert t.index("一、总体情况") < t.index("二、主动公开政府信息情况") \
        < t.index("三、收到和处理政府信息公开申请情况") < t.index("六、其他需要报告的事项")
    assert all(r.source == "text" and r.table_id is None
               for r in hongze.rows if r.text == "一、总体情况")


def test_rowspan_colspan_expand_to_a_grid(hongze):
    header = find_row(hongze, ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",))
    assert header.source == "table"
    assert header.cells == ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                            "", "", "申请人情况", "", "", "", "", "", "")
    assert find_row(hongze, ("", "", "", "自然人")).cells == (
        "", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计")
    # The vertical group label sits in its first row only.
    assert find_row(hongze, ("三、本年度办理结果",)).cells == (
        "三、本年度办理结果", "（一）予以公开", "", "41", "4", "0", "0", "1", "0", "46")
    assert find_row(hongze, ("", "（三）不予公开")).cells[2] == "1.属于国家秘密"
    assert find_row(hongze, ("", "", "8.属于行政查询事项")).cells[3:] == (
        "2", "0", "0", "0", "0", "0", "2")
    tids = {r.table_id for r in hongze.rows if r.source == "table"}
    assert tids == {1, 2, 3}
    assert all(len(r.cells) == 10 for r in hongze.rows if r.table_id == 2)


def test_nbsp_cells_are_blank(hongze):
    row = find_row(hongze, ("", "", "7.属于行政执法案卷"))
    assert row.cells[3:] == ("",) * 7


def test_t2_and_t4_rows(hongze):
    assert find_row(hongze, ("行政许可",)).cells == ("行政许可", "3562", "", "")
    assert find_row(hongze, ("行政事业性收费",)).cells == ("行政事业性收费", "1286.35", "", "")
    assert find_row(hongze, ("5", "1")).cells == (
        "5", "1", "1", "1", "8", "2", "0", "1", "0", "3", "1", "0", "0", "1", "2")


def test_gbk_page_with_declared_gb2312_reads_like_the_utf8_page(hongze):
    gbk = read(GEN / "hongze_2021_gbk.html")
    assert gbk.warnings == []
    assert [r.cells for r in gbk.rows] == [r.cells for r in hongze.rows]
    assert "“三安全一稳定”" in "\n".join(texts(gbk))


def test_gbk_page_without_declaration_is_detected():
    doc = read(GEN / "tongren_2020_gbk_nometa.html")
    assert any("charset detected" in w for w in doc.warnings)
    t = texts(doc)
    assert t[0] == "同仁市人民政府2020年政府信息公开工作年度报告"
    assert "（六）其他处理" in "\n".join(t)
    assert find_row(doc, ("其他对外管理服务事项",)).cells == ("其他对外管理服务事项", "58", "-2", "964")
    assert t[-1] == "2021年1月28日"


def test_decode_never_gives_mojibake():
    text = "洪泽区人民政府“三安全一稳定”〔2021〕"
    for enc in ("gbk", "gb18030"):
        page = f'<html><head><meta charset="gb2312"></head><body><p>{text}</p></body></html>'
        assert text in decode(page.encode(enc))[0]
    assert decode(b"\xef\xbb\xbf<p>\xe6\x8a\xa5\xe5\x91\x8a</p>")[0] == "<p>报告</p>"


def write(tmp_path: Path, body: str, name: str = "page.html") -> Path:
    p = tmp_path / name
    p.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title>"
                 "<script>var a = '政府信息公开';</script></head><body>" + body + "</body></html>",
                 encoding="utf-8")
    return p


def test_br_breaks_lines_and_cjk_source_newlines_vanish(tmp_path):
    doc = read(write(tmp_path, "<div><p>第一行<br>第二行<br/>第三行</p>"
                                "<p>政府信息\n   公开工作 2021 年</p></div>"))
    assert texts(doc) == ["第一行", "第二行", "第三行", "政府信息公开工作 2021 年"]


def test_merged_cells_and_br_inside_cells(tmp_path):
    doc = read(write(tmp_path, """
      <div><p>表三</p><table>
        <tr><td rowspan="2">三、本年度<br>办理结果</td><td colspan="2">（一）予以公开</td><td>5</td></tr>
        <tr><td>（三）不予公开</td><td>1.属于国家<br>秘密</td><td>&nbsp;</td></tr>
        <tr><td colspan="3">四、结转下年度继续办理</td><td> 0 </td></tr>
      </table></div>"""))
    assert [r.cells for r in doc.rows if r.source == "table"] == [
        ("三、本年度办理结果", "（一）予以公开", "", "5"),
        ("", "（三）不予公开", "1.属于国家秘密", ""),
        ("四、结转下年度继续办理", "", "", "0"),
    ]


def test_layout_tables_are_walked_as_blocks(tmp_path):
    doc = read(write(tmp_path, """
      <table><tr><td><a href="/">首页</a> <a href="/a">政府信息公开</a> <a href="/b">互动</a></td></tr></table>
      <table><tr><td>
        <p>某某县人民政府2022年政府信息公开工作年度报告</p>
        <table><tr><td>规章</td><td>0</td></tr></table>
        <p>一、总体情况</p><p>""" + "正文内容。" * 40 + """</p>
      </td></tr></table>"""))
    assert texts(doc)[0] == "某某县人民政府2022年政府信息公开工作年度报告"
    assert ("规章", "0") in [r.cells for r in doc.rows if r.source == "table"]
    assert "首页" not in "\n".join(texts(doc))


def test_report_text_is_data_not_markup(tmp_path):
    # Escaped markup in the page stays literal text; scripts never become rows.
    doc = read(write(tmp_path, "<div><p>&lt;script&gt;alert(1)&lt;/script&gt;报告正文</p>"
                                "<script>alert(2)</script></div>"))
    assert texts(doc) == ["<script>alert(1)</script>报告正文"]


def test_declared_charset_that_does_not_fit_the_bytes():
    text = "同仁市人民政府政府信息公开工作年度报告，本年新收申请十四件。" * 3
    stale = f'<html><head><meta charset="gb2312"></head><body><p>{text}</p></body></html>'
    got, warnings = decode(stale.encode("utf-8"))
    assert text in got and "UTF-8" in warnings[0]
    wrong = f'<html><head><meta charset="utf-8"></head><body><p>{text}</p></body></html>'
    got, warnings = decode(wrong.encode("gbk"))
    assert text in got and warnings


_TEXT = st.sampled_from(["", " ", "首页", "本年新收 12 件", "\u3000\xa0", "\n  相关链接\n", "a b"])


def _html(depth: int = 0) -> st.SearchStrategy[str]:
    # Nested lists, links (links inside links too), ruby annotations, comments and scripts:
    # every kind of string get_text() reads or skips; <nav>, removed before links are measured.
    leaf = st.one_of(_TEXT, _TEXT.map(lambda t: f"<!--{t}-->"),
                     _TEXT.map(lambda t: f"<script>{t}</script>"),
                     _TEXT.map(lambda t: f"<ruby>{t}<rt>{t}</rt></ruby>"))
    if depth >= 4:
        return leaf
    tag = st.sampled_from(["div", "ul", "li", "a", "p", "section", "span", "table", "nav"])
    node = st.tuples(tag, st.lists(_html(depth + 1), max_size=3)).map(
        lambda tc: f"<{tc[0]}>{''.join(tc[1])}</{tc[0]}>")
    return st.one_of(leaf, node)


@settings(max_examples=200, deadline=None)
@given(st.lists(_html(), min_size=1, max_size=4))
def test_text_sizes_count_what_get_text_and_find_all_count(parts):
    # The one-pass sizes must equal the per-element get_text() lengths they replace.
    from bs4 import BeautifulSoup

    from build_tools.readers.html import _text_len, text_sizes

    soup = BeautifulSoup("<html><body>" + "".join(parts) + "</body></html>", "lxml")
    sizes = text_sizes(soup)
    for el in soup.find_all(["body", "div", "ul", "li", "a", "p", "section", "span", "table"]):
        assert sizes[id(el)] == (_text_len(el), sum(_text_len(a) for a in el.find_all("a")))


def _strip_chrome_by_find_all(soup) -> None:
    """The link-list removal as first written, every element measured afresh when its
    turn comes: what the one-pass sizes of _strip_chrome must keep doing."""
    from build_tools.readers.html import _DROP_TAGS, _LINK_DENSITY, _text_len

    for tag in soup.find_all(_DROP_TAGS):
        if not getattr(tag, "decomposed", False) and not (
                tag.name == "header" and tag.find_parent(["article", "main"])):
            tag.decompose()
    for el in list(soup.find_all(["div", "ul", "ol", "table", "section"])):
        if getattr(el, "decomposed", False):
            continue
        total = _text_len(el)
        if total and sum(_text_len(a) for a in el.find_all("a")) / total > _LINK_DENSITY \
                and total < 400:
            el.decompose()


@settings(max_examples=200, deadline=None)
@given(st.lists(_html(), min_size=1, max_size=4))
# Only link text is left once the menu inside is gone: the list goes too.
@example(["<div><a>相关链接</a><nav>本站导航栏目很多很长的文字</nav></div><p>正文</p>"])
def test_strip_chrome_removes_what_measuring_each_element_afresh_removes(parts):
    from bs4 import BeautifulSoup

    from build_tools.readers.html import _strip_chrome

    page = "<html><body><header>网站首页</header>" + "".join(parts) + "</body></html>"
    ours, reference = BeautifulSoup(page, "lxml"), BeautifulSoup(page, "lxml")
    _strip_chrome(ours)
    _strip_chrome_by_find_all(reference)
    assert str(ours) == str(reference)

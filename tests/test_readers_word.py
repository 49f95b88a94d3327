"""Word reader: python-docx with merged cells in document order; .doc via LibreOffice."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from build_tools.errors import ReadError
from build_tools.readers import read
from build_tools.readers.word import convert_doc
from conftest import find_row

GEN = Path(__file__).parent / "fixtures" / "generated"


@pytest.fixture(scope="module")
def hongze():
    return read(GEN / "hongze_2021.docx")


def test_paragraphs_and_tables_in_document_order(hongze):
    assert hongze.format == "docx" and hongze.status == "ok"
    t = [r.text for r in hongze.rows]
    assert t[0] == "洪泽区人民政府2021年政府信息公开工作年度报告"
    assert t[-2:] == ["淮安市洪泽区人民政府", "2022年1月25日"]
    t2 = t.index("第二十条第（一）项\t\t\t")
    t3 = next(i for i, r in enumerate(hongze.rows) if r.cells[0] == "一、本年新收政府信息公开申请数量")
    assert t.index("二、主动公开政府信息情况") < t2 < t.index("三、收到和处理政府信息公开申请情况") < t3
    assert t3 < t.index("四、政府信息公开行政复议、行政诉讼情况")
    assert sorted({r.table_id for r in hongze.rows if r.source == "table"}) == [1, 2, 3]
    # Page headers and footers (running head, "- N -") are not body text.
    assert "- 1 -" not in t and t.count("洪泽区人民政府2021年政府信息公开工作年度报告") == 1


def test_horizontal_merges_are_not_repeated(hongze):
    # python-docx would repeat a merged cell's text in each grid column it covers.
    assert find_row(hongze, ("第二十条第（五）项",)).cells == ("第二十条第（五）项", "", "", "")
    assert find_row(hongze, ("行政许可",)).cells == ("行政许可", "3562", "", "")
    assert find_row(hongze, ("一、本年新收政府信息公开申请数量",)).cells == (
        "一、本年新收政府信息公开申请数量", "", "", "86", "9", "0", "1", "2", "0", "98")


def test_vertical_merges_keep_text_in_first_row_only(hongze):
    first = find_row(hongze, ("三、本年度办理结果",))
    assert first.cells == ("三、本年度办理结果", "（一）予以公开", "", "41", "4", "0", "0", "1", "0", "46")
    group = find_row(hongze, ("", "（四）无法提供"))
    assert group.cells[2:] == ("1.本机关不掌握相关政府信息", "18", "2", "0", "1", "1", "0", "22")
    nxt = find_row(hongze, ("", "", "2.没有现成信息需要另行制作"))
    assert nxt.cells[3:] == ("3", "1", "0", "0", "0", "0", "4")
    header2 = find_row(hongze, ("", "", "", "自然人"))
    assert header2.cells == ("", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计")
    header3 = find_row(hongze, ("", "", "", "", "商业企业"))
    assert header3.cells[9] == ""          # 总计 continues from the row above


def test_blank_cells_and_typos(hongze):
    assert find_row(hongze, ("", "", "3.危及“三安全一稳定”")).cells[3:] == ("",) * 7
    assert find_row(hongze, ("", "", "2.其他法律行政止公开")).cells[3] == "1"


def test_small_document_with_breaks_tabs_and_merges(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("同仁市人民政府")
    p.add_run().add_break()
    p.add_run("2021年度政府信息公开工作年度报告")
    d.add_paragraph("规章\t0\t0\t0")
    t = d.add_table(rows=3, cols=4)
    a = t.cell(0, 0).merge(t.cell(0, 3))
    a.text = "第二十条第（一）项"
    v = t.cell(1, 0).merge(t.cell(2, 0))
    v.text = "三、本年度\n办理结果"          # two paragraphs in one cell
    for c, text in enumerate(["（一）予以公开", "5", "6"], start=1):
        t.cell(1, c).text = text
    t.cell(2, 1).text = "（二）部分公开"
    d.add_paragraph("2022年1月17日")
    path = tmp_path / "r.docx"
    d.save(str(path))
    doc = read(path)
    assert [(r.source, r.cells) for r in doc.rows] == [
        ("text", ("同仁市人民政府",)),
        ("text", ("2021年度政府信息公开工作年度报告",)),
        ("text", ("规章", "0", "0", "0")),
        ("table", ("第二十条第（一）项", "", "", "")),
        ("table", ("三、本年度办理结果", "（一）予以公开", "5", "6")),
        ("table", ("", "（二）部分公开", "", "")),
        ("text", ("2022年1月17日",)),
    ]


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice not installed")
def test_legacy_doc_is_converted_with_libreoffice():
    doc = read(GEN / "tongren_2020.doc")
    assert doc.format == "doc"
    assert any("LibreOffice" in w for w in doc.warnings)
    assert find_row(doc, ("一、本年新收政府信息公开申请数量",)).cells[3:] == (
        "12", "2", "0", "0", "0", "0", "14")
    # LibreOffice's .doc round trip adds a 1-twip grid column to T4; it is folded away.
    assert find_row(doc, ("1", "0")).cells == ("1", "0", "0", "0", "1") + ("0",) * 10


def test_legacy_doc_without_libreoffice_is_refused_clearly(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReadError) as err:
        read(GEN / "tongren_2020.doc")
    assert err.value.code == "needs_libreoffice"
    assert ".doc" in err.value.reason and "LibreOffice" in err.value.reason
    with pytest.raises(ReadError):
        convert_doc(GEN / "tongren_2020.doc", tmp_path)


def test_damaged_docx_is_a_read_error():
    with pytest.raises(ReadError) as err:
        read(GEN / "broken" / "junk.docx")
    assert err.value.code == "corrupt"
    assert "junk.docx" in str(err.value)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_automatic_list_numbers_are_printed(tmp_path):
    from docx.oxml import parse_xml

    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:num xmlns:w="{W_NS}" w:numId="91"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="91"/></w:numPr>'))

    numbered("总体情况", 0)
    numbered("主动公开情况", 1)
    numbered("依申请公开情况", 1)
    numbered("主动公开政府信息情况", 0)
    numbered("第一小项", 1)
    # The template's "List Number" style numbers by its style definition (1. 2.).
    d.add_paragraph("属于国家秘密", style="List Number")
    d.add_paragraph("其他法律行政法规禁止公开", style="List Number")
    path = tmp_path / "numbered.docx"
    d.save(str(path))
    assert [r.text for r in read(path).rows] == [
        "一、总体情况", "（一）主动公开情况", "（二）依申请公开情况", "二、主动公开政府信息情况",
        "（一）第一小项", "1.属于国家秘密", "2.其他法律行政法规禁止公开"]


@pytest.mark.parametrize("n,expected", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"),
                                        (20, "二十"), (36, "三十六"), (100, "100")])
def test_chinese_list_numbers(n, expected):
    from build_tools.readers.word import chinese_number

    assert chinese_number(n) == expected

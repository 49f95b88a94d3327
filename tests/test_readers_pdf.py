"""PDF reader on LibreOffice-made PDFs (tests/fixtures/generated, see generate.py).

Expected cells are written out from the report descriptions in generate.py (洪泽区 2021:
T3 starts on page 3 and runs onto page 4, splitting the （六）其他处理 row; T2's last row
falls on page 3; running head and "- N -" footer on every page).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.document import Row
from build_tools.readers import read
from build_tools.readers.cells import join_cell_lines, tidy_grid
from build_tools.readers.pdf import is_page_number
from conftest import find_row

GEN = Path(__file__).parent / "fixtures" / "generated"
HONGZE_HEAD = "洪泽区人民政府 2021 年政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def hongze():
    return read(GEN / "hongze_2021.pdf")


def table_rows(doc, table_id: int) -> list[Row]:
    return [r for r in doc.rows if r.source == "table" and r.table_id == table_id]


def t3_id(doc) -> int:
    return find_row(doc, ("一、本年新收政府信息公开申请数量",)).table_id


def test_document_basics(hongze):
    assert hongze.format == "pdf"
    assert hongze.status == "ok"
    assert hongze.pages == 4
    assert len(hongze.sha256) == 64


def test_ruled_t3_rows_come_from_the_table_structure(hongze):
    row = find_row(hongze, ("一、本年新收政府信息公开申请数量",))
    assert row.source == "table"
    # 3 label columns (the label spans them) then 7 value columns.
    assert row.cells == ("一、本年新收政府信息公开申请数量", "", "",
                         "86", "9", "0", "1", "2", "0", "98")
    assert find_row(hongze, ("", "（四）无法提供")).cells == (
        "", "（四）无法提供", "1.本机关不掌握相关政府信息", "18", "2", "0", "1", "1", "0", "22")
    assert find_row(hongze, ("", "（七）总计")).cells == (
        "", "（七）总计", "", "87", "10", "0", "1", "2", "0", "100")


def test_vertical_label_and_header_line_breaks_are_joined(hongze):
    # The narrow first column prints 三、本年度办理结果 one character per line.
    row = find_row(hongze, ("三、本年度办理结果",))
    assert row.cells[:2] == ("三、本年度办理结果", "（一）予以公开")
    assert row.cells[3:] == ("41", "4", "0", "0", "1", "0", "46")
    header = find_row(hongze, ("", "", "", "", "商业企业"))
    assert header.cells[4:9] == ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def test_blank_cells_stay_blank(hongze):
    row = find_row(hongze, ("", "", "3.危及“三安全一稳定”"))
    assert row.cells[3:] == ("",) * 7


def test_label_typos_are_kept_verbatim(hongze):
    assert find_row(hongze, ("", "", "2.其他法律行政止公开")).cells[3] == "1"
    assert find_row(hongze, ("信息内容", "本年制发件数")).cells[2] == "本年度止件数"


def test_t3_continues_across_the_page_break_with_one_table_id(hongze):
    tid = t3_id(hongze)
    rows = table_rows(hongze, tid)
    assert {r.page for r in rows} == {3, 4}
    page4 = [r for r in rows if r.page == 4]
    # The header is not repeated; the split row's rest comes first, with a blank label
    # column and no values; the later rows follow in order.
    assert page4[0].cells[0] == "" and page4[0].cells[3:] == ("",) * 7
    assert "不补正" in "".join(page4[0].cells)
    assert [r.cells[1] for r in page4[2:4]] == ["", "（七）总计"]
    assert page4[-1].cells == ("四、结转下年度继续办理", "", "", "2", "0", "0", "0", "0", "0", "2")
    # Every T3 row has its 7 values in the same 7 columns.
    assert all(len(r.cells) == 10 for r in rows)


def test_table_part_on_next_page_is_placed_on_the_previous_columns(hongze):
    # T2's last row alone on page 3 has only 2 drawn cells (the value spans 3 columns).
    row = find_row(hongze, ("行政事业性收费",))
    assert row.page == 3
    assert row.cells == ("行政事业性收费", "1286.35", "", "")
    assert row.table_id == find_row(hongze, ("规章",)).table_id


def test_page_numbers_dropped_running_heads_kept(hongze):
    texts = [r.text for r in hongze.rows]
    assert not any(t.strip() in {"- 1 -", "- 2 -", "- 3 -", "- 4 -"} for t in texts)
    assert not any(t.strip().startswith("-") and t.strip().endswith("-") for t in texts)
    heads = [r for r in hongze.rows if r.text == HONGZE_HEAD]
    # Once per page as running head, plus the title on page 1.
    assert sorted(r.page for r in heads) == [1, 1, 2, 3, 4]
    # On page 4 the running head sits between T3's rows (T3 continues after it).
    tid = t3_id(hongze)
    i = next(i for i, r in enumerate(hongze.rows) if r.page == 4 and r.text == HONGZE_HEAD)
    assert hongze.rows[i - 1].table_id == tid and hongze.rows[i + 1].table_id == tid


def test_tables_interleave_with_text_in_reading_order(hongze):
    texts = [r.text for r in hongze.rows]
    fee = texts.index("行政事业性收费\t1286.35\t\t")
    heading3 = texts.index("三、收到和处理政府信息公开申请情况")
    t3_first = next(i for i, r in enumerate(hongze.rows) if r.table_id == t3_id(hongze))
    heading4 = texts.index("四、政府信息公开行政复议、行政诉讼情况")
    assert fee < heading3 < t3_first < heading4
    assert texts[-2:] == ["淮安市洪泽区人民政府", "2022 年 1 月 25 日"]


def test_text_lines_outside_tables_are_text_rows(hongze):
    row = find_row(hongze, ("一、总体情况",))
    assert row.source == "text" and row.table_id is None and row.page == 1


def test_t4_row_of_fifteen_values(hongze):
    row = find_row(hongze, ("5", "1"))
    assert row.cells == ("5", "1", "1", "1", "8", "2", "0", "1", "0", "3", "1", "0", "0", "1", "2")


def test_tables_without_rules_fall_back_to_text_layout_with_tab_cells():
    doc = read(GEN / "tongren_2020_unruled.pdf")
    assert not any(r.source == "table" for r in doc.rows)
    texts = [r.cells for r in doc.rows]
    assert ("行政许可", "126", "4", "2315") in texts
    assert ("其他对外管理服务事项", "58", "-2", "964") in texts
    assert ("一、本年新收政府信息公开申请数量", "12", "2", "0", "0", "0", "0", "14") in texts
    assert ("1", "0", "0", "0", "1") + ("0",) * 10 in texts


def test_same_report_ruled_and_unruled_give_the_same_numbers():
    ruled = read(GEN / "tongren_2020.pdf")
    row = find_row(ruled, ("一、本年新收政府信息公开申请数量",))
    assert row.cells[3:] == ("12", "2", "0", "0", "0", "0", "14")


def test_seed_pdf_keeps_a_bare_year_line():
    # Seed 000 starts with the line "2021"; only margin-band or dashed numbers are
    # page numbers.
    doc = read(GEN / "seed_000.pdf")
    assert doc.rows[0].cells == ("2021",)


@pytest.mark.parametrize("text,top,expected", [
    ("- 3 -", 400, True), ("— 1 —", 400, True), ("－2－", 400, True), ("第 3 页", 400, True),
    ("3/12", 800, True), ("12", 820, True), ("2021", 100, False), ("12", 400, False),
    ("一、总体情况", 820, False), ("2022年1月17日", 820, False),
])
def test_page_number_lines(text, top, expected):
    assert is_page_number(text, top, top + 10, 842) is expected


def test_join_cell_lines():
    assert join_cell_lines("商业\n企业") == "商业企业"
    assert join_cell_lines("三\n、\n本\n年\n度") == "三、本年度"
    assert join_cell_lines("34830971.\n6元") == "34830971.6元"
    assert join_cell_lines("Open\nData") == "Open Data"
    assert join_cell_lines("\n 总计 \n") == "总计"


def test_tidy_grid_drops_span_only_and_folds_slivers():
    rows = [["行政复议", "", "行政诉讼", ""], ["1", "", "2", "3"]]
    starts = [[True, False, True, False], [True, False, True, True]]
    assert tidy_grid(rows, starts)[0] == [["行政复议", "行政诉讼", ""], ["1", "2", "3"]]
    # Column 1 is a sliver where one header cell begins and runs on into column 2.
    rows = [["a", "诉讼", "", "x"], ["1", "", "2", "3"]]
    starts = [[True, True, False, True], [True, False, True, True]]
    assert tidy_grid(rows, starts, frozenset({1}))[0] == [["a", "诉讼", "x"], ["1", "2", "3"]]


def minimal_pdf(content: bytes) -> bytes:
    """A one-page PDF (Helvetica) with the given content stream and a correct xref."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def test_fake_bold_double_printed_characters_count_once(tmp_path):
    # Each string drawn twice, 0.4 pt apart (fake bold); the table row has wide gaps.
    content = (b"BT /F1 12 Tf 100 700 Td (Total) Tj ET BT /F1 12 Tf 100.4 700 Td (Total) Tj ET "
               b"BT /F1 12 Tf 300 700 Td (12) Tj ET BT /F1 12 Tf 300.4 700 Td (12) Tj ET "
               b"BT /F1 12 Tf 400 700 Td (7) Tj ET BT /F1 12 Tf 400.4 700 Td (7) Tj ET")
    p = tmp_path / "bold.pdf"
    p.write_bytes(minimal_pdf(content))
    doc = read(p)
    assert [r.cells for r in doc.rows] == [("Total", "12", "7")]


class _Chars:
    """The two things ``dedupe_chars`` asks of a pdfplumber page: its characters, and the
    page filtered by a test (pdfplumber's FilteredPage keeps the objects' order)."""

    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars

    def filter(self, test) -> "_Chars":
        return _Chars([c for c in self.chars if test(c)])


_coord = st.integers(min_value=0, max_value=40).map(lambda q: q * 0.45)   # steps below and above 1 pt
_char = st.fixed_dictionaries({
    "object_type": st.just("char"), "text": st.sampled_from("1l二"), "upright": st.booleans(),
    "fontname": st.sampled_from(["F1", "F2"]), "size": st.sampled_from([10.5, 12.0]),
    "x0": _coord, "doctop": _coord,
})


@settings(max_examples=300, deadline=None)
@given(st.lists(_char, max_size=40))
def test_dedupe_chars_keeps_what_pdfplumber_keeps_in_page_order(chars):
    # Equal characters, chains of near ones (0, 0.9, 1.8 pt: one cluster), other fonts and
    # sizes at the same spot: the same characters, the very same objects, in the same order.
    from pdfplumber.utils import dedupe_chars as pdfplumber_dedupe

    from build_tools.readers.pdf import dedupe_chars

    expected = pdfplumber_dedupe(chars)
    assert [id(c) for c in dedupe_chars(_Chars(chars)).chars] == [id(c) for c in expected]

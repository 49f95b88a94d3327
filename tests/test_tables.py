"""Table normalization: numbers, units, row units, and robustness on reports written
for these tests (not seeds), so the parser is not fitted to five files."""

from __future__ import annotations

from build_tools.document import Document, Row
from build_tools.pipeline import parse_document
from build_tools.readers.text import text_to_rows
from build_tools.tables import Cell, make_units, parse_number, to_wan_yuan
from conftest import N, statuses, t3row, t4group, warnings_of


def doc_of(text: str, fmt: str = "txt") -> Document:
    return Document(path=f"synthetic.{fmt}", format=fmt, sha256="0" * 64, rows=text_to_rows(text, fmt))


def test_parse_number_forms():
    assert parse_number("34").value == 34
    assert parse_number("１２３").value == 123                # full-width digits
    assert parse_number("1,234").value == 1234
    assert parse_number("1 234").value == 1234               # stray space inside a number
    assert parse_number("603.474 万元") == Cell(603.474, "万元", "603.474 万元")
    assert parse_number("7件").value == 7
    assert parse_number("").value is None and parse_number("—").value is None
    assert parse_number("1.属于国家秘密") is None             # a label, not a number
    assert parse_number("总计") is None


def test_money_to_wan_yuan():
    assert to_wan_yuan(parse_number("34830971.6元")) == (3483.09716, True)
    assert to_wan_yuan(parse_number("603.474 万元")) == (603.474, False)
    assert to_wan_yuan(parse_number("83.93")) == (83.93, False)
    assert to_wan_yuan(parse_number("20000元")) == (2, True)


def test_tab_row_blank_cells_kept_distinct_from_zero():
    (u,) = make_units([Row(("", "(一) 予以公开", "34", "", "", "", "1", "33", "34", ""))], 7, True)
    assert [c.value for c in u.values] == [34, N, N, N, 1, 33, 34]
    (u,) = make_units([Row(("一、本年新收政府信息公开申请数量", "", "0", "0", "0", "0", "0", "0", "0", ""))],
                      7, True)
    assert [c.value for c in u.values] == [0, 0, 0, 0, 0, 0, 0]


def test_text_rows_label_wrapped_before_and_after_numbers():
    rows = [Row((line,)) for line in (
        "一、本年新收政府信息公开", "申请数量", "38 1 0 0 0 0 39",
        "二、上年结转政府信息公开 4 1 0 0 0 0 5", " 申请数量", "三、", "本年", "度办理结果",
        "（一）予以公开 0 0 0 0 0 0 0")]
    units = make_units(rows, 7, True)
    assert [u.label for u in units] == ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开",
                                        "三、本年度办理结果(一)予以公开"]
    assert units[1].tail == "申请数量"
    assert [c.value for c in units[0].values] == [38, 1, 0, 0, 0, 0, 39]


SYNTHETIC_2021 = """\
某某县人民政府办公室文件

**某某县人民政府2023年度政府信息公开工作年度报告**

根据《中华人民共和国政府信息公开条例》，现将本县2023年度政府信息公开工作报告如下。

**一、总体情况**

2023年，我县全面推进政务公开。全年共收到政府信息公开申请 ２０ 件，予以公开12件。

**（二）主动公开政府信息情况**

第二十条第（一）项\t\t\t
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t\t\t
行政 规范性文件\t１２\t3\t1,045
第二十条第（五）项\t\t\t
信息内容\t本年处理决定数量\t\t
行政许可\t2,310\t\t
第二十条第（六）项\t\t\t
信息内容\t本年处理决定数量\t\t
行政处罚\t17\t\t
行政强制\t0\t\t
第二十条第（八）项\t\t\t
信息内容\t本年收费金额（单位：万元）\t\t
行政事业性收费\t1,234,500元\t\t

三、收到和处理政府信息公开申请情况

（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t申请人情况\t\t\t\t\t\t总计
\t\t自然人\t法人或其他组织\t\t\t\t\t
\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t
一、本年新收政府信息 公开申请数量\t\t18\t2\t0\t0\t0\t0\t20
二、上年结转政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1
三、本年度办理结果\t（一）予以公开\t11\t1\t0\t0\t0\t0\t12
\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t2\t\t\t\t\t\t2
\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0
\t\t2.其他法律行政止公开\t1\t0\t0\t0\t0\t0\t1
\t\t\t0\t0\t0\t0\t0\t0\t0
\t\t4.保护第三方合法权益\t0\t0\t0\t0\t0\t0\t0
\t\t5.属于三类内部事务信息\t0\t0\t0\t0\t0\t0\t0
\t\t6.属于四类过程性信息\t0\t0\t0\t0\t0\t0\t0
\t\t7.属于行政执法案卷\t0\t0\t0\t0\t0\t0\t0
\t\t8.属于行政查询事项\t0\t0\t0\t0\t0\t0\t0
\t（四）无法提供\t1.本机关不掌握相关政府\t2\t1\t0\t0\t0\t0\t3
\t\t信息\t\t\t\t\t\t\t
\t\t2.没有现成信息需要另行制作\t0\t0\t0\t0\t0\t0\t0
\t\t3.补正后申请内容仍不 明确\t0\t0\t0\t0\t0\t0\t0
\t（五）不予处理\t1.信访举报投诉类申请\t1\t0\t0\t0\t0\t0\t1
\t\t2.重复申请\t0\t0\t0\t0\t0\t0\t0
\t\t3.要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0
\t\t4.无正当理由大量反复申请\t0\t0\t0\t0\t0\t0\t0
\t\t5.要求行政机关确认或重新出具已获取信息\t0\t0\t0\t0\t0\t0\t0
\t（六）其他处理\t\t1\t0\t0\t0\t0\t0\t1
\t（七）总计\t\t18\t2\t0\t0\t0\t0\t20
四、结转下年度继续办理\t\t1\t0\t0\t0\t0\t0\t1

四、因政府信息公开工作被申请行政复议、
提起行政诉讼情况

行政复议 行政诉讼
结果维持 结果纠正 其他结果 尚未审结 总计
未经复议直接起诉 复议后起诉
1 1 0 0 2
0 0 0 1 1
0 0 0 0 0

五、存在的主要问题及改进情况

一是公开深度不够。二是平台建设滞后。

六、其他需要报告的事项

本年度无其他需要报告的事项。

某某县人民政府
二〇二四年一月二十日
"""


def test_synthetic_2021_report():
    rec = parse_document(doc_of(SYNTHETIC_2021), None)
    meta = rec["meta"]
    assert meta["agency"] == "某某县人民政府"
    assert meta["year"] == 2023 and meta["template"] == "2021"
    assert meta["published"] == "2024-01-20"
    t2 = rec["tables"]["T2"]
    assert t2["regulations"] == {"issued": N, "repealed": N, "in_force": N}   # blank, not 0
    assert t2["normative_documents"] == {"issued": 12, "repealed": 3, "in_force": 1045}
    assert t2["licensing"]["decisions"] == 2310
    assert t2["punishment"]["decisions"] == 17 and t2["coercion"]["decisions"] == 0
    assert t2["fees"]["amount"] == 123.45 and warnings_of(rec, "unit_converted")
    assert t3row(rec, "new_received") == [18, 2, 0, 0, 0, 0, 20]
    assert t3row(rec, "partially_granted") == [2, N, N, N, N, N, 2]
    assert t3row(rec, "denied.prohibited_by_law") == [1, 0, 0, 0, 0, 0, 1]     # typo label
    assert t3row(rec, "denied.security_stability") == [0] * 7                  # label lost: by position
    assert warnings_of(rec, "t3_label_missing")
    assert t3row(rec, "unable.not_held") == [2, 1, 0, 0, 0, 0, 3]              # label wrapped to next row
    assert t3row(rec, "unable.unclear_after_correction") == [0] * 7
    assert t3row(rec, "other_total") == [1, 0, 0, 0, 0, 0, 1]                  # collapsed （六）
    assert t3row(rec, "other.other") == [N] * 7
    assert t3row(rec, "total_processed") == [18, 2, 0, 0, 0, 0, 20]
    assert t3row(rec, "carried_forward") == [1, 0, 0, 0, 0, 0, 1]
    assert t4group(rec, "review") == [1, 1, 0, 0, 2]
    assert t4group(rec, "litigation_direct") == [0, 0, 0, 1, 1]
    assert t4group(rec, "litigation_after_review") == [0, 0, 0, 0, 0]
    for rule in ("t3_balance", "t3_outcomes_sum", "t3_row_sum", "t4_group_sum"):
        assert statuses(rec, rule) == {"pass"}, rule
    # The narrative's "20 件" (full-width) agrees; "予以公开12件" agrees.
    assert statuses(rec, "narrative_vs_table") == {"pass"}
    s = rec["sections"]
    assert s["overview"].startswith("根据《中华人民共和国政府信息公开条例》")
    assert "2023年，我县全面推进政务公开" in s["overview"]
    assert s["appeals"] == ""                             # split heading recognized, not text
    assert s["problems"] == "一是公开深度不够。二是平台建设滞后。"
    assert s["other"] == "本年度无其他需要报告的事项。"


def test_pre_2019_report_keeps_text_and_skips_tables():
    text = ("某某市人民政府2017年政府信息公开工作年度报告\n\n一、概述\n\n2017年我市……\n\n"
            "主动公开政府信息 120 条\t\t\n")
    rec = parse_document(doc_of(text), None)
    assert rec["meta"]["year"] == 2017
    assert rec["tables"] == {"T2": None, "T3": None, "T4": None}
    assert rec["status"] == "no_tables" and warnings_of(rec, "tables_not_parsed")
    assert "2017年我市" in rec["sections"]["overview"]
    assert {c["status"] for c in rec["checks"]} == {"not_assessable"}


def test_template_from_year_when_no_t2_header():
    text = "某某区人民政府2020年政府信息公开工作年度报告\n\n一、总体情况\n\n无。\n"
    rec = parse_document(doc_of(text), None)
    assert rec["meta"]["template"] == "2019" and rec["meta"]["provenance"]["template"] == "text"


def test_generated_archive_is_read_back_cell_for_cell():
    """Reports rendered by the archive generator (typos, split labels, blanks) parse back
    to the numbers they were rendered from, with no false alarm."""
    import pytest

    synth = pytest.importorskip("build_tools.synth")
    from build_tools.record import iter_cells

    for spec in synth.plan(40, seed=7):
        truth = synth.to_record(spec)
        rec = parse_document(doc_of(synth.render_text(spec)), None)
        assert dict(iter_cells(rec)) == dict(iter_cells(truth)), spec
        assert rec["meta"]["year"] == truth["meta"]["year"]
        if not spec.flaws or spec.flaws == ["carryover"]:       # rule 5 is not checked here
            assert not [c for c in rec["checks"] if c["status"] == "fail"], spec


def test_parser_survives_shuffled_and_truncated_reports():
    """Damaged text (lines dropped, shuffled, cut) never crashes the parser."""
    import random

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from conftest import seed_path

    lines = seed_path("004").read_text(encoding="utf-8").splitlines() + \
        seed_path("002").read_text(encoding="utf-8").splitlines()

    @settings(max_examples=25, deadline=None)
    @given(st.integers(0, 10**6), st.integers(0, len(lines)))
    def run(seed: int, cut: int) -> None:
        rng = random.Random(seed)
        picked = [ln for ln in lines[:cut] if rng.random() > 0.2]
        if rng.random() < 0.5:
            rng.shuffle(picked)
        rec = parse_document(doc_of("\n".join(picked)), None)
        assert set(rec["sections"]) == {"overview", "active", "requests", "appeals", "problems", "other"}
        assert all(c["status"] in ("pass", "fail", "not_assessable") for c in rec["checks"])

    run()
    rec = parse_document(doc_of(""), None)
    assert rec["status"] == "no_tables"


def test_garbled_label_is_placed_by_position_with_a_warning():
    from build_tools.record import new_record
    from build_tools.tables import parse_t3

    rows = [Row(tuple(line.split("|"))) for line in (
        "（四）无法提供|1.本机关不掌握相关政府信息|1|0|0|0|0|0|1",
        "|2.□□□□□□|2|0|0|0|0|0|2",
        "|3.补正后申请内容仍不明确|3|0|0|0|0|0|3")]
    rec = new_record()
    rec["meta"]["template"] = "2021"
    rec["tables"]["T3"] = parse_t3(rows, "2021", rec)
    assert t3row(rec, "unable.not_held")[-1] == 1
    assert t3row(rec, "unable.needs_creation") == [2, 0, 0, 0, 0, 0, 2]
    assert t3row(rec, "unable.unclear_after_correction")[-1] == 3
    (w,) = warnings_of(rec, "t3_label_missing")
    assert "T3.unable.needs_creation.total" in w["cells"]


def test_label_text_line_before_a_tab_row_joins_its_label():
    rows = [Row(("（四）无法提供", "3.补正后申请内容仍不明确", "0", "0", "0", "0", "0", "0", "0")),
            Row(("（五）不予",)),
            Row(("处理", "1.信访举报投诉类申请", "1", "0", "0", "0", "0", "0", "1"))]
    units = make_units(rows, 7, True)
    assert len(units) == 2
    assert units[1].label == "(五)不予处理1.信访举报投诉类申请"
    assert [c.value for c in units[1].values] == [1, 0, 0, 0, 0, 0, 1]


def test_extra_unlabelled_row_does_not_take_the_collapsed_other_row():
    # （六）其他处理 is printed as its three sub-rows here, so the one-row form other_total
    # is no free slot: an extra row the parser cannot name keeps its numbers out of the table.
    from build_tools.record import new_record
    from build_tools.tables import parse_t3

    rows = [Row(tuple(line.split("|"))) for line in (
        "（五）不予处理|5.要求行政机关确认或重新出具已获取信息|0|0|0|0|0|0|0",
        "|6.某某某某|4|0|0|0|0|0|4",
        "（六）其他处理|1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请|1|0|0|0|0|0|1",
        "|2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请|0|0|0|0|0|0|0",
        "|3.其他|2|0|0|0|0|0|2")]
    rec = new_record()
    rec["meta"]["template"] = "2021"
    rec["tables"]["T3"] = parse_t3(rows, "2021", rec)
    assert t3row(rec, "other_total") == [N] * 7
    assert t3row(rec, "other.no_correction") == [1, 0, 0, 0, 0, 0, 1]
    assert t3row(rec, "other.other") == [2, 0, 0, 0, 0, 0, 2]
    (w,) = warnings_of(rec, "t3_row_unmatched")
    assert "6.某某某某" in w["message"]

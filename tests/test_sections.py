"""Finding sections and tables by meaning: heading variants, no headings, page
furniture, and rows from structured readers (source='table', merged cells repeated)."""

from __future__ import annotations

from build_tools import sections
from build_tools.document import Document, Row
from build_tools.pipeline import parse_document
from build_tools.readers.text import text_to_rows
from build_tools.sections import heading_key, reflow
from conftest import N, t3row


def doc_of(text: str, fmt: str = "txt", rows: list[Row] | None = None) -> Document:
    return Document(path=f"synthetic.{fmt}", format=fmt, sha256="0" * 64,
                    rows=rows if rows is not None else text_to_rows(text, fmt))


def cfg() -> dict:
    return sections.config()


def test_heading_variants():
    c = cfg()
    assert heading_key("一、总体情况", c) == "overview"
    assert heading_key("总体情况", c) == "overview"                       # numeral dropped
    assert heading_key("二、主动公开政府信息情况", c) == "active"
    assert heading_key("三、收到和处理政府信息公开申请情况", c) == "requests"
    assert heading_key("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", c) == "appeals"
    assert heading_key("四、政府信息公开行政复议、行政诉讼情况", c) == "appeals"
    assert heading_key("五、政府信息公开工作存在的主要问题及改进情况", c) == "problems"
    assert heading_key("六、其他需要报告的事项", c) == "other"
    assert heading_key("**六、其他需要报告的事项**", c) == "other"         # stray bold in .txt


def test_not_headings():
    c = cfg()
    assert heading_key("四、结转下年度继续办理", c) is None                 # a T3 row
    assert heading_key("（一）存在的主要问题", c) is None                   # a sub-item of 五
    assert heading_key("包括总体情况、行政机关主动公开政府信息情况、因政府信息公开工作被申请行政复议、"
                       "提起行政诉讼情况、政府信息公开工作存在的主要问题及改进情况", c) is None


def test_markdown_headings_split_heading_and_furniture():
    text = ("# 某某区人民政府\n## 2022年政府信息公开工作年度报告\n\n### 一、总体情况\n\n概况正文，"
            "没有句号结尾的一行\n\n- 2 -\n\n接着上一行。\n\n#### **二、主动公开政府信息情况**\n\n"
            "主动公开说明。\n\n三、收到和处理政府信息\n公开申请情况\n\n申请说明。\n\n"
            "四、政府信息公开行政复议、行政诉讼情况\n\n复议说明。\n\n五、存在的主要问题及改进情况\n\n问题。\n\n"
            "第 3 页 共 3 页\n\n六、其他需要报告的事项\n\n无。\n\n某某区人民政府\n2023年1月5日\n")
    layout = sections.find(doc_of(text, "md"))
    s = layout.sections
    assert s["overview"] == "概况正文，没有句号结尾的一行接着上一行。"      # furniture dropped, joined
    assert s["active"] == "主动公开说明。"
    assert s["requests"] == "申请说明。"                                    # heading split over 2 lines
    assert s["appeals"] == "复议说明。"
    assert s["problems"] == "问题。"
    assert s["other"] == "无。"
    assert [r.text for r in layout.closing_rows] == ["某某区人民政府", "2023年1月5日"]
    assert set(layout.headings) == {"overview", "active", "requests", "appeals", "problems", "other"}


def test_running_head_is_dropped():
    body = "\n".join(f"某某县人民政府 2021 年政府信息公开年报\n第{i}段正文。" for i in range(4))
    text = "某某县人民政府 2021 年政府信息公开年报\n\n一、总体情况\n开头。\n" + body
    layout = sections.find(doc_of(text))
    assert "年报" not in layout.sections["overview"]
    assert layout.sections["overview"].count("正文") == 4
    # the first copy, at the top, is the title
    assert [r.text for r in layout.title_rows] == ["某某县人民政府 2021 年政府信息公开年报"]


def test_reflow_keeps_list_items_apart():
    assert reflow(["（一）存在的主要问题", "我区政府信息", "公开工作。", "二是另一件事。"]) == \
        "（一）存在的主要问题\n我区政府信息公开工作。\n二是另一件事。"


def test_structured_rows_with_repeated_merged_cells():
    """An HTML/DOCX reader gives real table rows; merged label cells are repeated."""
    def t(*cells: str) -> Row:
        return Row(tuple(cells), source="table", table_id=1)

    outcome = "三、本年度办理结果"
    rows = [Row(("某某局2021年政府信息公开工作年度报告",)), Row(("三、收到和处理政府信息公开申请情况",)),
            t("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况", "", "", "",
              "", "", "总计"),
            t("一、本年新收政府信息公开申请数量", "", "3", "", "", "", "", "", "3"),
            t("二、上年结转政府信息公开申请数量", "", "0", "", "", "", "", "", "0"),
            t(outcome, "（一）予以公开", "2", "", "", "", "", "", "2"),
            t(outcome, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "0", "", "", "", "", "", "0"),
            t(outcome, "（三）不予公开", "1.属于国家秘密", "", "", "", "", "", "", ""),
            t(outcome, "（五）不予处理", "2.重复申请", "1", "", "", "", "", "", "1"),
            t(outcome, "（六）其他处理", "3.其他", "", "", "", "", "", "", ""),
            t(outcome, "（七）总计", "（七）总计", "3", "", "", "", "", "", "3"),
            t("四、结转下年度继续办理", "四、结转下年度继续办理", "0", "", "", "", "", "", "0"),
            Row(("四、政府信息公开行政复议、行政诉讼情况",)),
            t("行政复议", "", "", "", "", "行政诉讼"),
            t("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "",
              "复议后起诉"),
            t("", "", "", "", "", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持",
              "结果纠正", "其他结果", "尚未审结", "总计"),
            t("0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0")]
    rec = parse_document(doc_of("", "html", rows), None)
    assert t3row(rec, "new_received") == [3, N, N, N, N, N, 3]
    assert t3row(rec, "granted") == [2, N, N, N, N, N, 2]
    assert t3row(rec, "denied.state_secret") == [N] * 7
    assert t3row(rec, "not_processed.repeated") == [1, N, N, N, N, N, 1]
    assert t3row(rec, "total_processed") == [3, N, N, N, N, N, 3]
    assert t3row(rec, "carried_forward") == [0, N, N, N, N, N, 0]
    assert rec["tables"]["T4"]["review"]["total"] == 0
    assert rec["meta"]["agency"] == "某某局" and rec["meta"]["agency_kind"] == "department"

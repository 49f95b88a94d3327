"""One test per kind of layout mess of published reports (REPORT_FORMAT "Cells").

Each test prints one small report, whose numbers are written out below by hand, with one
kind of mess (``build_tools.synth`` layout variants), as a web page or a Word file (no
LibreOffice needed), parses it from the file alone and checks the cells by hand.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from build_tools import synth
from build_tools.pipeline import parse_file

N = None
COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service",
        "other_org", "total")


def _zero_t3(template: str) -> dict:
    from build_tools.record import t3_row_keys
    return {k: {c: 0 for c in COLS} for k in t3_row_keys(template)}


def hand_spec(year: int = 2022) -> synth.ReportSpec:
    """A report with numbers chosen by hand (they add up in every rule)."""
    base = copy.deepcopy(next(s for s in synth.plan(60, seed=2) if s.year == year))
    template = "2021" if year >= 2021 else "2019"
    t3 = _zero_t3(template)
    t3["new_received"].update(natural_person=5, commercial=1, total=6)
    t3["carried_over"].update(natural_person=1, total=1)
    t3["granted"].update(natural_person=3, total=3)
    t3["partially_granted"].update(commercial=1, total=1)
    t3["unable.not_held"].update(natural_person=2, total=2)
    t3["total_processed"].update(natural_person=5, commercial=1, total=6)
    t3["carried_forward"].update(natural_person=1, total=1)
    if template == "2021":
        t3["other_total"] = {c: None for c in COLS}
    base.t3 = t3
    base.t4 = {"review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
               "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
               "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}}
    base.t2 = {k: 0 for k in base.t2}
    if template == "2021":
        base.t2.update({"licensing.decisions": 1234, "fees.amount": 12.5,
                        "normative_documents.repealed": 3})
    base.flaws, base.mess = [], []
    base.narrative_received = 6
    return base


def parse(spec: synth.ReportSpec, variant: str, fmt: str, tmp_path: Path) -> dict:
    spec = synth.with_variant(spec, variant)
    path = synth.WRITERS[fmt](spec, tmp_path)[0]
    return parse_file(path)


def row(rec: dict, key: str) -> list:
    node = rec["tables"]["T3"]
    for part in key.split("."):
        node = node[part]
    return [node[c] for c in COLS]


def t4(rec: dict, group: str) -> list:
    g = rec["tables"]["T4"][group]
    return [g[c] for c in ("upheld", "corrected", "other", "pending", "total")]


def failed(rec: dict) -> set[str]:
    return {c["rule"] for c in rec["checks"] if c["status"] == "fail"}


def _assert_hand_table(rec: dict) -> None:
    assert row(rec, "new_received") == [5, 1, 0, 0, 0, 0, 6]
    assert row(rec, "carried_over") == [1, 0, 0, 0, 0, 0, 1]
    assert row(rec, "granted") == [3, 0, 0, 0, 0, 0, 3]
    assert row(rec, "partially_granted") == [0, 1, 0, 0, 0, 0, 1]
    assert row(rec, "unable.not_held") == [2, 0, 0, 0, 0, 0, 2]
    assert row(rec, "denied.prohibited_by_law") == [0] * 7
    assert row(rec, "unable.unclear_after_correction") == [0] * 7
    assert row(rec, "total_processed") == [5, 1, 0, 0, 0, 0, 6]
    assert row(rec, "carried_forward") == [1, 0, 0, 0, 0, 0, 1]
    assert t4(rec, "review") == [1, 0, 0, 1, 2]
    assert t4(rec, "litigation_direct") == [0, 0, 0, 0, 0]
    assert failed(rec) == set()


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_t3_broken_across_a_page(fmt, tmp_path):
    # Two tables, a page number and the running head between them (HTML); the rows on the
    # new page start with blank group labels.
    rec = parse(hand_spec(), "page_break", fmt, tmp_path)
    _assert_hand_table(rec)
    assert row(rec, "other.other") == [0] * 7
    assert not [w for w in rec["warnings"] if w["code"] == "t3_row_unmatched"]


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_vertical_label_and_header_line_breaks(fmt, tmp_path):
    rec = parse(hand_spec(), "vertical_label", fmt, tmp_path)
    _assert_hand_table(rec)


@pytest.mark.parametrize("fmt", ["html_gbk", "docx"])
def test_label_typos(fmt, tmp_path):
    # 其他法律行政止公开, 补正后申请内容仍不 明确, 本年度止件数 still find their rows.
    rec = parse(hand_spec(), "typos", fmt, tmp_path)
    _assert_hand_table(rec)
    assert rec["tables"]["T2"]["normative_documents"]["repealed"] == 3
    assert rec["meta"]["template"] == "2021"


def test_t4_three_row_header(tmp_path):
    rec = parse(hand_spec(), "t4_header3", "docx", tmp_path)
    assert t4(rec, "review") == [1, 0, 0, 1, 2]
    assert t4(rec, "litigation_after_review") == [0, 0, 0, 0, 0]


def test_narrow_columns_wrap_numbers(tmp_path):
    # 1234 printed as "12" / "34" on two lines of one cell.
    rec = parse(hand_spec(), "narrow", "html", tmp_path)
    assert rec["tables"]["T2"]["licensing"]["decisions"] == 1234
    _assert_hand_table(rec)


def test_full_width_digits(tmp_path):
    rec = parse(hand_spec(), "fullwidth", "html", tmp_path)
    _assert_hand_table(rec)
    assert rec["tables"]["T2"]["fees"]["amount"] == 12.5


def test_money_in_yuan_is_converted_with_a_warning(tmp_path):
    # 12.5 万元 printed as 125000元.
    rec = parse(hand_spec(), "yuan", "docx", tmp_path)
    assert rec["tables"]["T2"]["fees"]["amount"] == 12.5
    assert any(w["code"] == "unit_converted" and "T2.fees.amount" in w["cells"]
               for w in rec["warnings"])


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_blank_cells_stay_blank(fmt, tmp_path):
    rec = parse(hand_spec(), "blank_zeros", fmt, tmp_path)
    assert row(rec, "new_received") == [5, 1, N, N, N, N, 6]
    assert row(rec, "partially_granted") == [N, 1, N, N, N, N, 1]
    assert row(rec, "denied.state_secret") == [N] * 7
    assert t4(rec, "review") == [1, N, N, 1, 2]
    assert rec["tables"]["T2"]["normative_documents"] == {"issued": N, "repealed": 3, "in_force": N}
    assert rec["tables"]["T2"]["regulations"] == {"issued": N, "repealed": N, "in_force": N}
    assert failed(rec) == set()


def test_collapsed_other_row_in_a_2021_table(tmp_path):
    spec = hand_spec()
    spec.t3["other.other"].update(natural_person=1, total=1)
    spec.t3["granted"].update(natural_person=2, total=2)
    rec = parse(spec, "collapsed_other", "docx", tmp_path)
    # （六）其他处理 printed as one row: 1 0 0 0 0 0 1; its three sub-rows are not printed.
    assert row(rec, "other_total") == [1, 0, 0, 0, 0, 0, 1]
    assert row(rec, "other.other") == [N] * 7
    assert row(rec, "other.no_correction") == [N] * 7
    assert row(rec, "total_processed") == [5, 1, 0, 0, 0, 0, 6]
    assert failed(rec) == set()


def test_2019_template(tmp_path):
    spec = hand_spec(2020)
    spec.t2.update({"licensing.previous_items": 126, "licensing.change": -2,
                    "procurement.amount": 2856.4})
    rec = parse(spec, "plain", "html", tmp_path)
    assert rec["meta"]["template"] == "2019"
    assert rec["tables"]["T2"]["licensing"] == {"previous_items": 126, "change": -2, "decisions": 0}
    assert rec["tables"]["T2"]["procurement"]["amount"] == 2856.4
    assert row(rec, "other_total") == [0] * 7
    _assert_hand_table(rec)


def test_unruled_table_with_blank_cells_gives_null_and_a_warning(tmp_path):
    # A table pasted as text: "一、本年新收… 5 1 6" -- three numbers for seven columns and
    # no trace of the blank cells.  The parser must not guess their columns.
    rec = parse(hand_spec(), "unruled_blank", "html", tmp_path)
    assert row(rec, "new_received") == [N] * 7
    assert row(rec, "total_processed") == [N] * 7
    assert row(rec, "denied.state_secret") == [N] * 7       # printed with no number at all
    warned = {c for w in rec["warnings"] if w["code"] == "cell_positions_unknown" for c in w["cells"]}
    assert {f"T3.new_received.{c}" for c in COLS} <= warned
    assert {f"T3.unable.not_held.{c}" for c in COLS} <= warned
    # T4 prints "1 1 2" for fifteen cells: unread, named, never placed.
    assert t4(rec, "review") == [N] * 5
    assert "T4.review.total" in warned
    # T2 "行政规范性文件 3": one number for three columns -> unread; 行政许可 has one column.
    assert rec["tables"]["T2"]["normative_documents"] == {"issued": N, "repealed": N, "in_force": N}
    assert {"T2.normative_documents.issued", "T2.normative_documents.repealed"} <= warned
    assert rec["tables"]["T2"]["licensing"]["decisions"] == 1234
    # Rules that need unread cells are not assessable, never failed.
    assert failed(rec) == set()
    statuses = {c["status"] for c in rec["checks"] if c["rule"] == "t3_balance"}
    assert statuses == {"not_assessable"}


def test_unruled_table_without_blanks_is_read(tmp_path):
    # Every cell printed (0 for none): the numbers fill the seven columns, nothing unknown.
    rec = parse(hand_spec(), "unruled", "html", tmp_path)
    _assert_hand_table(rec)
    assert not [w for w in rec["warnings"] if w["code"] == "cell_positions_unknown"]


def test_writers_are_deterministic():
    spec = synth.with_variant(hand_spec(), "mixed")
    assert synth.docx_bytes(spec) == synth.docx_bytes(copy.deepcopy(spec))
    assert synth.html_bytes(spec, "gbk") == synth.html_bytes(copy.deepcopy(spec), "gbk")
    assert synth.html_bytes(spec, "gbk") != synth.html_bytes(spec, "utf-8")


def test_text_extraction_with_page_furniture_between_rows(tmp_path):
    # A tab-separated extraction of the published file: "- 2 -" and the running head sit
    # between two T3 rows, blank cells are "" between tabs.
    spec = synth.with_variant(hand_spec(), "page_break")
    text = synth.layout_text(spec)
    assert "\n- 2 -\n" in text
    rec = parse_file(synth.write_txt_layout(spec, tmp_path)[0])
    _assert_hand_table(rec)


def test_text_extraction_of_a_table_without_rules(tmp_path):
    # Cells apart by spaces only: "规章  0  0  0" is read, a blank-cell row is not guessed.
    rec = parse(hand_spec(), "unruled", "txt_layout", tmp_path)
    _assert_hand_table(rec)
    rec = parse(hand_spec(), "unruled_blank", "txt_layout", tmp_path / "blank")
    assert row(rec, "carried_over") == [N] * 7          # printed "1 1"
    assert row(rec, "denied.state_secret") == [N] * 7   # printed with no number
    assert failed(rec) == set()

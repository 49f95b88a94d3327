"""Seed 001 (同仁市人民政府, 2021, Markdown): headings with #/** marks, T3 label
line breaks, T4 with a blank 行政复议 group.  Expected values typed from the seed text."""

from __future__ import annotations

import pytest

from conftest import N, seed_record, statuses, t3row, t4group, warnings_of

ZEROS = [0, 0, 0, 0, 0, 0, 0]


@pytest.fixture(scope="module")
def rec() -> dict:
    return seed_record("001")


def test_meta(rec):
    meta = rec["meta"]
    assert meta["source"]["format"] == "md"
    assert meta["agency"] == "同仁市人民政府" and meta["provenance"]["agency"] == "text"
    assert meta["agency_kind"] == "government"
    assert meta["region"] == ["青海省", "黄南藏族自治州", "同仁市"]
    assert meta["year"] == 2021
    assert meta["published"] == "2022-01-17"
    assert meta["template"] == "2021"
    assert "2021" in meta["title"] and meta["title"].endswith("年度报告")
    assert "#" not in meta["title"]


def test_t2_money_in_wan_yuan(rec):
    t2 = rec["tables"]["T2"]
    assert t2["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert t2["normative_documents"] == {"issued": 3, "repealed": 0, "in_force": 3}
    assert t2["licensing"]["decisions"] == 496
    assert t2["punishment"]["decisions"] == 725
    assert t2["coercion"]["decisions"] == 1
    assert t2["fees"]["amount"] == 603.474          # printed "603.474 万元": already 万元
    assert not warnings_of(rec, "unit_converted")


def test_t3_zeros_and_blanks(rec):
    for key in ("new_received", "carried_over", "granted", "partially_granted",
                "denied.state_secret", "denied.prohibited_by_law", "denied.security_stability",
                "denied.third_party_rights", "denied.internal_affairs", "denied.process_information",
                "denied.enforcement_files", "denied.administrative_query",       # label "8." first cell
                "unable.not_held", "unable.needs_creation", "unable.unclear_after_correction",
                "not_processed.petition", "not_processed.repeated", "not_processed.publication",
                "not_processed.excessive", "not_processed.confirmation", "other.no_correction",
                "total_processed", "carried_forward"):
        assert t3row(rec, key) == ZEROS, key
    # "2. 申请人逾期未按收费通知…" and "3. 其他" are printed with empty cells: blank, not 0
    assert t3row(rec, "other.unpaid_fee") == [N] * 7
    assert t3row(rec, "other.other") == [N] * 7
    assert t3row(rec, "other_total") == [N] * 7


def test_t4_leading_blank_cells(rec):
    assert t4group(rec, "review") == [N, N, N, N, N]
    assert t4group(rec, "litigation_direct") == [0, 0, 0, 0, 0]
    assert t4group(rec, "litigation_after_review") == [0, 0, 0, 0, 0]


def test_no_false_alarm(rec):
    for rule in ("t3_balance", "t3_outcomes_sum", "t3_row_sum", "t4_group_sum"):
        assert statuses(rec, rule) == {"pass"}, rule
    assert "fail" not in statuses(rec, "narrative_vs_table")


def test_sections(rec):
    s = rec["sections"]
    assert "2021年，同仁市坚持以习近平新时代中国特色社会主义思想为指导" in s["overview"]
    assert "一、总体情况" not in s["overview"]
    assert "**" not in s["overview"] and "#" not in s["overview"]
    assert "一是强化组织领导" in s["overview"]
    assert "三是强化监督考核。系统梳理全市目标考核体系中政务公开各项考核指标" in s["overview"]
    assert s["problems"].startswith("一年来，同仁市政务公开工作取得了一定成效")
    assert s["other"] == "无其他需要报告的事项"
    assert "同仁市人民政府" not in s["other"]        # the signature is not section text

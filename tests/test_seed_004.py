"""Seed 004 (城东区人民政府, 2020): 2019 template, text layout without tabs (labels
split over lines, values before label tails, vertical headers), page furniture, money in
元, no date, and a request balance that does not hold.  Values typed from the seed text."""

from __future__ import annotations

import pytest

from conftest import checks_of, seed_record, statuses, t3row, t4group, warnings_of

ZEROS = [0, 0, 0, 0, 0, 0, 0]


@pytest.fixture(scope="module")
def rec() -> dict:
    return seed_record("004")


def test_meta(rec):
    meta = rec["meta"]
    assert meta["agency"] == "城东区人民政府"
    assert meta["region"] == ["青海省", "西宁市", "城东区"]
    assert meta["year"] == 2020
    assert meta["published"] is None and meta["provenance"]["published"] == "missing"
    assert meta["template"] == "2019"
    assert meta["title"] == "城东区人民政府2020年政府信息公开工作年度报告"


def test_t2_2019_template(rec):
    t2 = rec["tables"]["T2"]
    assert t2["regulations"] == {"made": 0, "published": 0, "total_published": 0}
    assert t2["normative_documents"] == {"made": 8, "published": 5, "total_published": 23}
    assert t2["licensing"] == {"previous_items": 31, "change": 0, "decisions": 15957}
    assert t2["other_services"] == {"previous_items": 145, "change": 0, "decisions": 3793}
    assert t2["punishment"] == {"previous_items": 1541, "change": 0, "decisions": 535}
    assert t2["coercion"] == {"previous_items": 33, "change": 0, "decisions": 1}
    assert t2["fees"] == {"previous_items": 11, "change": 0}
    assert t2["procurement"]["items"] == 156
    assert t2["procurement"]["amount"] == 3483.09716      # 34830971.6元 -> 万元


def test_money_conversion_is_reported(rec):
    (w,) = warnings_of(rec, "unit_converted")
    assert w["cells"] == ["T2.procurement.amount"]
    assert "34830971.6元" in w["message"] and "万元" in w["message"]


def test_t3_text_layout(rec):
    assert t3row(rec, "new_received") == [38, 1, 0, 0, 0, 0, 39]
    assert t3row(rec, "carried_over") == [4, 1, 0, 0, 0, 0, 5]
    assert t3row(rec, "granted") == ZEROS
    assert t3row(rec, "partially_granted") == [32, 0, 0, 0, 0, 0, 32]
    for key in ("denied.state_secret", "denied.prohibited_by_law", "denied.security_stability",
                "denied.third_party_rights", "denied.internal_affairs", "denied.process_information",
                "denied.enforcement_files", "denied.administrative_query", "unable.not_held",
                "unable.needs_creation", "unable.unclear_after_correction", "not_processed.petition",
                "not_processed.repeated", "not_processed.publication", "not_processed.excessive",
                "not_processed.confirmation", "other_total", "carried_forward"):
        assert t3row(rec, key) == ZEROS, key
    assert t3row(rec, "total_processed") == [32, 0, 0, 0, 0, 0, 32]
    assert "other" not in rec["tables"]["T3"]             # 2019: （六） is one row
    assert not warnings_of(rec, "t3_row_unmatched")


def test_t4(rec):
    assert t4group(rec, "review") == [1, 0, 1, 0, 2]
    assert t4group(rec, "litigation_direct") == [0, 0, 0, 0, 0]
    assert t4group(rec, "litigation_after_review") == [0, 0, 0, 1, 1]


def test_request_balance_fails_on_total_column(rec):
    fails = [c for c in checks_of(rec, "t3_balance") if c["status"] == "fail"]
    total = [c for c in fails if "T3.new_received.total" in c["cells"]]
    assert len(total) == 1
    assert set(total[0]["cells"]) == {"T3.new_received.total", "T3.carried_over.total",
                                      "T3.total_processed.total", "T3.carried_forward.total"}
    msg = total[0]["message"]
    for number in ("39", "5", "44", "32", "12"):
        assert number in msg
    assert msg.startswith("总计列")


def test_other_rules_hold(rec):
    assert statuses(rec, "t3_outcomes_sum") == {"pass"}
    assert statuses(rec, "t3_row_sum") == {"pass"}
    assert statuses(rec, "t4_group_sum") == {"pass"}
    # "我区办理依申请公开共 39件" agrees with 本年新收 39
    assert statuses(rec, "narrative_vs_table") == {"pass"}


def test_sections_and_furniture(rec):
    s = rec["sections"]
    assert all(s[k] for k in ("overview", "problems", "other"))
    assert "（一）加强组织领导，强化统筹协调。" in s["overview"]
    assert "本报告中使用数据统计期限为 2020 年 1 月 1 日至 12 月 31日。" in s["overview"]
    assert "（二）下一步工作思路" in s["problems"]
    assert "建立健全政务新媒体规范管理工作机制" in s["problems"]   # joined over "— 14 —"
    assert s["other"].startswith("基层政务公开标准化规范化试点成果运用推广工作")
    for text in s.values():
        assert "— 1 —" not in text and "— 12 —" not in text and "— 14 —" not in text

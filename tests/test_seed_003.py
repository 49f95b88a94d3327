"""Seed 003 (海东市市直机关事务管理局, 2021): a department; T3 and T4 entirely blank.
Expected values typed from the seed text."""

from __future__ import annotations

import pytest

from build_tools.record import t3_row_keys
from conftest import N, seed_record, statuses, t3row, t4group


@pytest.fixture(scope="module")
def rec() -> dict:
    return seed_record("003")


def test_department_meta(rec):
    meta = rec["meta"]
    assert meta["agency"] == "海东市市直机关事务管理局"
    assert meta["agency_kind"] == "department"
    assert meta["region"] == ["青海省", "海东市"]     # the parent government's region
    assert meta["year"] == 2021
    assert meta["published"] == "2022-01-10"
    assert meta["template"] == "2021"


def test_t2_zeros(rec):
    t2 = rec["tables"]["T2"]
    assert t2["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert t2["normative_documents"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert [t2["licensing"]["decisions"], t2["punishment"]["decisions"],
            t2["coercion"]["decisions"], t2["fees"]["amount"]] == [0, 0, 0, 0]


def test_t3_t4_all_blank_not_zero(rec):
    assert rec["tables"]["T3"] is not None and rec["tables"]["T4"] is not None
    for key in t3_row_keys("2021"):
        assert t3row(rec, key) == [N] * 7, key
    for group in ("review", "litigation_direct", "litigation_after_review"):
        assert t4group(rec, group) == [N] * 5


def test_blank_tables_are_not_assessable_not_pass(rec):
    for rule in ("t3_balance", "t3_outcomes_sum", "t3_row_sum", "t4_group_sum"):
        assert statuses(rec, rule) == {"not_assessable"}, rule
    assert "fail" not in statuses(rec, "narrative_vs_table")


def test_sections(rec):
    s = rec["sections"]
    assert "我局无依申请公开办理情况" in s["overview"]
    assert "三是完善公开制度。" in s["overview"]          # bold marks of a .txt stay as printed
    assert s["problems"].startswith("一是信息公开的内容广度和深度还不够")
    assert s["other"] == "无。"

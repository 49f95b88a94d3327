"""Seed 002 (海东市乐都区人民政府, 2022): letterhead, label typos, over-long T3 rows,
a T3 label wrapped onto its own row.  Expected values typed from the seed text."""

from __future__ import annotations

import pytest

from conftest import N, checks_of, seed_record, statuses, t3row, t4group, warnings_of

ZEROS = [0, 0, 0, 0, 0, 0, 0]


@pytest.fixture(scope="module")
def rec() -> dict:
    return seed_record("002")


def test_meta_prefers_fullest_agency_name(rec):
    meta = rec["meta"]
    assert meta["agency"] == "海东市乐都区人民政府"   # letterhead/signature, title says 乐都区人民政府
    assert meta["region"] == ["青海省", "海东市", "乐都区"]
    assert meta["year"] == 2022
    assert meta["published"] == "2023-01-17"
    assert meta["template"] == "2021"                # header "本年制发件数" (with typo 本年度止件数)


def test_t2(rec):
    t2 = rec["tables"]["T2"]
    assert t2["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert t2["normative_documents"] == {"issued": 0, "repealed": 0, "in_force": 0}  # "规范性文件"
    assert t2["licensing"]["decisions"] == 6753
    assert t2["punishment"]["decisions"] == 1885
    assert t2["coercion"]["decisions"] == 521
    assert t2["fees"]["amount"] == 83.93


def test_t3(rec):
    assert t3row(rec, "new_received") == [5, 0, 0, 0, 0, 0, 5]
    assert t3row(rec, "carried_over") == ZEROS
    assert t3row(rec, "granted") == [N, N, N, N, N, N, 5]     # only 总计 printed
    assert t3row(rec, "partially_granted") == ZEROS
    for key in ("denied.state_secret", "denied.administrative_query", "unable.not_held",
                "unable.unclear_after_correction", "not_processed.petition",
                "not_processed.confirmation", "other.no_correction", "other.unpaid_fee"):
        assert t3row(rec, key) == ZEROS, key
    # "3. 其他" prints 12 zeros, "(七) 总计" 5 0…0 5, "四、结转下年继续办理" 11 zeros
    assert t3row(rec, "other.other") == ZEROS
    assert t3row(rec, "total_processed") == [5, 0, 0, 0, 0, 0, 5]
    assert t3row(rec, "carried_forward") == ZEROS
    long_rows = {c.rsplit(".", 1)[0] for w in warnings_of(rec, "t3_row_too_long") for c in w["cells"]}
    assert {"T3.total_processed", "T3.carried_forward", "T3.other.other"} <= long_rows
    assert not warnings_of(rec, "t3_row_unmatched")    # the wrapped "请" is not a row


def test_t4(rec):
    assert t4group(rec, "review") == [N, N, N, N, N]
    assert t4group(rec, "litigation_direct") == [0, 0, 6, 0, 6]
    assert t4group(rec, "litigation_after_review") == [2, 0, 4, 6, 12]


def test_checks_hold_where_the_numbers_add_up(rec):
    # By hand: 5 + 0 = 5 + 0 in every column; T4 groups 0+0+6+0 = 6, 2+0+4+6 = 12.
    assert statuses(rec, "t3_balance") == {"pass"}
    assert statuses(rec, "t4_group_sum") == {"pass"}
    assert "fail" not in statuses(rec, "narrative_vs_table")


def test_checks_fail_where_the_report_breaks_them(rec):
    # By hand: 予以公开 prints only 总计 5, so the 自然人 column's outcomes add to 0 while
    # its (七)总计 is 5 (rule 2), and that row's applicants add to 0, not 5 (rule 3).
    (r2,) = checks_of(rec, "t3_outcomes_sum")
    assert r2["status"] == "fail" and "T3.total_processed.natural_person" in r2["cells"]
    assert "自然人" in r2["message"] and "5" in r2["message"]
    (r3,) = checks_of(rec, "t3_row_sum")
    assert r3["status"] == "fail" and "T3.granted.total" in r3["cells"]


def test_sections(rec):
    s = rec["sections"]
    assert s["overview"].startswith("2022 年，在市委市政府信息公开工作领导小组的领导下")
    assert "坚持应公开则公开" in s["overview"]          # joined across the blank line
    assert s["problems"].startswith("虽然我区政府信息公开工作取得了一定成效")
    assert s["other"] == "暂无其他报告事项。"

"""Seed 000 (海东市人民政府, 2021): no headings, label-less T2, scrambled T3 applicant
columns, a title block of just "2021".  Expected values typed from the seed text."""

from __future__ import annotations

import pytest

from conftest import N, checks_of, seed_record, statuses, t3row, t4group, warnings_of


@pytest.fixture(scope="module")
def rec() -> dict:
    return seed_record("000")


def test_meta_from_text_and_sidecar(rec):
    meta = rec["meta"]
    assert meta["agency"] == "海东市人民政府"            # the text never names it: sidecar
    assert meta["provenance"]["agency"] == "sidecar"
    assert meta["agency_kind"] == "government"
    assert meta["region"] == ["青海省", "海东市"]
    assert meta["year"] == 2021 and meta["provenance"]["year"] == "text"
    assert meta["published"] == "2022-02-17" and meta["provenance"]["published"] == "text"
    assert meta["template"] == "2021"
    assert meta["source"]["url"] is None and meta["provenance"]["source_url"] == "missing"
    assert meta["title"] is None and meta["provenance"]["title"] == "missing"


def test_without_sidecar_agency_is_missing():
    meta = seed_record("000", with_sidecar=False)["meta"]
    assert meta["agency"] is None and meta["provenance"]["agency"] == "missing"
    # the region is still read from the places the text keeps naming (海东市…)
    assert meta["region"] == ["青海省", "海东市"] and meta["provenance"]["region"] == "text"
    assert meta["year"] == 2021


def test_t2_bare_numbers_read_in_template_order(rec):
    t2 = rec["tables"]["T2"]
    assert t2["regulations"] == {"issued": 12, "repealed": 24, "in_force": 43}
    assert t2["normative_documents"] == {"issued": 52, "repealed": 16, "in_force": 42}
    assert t2["licensing"]["decisions"] == 236995
    assert t2["punishment"]["decisions"] == 36374
    assert t2["coercion"]["decisions"] == 326
    assert t2["fees"]["amount"] == 7568
    assert warnings_of(rec, "t2_labels_missing")


def test_t3_as_printed(rec):
    assert t3row(rec, "new_received") == [110, N, N, N, 6, 104, 110]
    assert t3row(rec, "carried_over") == [N, N, N, N, N, N, N]
    assert t3row(rec, "granted") == [34, N, N, N, 1, 33, 34]
    assert t3row(rec, "partially_granted") == [1, N, N, N, N, 1, 1]
    for key in ("state_secret", "prohibited_by_law", "security_stability", "third_party_rights",
                "internal_affairs", "process_information", "enforcement_files", "administrative_query"):
        assert t3row(rec, f"denied.{key}") == [N] * 7, key
    assert t3row(rec, "unable.not_held") == [25, N, N, N, 5, 20, 25]
    assert t3row(rec, "unable.needs_creation") == [N] * 7
    assert t3row(rec, "not_processed.petition") == [49, N, N, N, N, 49, 49]
    assert t3row(rec, "not_processed.confirmation") == [N] * 7
    for key in ("other.no_correction", "other.unpaid_fee", "other.other", "other_total"):
        assert t3row(rec, key) == [N] * 7, key
    assert t3row(rec, "total_processed") == [109, N, N, N, 6, 103, 109]
    assert t3row(rec, "carried_forward") == [1, N, N, N, N, 1, 1]


def test_scrambled_applicant_columns_are_flagged_not_fixed(rec):
    (w,) = warnings_of(rec, "t3_columns_untrusted")
    assert "T3.new_received.natural_person" in w["cells"]
    assert "T3.total_processed.other_org" in w["cells"]
    assert not any(c.endswith(".total") for c in w["cells"])   # 总计 is the trustworthy column
    # Rule 6 confirms it: the narrative says 自然人提交104宗, the column prints 110.
    fails = [c for c in checks_of(rec, "narrative_vs_table") if c["status"] == "fail"]
    natural = [c for c in fails if c["cells"] == ["T3.new_received.natural_person"]]
    assert natural and "104" in natural[0]["message"] and "110" in natural[0]["message"]


def test_t4(rec):
    assert t4group(rec, "review") == [6, 5, 2, 1, 14]
    assert t4group(rec, "litigation_direct") == [N, N, 2, 1, 3]
    assert t4group(rec, "litigation_after_review") == [N, 2, N, N, 2]


def test_checks(rec):
    assert statuses(rec, "t3_balance") == {"pass"}
    assert statuses(rec, "t3_outcomes_sum") == {"pass"}
    assert statuses(rec, "t3_row_sum") == {"fail"}            # printed applicant columns don't add up
    assert statuses(rec, "t4_group_sum") == {"pass"}
    narrative = {tuple(c["cells"]): c["status"] for c in checks_of(rec, "narrative_vs_table")}
    assert narrative[("T3.new_received.total",)] == "pass"     # 共收到政府信息公开申请110宗
    assert narrative[("T4.review.total",)] == "pass"           # 行政复议14宗
    assert narrative[("T3.unable.not_held.total",)] == "pass"  # 本机关不掌握相关政府信息的25宗


def test_sections_without_headings(rec):
    s = rec["sections"]
    assert s["overview"].startswith("本年度报告根据《中华人民共和国政府信息公开条例》")
    assert "（七）积极协同做好互动交流" in s["overview"]
    # a paragraph split by a page break is joined again
    assert "深入贯彻落实国务院和省政府关于依申请公开工作部署" in s["overview"]
    assert "236995" not in s["overview"]
    assert s["problems"].startswith("（一）存在的主要问题")
    assert "**五是**进一步加强业务培训" in s["problems"]   # a .txt keeps its stray marks
    assert s["other"] == "无"
    assert s["active"] == s["requests"] == s["appeals"] == ""

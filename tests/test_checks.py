"""Each check rule on small hand-made records: a failing and a passing case."""

from __future__ import annotations

from build_tools import checks
from build_tools.record import empty_t3, empty_t4, new_record, set_path


def t3_record(template: str = "2021", **rows: list) -> dict:
    """A record whose T3 has the given rows (key with __ for dots -> 7 values)."""
    rec = new_record()
    rec["meta"]["template"] = template
    rec["tables"]["T3"] = empty_t3(template)
    rec["tables"]["T4"] = empty_t4()
    cols = ("natural_person", "commercial", "research", "social_welfare", "legal_service",
            "other_org", "total")
    for key, values in rows.items():
        for col, v in zip(cols, values):
            set_path(rec, f"T3.{key.replace('__', '.')}.{col}", v)
    return rec


def run(rec: dict, rule: str) -> list[dict]:
    checks.run(rec)
    return [c for c in rec["checks"] if c["rule"] == rule]


def test_rule1_balance_fails_with_numbers_and_cells():
    rec = t3_record(new_received=[39, 0, 0, 0, 0, 0, 39], carried_over=[5, 0, 0, 0, 0, 0, 5],
                    granted=[32, 0, 0, 0, 0, 0, 32], total_processed=[32, 0, 0, 0, 0, 0, 32],
                    carried_forward=[0, 0, 0, 0, 0, 0, 0])
    got = run(rec, "t3_balance")
    assert {c["status"] for c in got} == {"fail"}
    total = next(c for c in got if "T3.new_received.total" in c["cells"])
    assert total["message"] == ("总计列：本年新收 39 + 上年结转 5 = 44，但办理结果总计 32 + "
                                "结转下年度 0 = 32，相差 12。")
    assert len(got) == 2        # 自然人 and 总计 columns break it; the others are 0 = 0


def test_rule1_balance_passes_and_blank_counts_as_zero():
    rec = t3_record(new_received=[3, None, None, None, None, None, 3],
                    granted=[2, None, None, None, None, None, 2],
                    total_processed=[2, None, None, None, None, None, 2],
                    carried_forward=[1, None, None, None, None, None, 1])
    (c,) = run(rec, "t3_balance")
    assert c["status"] == "pass" and "T3.carried_over.total" in c["cells"]


def test_rule2_outcomes_sum():
    ok = t3_record(granted=[1, 0, 0, 0, 0, 0, 1], not_processed__petition=[2, 0, 0, 0, 0, 0, 2],
                   total_processed=[3, 0, 0, 0, 0, 0, 3])
    assert {c["status"] for c in run(ok, "t3_outcomes_sum")} == {"pass"}
    bad = t3_record(granted=[1, 0, 0, 0, 0, 0, 1], unable__not_held=[2, 0, 0, 0, 0, 0, 2],
                    total_processed=[4, 0, 0, 0, 0, 0, 4])
    got = run(bad, "t3_outcomes_sum")
    assert [c["status"] for c in got] == ["fail", "fail"]
    assert "T3.total_processed.total" in got[-1]["cells"]
    assert "3" in got[-1]["message"] and "4" in got[-1]["message"]


def test_rule2_counts_sub_rows_not_their_collapsed_parent():
    # Sub-rows filled: other_total (a parent printed too) is not added again.
    rec = t3_record(other__no_correction=[1, 0, 0, 0, 0, 0, 1], other__other=[1, 0, 0, 0, 0, 0, 1],
                    other_total=[2, 0, 0, 0, 0, 0, 2], total_processed=[2, 0, 0, 0, 0, 0, 2])
    assert {c["status"] for c in run(rec, "t3_outcomes_sum")} == {"pass"}
    # Collapsed 2021 table: only other_total is printed.
    rec = t3_record(other_total=[2, 0, 0, 0, 0, 0, 2], total_processed=[2, 0, 0, 0, 0, 0, 2])
    assert {c["status"] for c in run(rec, "t3_outcomes_sum")} == {"pass"}
    # 2019 template: （六） is one row.
    rec = t3_record("2019", granted=[1, 0, 0, 0, 0, 0, 1], other_total=[1, 0, 0, 0, 0, 0, 1],
                    total_processed=[2, 0, 0, 0, 0, 0, 2])
    assert {c["status"] for c in run(rec, "t3_outcomes_sum")} == {"pass"}


def test_rule3_row_sum():
    bad = t3_record(new_received=[110, None, None, None, 6, 104, 110])
    got = run(bad, "t3_row_sum")
    assert len(got) == 1 and got[0]["status"] == "fail"
    assert got[0]["cells"][-1] == "T3.new_received.total"
    assert "220" in got[0]["message"] and "110" in got[0]["message"]
    good = t3_record(new_received=[104, None, None, None, 6, None, 110])
    assert {c["status"] for c in run(good, "t3_row_sum")} == {"pass"}


def test_rule4_t4_group_sum():
    rec = t3_record(new_received=[1, 0, 0, 0, 0, 0, 1])
    rec["tables"]["T4"]["review"].update(upheld=10, corrected=1, other=None, pending=None, total=0)
    got = run(rec, "t4_group_sum")
    assert len(got) == 1 and got[0]["status"] == "fail"
    assert got[0]["cells"] == ["T4.review.upheld", "T4.review.corrected", "T4.review.other",
                               "T4.review.pending", "T4.review.total"]
    assert "11" in got[0]["message"] and "行政复议" in got[0]["message"]
    rec = t3_record(new_received=[1, 0, 0, 0, 0, 0, 1])
    rec["tables"]["T4"]["litigation_after_review"].update(upheld=2, corrected=0, other=4, pending=6,
                                                          total=12)
    assert {c["status"] for c in run(rec, "t4_group_sum")} == {"pass"}


def test_blank_or_missing_tables_are_not_assessable():
    blank = t3_record()
    for rule in ("t3_balance", "t3_outcomes_sum", "t3_row_sum", "t4_group_sum"):
        assert {c["status"] for c in run(t3_record(), rule)} == {"not_assessable"}, rule
    missing = new_record()
    checks.run(missing)
    assert {c["status"] for c in missing["checks"]} == {"not_assessable"}
    assert blank["tables"]["T3"] is not None


def test_rule6_narrative_vs_table():
    rec = t3_record(new_received=[110, None, None, None, 6, 104, 110],
                    granted=[34, None, None, None, None, None, 34])
    rec["tables"]["T4"]["review"].update(total=14)
    rec["sections"]["overview"] = ("2021年，全市共收到政府信息公开申请110宗，其中自然人提交104宗，"
                                   "予以公开30宗。因政府信息公开引起的行政复议14宗。"
                                   "全年办理群众来信356件。")
    got = {tuple(c["cells"]): c for c in run(rec, "narrative_vs_table")}
    assert got[("T3.new_received.total",)]["status"] == "pass"
    assert got[("T3.new_received.natural_person",)]["status"] == "fail"   # 104 vs 110
    assert got[("T3.granted.total",)]["status"] == "fail"                 # 30 vs 34
    assert "30" in got[("T3.granted.total",)]["message"]
    assert got[("T4.review.total",)]["status"] == "pass"
    assert len(got) == 4                  # "来信356件" is no request figure


def test_rule6_no_figures_or_unknown_cells_is_not_a_failure():
    rec = t3_record(new_received=[1, 0, 0, 0, 0, 0, 1])
    rec["sections"]["overview"] = "本年度未收到行政复议。网站发布信息 8216 条。"
    (c,) = run(rec, "narrative_vs_table")
    assert c["status"] == "not_assessable"
    # A figure whose table cells are all blank is not compared (no confident match).
    rec = t3_record(new_received=[1, 0, 0, 0, 0, 0, 1])
    rec["sections"]["overview"] = "引起的行政诉讼案3宗。"
    (c,) = run(rec, "narrative_vs_table")
    assert c["status"] == "not_assessable"


def test_checks_are_deterministic():
    a = t3_record(new_received=[39, 0, 0, 0, 0, 0, 39], carried_over=[5, 0, 0, 0, 0, 0, 5])
    b = t3_record(new_received=[39, 0, 0, 0, 0, 0, 39], carried_over=[5, 0, 0, 0, 0, 0, 5])
    checks.run(a)
    checks.run(b)
    assert a["checks"] == b["checks"]


def test_rule6_topics_follow_the_clause():
    rec = t3_record(new_received=[2, 0, 0, 0, 0, 0, 2])
    rec["tables"]["T4"]["review"].update(upheld=1, total=2)
    rec["tables"]["T4"]["litigation_direct"].update(upheld=1, total=1)
    rec["sections"]["appeals"] = ("本年度被申请行政复议2件，其中维持1件，提起行政诉讼1件，其中维持1件。"
                                  "收到政府信息公开申请3件。")
    got = {tuple(c["cells"]): c["status"] for c in run(rec, "narrative_vs_table")}
    assert got[("T4.review.total",)] == "pass"              # 被申请行政复议: not a request
    assert got[("T4.review.upheld",)] == "pass"
    assert got[("T4.litigation_direct.total", "T4.litigation_after_review.total")] == "pass"
    assert got[("T4.litigation_direct.upheld", "T4.litigation_after_review.upheld")] == "pass"
    assert got[("T3.new_received.total",)] == "fail"        # 3 quoted, 2 in the table

"""Property-based fuzzing of the parser (hypothesis): any input ends in a record or a
clear ReportError, never an unhandled exception, and no arithmetic check passes on
numbers that do not add up.

Example counts are modest: the whole module runs in well under a minute on two cores.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.document import Document, Row
from build_tools.errors import ReportError
from build_tools.pipeline import parse_document
from build_tools.readers import read
from build_tools.readers import text as text_reader

REPO = Path(__file__).resolve().parent.parent
HONGZE = REPO / "tests" / "fixtures" / "generated" / "hongze_2021.txt"

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

RECORD_STATUSES = {"ok", "partial", "no_tables", "no_text_layer"}
CHECK_STATUSES = {"pass", "fail", "not_assessable"}

# T3 rows of the 2021 template in printed order (REPORT_FORMAT.md), as the Hongze fixture
# prints them: 28 rows with seven numbers each.
T3_ROWS = (
    "new_received", "carried_over", "granted", "partially_granted",
    "denied.state_secret", "denied.prohibited_by_law", "denied.security_stability",
    "denied.third_party_rights", "denied.internal_affairs", "denied.process_information",
    "denied.enforcement_files", "denied.administrative_query",
    "unable.not_held", "unable.needs_creation", "unable.unclear_after_correction",
    "not_processed.petition", "not_processed.repeated", "not_processed.publication",
    "not_processed.excessive", "not_processed.confirmation",
    "other.no_correction", "other.unpaid_fee", "other.other",
    "total_processed", "carried_forward",
)
OUTCOME_ROWS = T3_ROWS[2:23]
COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service",
           "other_org", "total")
T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def _valid_record(record: dict) -> None:
    """What every record must look like, whatever the input was."""
    assert record["status"] in RECORD_STATUSES
    assert {c["status"] for c in record["checks"]} <= CHECK_STATUSES
    for w in record["warnings"]:
        assert isinstance(w["code"], str) and isinstance(w["message"], str)
    json.dumps(record, ensure_ascii=False, allow_nan=False)


def _parse_bytes(data: bytes, suffix: str, reader=read) -> dict | None:
    fd, name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            doc = reader(name)
        except ReportError as exc:
            assert exc.reason and exc.code
            return None
        try:
            return parse_document(doc)
        except ReportError as exc:
            assert exc.reason and exc.code
            return None
    finally:
        os.unlink(name)


# ----------------------------------------------------------------- the text reader
CJK_TEXT = st.text(alphabet=st.sampled_from(
    list("政府信息公开申请总计年度报告一二三四五六七八九十、（）自然人法人行政复议诉讼\t\n 0123456789.")
    + ["\u0000", "\ufeff", "\r", "\x1b", "\u202e", "\ufffd"]), max_size=600)


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".txt", ".md"]))
def test_text_reader_on_arbitrary_bytes(data, suffix):
    # through the format dispatch (which may sniff a PDF or HTML) and the text reader itself
    for reader in (read, lambda p: text_reader.read(p, suffix[1:])):
        record = _parse_bytes(data, suffix, reader)
        if record is not None:
            _valid_record(record)


@FUZZ
@given(text=CJK_TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       suffix=st.sampled_from([".txt", ".md"]))
def test_text_reader_on_encoded_report_like_text(text, encoding, suffix):
    record = _parse_bytes(text.encode(encoding, errors="replace"), suffix)
    if record is not None:
        _valid_record(record)


def test_text_reader_reads_gb18030_exactly():
    # a hand-made line with a rare place-name character (GB18030 only, not in GBK)
    line = "䶮城区人民政府2021年政府信息公开工作年度报告\n"
    record = _parse_bytes(line.encode("gb18030"), ".txt")
    assert record is not None and "䶮城区人民政府" in json.dumps(record, ensure_ascii=False)


# ----------------------------------------------------------------- table finder + normalizer
def _vocabulary() -> list[str]:
    import csv

    words = set()
    with open(REPO / "build_tools" / "domain" / "fields.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            words.update(row["label_zh"].split())
    words.update(["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                  "六、其他需要报告的事项", "申请人情况", "自然人", "法人或其他组织", "商业企业",
                  "科研机构", "社会公益组织", "法律服务机构", "其他", "总计", "行政复议", "行政诉讼",
                  "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结",
                  "（七）总计", "四、结转下年度继续办理", "2021年", "2019年", "某某区人民政府",
                  "第二十条第（一）项", "信息内容", "本年制发件数", "万元", "—", "-", "/", "", " "])
    return sorted(words)


VOCAB = _vocabulary()
CELL = st.one_of(st.sampled_from(VOCAB),
                 st.integers(-5, 10_000).map(str),
                 st.floats(0, 1e6, allow_nan=False).map(lambda f: f"{f:.2f}"),
                 st.text(max_size=12))
ROW = st.builds(lambda cells, source, page, table: Row(tuple(cells), source, page, table),
                st.lists(CELL, min_size=0, max_size=16),
                st.sampled_from(["text", "table"]),
                st.one_of(st.none(), st.integers(1, 30)),
                st.one_of(st.none(), st.integers(0, 3)))


@FUZZ
@given(rows=st.lists(ROW, max_size=120), fmt=st.sampled_from(["txt", "md", "pdf", "html", "docx"]))
def test_parse_document_on_generated_documents(rows, fmt):
    doc = Document(path="fuzz." + fmt, format=fmt, sha256="0" * 64, rows=rows)
    try:
        record = parse_document(doc)
    except ReportError as exc:
        assert exc.reason
        return
    _valid_record(record)


def _hongze_lines() -> list[str]:
    return HONGZE.read_text(encoding="utf-8").splitlines()


@FUZZ
@given(drops=st.sets(st.integers(0, 100), max_size=30),
       swaps=st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), max_size=5))
def test_parse_document_on_mangled_real_reports(drops, swaps):
    # a real report with lines lost and moved, as a damaged extraction gives them
    lines = _hongze_lines()
    for a, b in swaps:
        if a < len(lines) and b < len(lines):
            lines[a], lines[b] = lines[b], lines[a]
    lines = [line for i, line in enumerate(lines) if i not in drops]
    doc = Document(path="mangled.txt", format="txt", sha256="0" * 64,
                   rows=[Row(tuple(line.split("\t"))) for line in lines])
    try:
        record = parse_document(doc)
    except ReportError:
        return
    _valid_record(record)


# ----------------------------------------------------------------- no false passes
def _t3_row_lines(lines: list[str]) -> list[int]:
    """Indexes of the 25 printed T3 rows, from 一、本年新收 to 四、结转下年度继续办理.

    Each row is three label cells then seven number cells; the fixture prints two rows
    (3.危及…, 7.属于行政执法案卷) with their label cells only.
    """
    start = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    end = next(i for i, line in enumerate(lines) if line.startswith("四、结转下年度继续办理"))
    return list(range(start, end + 1))


def _t4_line(lines: list[str]) -> int:
    return next(i for i, line in enumerate(lines)
                if len(line.split("\t")) == 15 and all(c.isdigit() for c in line.split("\t")))


def test_hongze_has_the_rows_the_fuzzer_rewrites():
    lines = _hongze_lines()
    rows = _t3_row_lines(lines)
    # 25 keyed rows (other_total is not printed in the 2021 layout)
    assert len(rows) == len(T3_ROWS)
    assert all(len(lines[i].split("\t")) in (3, 10) for i in rows)
    assert lines[rows[0]].startswith("一、本年新收")
    assert lines[rows[-1]].startswith("四、结转下年度继续办理")
    assert lines[_t4_line(lines)].startswith("5\t1\t1\t1\t8")


def _n(v) -> int:
    return v or 0


NUM = st.one_of(st.none(), st.integers(0, 400))


@st.composite
def t3_t4_tables(draw) -> tuple[dict, dict]:
    """T3 and T4 numbers: mostly consistent (so passes happen), sometimes perturbed."""
    t3: dict[str, dict[str, int | None]] = {}
    for key in T3_ROWS:
        if key in ("total_processed", "carried_forward"):
            continue
        row = {c: draw(NUM) for c in COLUMNS[:-1]}
        row["total"] = sum(v or 0 for v in row.values())
        t3[key] = row
    t3["total_processed"] = {c: sum(t3[k][c] or 0 for k in OUTCOME_ROWS) for c in COLUMNS}
    # enough carried over that nothing is negative, then the carry-forward that balances
    forward: dict[str, int | None] = {}
    for c in COLUMNS[:-1]:
        left = _n(t3["new_received"][c]) + _n(t3["carried_over"][c])
        if left < t3["total_processed"][c]:
            t3["carried_over"][c] = _n(t3["carried_over"][c]) + t3["total_processed"][c] - left
            left = t3["total_processed"][c]
        forward[c] = left - t3["total_processed"][c]
    t3["carried_over"]["total"] = sum(_n(t3["carried_over"][c]) for c in COLUMNS[:-1])
    forward["total"] = sum(_n(forward[c]) for c in COLUMNS[:-1])
    t3["carried_forward"] = forward
    t4 = {}
    for g in T4_GROUPS:
        row = {c: draw(NUM) for c in T4_COLUMNS[:-1]}
        row["total"] = sum(v or 0 for v in row.values())
        t4[g] = row
    # perturb a few cells (including to blank), so some sums break
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from(T3_ROWS))
        col = draw(st.sampled_from(COLUMNS))
        t3[key][col] = draw(NUM)
    for _ in range(draw(st.integers(0, 2))):
        g = draw(st.sampled_from(T4_GROUPS))
        c = draw(st.sampled_from(T4_COLUMNS))
        t4[g][c] = draw(NUM)
    return t3, t4


def _render(t3: dict, t4: dict) -> str:
    lines = _hongze_lines()
    for i, key in zip(_t3_row_lines(lines), T3_ROWS):
        labels = (lines[i].split("\t") + ["", "", ""])[:3]
        values = ["" if t3[key][c] is None else str(t3[key][c]) for c in COLUMNS]
        lines[i] = "\t".join(labels + values)
    t4_values = ["" if t4[g][c] is None else str(t4[g][c]) for g in T4_GROUPS for c in T4_COLUMNS]
    lines[_t4_line(lines)] = "\t".join(t4_values)
    return "\n".join(lines) + "\n"


def _arithmetic_errors(record: dict, t3: dict | None, t4: dict) -> list[str]:
    """Passing checks whose sums do not hold, computed here from the parsed cells and (when
    given) the generated numbers."""
    errors = []
    rt3, rt4 = record["tables"]["T3"], record["tables"]["T4"]

    def cell(table: dict, dotted: str, col: str):
        node = table
        for part in dotted.split("."):
            node = node[part]
        return node[col]

    passed = {c["rule"] for c in record["checks"] if c["status"] == "pass"}
    for source, label in ((t3, "generated"), (None, "parsed")) if t3 is not None else ((None, "parsed"),):
        def v(key: str, col: str) -> int:
            return _n(source[key][col] if source is not None else cell(rt3, key, col))

        if "t3_balance" in passed:
            for c in COLUMNS:
                if v("new_received", c) + v("carried_over", c) != v("total_processed", c) + v("carried_forward", c):
                    errors.append(f"t3_balance passed, {label} column {c} does not balance")
        if "t3_outcomes_sum" in passed:
            for c in COLUMNS:
                if sum(v(k, c) for k in OUTCOME_ROWS) != v("total_processed", c):
                    errors.append(f"t3_outcomes_sum passed, {label} column {c} does not add up")
        if "t3_row_sum" in passed:
            for k in T3_ROWS:
                if sum(v(k, c) for c in COLUMNS[:-1]) != v(k, "total"):
                    errors.append(f"t3_row_sum passed, {label} row {k} does not add up")
    if "t4_group_sum" in passed:
        for table, label in ((t4, "generated"), (rt4, "parsed")):
            for g in T4_GROUPS:
                if sum(_n(table[g][c]) for c in T4_COLUMNS[:-1]) != _n(table[g]["total"]):
                    errors.append(f"t4_group_sum passed, {label} group {g} does not add up")
    return errors


@FUZZ
@given(tables=t3_t4_tables())
def test_no_check_passes_on_numbers_that_do_not_add_up(tables):
    t3, t4 = tables
    record = _parse_bytes(_render(t3, t4).encode("utf-8"), ".txt")
    assert record is not None
    _valid_record(record)
    # the parser reads a clean printed table cell for cell, blank as blank, also in rows
    # whose 总计 is blank; a row it cannot place it may refuse, blank and named in a
    # warning, but never misread silently
    warned = {cell for w in record["warnings"] for cell in w.get("cells") or []}
    refused: set[str] = set()
    for key in T3_ROWS:
        node = record["tables"]["T3"]
        for part in key.split("."):
            node = node[part]
        if node != t3[key]:
            assert all(v is None for v in node.values()) and \
                all(f"T3.{key}.{c}" in warned for c in COLUMNS), (key, node, t3[key], record["warnings"])
            refused.add(key)
    assert record["tables"]["T4"] == t4
    assert _arithmetic_errors(record, t3, t4) == []
    # and when a sum breaks in rows it read, its rule says fail
    statuses = {c["rule"]: c["status"] for c in record["checks"] if c["status"] == "fail"}
    broken_rows = [k for k in T3_ROWS if k not in refused
                   and sum(_n(t3[k][c]) for c in COLUMNS[:-1]) != _n(t3[k]["total"])]
    if broken_rows:
        assert statuses.get("t3_row_sum") == "fail", broken_rows
    broken_groups = [g for g in T4_GROUPS if sum(_n(t4[g][c]) for c in T4_COLUMNS[:-1]) != _n(t4[g]["total"])]
    if broken_groups:
        assert statuses.get("t4_group_sum") == "fail", broken_groups


def test_blank_total_keeps_column_positions():
    # 二、上年结转 with one request from 其他 and 总计 left blank, as a text file prints it:
    # three label cells, then 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
    t3 = {k: {c: None for c in COLUMNS} for k in T3_ROWS}
    t4 = {g: {c: None for c in T4_COLUMNS} for g in T4_GROUPS}
    t3["new_received"] = {"natural_person": 3, "commercial": None, "research": None,
                          "social_welfare": None, "legal_service": None, "other_org": None, "total": 3}
    t3["carried_over"]["other_org"] = 1
    record = _parse_bytes(_render(t3, t4).encode("utf-8"), ".txt")
    row = record["tables"]["T3"]["carried_over"]
    assert (row["other_org"], row["total"]) == (1, None)

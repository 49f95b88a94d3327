"""Consistency checks (勾稽关系), rules 1, 2, 3, 4 and 6 of REPORT_FORMAT.md.

``run(record)`` appends to ``record["checks"]``.  For each rule: one ``fail`` per
column/row/group that breaks it (naming the cells it read and the numbers, in a Chinese
sentence), or a single ``pass`` naming every cell read when nothing breaks it, or
``not_assessable`` when the table is missing or entirely blank.  Blank cells count as 0
in the arithmetic (the published numbers are never changed).  Rule 6 compares figures
the narrative quotes with the table, and reports a failure only on a confident match.
"""

from __future__ import annotations

import re
from typing import Any

from .domain import load_yaml
from .record import (T3_APPLICANT_COLUMNS, T3_COLUMN_LABELS_ZH, T3_COLUMNS, T4_COLUMNS,
                     T4_GROUP_LABELS_ZH, T4_GROUPS, fields_for, get_path)

Number = int | float


def rules() -> dict:
    return load_yaml("rules.yml")


def fmt(value: Number | None) -> str:
    """A number as a reader expects it: blank shown as 空, no trailing .0."""
    if value is None:
        return "空（按 0 计）"
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text
    return str(value)


def _n(value: Number | None) -> Number:
    return value or 0


def _clean(value: Number) -> Number:
    """Round away float noise so 0.1 + 0.2 compares equal to 0.3."""
    if isinstance(value, float):
        value = round(value, 6)
        return int(value) if value.is_integer() else value
    return value


# Warning codes of the parser that mark cells as not read (a value was printed but could
# not be placed): a rule that needs such a cell is not assessable, never failed.
UNREAD_CODES = frozenset({"cell_positions_unknown"})


def unread_cells(record: dict) -> set[str]:
    return {c for w in record.get("warnings", []) if w.get("code") in UNREAD_CODES
            for c in w.get("cells", [])}


def _finish(rule: str, fails: list[dict], skipped: list[dict], read: list[str], r: dict) -> list[dict]:
    """Fails and skipped parts of a rule, else one pass naming every cell read."""
    if fails or skipped:
        return fails + skipped
    return [_check(rule, "pass", read, r["pass"])]


def _check(rule: str, status: str, cells: list[str], message: str) -> dict:
    return {"rule": rule, "status": status, "cells": list(cells), "message": message}


def _table_state(record: dict, table: str, paths: list[str]) -> str:
    """``missing`` (not parsed), ``blank`` (every cell empty) or ``ok``."""
    if record["tables"].get(table) is None:
        return "missing"
    if all(get_path(record, p) is None for p in paths) and not unread_cells(record) & set(paths):
        return "blank"      # (cells printed but not read are not blank: each rule names them)
    return "ok"


def _label(key: str) -> str:
    for f in fields_for("T3", None):
        if f.key == key:
            return f.label_zh.split("（区分")[0]
    return key


def t3_outcome_keys(record: dict) -> list[str]:
    """Outcome rows summed by rule 2: （一）…（六）, sub-rows rather than their parents.

    （六）其他处理 counts as its sub-rows when any is filled, else as the single row
    ``other_total`` (2019 template and collapsed 2021 tables).
    """
    template = record["meta"].get("template")
    keys = [f.key for f in fields_for("T3", template)]
    outcome = [k for k in keys if k.split(".")[0] in
               ("granted", "partially_granted", "denied", "unable", "not_processed")]
    subrows = [k for k in keys if k.startswith("other.")]
    filled = any(get_path(record, f"T3.{k}.{c}") is not None for k in subrows for c in T3_COLUMNS)
    if subrows and filled:
        return outcome + subrows
    return outcome + (["other_total"] if "other_total" in keys else subrows)


def _all_t3_paths(record: dict) -> list[str]:
    template = record["meta"].get("template")
    return [f"T3.{f.key}.{c}" for f in fields_for("T3", template) for c in T3_COLUMNS]


def check_t3_balance(record: dict) -> list[dict]:
    r = rules()["t3_balance"]
    state = _table_state(record, "T3", _all_t3_paths(record) if record["tables"].get("T3") else [])
    if state != "ok":
        return [_check("t3_balance", "not_assessable", [], r[state])]
    out, read, skipped, unread = [], [], [], unread_cells(record)
    for col in T3_COLUMNS:
        paths = [f"T3.{k}.{col}" for k in ("new_received", "carried_over", "total_processed", "carried_forward")]
        new, carried, processed, forward = (get_path(record, p) for p in paths)
        if unread & set(paths):
            skipped.append(_check("t3_balance", "not_assessable", paths,
                                  r["unread"].format(column=T3_COLUMN_LABELS_ZH[col])))
            continue
        read += paths
        left, right = _clean(_n(new) + _n(carried)), _clean(_n(processed) + _n(forward))
        if left != right:
            out.append(_check("t3_balance", "fail", paths, r["fail"].format(
                column=T3_COLUMN_LABELS_ZH[col], new=fmt(new), carried=fmt(carried), left=fmt(left),
                processed=fmt(processed), forward=fmt(forward), right=fmt(right),
                diff=fmt(_clean(abs(left - right))))))
    return _finish("t3_balance", out, skipped, read, r)


def check_t3_outcomes_sum(record: dict) -> list[dict]:
    r = rules()["t3_outcomes_sum"]
    state = _table_state(record, "T3", _all_t3_paths(record) if record["tables"].get("T3") else [])
    if state != "ok":
        return [_check("t3_outcomes_sum", "not_assessable", [], r[state])]
    keys = t3_outcome_keys(record)
    out, read, skipped, unread = [], [], [], unread_cells(record)
    for col in T3_COLUMNS:
        parts = [(k, get_path(record, f"T3.{k}.{col}")) for k in keys]
        total_path = f"T3.total_processed.{col}"
        total = get_path(record, total_path)
        paths = [f"T3.{k}.{col}" for k, _ in parts] + [total_path]
        if unread & set(paths):
            skipped.append(_check("t3_outcomes_sum", "not_assessable", paths,
                                  r["unread"].format(column=T3_COLUMN_LABELS_ZH[col])))
            continue
        read += paths
        s = _clean(sum(_n(v) for _, v in parts))
        if s != _clean(_n(total)):
            shown = "、".join(f"{_label(k)} {fmt(v)}" for k, v in parts if v)
            out.append(_check("t3_outcomes_sum", "fail", paths, r["fail"].format(
                column=T3_COLUMN_LABELS_ZH[col], sum=fmt(s), parts=shown or "均为空或 0",
                total=fmt(total), diff=fmt(_clean(abs(s - _n(total)))))))
    return _finish("t3_outcomes_sum", out, skipped, read, r)


def check_t3_row_sum(record: dict) -> list[dict]:
    r = rules()["t3_row_sum"]
    state = _table_state(record, "T3", _all_t3_paths(record) if record["tables"].get("T3") else [])
    if state != "ok":
        return [_check("t3_row_sum", "not_assessable", [], r[state])]
    template = record["meta"].get("template")
    out, read, skipped, unread = [], [], [], unread_cells(record)
    for f in fields_for("T3", template):
        paths = [f"T3.{f.key}.{c}" for c in T3_COLUMNS]
        values = [get_path(record, p) for p in paths]
        if unread & set(paths):
            skipped.append(_check("t3_row_sum", "not_assessable", paths,
                                  r["unread"].format(row=_label(f.key))))
            continue
        if all(v is None for v in values):
            continue
        read += paths
        *applicants, total = values
        s = _clean(sum(_n(v) for v in applicants))
        if s != _clean(_n(total)):
            shown = "、".join(f"{T3_COLUMN_LABELS_ZH[c]} {fmt(v)}"
                             for c, v in zip(T3_APPLICANT_COLUMNS, applicants) if v)
            out.append(_check("t3_row_sum", "fail", paths, r["fail"].format(
                row=_label(f.key), sum=fmt(s), parts=shown or "均为空或 0", total=fmt(total),
                diff=fmt(_clean(abs(s - _n(total)))))))
    return _finish("t3_row_sum", out, skipped, read, r)


def check_t4_group_sum(record: dict) -> list[dict]:
    r = rules()["t4_group_sum"]
    all_paths = [f"T4.{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS]
    state = _table_state(record, "T4", all_paths if record["tables"].get("T4") else [])
    if state != "ok":
        return [_check("t4_group_sum", "not_assessable", [], r[state])]
    out, read, skipped, unread = [], [], [], unread_cells(record)
    for g in T4_GROUPS:
        paths = [f"T4.{g}.{c}" for c in T4_COLUMNS]
        v = {c: get_path(record, f"T4.{g}.{c}") for c in T4_COLUMNS}
        if unread & set(paths):
            skipped.append(_check("t4_group_sum", "not_assessable", paths,
                                  r["unread"].format(group=T4_GROUP_LABELS_ZH[g])))
            continue
        read += paths
        s = _clean(sum(_n(v[c]) for c in ("upheld", "corrected", "other", "pending")))
        if s != _clean(_n(v["total"])):
            out.append(_check("t4_group_sum", "fail", paths, r["fail"].format(
                group=T4_GROUP_LABELS_ZH[g], upheld=fmt(v["upheld"]), corrected=fmt(v["corrected"]),
                other=fmt(v["other"]), pending=fmt(v["pending"]), sum=fmt(s), total=fmt(v["total"]),
                diff=fmt(_clean(abs(s - _n(v["total"])))))))
    return _finish("t4_group_sum", out, skipped, read, r)


# --------------------------------------------------------------------------- rule 6

def sentences(text: str) -> list[str]:
    """Narrative cut into sentences; line breaks inside a sentence are joined."""
    flat = re.sub(r"\s*\n\s*", "", text)
    return [s for s in re.split(r"[。；;！!？?]", flat) if s.strip()]


def _clause_topic(clause: str, topics: list[dict]) -> dict | None:
    """The topic whose trigger occurs last in the clause ("被申请行政复议" is 行政复议)."""
    best: tuple[int, dict] | None = None
    for topic in topics:
        for m in re.finditer(topic["trigger"], clause):
            if best is None or m.start() >= best[0]:
                best = (m.start(), topic)
    return best[1] if best else None


def quoted_figures(text: str) -> list[dict]:
    """Figures the narrative quotes: [{quote, value, label, alternatives}], in text order.

    A sentence is read clause by clause; a clause without a trigger word continues the
    topic of the clause before it ("行政复议14宗，其中维持6宗…").
    """
    spec = load_yaml("narrative_figures.yml")
    units = spec["units"]
    found: list[dict] = []
    for sentence in sentences(text):
        topic: dict | None = None
        for clause in re.split(r"[，,]", sentence):
            topic = _clause_topic(clause, spec["topics"]) or topic
            if topic is None:
                continue
            for fig in topic["figures"]:
                pattern = fig["pattern"].replace("{units}", units)
                for m in re.finditer(pattern, clause):
                    found.append({"quote": m.group(0).strip(), "value": int(m.group(1)),
                                  "label": fig["label"], "alternatives": fig["alternatives"]})
    return found


def check_narrative(record: dict) -> list[dict]:
    r = rules()["narrative_vs_table"]
    text = "\n".join(record["sections"].get(k, "") for k in record["sections"])
    figures = quoted_figures(text)
    out: list[dict] = []
    unread = unread_cells(record)
    for fig in figures:
        sums: list[tuple[list[str], Number]] = []
        blocked: list[str] = []
        for cells in fig["alternatives"]:
            tables = {c.split(".")[0] for c in cells}
            if any(record["tables"].get(t) is None for t in tables):
                continue
            if unread & set(cells):
                blocked = list(cells)
                continue
            values = [get_path(record, c) for c in cells]
            if all(v is None for v in values):
                continue  # the table says nothing here: not a confident comparison
            sums.append((cells, _clean(sum(_n(v) for v in values))))
        if not sums:
            if blocked:
                out.append(_check("narrative_vs_table", "not_assessable", blocked, r["unread"].format(
                    quote=fig["quote"], label=fig["label"])))
            continue
        agree = next(((cells, s) for cells, s in sums if s == fig["value"]), None)
        if agree:
            out.append(_check("narrative_vs_table", "pass", agree[0], r["pass"].format(
                quote=fig["quote"], label=fig["label"], table=fmt(agree[1]))))
        else:
            cells, s = sums[0]
            out.append(_check("narrative_vs_table", "fail", [c for cs, _ in sums for c in cs],
                              r["fail"].format(quote=fig["quote"], label=fig["label"], table=fmt(s))))
    if not out:
        state = "missing" if all(record["tables"].get(t) is None for t in ("T3", "T4")) else "none"
        out.append(_check("narrative_vs_table", "not_assessable", [], r[state]))
    return out


def run(record: dict) -> None:
    """Append every check to ``record["checks"]`` (deterministic order: by rule)."""
    for check in (check_t3_balance, check_t3_outcomes_sum, check_t3_row_sum, check_t4_group_sum,
                  check_narrative):
        record["checks"].extend(check(record))


def summary(record: dict) -> dict[str, Any]:
    """Counts of checks by status, for indexes and the build report."""
    counts = {"pass": 0, "fail": 0, "not_assessable": 0}
    for c in record["checks"]:
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    return counts

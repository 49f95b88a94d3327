"""The normalized record: the archive's data contract (see REPORT_FORMAT.md).

A record is a plain JSON-able dict, so every stage, the cache and the open-data export
share one shape:

    {"parser_version": "2",
     "status": "ok" | "partial" | "no_tables" | "no_text_layer",
     "meta": {"agency", "agency_kind", "region", "year", "published", "template", "title",
              "added" (date it entered the archive), "note" (from the sidecar),
              "source": {"file", "format", "sha256", "url"},
              "provenance": {"agency": "text" | "sidecar" | "missing", ...}},
     "sections": {"overview", "active", "requests", "appeals", "problems", "other"},
     "tables": {"T2": {...} | None, "T3": {...} | None, "T4": {...} | None},
     "checks": [{"rule", "status", "cells", "message"}],
     "warnings": [{"code", "message", "cells"}]}

Cells are numbers or None (blank in the source).  The field registry ``domain/fields.csv``
lists every cell with its dotted key (relative to its table) and Chinese label.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from . import PARSER_VERSION

DOMAIN_DIR = Path(__file__).parent / "domain"

SECTION_KEYS = ("overview", "active", "requests", "appeals", "problems", "other")
SECTION_TITLES_ZH = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

TEMPLATES = ("2021", "2019")

# T3 columns: 申请人情况 (自然人; 法人或其他组织: 商业企业…其他) and 总计.
T3_COLUMNS = ("natural_person", "commercial", "research", "social_welfare",
              "legal_service", "other_org", "total")
T3_COLUMN_LABELS_ZH = {
    "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
    "social_welfare": "社会公益组织", "legal_service": "法律服务机构", "other_org": "其他",
    "total": "总计",
}
T3_APPLICANT_COLUMNS = T3_COLUMNS[:-1]

# T4: three groups of five cells, in the printed order.
T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
T4_GROUP_LABELS_ZH = {"review": "行政复议", "litigation_direct": "行政诉讼 未经复议直接起诉",
                      "litigation_after_review": "行政诉讼 复议后起诉"}
T4_COLUMN_LABELS_ZH = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果",
                       "pending": "尚未审结", "total": "总计"}


@dataclass(frozen=True)
class Field:
    """One statistical cell of the registry (a row of fields.csv)."""

    table: str          # "T2" | "T3" | "T4"
    key: str            # dotted key inside the table, e.g. "denied.state_secret"
    label_zh: str
    unit: str           # 件, 项 or 万元
    templates: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"{self.table}.{self.key}"


@functools.cache
def fields() -> tuple[Field, ...]:
    """The field registry, in template order."""
    with open(DOMAIN_DIR / "fields.csv", encoding="utf-8", newline="") as fh:
        return tuple(
            Field(r["table"], r["key"], r["label_zh"], r["unit"], tuple(r["templates"].split()))
            for r in csv.DictReader(fh)
        )


def fields_for(table: str, template: str | None) -> tuple[Field, ...]:
    """Registry fields of one table that belong to ``template`` (all templates if None)."""
    return tuple(f for f in fields()
                 if f.table == table and (template is None or template in f.templates))


def t3_row_keys(template: str | None = None) -> tuple[str, ...]:
    """T3 row keys (each holds the seven T3 columns), in printed order."""
    return tuple(f.key for f in fields_for("T3", template))


def _set(tree: dict, dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for p in parents:
        tree = tree.setdefault(p, {})
    tree[leaf] = value


def empty_t2(template: str) -> dict:
    t2: dict = {}
    for f in fields_for("T2", template):
        _set(t2, f.key, None)
    return t2


def empty_t3(template: str) -> dict:
    t3: dict = {}
    for key in t3_row_keys(template):
        _set(t3, key, {c: None for c in T3_COLUMNS})
    return t3


def empty_t4() -> dict:
    return {g: {c: None for c in T4_COLUMNS} for g in T4_GROUPS}


def new_record() -> dict:
    """A record with every key present and nothing known."""
    return {
        "parser_version": PARSER_VERSION,
        "status": "ok",
        "meta": {
            "agency": None, "agency_kind": None, "region": [], "year": None,
            "published": None, "template": None, "title": None,
            "added": None, "note": None,
            "source": {"file": None, "format": None, "sha256": None, "url": None},
            "provenance": {},
        },
        "sections": {k: "" for k in SECTION_KEYS},
        "tables": {"T2": None, "T3": None, "T4": None},
        "checks": [],
        "warnings": [],
    }


def year_of(record: dict) -> int | None:
    """The report year as a number (None when missing or not a number)."""
    year = record["meta"].get("year")
    try:
        return int(year)
    except (TypeError, ValueError):
        return None


def region_of(record: dict) -> tuple[str, ...]:
    """The region path, province first, without empty parts."""
    return tuple(p for p in (record["meta"].get("region") or []) if p)


def get_path(record: dict, path: str) -> Any:
    """Value at a dotted path from the tables down, e.g. ``T3.new_received.total``.

    Returns None for a blank cell and raises KeyError for a path that does not exist.
    """
    node: Any = record["tables"]
    for part in path.split("."):
        if node is None:
            return None
        node = node[part]
    return node


def set_path(record: dict, path: str, value: Any) -> None:
    table, _, rest = path.partition(".")
    if record["tables"].get(table) is None:
        raise KeyError(f"table {table} is not present in this record")
    _set(record["tables"][table], rest, value)


def iter_cells(record: dict) -> Iterator[tuple[str, Any]]:
    """Every (dotted path, value) of the record's tables, in registry order."""
    template = record["meta"].get("template")
    for f in fields():
        table = record["tables"].get(f.table)
        if table is None or (template and template not in f.templates):
            continue
        if f.table == "T3":
            for col in T3_COLUMNS:
                path = f"{f.path}.{col}"
                yield path, get_path(record, path)
        else:
            yield f.path, get_path(record, f.path)


def add_warning(record: dict, code: str, message: str, cells: list[str] | None = None) -> None:
    record["warnings"].append({"code": code, "message": message, "cells": list(cells or [])})

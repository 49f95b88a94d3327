"""Open data: the archive as CSV, JSON and a Frictionless data package.

Files (relative to the site root):

* ``data/archive.csv``   one row per report: metadata, headline figures, every cell
* ``data/cells/<year>.csv``  long form: one row per report per cell (dotted path, label,
  value, unit), one file per report year so no file grows with the whole archive
* ``data/records.json``  every record as the parser made it (plus cross-year context)
* ``data/r/<year>/<slug>.json``  each report's own record (``urls.record_json_path``)
* ``data/datapackage.json``  Frictionless descriptor; column descriptions come from the
  field registry (``record.fields()``), so a new registry field documents itself.

CSV files are UTF-8 with a BOM so that Excel opens Chinese text correctly.  Blank cells
are empty fields (null), never 0.  Output is sorted and has no timestamps.
"""

from __future__ import annotations

import functools
import json
from pathlib import PurePosixPath
from typing import Any, Iterable

import pandas as pd

from . import headline, urls
from .record import T3_COLUMN_LABELS_ZH, T3_COLUMNS, fields, iter_cells

DATA_DIR = "data"
PACKAGE_NAME = "gov-disclosure-annual-reports"

# (column, frictionless type, Chinese description) for the metadata part of archive.csv
META_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("report", "string", "报告页面地址（相对站点根目录）"),
    ("record_json", "string", "该报告 JSON 记录的地址（相对站点根目录）"),
    ("agency", "string", "发布报告的机关"),
    ("agency_kind", "string", "机关类型：government 政府 / department 部门"),
    ("region", "string", "地区路径，省／市／县区，用 / 分隔"),
    ("province", "string", "省级地区"),
    ("city", "string", "市级地区"),
    ("county", "string", "县级地区"),
    ("year", "integer", "报告年度"),
    ("published", "date", "发布日期"),
    ("template", "string", "报告格式模板：2021 或 2019"),
    ("title", "string", "报告标题"),
    ("status", "string", "解析状态：ok / partial / no_tables / no_text_layer"),
    ("source_file", "string", "原始文件名"),
    ("source_format", "string", "原始文件格式"),
    ("source_sha256", "string", "原始文件 SHA-256"),
    ("source_url", "string", "原始发布地址（未知时为空）"),
)
TAIL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("checks_failed", "integer", "未通过的勾稽关系检查项数"),
    ("warnings", "integer", "解析警告条数"),
)
CELL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("report", "string", "报告页面地址（相对站点根目录），与 archive.csv 的 report 列对应"),
    ("year", "integer", "报告年度"),
    ("path", "string", "单元格点分路径，如 T3.new_received.total"),
    ("table", "string", "所在表格：T2 主动公开 / T3 依申请公开 / T4 复议诉讼"),
    ("label", "string", "单元格中文标签"),
    ("value", "number", "数值；空白表示原报告该处为空（不同于 0）"),
    ("unit", "string", "单位：件、项或万元"),
)


def cell_columns() -> list[tuple[str, str, str]]:
    """Every cell of every template as (dotted path, Chinese label, unit), registry order."""
    out = []
    for f in fields():
        if f.table == "T3":
            for col in T3_COLUMNS:
                out.append((f"{f.path}.{col}", f"{f.label_zh}｜{T3_COLUMN_LABELS_ZH[col]}", f.unit))
        else:
            out.append((f.path, f.label_zh, f.unit))
    return out


def _page(record: dict) -> str:
    return urls.report_slug(record) + "/"


def _clean_number(v: Any) -> Any:
    if isinstance(v, float):
        return int(v) if v.is_integer() else round(v, 6)
    return v


def archive_row(record: dict) -> dict[str, Any]:
    meta = record["meta"]
    region = [p for p in (meta.get("region") or []) if p]
    source = meta.get("source") or {}
    row: dict[str, Any] = {
        "report": _page(record),
        "record_json": urls.record_json_path(record),
        "agency": meta.get("agency"),
        "agency_kind": meta.get("agency_kind"),
        "region": "/".join(region) or None,
        "province": region[0] if len(region) > 0 else None,
        "city": region[1] if len(region) > 1 else None,
        "county": region[2] if len(region) > 2 else None,
        "year": meta.get("year"),
        "published": meta.get("published"),
        "template": meta.get("template"),
        "title": meta.get("title"),
        "status": record.get("status"),
        "source_file": PurePosixPath(str(source.get("file"))).name if source.get("file") else None,
        "source_format": source.get("format"),
        "source_sha256": source.get("sha256"),
        "source_url": source.get("url"),
    }
    for key, value in headline.figures(record).items():
        row[key] = _clean_number(value)
    row["checks_failed"] = sum(1 for c in record.get("checks", []) if c.get("status") == "fail")
    row["warnings"] = len(record.get("warnings", []))
    present = dict(iter_cells(record))
    for path, _, _ in cell_columns():
        row[path] = _clean_number(present.get(path))
    return row


def cell_rows(record: dict) -> Iterable[dict[str, Any]]:
    labels = _labels()
    page, year = _page(record), record["meta"].get("year")
    for path, value in iter_cells(record):
        label, unit = labels[path]
        yield {"report": page, "year": year, "path": path, "table": path.split(".")[0],
               "label": label, "value": _clean_number(value), "unit": unit}


@functools.cache
def _labels() -> dict[str, tuple[str, str]]:
    return {p: (label, unit) for p, label, unit in cell_columns()}


def year_name(record: dict) -> str:
    year = record["meta"].get("year")
    return str(year) if isinstance(year, int) else "unknown"


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection); report
# text is untrusted, so such text cells get a leading apostrophe, the usual neutralizer.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    rows = [{k: spreadsheet_safe(v) for k, v in row.items()} for row in rows]
    # object dtype keeps ints as ints and None as an empty field (no 5.0, no NaN)
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return "\ufeff" + frame.to_csv(index=False, lineterminator="\n")


def _sort_key(record: dict) -> tuple:
    meta = record["meta"]
    return (str(meta.get("year") or ""), "/".join(meta.get("region") or []),
            meta.get("agency") or "", urls.report_slug(record))


def archive_columns() -> list[tuple[str, str, str]]:
    figs = [(f.key, "number", f"{f.label_zh}：{f.description_zh}"
             + ("（0–1 之间的比例）" if f.kind == "rate" else "（件）")) for f in headline.FIGURES]
    cells = [(path, "number", f"{label}（单位：{unit}）") for path, label, unit in cell_columns()]
    return list(META_COLUMNS) + figs + list(TAIL_COLUMNS) + cells


def datapackage(years: Iterable[str] = ()) -> dict[str, Any]:
    def schema(cols: Iterable[tuple[str, str, str]]) -> dict:
        return {"fields": [{"name": n, "type": t, "description": d} for n, t, d in cols],
                "missingValues": [""]}

    return {
        "name": PACKAGE_NAME,
        "title": "政府信息公开工作年度报告 结构化数据",
        "description": "各级行政机关政府信息公开工作年度报告中的统计表格（主动公开、依申请公开、"
                       "行政复议与行政诉讼）及由其计算的主要指标。空白表示原报告该处为空。",
        "resources": [
            {"name": "archive", "path": "archive.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "description": "每份报告一行", "schema": schema(archive_columns())},
        ] + [
            {"name": f"cells-{y}", "path": f"cells/{y}.csv", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8-sig",
             "description": f"{y}年度报告：每份报告每个单元格一行", "schema": schema(CELL_COLUMNS)}
            for y in years
        ],
    }


def _json(obj: Any, indent: int | None = 1) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=indent) + "\n"


def files(records: list[dict]) -> list[tuple[str, str]]:
    """Every open-data file as (path relative to the docs folder, text), sorted by path."""
    records = sorted(records, key=_sort_key)
    by_year: dict[str, list[dict]] = {}
    for r in records:
        by_year.setdefault(year_name(r), []).append(r)
    years = sorted(by_year)
    out = [
        (f"{DATA_DIR}/archive.csv",
         _csv([archive_row(r) for r in records], [c for c, _, _ in archive_columns()])),
        (f"{DATA_DIR}/records.json", _json(records, indent=None)),
        (f"{DATA_DIR}/datapackage.json", _json(datapackage(years))),
    ]
    # the long table grows with reports x ~200 cells: one file per year keeps each bounded
    out += [(f"{DATA_DIR}/cells/{y}.csv",
             _csv([row for r in by_year[y] for row in cell_rows(r)], [c for c, _, _ in CELL_COLUMNS]))
            for y in years]
    seen: set[str] = set()
    for r in records:
        # the same file filed twice has one address; its first copy is published
        path = urls.record_json_path(r)
        if path not in seen:
            seen.add(path)
            out.append((path, _json(r)))
    return sorted(out)

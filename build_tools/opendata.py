"""Open data: the archive as CSV, JSON and a Frictionless data package.

Files (relative to the site root):

* ``data/archive.csv``   one row per report: metadata, headline figures, every cell as a
  column — the whole archive in one spreadsheet
* ``data/cells/<year>.csv.gz``  long form: one row per report per cell (dotted path, label,
  value, unit), one gzip'd file per report year so no file grows with the whole archive
* ``data/records.jsonl.gz``  every record as the parser made it (plus cross-year context),
  one minified JSON object per line
* ``data/r/<year>/<slug>.json``  each report's own record, minified (``urls.record_json_path``)
* ``data/datapackage.json``  Frictionless descriptor; column descriptions come from the
  field registry (``record.fields()``), so a new registry field documents itself.

The long table and the records repeat the same text for every report (labels, units, the
cells of each check), so they are published gzip'd: a tenth of their size or less, and
pandas, R and Frictionless read ``.gz`` directly.  The per-report JSON stays plain because
a report page links to it for reading in the browser.

CSV files are UTF-8 with a BOM so that Excel opens Chinese text correctly, with CRLF line
ends (RFC 4180), so a text field holding a lone carriage return is quoted, not split.
Blank cells are empty fields (null), never 0.  Output is sorted and has no timestamps; gzip
members carry no file name and mtime 0, so the same records give the same bytes.

Each gzip file is a series of gzip members, one per group of reports of the same year and
province (RFC 1952: readers such as Python's gzip, pandas, R and gunzip read the members'
texts as one): a rebuild after one report was added compresses its group again and
reuses the others' members from ``PartsCache``.
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterable, Sequence
from urllib.parse import quote

from . import headline, urls
from .cache import KeyedEntries, source_digest
from .docs_tree import write_whole
from .record import T3_COLUMN_LABELS_ZH, T3_COLUMNS, fields, region_of
from .render.escape import text as esc

DATA_DIR = "data"
PACKAGE_NAME = "gov-disclosure-annual-reports"
ARCHIVE_CSV = "archive.csv"
RECORDS_FILE = "records.jsonl.gz"
DATAPACKAGE = "datapackage.json"
# Level 6 (zlib's default) is within a few per cent of 9 on this highly repetitive text
# and several times faster; open data is regenerated on every build.
GZIP_LEVEL = 6

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


def archive_row(record: dict, cells: list[tuple[str, Any]] | None = None) -> dict[str, Any]:
    """One archive.csv row; ``cells`` is ``list(iter_cells(record))`` when already known."""
    meta = record["meta"]
    region = region_of(record)
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
    present = dict(record_cells(record) if cells is None else cells)
    for path in _cell_paths():
        row[path] = _clean_number(present.get(path))
    return row


def _cell_tuples(record: dict, cells: list[tuple[str, Any]]) -> list[tuple]:
    """The record's rows of the long table, in ``CELL_COLUMNS`` order."""
    labels = _labels()
    page, year = _page(record), record["meta"].get("year")
    out = []
    for path, value in cells:
        table, label, unit = labels[path]
        out.append((page, year, path, table, label, _clean_number(value), unit))
    return out


@functools.cache
def _cell_plan(template: str | None) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """(table, key parts, T3 columns or ()) per registry field of ``template``: what
    ``iter_cells`` walks, resolved once rather than for each of ~200 cells of each report."""
    return tuple((f.table, tuple(f.key.split(".")), T3_COLUMNS if f.table == "T3" else ())
                 for f in fields() if not template or template in f.templates)


def record_cells(record: dict) -> list[tuple[str, Any]]:
    """``list(iter_cells(record))``, walking each T3 row once instead of once per column."""
    tables = record["tables"]
    out: list[tuple[str, Any]] = []
    for table, parts, columns in _cell_plan(record["meta"].get("template")):
        node = tables.get(table)
        if node is None:
            continue
        for part in parts:
            node = None if node is None else node[part]
        prefix = f"{table}.{'.'.join(parts)}"
        if columns:
            out.extend((f"{prefix}.{c}", None if node is None else node[c]) for c in columns)
        else:
            out.append((prefix, node))
    return out


@functools.cache
def _labels() -> dict[str, tuple[str, str, str]]:
    return {p: (p.split(".")[0], label, unit) for p, label, unit in cell_columns()}


@functools.cache
def _cell_paths() -> tuple[str, ...]:
    return tuple(p for p, _, _ in cell_columns())


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


def _csv_header(columns: Sequence[str]) -> str:
    """A CSV file's first line, with the BOM that makes Excel read UTF-8."""
    return "\ufeff" + _csv_rows([columns], report_text=False)


def _csv_rows(rows: Iterable[Sequence[Any]], report_text: bool = True) -> str:
    """CSV lines: None is an empty field, ints stay ints (no 5.0, no NaN).

    ``report_text`` False promises that no text field comes from a report (the long table:
    registry labels and page addresses only), which skips the formula guard per field.
    """
    buf = io.StringIO()
    # CRLF ends make the writer quote a field holding a lone "\r" too ("\n" alone does not)
    writer = csv.writer(buf, lineterminator="\r\n")
    if report_text:
        rows = ([spreadsheet_safe(v) for v in row] for row in rows)
    writer.writerows(rows)
    return buf.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: mtime 0 and no file name in the header."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def archive_columns() -> list[tuple[str, str, str]]:
    figs = [(f.key, "number", f"{f.label_zh}：{f.description_zh}"
             + ("（0–1 之间的比例）" if f.kind == "rate" else "（件）")) for f in headline.FIGURES]
    cells = [(path, "number", f"{label}（单位：{unit}）") for path, label, unit in cell_columns()]
    return list(META_COLUMNS) + figs + list(TAIL_COLUMNS) + cells


def cells_file(year: str) -> str:
    """The long table of one report year, relative to the data folder."""
    return f"cells/{year}.csv.gz"


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
            {"name": "archive", "path": ARCHIVE_CSV, "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "description": "每份报告一行", "schema": schema(archive_columns())},
        ] + [
            {"name": f"cells-{y}", "path": cells_file(y), "format": "csv", "compression": "gz",
             "mediatype": "text/csv", "encoding": "utf-8-sig",
             "description": f"{y}年度报告：每份报告每个单元格一行（gzip 压缩）",
             "schema": schema(CELL_COLUMNS)}
            for y in years
        ] + [
            # nested JSON is no table: published as a plain file resource
            {"name": "records", "path": RECORDS_FILE, "type": "file", "format": "jsonl",
             "compression": "gz", "mediatype": "application/jsonl", "encoding": "utf-8",
             "description": "全部报告的完整结构化记录：每行一份报告的 JSON（JSON Lines，gzip 压缩），"
                            "字段见 REPORT_FORMAT 的记录说明"},
        ],
    }


def _json(obj: Any, indent: int | None = 1) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=indent) + "\n"


def _minified(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# What the parts of a group are made with: this module and everything it imports (the
# cache and readers modules only for the cache itself and a file hash, but a key that
# changes too often costs one regeneration, one that changes too rarely publishes stale
# rows).  A change to any of them changes ``parts_digest`` and so every key of the parts
# cache; tests/test_cache.py makes a group's parts under an audit hook and fails if they
# read a module or domain table of the package that is not listed here.
PARTS_SOURCES = ("__init__.py", "opendata.py", "headline.py", "urls.py", "record.py", "domain",
                 "render/__init__.py", "render/escape.py", "cache.py", "docs_tree.py",
                 "readers/__init__.py", "document.py", "errors.py")


@functools.cache
def parts_digest() -> str:
    return source_digest(PARTS_SOURCES)


@dataclass(frozen=True)
class GroupParts:
    """What one group of records (same report year and province, consecutive in the
    published order) adds to the open-data files.  The gzip parts are whole gzip members:
    a file made of several members reads as their texts one after the other (RFC 1952),
    so a file can be assembled from the parts of its groups without compressing again."""

    archive_rows: str       # archive.csv rows, CRLF-terminated, no header
    cells_gz: bytes         # a gzip member: the long table's rows, no header
    records_gz: bytes       # a gzip member: one minified JSON record per line


def group_parts(records: list[dict], lines: list[str]) -> GroupParts:
    """The open-data parts of records that are already in published order; ``lines`` are
    their minified JSON texts."""
    cells = [record_cells(r) for r in records]
    columns = [c for c, _, _ in archive_columns()]
    rows = [archive_row(r, c) for r, c in zip(records, cells)]
    long_rows = [t for r, c in zip(records, cells) for t in _cell_tuples(r, c)]
    return GroupParts(
        archive_rows=_csv_rows([[row[c] for c in columns] for row in rows]),
        cells_gz=gzip_bytes(_csv_rows(long_rows, report_text=False).encode("utf-8")),
        records_gz=gzip_bytes("".join(x + "\n" for x in lines).encode("utf-8")))


class PartsCache(KeyedEntries):
    """Parts of record groups by the digest of their records and of the code that makes
    them: adding one report recomputes the parts of its own group only (at 10,000
    reports, open data went from 12 s to ~1 s of an add-one rebuild).  An entry is a
    folder of three files; entries not used by a build are pruned at its end."""

    def get(self, key: str) -> GroupParts | None:
        self.keep(key)
        base = self.path(key)
        try:
            head = json.loads((base / "archive.json").read_text(encoding="utf-8"))
            return GroupParts(head["archive_rows"], (base / "cells.gz").read_bytes(),
                              (base / "records.gz").read_bytes())
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, parts: GroupParts) -> None:
        self.keep(key)
        base = self.path(key)
        # the archive rows last: an entry missing any file is a miss, never half a hit
        for name, data in (("cells.gz", parts.cells_gz), ("records.gz", parts.records_gz),
                           ("archive.json", json.dumps({"archive_rows": parts.archive_rows},
                                                       ensure_ascii=False).encode("utf-8"))):
            write_whole(base / name, data)


def _group_key(year: str, province: str, lines: list[str]) -> str:
    h = hashlib.sha256(f"{parts_digest()}\x1f{year}\x1f{province}\x1f".encode("utf-8"))
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _groups(records: list[dict]) -> list[tuple[str, str, list[int]]]:
    """(year, province, indexes) of the runs of consecutive records (in published order)
    sharing report year and province."""
    out: list[tuple[str, str, list[int]]] = []
    for i, r in enumerate(records):
        year, province = year_name(r), (region_of(r) or ("",))[0]
        if out and out[-1][0] == year and out[-1][1] == province:
            out[-1][2].append(i)
        else:
            out.append((year, province, [i]))
    return out


def files(records: list[dict], cache: PartsCache | None = None) -> list[tuple[str, str | bytes]]:
    """Every open-data file as (path relative to the docs folder, text or gzip bytes),
    sorted by path.  With a ``cache``, the parts of record groups that did not change are
    reused (same bytes as without)."""
    records = sorted(records, key=urls.report_order)
    lines = [_minified(r) for r in records]
    archive: list[str] = []
    records_gz: list[bytes] = []
    cells_by_year: dict[str, list[bytes]] = {}
    for year, province, members in _groups(records):
        group_lines = [lines[i] for i in members]
        key = _group_key(year, province, group_lines) if cache is not None else ""
        parts = cache.get(key) if cache is not None else None
        if parts is None:
            parts = group_parts([records[i] for i in members], group_lines)
            if cache is not None:
                cache.put(key, parts)
        archive.append(parts.archive_rows)
        records_gz.append(parts.records_gz)
        cells_by_year.setdefault(year, []).append(parts.cells_gz)
    years = sorted(cells_by_year)
    cells_header = gzip_bytes(_csv_header([c for c, _, _ in CELL_COLUMNS]).encode("utf-8"))
    out: list[tuple[str, str | bytes]] = [
        (f"{DATA_DIR}/{ARCHIVE_CSV}",
         _csv_header([c for c, _, _ in archive_columns()]) + "".join(archive)),
        (f"{DATA_DIR}/{RECORDS_FILE}", b"".join(records_gz) if records_gz else gzip_bytes(b"")),
        (f"{DATA_DIR}/{DATAPACKAGE}", _json(datapackage(years))),
    ]
    # the long table grows with reports x ~200 cells: one file per year keeps each bounded
    out += [(f"{DATA_DIR}/{cells_file(y)}", cells_header + b"".join(cells_by_year[y]))
            for y in years]
    seen: set[str] = set()
    for r, line in zip(records, lines):
        # the same file filed twice has one address; its first copy is published
        path = urls.record_json_path(r)
        if path not in seen:
            seen.add(path)
            out.append((path, line + "\n"))
    return sorted(out)


# ----------------------------------------------------------------------------- the page
def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{max(1, round(n / 1000))} KB"


def data_page_markdown(records: list[dict], data_files: list[tuple[str, str | bytes]]) -> str:
    """The open-data page (``data/index.md``): every download with its size, and how to
    read the gzip'd ones.  ``data_files`` is what ``files(records)`` returned."""
    sizes = {rel[len(DATA_DIR) + 1:]: len(c if isinstance(c, bytes) else c.encode("utf-8"))
             for rel, c in data_files}
    years = sorted({year_name(r) for r in records})

    def item(name: str, text: str) -> str:
        size = f"（{_size(sizes[name])}）" if name in sizes else ""
        return f'<li><a href="{quote(name)}">{esc(name)}</a>{size}：{text}</li>'

    lines = ["# 开放数据", "",
             f"档案中全部 {len(records)} 份报告的数据均可下载。空白单元格表示原报告该处为空，"
             "与 0 不同。金额单位为万元。", "", "<ul>",
             item(ARCHIVE_CSV, "每份报告一行：元数据、主要指标、表格每个单元格各一列"
                               "（UTF-8，带 BOM，可直接用 Excel 打开）。"),
             item(RECORDS_FILE, "全部报告的完整结构化记录，每行一份报告的 JSON（JSON Lines，gzip 压缩）。"),
             item(DATAPACKAGE, "Frictionless 数据包说明：各文件、各列的含义与单位。"),
             "</ul>", "",
             "单元格长表（每份报告每个单元格一行：点分路径、中文标签、数值、单位），"
             "按报告年度分文件，gzip 压缩：", "", "<ul>"]
    lines += [item(cells_file(y), f"{esc(y)} 年度") for y in years]
    lines += ["</ul>", "",
              "以 <code>.gz</code> 结尾的文件是 gzip 压缩文件：可用 7-Zip 等常见解压工具解开后用 Excel "
              "打开，也可直接读取，例如 Python：<code>pandas.read_csv(\"cells/2021.csv.gz\")</code>、"
              "<code>pandas.read_json(\"records.jsonl.gz\", lines=True)</code>；"
              "R：<code>read.csv(\"cells/2021.csv.gz\", fileEncoding = \"UTF-8-BOM\")</code>。", "",
              "每份报告页面另附该报告自己的 JSON 记录。", ""]
    return "\n".join(lines)

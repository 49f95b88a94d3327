"""Comparison pages: regions, years, agencies, data quality, open data.

Every page is made from the records alone: a region, body or year that appears in the
records appears in every index with no code change.  Pages are Markdown with our own HTML
blocks for tables and chart containers (report text always through ``render.escape``);
links between generated pages are relative to the page's own directory, because the site
uses ``use_directory_urls`` and may be served from any sub-path.
"""

from __future__ import annotations

import json
import posixpath
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence
from urllib.parse import quote

from pyecharts import options as opts
from pyecharts.charts import Bar, Line

from . import crossyear, domain, headline, opendata, urls
from .crossyear import year_of
from .record import T3_COLUMN_LABELS_ZH, fields
from .render.escape import text as esc

__all__ = ["enrich", "write_indexes", "region_paths", "cell_label"]

enrich = crossyear.enrich

KIND_LABELS_ZH = {"government": "政府", "department": "部门"}

def rule_label(rule: str) -> str:
    number, title = domain.rule_titles().get(rule, (99, rule))
    return f"规则{number} {title}" if number != 99 else title


COUNT_KEYS = ("requests_received", "requests_handled", "review_total", "litigation_total")
TABLE_FIGURES = ("requests_received", "requests_handled", "disclosure_rate",
                 "review_total", "litigation_total", "review_corrected_rate")
TOP_N = 20


# ----------------------------------------------------------------------------- addresses

def href(from_dir: str, to: str, is_page: bool = True) -> str:
    """Relative URL from the page served at ``from_dir/`` to a page dir or a file."""
    rel = posixpath.relpath(to, from_dir or ".")
    if is_page:
        rel = "./" if rel == "." else rel + "/"
    return quote(rel, safe="/.-_~")


def _page_file(page_dir: str) -> str:
    return f"{page_dir}/index.md"


# ----------------------------------------------------------------------------- records

# Figures of each record, computed once per write_indexes run: every page that lists a
# report shows the same figures, and a large archive lists each report on many pages.
_FIGURES: dict[int, dict[str, Any]] = {}


def _figures(record: dict) -> dict[str, Any]:
    got = _FIGURES.get(id(record))
    if got is None:
        got = _FIGURES[id(record)] = headline.figures(record)
    return got


def region_of(record: dict) -> tuple[str, ...]:
    return tuple(p for p in (record["meta"].get("region") or []) if p)


def region_paths(records: Iterable[dict]) -> list[tuple[str, ...]]:
    """Every region and each of its ancestors that holds at least one report, sorted."""
    out: set[tuple[str, ...]] = set()
    for r in records:
        reg = region_of(r)
        for i in range(1, len(reg) + 1):
            out.add(reg[:i])
    return sorted(out)


def _sort_key(record: dict) -> tuple:
    return (year_of(record) or 0, region_of(record), record["meta"].get("agency") or "",
            urls.report_slug(record))


def cell_label(path: str) -> str:
    """Chinese label of a dotted cell path from the field registry (path itself if unknown)."""
    table, _, rest = path.partition(".")
    by_path = {f.path: f.label_zh for f in fields()}
    if path in by_path:
        return by_path[path]
    if table == "T3":
        row, _, col = rest.rpartition(".")
        if f"T3.{row}" in by_path and col in T3_COLUMN_LABELS_ZH:
            return f"{by_path['T3.' + row]}｜{T3_COLUMN_LABELS_ZH[col]}"
    return path


def failing_checks(record: dict) -> list[dict]:
    return [c for c in record.get("checks", []) if c.get("status") == "fail"]


# ----------------------------------------------------------------------------- aggregates

def aggregate(records: Sequence[dict]) -> dict[str, Any]:
    """Totals over reports (blank cells skipped) and pooled rates, e.g. for one region-year."""
    figs = [_figures(r) for r in records]
    out: dict[str, Any] = {"reports": len(records)}
    for key in COUNT_KEYS:
        vals = [f[key] for f in figs if f[key] is not None]
        out[key] = sum(vals) if vals else None
    pairs = [(f["disclosure_rate"], f["requests_handled"]) for f in figs
             if f["disclosure_rate"] is not None and f["requests_handled"]]
    handled = sum(h for _, h in pairs)
    out["disclosure_rate"] = sum(rate * h for rate, h in pairs) / handled if handled else None
    out["review_corrected_rate"] = headline.pooled_corrected_rate(records, ("review",))
    out["failing_checks"] = sum(len(failing_checks(r)) for r in records)
    return out


# ----------------------------------------------------------------------------- HTML pieces

@dataclass(frozen=True)
class Column:
    label: str          # fixed Chinese text written by us (not escaped again)
    numeric: bool = False


Cell = tuple[str, Any]   # (inner HTML, sort value or None)


def number_cell(key: str, value: Any) -> Cell:
    return (headline.format_value(key, value), value)


def link_html(url: str, label: str) -> str:
    return f'<a href="{url}">{esc(label)}</a>'


def table_html(columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
               caption: str | None = None, sortable: bool = True) -> str:
    """A table in its own horizontally scrolling box, sortable by tablesort when asked.

    Numeric columns carry the raw value in ``data-sort`` so 12.5% sorts as a number and a
    blank cell sorts below every real value.
    """
    number_attr = ' data-sort-method="number" style="text-align:right"'
    head = "".join(f'<th{number_attr if c.numeric else ""}>{c.label}</th>' for c in columns)
    body_rows = []
    for row in rows:
        tds = []
        for col, (inner, value) in zip(columns, row):
            if col.numeric:
                sort = "-1" if value is None else repr(float(value))
                tds.append(f'<td data-sort="{sort}" style="text-align:right">{inner}</td>')
            else:
                tds.append(f"<td>{inner}</td>")
        body_rows.append("<tr>" + "".join(tds) + "</tr>")
    # No class on the table, so Material styles it like its own tables (and wraps it in its
    # scrolling box); tables.js finds the sortable ones by their data attribute.
    marker = ' data-archive-sortable="true"' if sortable else ""
    cap = f"<caption>{caption}</caption>" if caption else ""
    return ('<div class="archive-index-table" style="overflow-x:auto;max-width:100%">\n'
            f'<table{marker} style="white-space:nowrap">{cap}<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(body_rows) + "\n</tbody></table>\n</div>")


def chart_html(json_name: str, alt: str) -> str:
    return (f'<div class="archive-chart" data-src="{quote(json_name)}" role="img" '
            f'aria-label="{esc(alt)}" style="width:100%;height:360px"></div>')


def figure_columns() -> list[Column]:
    return [Column(headline.FIGURE_BY_KEY[k].label_zh, numeric=True) for k in TABLE_FIGURES]


def figure_cells(figs: dict[str, Any]) -> list[Cell]:
    return [number_cell(k, figs.get(k)) for k in TABLE_FIGURES]


def kind_label(record: dict) -> str:
    return KIND_LABELS_ZH.get(record["meta"].get("agency_kind") or "", "未注明")


# ----------------------------------------------------------------------------- charts

def _chart_json(chart: Any) -> str:
    options = json.loads(chart.dump_options())
    # Tooltips drawn in the canvas, not as HTML, so names from reports are never markup.
    for tooltip in (options.get("tooltip"),):
        if isinstance(tooltip, dict):
            tooltip["renderMode"] = "richText"
    return json.dumps(options, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def trend_chart(by_year: dict[int, dict[str, Any]], title: str) -> str:
    years = sorted(by_year)
    line = Line().add_xaxis([str(y) for y in years])
    for key in COUNT_KEYS:
        line.add_yaxis(headline.FIGURE_BY_KEY[key].label_zh,
                       [by_year[y][key] for y in years], is_connect_nones=False)
    # values are in the table beside the chart; labels on every point would overlap
    line.set_series_opts(label_opts=opts.LabelOpts(is_show=False))
    line.set_global_opts(title_opts=opts.TitleOpts(title=title),
                         tooltip_opts=opts.TooltipOpts(trigger="axis"),
                         legend_opts=opts.LegendOpts(pos_bottom="0", type_="scroll"),
                         yaxis_opts=opts.AxisOpts(type_="value", name="件", min_interval=1))
    return _chart_json(line)


def ranking_chart(names: list[str], values: list[Any], title: str) -> str:
    # largest at the top of a horizontal bar chart: ECharts draws category 0 at the bottom
    bar = (Bar().add_xaxis(list(reversed(names)))
           .add_yaxis(headline.FIGURE_BY_KEY["requests_received"].label_zh,
                      list(reversed(values)))
           .reversal_axis()
           .set_series_opts(label_opts=opts.LabelOpts(position="right"))
           .set_global_opts(title_opts=opts.TitleOpts(title=title),
                            tooltip_opts=opts.TooltipOpts(trigger="axis"),
                            legend_opts=opts.LegendOpts(is_show=False)))
    options = json.loads(_chart_json(bar))
    # long Chinese names: cut in the axis (full names are in the table beside the chart)
    for axis in options.get("yAxis", []):
        axis.setdefault("axisLabel", {}).update(width=110, overflow="truncate")
    for axis in options.get("xAxis", []):
        axis["minInterval"] = 1  # whole numbers of requests
    options["grid"] = [{"left": 120, "right": 50, "top": 50, "bottom": 30}]
    return json.dumps(options, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# ----------------------------------------------------------------------------- writer

class _Writer:
    """Collects (path, text) pairs relative to the docs folder, written in sorted order."""

    def __init__(self, docs_dir: Path) -> None:
        self.docs_dir = docs_dir
        self.files: dict[str, str] = {}

    def add(self, rel: str, text: str) -> None:
        if rel in self.files:
            # two names folded to one safe address (urls.safe_name): keep the first page
            # rather than fail the whole build, and say so in the build log
            print(f"warning: two generated pages share the address {rel}; kept the first",
                  file=sys.stderr)
            return
        self.files[rel] = text

    def flush(self) -> None:
        root = self.docs_dir.resolve()
        for rel in sorted(self.files):
            target = (root / rel).resolve()
            if root not in target.parents:
                raise ValueError(f"refusing to write outside the docs folder: {rel}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.files[rel], encoding="utf-8", newline="\n")


def _by_year(records: Iterable[dict]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    for r in records:
        y = year_of(r)
        if y is not None:
            out[y].append(r)
    return dict(sorted(out.items()))


def _year_totals_table(page_dir: str, by_year: dict[int, list[dict]],
                       link_years: bool, caption: str) -> str:
    cols = [Column("年度"), Column("报告数", True)] + [
        Column(headline.FIGURE_BY_KEY[k].label_zh + ("（合计）" if k in COUNT_KEYS else "（总体）"),
               True) for k in TABLE_FIGURES] + [Column("未通过的检查", True)]
    rows = []
    for y, recs in by_year.items():
        agg = aggregate(recs)
        label = (link_html(href(page_dir, urls.year_slug(y)), f"{y}年") if link_years
                 else esc(f"{y}年"))
        rows.append([(label, None), number_cell("requests_received", agg["reports"])]
                    + [number_cell(k, agg[k]) for k in TABLE_FIGURES]
                    + [number_cell("requests_received", agg["failing_checks"])])
    return table_html(cols, rows, caption=caption)


def _reports_table(page_dir: str, records: Sequence[dict], base_region: tuple[str, ...],
                   show_year: bool = True, show_region: bool = True,
                   show_agency: bool = True) -> str:
    cols = [Column("机关"), Column("类型")] if show_agency else []
    if show_region:
        cols.append(Column("地区"))
    if show_year:
        cols.append(Column("年度", True))
    cols += figure_columns() + [Column("未通过的检查", True), Column("报告")]
    rows = []
    for r in sorted(records, key=_sort_key):
        meta = r["meta"]
        row: list[Cell] = [
            (link_html(href(page_dir, urls.agency_slug(r)), meta.get("agency") or "（未注明机关）"),
             None),
            (kind_label(r), None)] if show_agency else []
        if show_region:
            below = region_of(r)[len(base_region):] if region_of(r)[:len(base_region)] == base_region \
                else region_of(r)
            row.append((esc("／".join(below)) if below else "本级", None))
        if show_year:
            row.append((esc(year_of(r) or ""), year_of(r)))
        row += figure_cells(_figures(r))
        row.append(number_cell("requests_received", len(failing_checks(r))))
        row.append((f'<a href="{href(page_dir, urls.report_slug(r))}">查看</a>', None))
        rows.append(row)
    return table_html(cols, rows)


def _breadcrumb(page_dir: str, region: tuple[str, ...]) -> str:
    parts = [link_html(href(page_dir, urls.region_slug(())), "全部地区")]
    for i in range(1, len(region)):
        parts.append(link_html(href(page_dir, urls.region_slug(region[:i])), region[i - 1]))
    parts.append(esc(region[-1]))
    return '<p class="archive-breadcrumb">' + " › ".join(parts) + "</p>"


def region_page(region: tuple[str, ...], records: list[dict],
                children: list[tuple[str, ...]], w: _Writer) -> None:
    page_dir = urls.region_slug(region)
    under = [r for r in records if region_of(r)[:len(region)] == region]
    name = region[-1] if region else "全部地区"
    lines = [f"# {esc(name) if region else '地区'}", ""]
    if region:
        lines += [_breadcrumb(page_dir, region), ""]
    n_bodies = len({urls.agency_key(r) for r in under})
    lines += [f"本地区共收录 {len(under)} 份年度报告，来自 {n_bodies} 个机关"
              f"（含下级地区；部门报告列在其所属政府的地区之下）。", ""]
    by_year = _by_year(under)
    if children:
        lines += ["## 下级地区", ""]
        cols = [Column("地区"), Column("年度", True), Column("报告数", True)] + [
            Column(headline.FIGURE_BY_KEY[k].label_zh, True) for k in TABLE_FIGURES]
        rows = []
        for child in children:
            child_recs = [r for r in under if region_of(r)[:len(child)] == child]
            for y, recs in _by_year(child_recs).items():
                agg = aggregate(recs)
                rows.append([(link_html(href(page_dir, urls.region_slug(child)), child[-1]), None),
                             (str(y), y), number_cell("requests_received", agg["reports"])]
                            + [number_cell(k, agg[k]) for k in TABLE_FIGURES])
        lines += [table_html(cols, rows), ""]
    if by_year:
        lines += ["## 历年趋势", "",
                  chart_html("trend.json", f"{name}历年申请、复议、诉讼数量趋势图，数据见下表"), "",
                  _year_totals_table(page_dir, by_year, link_years=False,
                                     caption="图表数据：各年度合计（计数为合计，比率为总体比率）"), ""]
        w.add(f"{page_dir}/trend.json", trend_chart(
            {y: aggregate(rs) for y, rs in by_year.items()}, f"{name} 历年趋势"))
    if region:
        lines += ["## 各机关历年主要数据", "",
                  "点击表头可排序。公开率＝（予以公开＋部分公开）÷办理结果总计；"
                  "复议纠错率＝结果纠正÷（总计−尚未审结）。", "",
                  _reports_table(page_dir, under, region), ""]
    else:
        unknown = [r for r in records if not region_of(r)]
        if unknown:
            lines += ["## 地区未知的报告", "", _reports_table(page_dir, unknown, ()), ""]
    w.add(_page_file(page_dir), "\n".join(lines))


def year_pages(records: list[dict], w: _Writer) -> None:
    by_year = _by_year(records)
    page_dir = "years"
    lines = ["# 年度", "",
             f"共 {len(records)} 份报告，覆盖 {len(by_year)} 个年度。下表为全档案各年度合计。", ""]
    if by_year:
        lines += [chart_html("trend.json", "各年度全档案申请、复议、诉讼数量趋势图，数据见下表"), "",
                  _year_totals_table(page_dir, by_year, link_years=True,
                                     caption="各年度合计（计数为合计，比率为总体比率）"), ""]
        w.add(f"{page_dir}/trend.json", trend_chart(
            {y: aggregate(rs) for y, rs in by_year.items()}, "全档案历年趋势"))
    w.add(_page_file(page_dir), "\n".join(lines))
    for y, recs in by_year.items():
        ydir = urls.year_slug(y)
        ranked = sorted((r for r in recs if _figures(r)["requests_received"] is not None),
                        key=lambda r: (-_figures(r)["requests_received"], _sort_key(r)))
        top = ranked[:TOP_N]
        ylines = [f"# {y}年度报告", "",
                  f'<p><a href="{href(ydir, "years")}">全部年度</a></p>', "",
                  f"本年度共 {len(recs)} 份报告。", ""]
        if top:
            names = [r["meta"].get("agency") or "（未注明机关）" for r in top]
            vals = [_figures(r)["requests_received"] for r in top]
            ylines += [f"## 本年新收申请最多的机关（前 {len(top)} 名）", "",
                       chart_html("ranking.json", f"{y}年各机关本年新收申请数量排名，数据见下表"), "",
                       table_html([Column("名次", True), Column("机关"), Column("本年新收申请", True)],
                                  [[(str(i + 1), i + 1), (esc(n), None),
                                    number_cell("requests_received", v)]
                                   for i, (n, v) in enumerate(zip(names, vals))],
                                  caption="图表数据", sortable=False), ""]
            w.add(f"{ydir}/ranking.json", ranking_chart(names, vals, f"{y}年 本年新收申请排名"))
        ylines += ["## 全部报告", "", "点击表头可排序。", "",
                   _reports_table(ydir, recs, (), show_year=False), ""]
        w.add(_page_file(ydir), "\n".join(ylines))


def agency_pages(records: list[dict], w: _Writer) -> None:
    chains = crossyear.chains(records)
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_key[urls.agency_key(r)].append(r)
    rows = []
    for key in sorted(by_key):
        recs = sorted(by_key[key], key=_sort_key)
        first = recs[0]
        page_dir = urls.agency_slug(first)
        years = sorted({y for y in (year_of(r) for r in recs) if y is not None})
        latest = _figures(recs[-1])
        rows.append([(link_html(href("agencies", page_dir), first["meta"].get("agency") or "（未注明机关）"),
                      None),
                     (kind_label(first), None),
                     (esc("／".join(region_of(first))) or "未知", None),
                     (esc("、".join(str(y) for y in years)), len(years)),
                     number_cell("requests_received", latest["requests_received"])])
        _agency_page(page_dir, recs, chains.get(key, []), w)
    lines = ["# 机关", "", f"共 {len(by_key)} 个机关。点击表头可排序。", "",
             table_html([Column("机关"), Column("类型"), Column("地区"), Column("年度"),
                         Column("最近一年本年新收申请", True)], rows), ""]
    w.add(_page_file("agencies"), "\n".join(lines))


def _agency_page(page_dir: str, recs: list[dict], chain: list[dict], w: _Writer) -> None:
    first = recs[0]
    name = first["meta"].get("agency") or "（未注明机关）"
    region = region_of(first)
    lines = [f"# {esc(name)}", ""]
    where = (link_html(href(page_dir, urls.region_slug(region)), "／".join(region))
             if region else "地区未知")
    lines += [f'<p>地区：{where}；类型：{esc(kind_label(first))}；'
              f'<a href="{href(page_dir, "agencies")}">全部机关</a></p>', ""]
    lines += ["## 历年主要数据", "", _reports_table(page_dir, recs, region, show_region=False,
                                                   show_agency=False), ""]
    if chain:
        by_year = {year_of(r): _figures(r) for r in reversed(chain)}  # first of a year wins
        by_year = dict(sorted(by_year.items()))
        lines += ["## 历年趋势", "",
                  chart_html("trend.json", f"{name}历年申请、复议、诉讼数量，数据见上表"), ""]
        w.add(f"{page_dir}/trend.json", trend_chart(by_year, f"{name} 历年趋势"))
    changes = [(r["context"]["previous"], r) for r in chain
               if (r.get("context") or {}).get("previous")]
    if changes:
        cols = [Column("年度"), Column("比较年度")] + [
            Column(headline.FIGURE_BY_KEY[k].label_zh + " 变化", True) for k in TABLE_FIGURES]
        rows = []
        for prev, r in changes:
            ch = r["context"]["change"]
            rows.append([(esc(year_of(r)), None), (esc(prev["year"]), None)] + [
                (headline.format_change(k, ch[k]["delta"]), ch[k]["delta"]) for k in TABLE_FIGURES])
        lines += ["## 逐年变化", "", "与上一份报告相比（比率以百分点计）。", "",
                  table_html(cols, rows), ""]
    checks = [(r, c) for r in recs for c in r.get("checks", [])
              if c.get("rule") == crossyear.RULE_ID and c.get("status") == "fail"]
    if checks:
        lines += ["## 跨年度核对未通过", ""]
        items = [f'<li><a href="{href(page_dir, urls.report_slug(r))}">{esc(year_of(r))}年报告</a>：'
                 f'{esc(c["message"])}</li>' for r, c in checks]
        lines += ["<ul>", *items, "</ul>", ""]
    w.add(_page_file(page_dir), "\n".join(lines))


def quality_page(records: list[dict], w: _Writer) -> None:
    page_dir = "quality"
    fails = [(r, c) for r in sorted(records, key=_sort_key) for c in failing_checks(r)]
    by_rule: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for r, c in fails:
        by_rule[c.get("rule") or "unknown"].append((r, c))
    rule_order = sorted(by_rule, key=lambda k: (domain.rule_titles().get(k, (99, k))[0], k))
    lines = ["# 数据质量", "",
             f"全档案 {len(records)} 份报告中，共有 {len({urls.report_slug(r) for r, _ in fails})} "
             f"份报告的 {len(fails)} 项勾稽关系检查未通过。已发布的数字保持原样，"
             "问题列在这里和各报告页面上。", ""]
    summary = [[(esc(rule_label(k)), None), number_cell("requests_received", len(v)),
                number_cell("requests_received", len({urls.report_slug(r) for r, _ in v}))]
               for k, v in ((k, by_rule[k]) for k in rule_order)]
    lines += ["## 按规则汇总", "",
              table_html([Column("规则"), Column("未通过项", True), Column("涉及报告", True)], summary),
              ""]
    lines += ["## 按地区汇总", ""]
    region_rows = []
    for reg in region_paths(records):
        recs = [r for r in records if region_of(r)[:len(reg)] == reg]
        f = [c for r in recs for c in failing_checks(r)]
        if not f:
            continue
        counts = Counter(c.get("rule") for c in f)
        region_rows.append([(link_html(href(page_dir, urls.region_slug(reg)), "／".join(reg)), None),
                            number_cell("requests_received", len(recs)),
                            number_cell("requests_received",
                                        sum(1 for r in recs if failing_checks(r)))]
                           + [number_cell("requests_received", counts.get(k, 0))
                              for k in domain.rule_titles()])
    lines += [table_html([Column("地区"), Column("报告数", True), Column("有问题的报告", True)]
                         + [Column(f"规则{n}", True) for n, _ in domain.rule_titles().values()],
                         region_rows), ""]
    lines += ["## 未通过的检查明细", ""]
    for k in rule_order:
        lines += [f"### {esc(rule_label(k))}", ""]
        rows = []
        for r, c in by_rule[k]:
            cells = "；".join(f"{esc(cell_label(p))}（<code>{esc(p)}</code>）"
                             for p in c.get("cells") or [])
            rows.append([(link_html(href(page_dir, urls.report_slug(r)),
                                    r["meta"].get("agency") or "（未注明机关）"), None),
                         (esc(year_of(r) or ""), year_of(r)),
                         (esc("／".join(region_of(r))), None),
                         (cells, None), (esc(c.get("message") or ""), None)])
        lines += [table_html([Column("报告"), Column("年度", True), Column("地区"),
                              Column("单元格"), Column("说明")], rows), ""]
    w.add("quality.md", "\n".join(lines))


def data_page(records: list[dict], w: _Writer) -> None:
    files = [
        ("archive.csv", "每份报告一行：元数据、主要指标、表格每个单元格各一列（UTF-8，带 BOM，可直接用 Excel 打开）。"),
        ("records.json", "全部报告的结构化记录（JSON）。"),
        ("datapackage.json", "Frictionless 数据包说明：各文件、各列的含义与单位。"),
    ]
    years = sorted({opendata.year_name(r) for r in records})
    lines = ["# 开放数据", "",
             f"档案中全部 {len(records)} 份报告的数据均可下载。空白单元格表示原报告该处为空，"
             "与 0 不同。金额单位为万元。", "", "<ul>"]
    lines += [f'<li><a href="{quote(name)}">{name}</a>：{text}</li>' for name, text in files]
    lines += ["</ul>", "",
              "单元格长表（每份报告每个单元格一行：点分路径、中文标签、数值、单位），按报告年度分文件：", "",
              "<ul>"]
    lines += [f'<li><a href="cells/{quote(y)}.csv">cells/{esc(y)}.csv</a></li>' for y in years]
    lines += ["</ul>", "", "每份报告页面另附该报告自己的 JSON 记录。", ""]
    w.add(_page_file("data"), "\n".join(lines))


def write_indexes(records: list[dict], docs_dir: Path) -> None:
    """Write every comparison page, chart data file and open-data file into ``docs_dir``."""
    records = sorted(records, key=_sort_key)
    _FIGURES.clear()
    try:
        _write_all(records, Path(docs_dir))
    finally:
        _FIGURES.clear()


def _write_all(records: list[dict], docs_dir: Path) -> None:
    w = _Writer(docs_dir)
    regions = region_paths(records)
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for reg in regions:
        children[reg[:-1]].append(reg)
    region_page((), records, children[()], w)
    for reg in regions:
        region_page(reg, records, children[reg], w)
    year_pages(records, w)
    agency_pages(records, w)
    quality_page(records, w)
    data_page(records, w)
    for rel, text in opendata.files(records):
        w.add(rel, text)
    w.flush()

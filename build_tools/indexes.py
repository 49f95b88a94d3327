"""Comparison pages: regions, years, agencies, data quality, open data.

Every page is made from the records alone: a region, body or year that appears in the
records appears in every index with no code change.  Pages are Markdown with our own HTML
blocks for tables and chart containers (report text always through ``render.escape``);
links between generated pages are relative to the page's own directory, because the site
uses ``use_directory_urls`` and may be served from any sub-path.

No page lists what grows with the whole archive, so each stays small (issue 5: 200 KB of
Markdown at 10,000 reports):

    regions/<省>/[<市>/…]/      totals, one row per child region, the bodies filed at
                               exactly this level (the rest are on the child pages)
    years/<y>/                  the year's totals, one row per province, its top 20
    years/<y>/<省>/             that province's reports of the year
    agencies/                   one row per province (+ bodies with no region)
    agencies/regions/<省>/      that province's bodies
    agencies/<机关>-<hash>/     one body over the years (bounded by its years)

A list that can still outgrow its page goes on to numbered pages ``<page>/page.<n>/``
(``write_paged``), in the list's own deterministic order.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import quote

from pyecharts import options as opts
from pyecharts.charts import Bar, Line

from . import crossyear, domain, headline, opendata, search, urls
from .urls import agencies_region_slug, page_dirs, year_region_slug
from .docs_tree import write_if_changed
from .record import T3_COLUMN_LABELS_ZH, fields, region_of, year_of
from .render import charts
from .render.html_table import Cell, Column, row_html, table_from_rows, table_html
from .render.links import href
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

def _page_file(page_dir: str) -> str:
    return f"{page_dir}/index.md"


# ----------------------------------------------------------------------------- records

# Figures and addresses of each record, computed once per write_indexes run: every page
# that lists a report shows the same ones, and a large archive lists each report on many
# pages.  Keyed by id(), so only while a run holds the records: outside a run (None) every
# call computes afresh, and an id reused by a later, different record can never hit.
_MEMO: dict[tuple[str, int], Any] | None = None


def _memo(kind: str, record: dict, make: Callable[[dict], Any]) -> Any:
    if _MEMO is None:
        return make(record)
    key = (kind, id(record))
    got = _MEMO.get(key)
    if got is None:
        got = _MEMO[key] = make(record)
    return got


def _figures(record: dict) -> dict[str, Any]:
    return _memo("figures", record, headline.figures)


def report_slug(record: dict) -> str:
    return _memo("report", record, urls.report_slug)


def agency_slug(record: dict) -> str:
    return _memo("agency", record, urls.agency_slug)


def report_order(record: dict) -> tuple:
    """``urls.report_order``, once per record per run: every list sorts by it."""
    return _memo("order", record, urls.report_order)


def region_paths(records: Iterable[dict]) -> list[tuple[str, ...]]:
    """Every region and each of its ancestors that holds at least one report, sorted."""
    out: set[tuple[str, ...]] = set()
    for r in records:
        reg = region_of(r)
        for i in range(1, len(reg) + 1):
            out.add(reg[:i])
    return sorted(out)


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

def number_cell(key: str, value: Any) -> Cell:
    return (headline.format_value(key, value), value)


def link_html(url: str, label: str) -> str:
    return f'<a href="{url}">{esc(label)}</a>'


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
    # compact, without ECharts' defaults, tooltips drawn as canvas text (render/charts.py)
    return charts.options_json(json.loads(chart.dump_options()))


def _trend_line(by_year: dict[int, dict[str, Any]], title: str) -> Line:
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
    return line


@functools.cache
def _trend_skeleton() -> str:
    """The trend chart's options as pyecharts makes them, for one year of placeholders."""
    return _chart_json(_trend_line({0: dict.fromkeys(COUNT_KEYS, 0)}, "-"))


def trend_chart(by_year: dict[int, dict[str, Any]], title: str) -> str:
    """A line per count over the years.  Every body's page has one, so pyecharts builds
    the options once (``_trend_skeleton``) and each chart only puts in its own years,
    values and title: the same JSON as building each with pyecharts (tests/test_indexes.py),
    at a tenth of the cost."""
    options = json.loads(_trend_skeleton())
    years = sorted(by_year)
    options["xAxis"][0]["data"] = [str(y) for y in years]
    for series, key in zip(options["series"], COUNT_KEYS, strict=True):
        series["data"] = [[str(y), by_year[y][key]] for y in years]
    options["title"][0]["text"] = title
    # the skeleton is compact already; only data changed, and no default is about data
    return json.dumps(options, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


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
    return charts.options_json(options)


# ----------------------------------------------------------------------------- writer

class _Writer:
    """Collects (path, content) pairs relative to the docs folder, written in sorted order.

    Content is text (written as UTF-8 with the ``\\n`` line ends it has) or bytes (files
    such as ``.gz`` that are not text).
    """

    def __init__(self, docs_dir: Path) -> None:
        self.docs_dir = docs_dir
        self.files: dict[str, str | bytes] = {}

    def add(self, rel: str, content: str | bytes) -> None:
        if rel in self.files:
            # two names folded to one safe address (urls.safe_name): keep the first page
            # rather than fail the whole build, and say so in the build log
            print(f"warning: two generated pages share the address {rel}; kept the first",
                  file=sys.stderr)
            return
        self.files[rel] = content

    def flush(self) -> set[str]:
        """Write each collected file whose bytes differ from the file already there.

        A file left as it was keeps its modification time, which is how MkDocs' dirty
        build knows it needs no rebuilding.  Returns every collected path (written or
        already up to date), so the caller can remove what an earlier build made and this
        one no longer does.
        """
        for rel in sorted(self.files):
            write_if_changed(self.docs_dir, rel, self.files[rel])
        return set(self.files)


# ----------------------------------------------------------------------------- paging

# Bytes of generated Markdown a page's lines and its one long table may take before the
# table goes on to numbered pages.  The limit for a generated page is 200 KB of Markdown
# (Material adds ~15 KB of chrome, keeping the HTML under 300 KB); the rest of the margin
# is for the pager links and the one level longer relative links of a numbered page.
PAGE_BUDGET = 160_000


def chunk_spans(sizes: Sequence[int], first_budget: int, budget: int) -> list[tuple[int, int]]:
    """Consecutive runs ``(start, end)`` of items whose sizes add up to at most the budget
    (``first_budget`` for the first run, which shares its page with other content).

    Order is kept, so the split is deterministic; an item larger than a budget gets a run
    of its own.  There is always at least one run.
    """
    spans: list[tuple[int, int]] = []
    start, used, limit = 0, 0, first_budget
    for i, size in enumerate(sizes):
        if i > start and used + size > limit:
            spans.append((start, i))
            start, used, limit = i, 0, budget
        used += size
    spans.append((start, len(sizes)))
    return spans


def pager_html(from_dir: str, dirs: Sequence[str], current: int) -> str:
    """Links to every numbered page of a list (``current`` counts from 1)."""
    parts = [f"<strong>第{k}页</strong>" if k == current else
             f'<a href="{href(from_dir, d)}">第{k}页</a>' for k, d in enumerate(dirs, 1)]
    return f'<p class="archive-pager">共 {len(dirs)} 页：' + " ".join(parts) + "</p>"


@dataclass(frozen=True)
class Listing:
    """The one long table of a page, split over numbered pages when it would not fit."""

    heading: list[str]                  # Markdown lines above the table, repeated on each page
    columns: Sequence[Column]
    items: Sequence[Any]
    # cells of some items, with links relative to the folder of the page they go on
    rows: Callable[[str, Sequence[Any]], list[list[Cell]]]


def write_paged(w: _Writer, page_dir: str, title: str, head: list[str],
                listing: Listing | None) -> list[str]:
    """Write ``page_dir`` (``head``, then the listing) and, when the listing would take the
    page over ``PAGE_BUDGET``, numbered pages carrying the rest of it.

    ``title`` is Markdown-safe text (names already escaped).  Every page of the list
    links every other, so all are reachable from the first.  Returns the page folders.
    """
    if listing is None or not listing.items:
        w.add(_page_file(page_dir), "\n".join(head))
        return [page_dir]
    cols = listing.columns
    first = [row_html(cols, row) for row in listing.rows(page_dir, listing.items)]
    sizes = [len(row.encode("utf-8")) + 1 for row in first]
    head_size = len("\n".join(head + listing.heading).encode("utf-8"))
    spans = chunk_spans(sizes, PAGE_BUDGET - head_size, PAGE_BUDGET)
    dirs = page_dirs(page_dir, len(spans))
    for k, ((start, end), pdir) in enumerate(zip(spans, dirs), 1):
        # rows of a numbered page are made again: their links start one folder deeper
        table = (table_from_rows(cols, first[start:end]) if k == 1 else
                 table_html(cols, listing.rows(pdir, listing.items[start:end])))
        pager = [pager_html(pdir, dirs, k), ""] if len(dirs) > 1 else []
        if k == 1:
            lines = head + listing.heading + pager + [table, ""] + pager
        else:
            lines = [f"# {title}（第{k}页）", "",
                     f'<p>本页是<a href="{href(pdir, page_dir)}">{title}</a>列表的第 {k} 页'
                     f"（共 {len(dirs)} 页）。</p>", ""] + listing.heading + pager \
                + [table, ""] + pager
        w.add(_page_file(pdir), "\n".join(lines))
    return dirs


# ----------------------------------------------------------------------------- pages

def _by_year(records: Iterable[dict]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    for r in records:
        y = year_of(r)
        if y is not None:
            out[y].append(r)
    return dict(sorted(out.items()))


def _by_province(records: Iterable[dict]) -> tuple[dict[str, list[dict]], list[dict]]:
    """Records by their province-level region (省级), and those with no region at all."""
    out: dict[str, list[dict]] = defaultdict(list)
    unknown = []
    for r in records:
        reg = region_of(r)
        if reg:
            out[reg[0]].append(r)
        else:
            unknown.append(r)
    return dict(sorted(out.items())), unknown


def _bodies(records: Iterable[dict]) -> int:
    return len({urls.agency_key(r) for r in records})


AGGREGATE_CAPTION = "计数为合计，比率为总体比率"
RATES_NOTE = ("公开率＝（予以公开＋部分公开）÷办理结果总计；"
              "复议纠错率＝结果纠正÷（总计−尚未审结）。")


def _aggregate_columns() -> list[Column]:
    return [Column("报告数", True)] + [
        Column(headline.FIGURE_BY_KEY[k].label_zh + ("（合计）" if k in COUNT_KEYS else "（总体）"),
               True) for k in TABLE_FIGURES] + [Column("未通过的检查", True)]


def _aggregate_cells(records: Sequence[dict]) -> list[Cell]:
    agg = aggregate(records)
    return ([number_cell("requests_received", agg["reports"])]
            + [number_cell(k, agg[k]) for k in TABLE_FIGURES]
            + [number_cell("requests_received", agg["failing_checks"])])


def _year_totals_table(page_dir: str, by_year: dict[int, list[dict]],
                       year_page: Callable[[int], str] | None, caption: str) -> str:
    """One row per year; the year links to ``year_page(year)`` when given."""
    rows = []
    for y, recs in by_year.items():
        label = (link_html(href(page_dir, year_page(y)), f"{y}年") if year_page
                 else esc(f"{y}年"))
        rows.append([(label, None)] + _aggregate_cells(recs))
    return table_html([Column("年度")] + _aggregate_columns(), rows, caption=caption)


def _report_columns(show_year: bool = True, show_region: bool = True,
                    show_agency: bool = True) -> list[Column]:
    cols = [Column("机关"), Column("类型")] if show_agency else []
    if show_region:
        cols.append(Column("地区"))
    if show_year:
        cols.append(Column("年度", True))
    return cols + figure_columns() + [Column("未通过的检查", True), Column("报告")]


def _below(region: tuple[str, ...], base: tuple[str, ...]) -> str:
    """A region written relative to ``base`` (``本级`` for base itself)."""
    below = region[len(base):] if region[:len(base)] == base else region
    return esc("／".join(below)) if below else "本级"


def _report_rows(page_dir: str, records: Sequence[dict], base_region: tuple[str, ...],
                 show_year: bool = True, show_region: bool = True,
                 show_agency: bool = True) -> list[list[Cell]]:
    rows = []
    for r in records:
        meta = r["meta"]
        row: list[Cell] = [
            (link_html(href(page_dir, agency_slug(r)), meta.get("agency") or "（未注明机关）"),
             None),
            (kind_label(r), None)] if show_agency else []
        if show_region:
            row.append((_below(region_of(r), base_region), None))
        if show_year:
            row.append((esc(year_of(r) or ""), year_of(r)))
        row += figure_cells(_figures(r))
        row.append(number_cell("requests_received", len(failing_checks(r))))
        row.append((f'<a href="{href(page_dir, report_slug(r))}">查看</a>', None))
        rows.append(row)
    return rows


def _reports_listing(heading: list[str], records: Sequence[dict], base_region: tuple[str, ...],
                     **show: bool) -> Listing:
    return Listing(heading, _report_columns(**show), sorted(records, key=report_order),
                   lambda d, items: _report_rows(d, items, base_region, **show))


def _reports_table(page_dir: str, records: Sequence[dict], base_region: tuple[str, ...],
                   **show: bool) -> str:
    return table_html(_report_columns(**show),
                      _report_rows(page_dir, sorted(records, key=report_order), base_region, **show))


def _breadcrumb(page_dir: str, region: tuple[str, ...]) -> str:
    parts = [link_html(href(page_dir, urls.region_slug(())), "全部地区")]
    for i in range(1, len(region)):
        parts.append(link_html(href(page_dir, urls.region_slug(region[:i])), region[i - 1]))
    parts.append(esc(region[-1]))
    return '<p class="archive-breadcrumb">' + " › ".join(parts) + "</p>"


def _children_table(page_dir: str, children: list[tuple[str, ...]],
                    under: dict[tuple[str, ...], list[dict]]) -> str:
    """One row per child region: its size over all years and its figures in the newest
    year of the parent, so children are compared on the same year."""
    years = [y for child in children for y in _by_year(under[child])]
    latest = max(years) if years else None
    cols = [Column("地区"), Column("机关数", True), Column("报告数（各年度）", True)]
    if latest is not None:
        cols += [Column(f"{latest}年报告数", True)] + [
            Column(headline.FIGURE_BY_KEY[k].label_zh, True) for k in TABLE_FIGURES]
    rows = []
    for child in children:
        recs = under[child]
        row = [(link_html(href(page_dir, urls.region_slug(child)), child[-1]), None),
               number_cell("requests_received", _bodies(recs)),
               number_cell("requests_received", len(recs))]
        if latest is not None:
            agg = aggregate([r for r in recs if year_of(r) == latest])
            row += [number_cell("requests_received", agg["reports"])] + [
                number_cell(k, agg[k]) for k in TABLE_FIGURES]
        rows.append(row)
    # the explanation goes above the table: a caption would not wrap in a nowrap table
    note = ("每个下级地区一行。" + (f"报告数（各年度）以外各列为 {latest} 年（本地区最新年度）的合计，"
                                  f"{AGGREGATE_CAPTION}；其他年度见各地区页面。"
                                  if latest is not None else ""))
    return f"<p>{note}</p>\n\n" + table_html(cols, rows)


def region_page(region: tuple[str, ...], under: dict[tuple[str, ...], list[dict]],
                own: list[dict], children: list[tuple[str, ...]], w: _Writer) -> None:
    """A region's page: its totals, one row per child region, and only the reports filed
    at exactly this level (the rest are on the child pages), so it stays small."""
    page_dir = urls.region_slug(region)
    records = under[region]
    name = region[-1] if region else "全部地区"
    title = esc(name) if region else "地区"
    lines = [f"# {title}", ""]
    if region:
        lines += [_breadcrumb(page_dir, region), "",
                  f"本地区共收录 {len(records)} 份年度报告，来自 {_bodies(records)} 个机关"
                  f"（含下级地区；部门报告列在其所属政府的地区之下）。", ""]
    else:
        lines += [f"全档案共收录 {len(records)} 份年度报告，来自 {_bodies(records)} 个机关。", ""]
    if children:
        lines += ["## 下级地区", "", _children_table(page_dir, children, under), ""]
    by_year = _by_year(records)
    if by_year:
        # a province's years link to its reports of that year; the whole archive's to the
        # year pages; below a province there is no per-year list
        year_page: Callable[[int], str] | None = None
        if not region:
            year_page = urls.year_slug
        elif len(region) == 1:
            year_page = lambda y: year_region_slug(y, region[0])   # noqa: E731
        lines += ["## 历年趋势", "",
                  chart_html("trend.json", f"{name}历年申请、复议、诉讼数量趋势图，数据见下表"), "",
                  _year_totals_table(page_dir, by_year, year_page,
                                     caption=f"图表数据：各年度合计（{AGGREGATE_CAPTION}）"), ""]
        w.add(f"{page_dir}/trend.json", trend_chart(
            {y: aggregate(rs) for y, rs in by_year.items()}, f"{name} 历年趋势"))
    listing = None
    if region and own:
        listing = _reports_listing(
            ["## 本级机关历年主要数据", "",
             "只列本级的机关（政府及其部门）；下级地区的报告在各下级地区页面。"
             "点击表头可排序。" + RATES_NOTE, ""],
            own, region, show_region=False)
    elif region:
        lines += ["## 本级机关历年主要数据", "", "本级没有机关的报告；请查看上面的下级地区。", ""]
    elif own:
        listing = _reports_listing(["## 地区未知的报告", "", "点击表头可排序。", ""], own, ())
    if region:
        # found however the browser splits the query, and by its short name (黄南州)
        lines.append(search.words_block(search.region_names(region), place=True))
    write_paged(w, page_dir, title, lines, listing)


def _ranking(page_dir: str, records: Sequence[dict], what: str, w: _Writer) -> list[str]:
    """The top ``TOP_N`` bodies by 本年新收申请 among ``records``: chart + its data table."""
    ranked = sorted((r for r in records if _figures(r)["requests_received"] is not None),
                    key=lambda r: (-_figures(r)["requests_received"], report_order(r)))
    top = ranked[:TOP_N]
    if not top:
        return []
    names = [r["meta"].get("agency") or "（未注明机关）" for r in top]
    vals = [_figures(r)["requests_received"] for r in top]
    w.add(f"{page_dir}/ranking.json", ranking_chart(names, vals, f"{what} 本年新收申请排名"))
    rows = [[(str(i + 1), i + 1),
             (link_html(href(page_dir, report_slug(r)), n), None),
             number_cell("requests_received", v)]
            for i, (r, n, v) in enumerate(zip(top, names, vals))]
    return [f"## 本年新收申请最多的机关（前 {len(top)} 名）", "",
            chart_html("ranking.json", f"{what}各机关本年新收申请数量排名，数据见下表"), "",
            table_html([Column("名次", True), Column("机关"), Column("本年新收申请", True)], rows,
                       caption="图表数据", sortable=False), ""]


def year_pages(records: list[dict], w: _Writer) -> None:
    by_year = _by_year(records)
    page_dir = "years"
    lines = ["# 年度", "",
             f"共 {len(records)} 份报告，覆盖 {len(by_year)} 个年度。下表为全档案各年度合计。", ""]
    if by_year:
        lines += [chart_html("trend.json", "各年度全档案申请、复议、诉讼数量趋势图，数据见下表"), "",
                  _year_totals_table(page_dir, by_year, urls.year_slug,
                                     caption=f"各年度合计（{AGGREGATE_CAPTION}）"), ""]
        w.add(f"{page_dir}/trend.json", trend_chart(
            {y: aggregate(rs) for y, rs in by_year.items()}, "全档案历年趋势"))
    w.add(_page_file(page_dir), "\n".join(lines))
    for y, recs in by_year.items():
        _year_page(y, recs, w)


def _year_page(year: int, records: list[dict], w: _Writer) -> None:
    """Archive-wide totals of a year, one row per province (each with a page of its
    reports of the year), the year's ranking, and reports whose region is unknown."""
    ydir = urls.year_slug(year)
    provinces, unknown = _by_province(records)
    lines = [f"# {year}年度报告", "",
             f'<p><a href="{href(ydir, "years")}">全部年度</a></p>', "",
             f"本年度共 {len(records)} 份报告，来自 {_bodies(records)} 个机关、"
             f"{len(provinces)} 个省级地区。各省级地区的报告列在各自的页面上。", "",
             table_html(_aggregate_columns(), [_aggregate_cells(records)],
                        caption=f"全档案{year}年合计（{AGGREGATE_CAPTION}）", sortable=False), ""]
    if provinces:
        rows = [[(link_html(href(ydir, year_region_slug(year, p)), p), None),
                 number_cell("requests_received", _bodies(recs))] + _aggregate_cells(recs)
                for p, recs in provinces.items()]
        lines += ["## 各省级地区", "", "点击省级地区查看其本年度的全部报告。", "",
                  table_html([Column("省级地区"), Column("机关数", True)] + _aggregate_columns(),
                             rows, caption=f"各省级地区{year}年合计（{AGGREGATE_CAPTION}）"), ""]
    lines += _ranking(ydir, records, f"{year}年全档案", w)
    listing = (_reports_listing(["## 地区未知的报告", "", "点击表头可排序。", ""], unknown, (),
                                show_year=False) if unknown else None)
    write_paged(w, ydir, f"{year}年度报告", lines, listing)
    for p, recs in provinces.items():
        _year_region_page(year, p, recs, w)


def _year_region_page(year: int, province: str, records: list[dict], w: _Writer) -> None:
    page_dir = year_region_slug(year, province)
    title = f"{year}年 {esc(province)}"
    crumbs = [link_html(href(page_dir, "years"), "全部年度"),
              link_html(href(page_dir, urls.year_slug(year)), f"{year}年"), esc(province)]
    lines = [f"# {title}", "",
             '<p class="archive-breadcrumb">' + " › ".join(crumbs) + "</p>", "",
             f"{esc(province)}{year}年度共 {len(records)} 份报告，来自 {_bodies(records)} 个机关"
             f"（含下级地区）。历年情况见"
             f"{link_html(href(page_dir, urls.region_slug((province,))), province)}地区页面。", "",
             table_html(_aggregate_columns(), [_aggregate_cells(records)],
                        caption=f"合计（{AGGREGATE_CAPTION}）", sortable=False), ""]
    lines += _ranking(page_dir, records, f"{year}年{province}", w)
    listing = _reports_listing(["## 全部报告", "", "点击表头可排序。" + RATES_NOTE, ""],
                               records, (province,), show_year=False)
    write_paged(w, page_dir, title, lines, listing)


def _agency_rows(page_dir: str, bodies: Sequence[list[dict]],
                 base_region: tuple[str, ...]) -> list[list[Cell]]:
    rows = []
    for recs in bodies:
        first = recs[0]
        years = sorted({y for y in (year_of(r) for r in recs) if y is not None})
        latest = _figures(recs[-1])
        rows.append([(link_html(href(page_dir, agency_slug(first)),
                                first["meta"].get("agency") or "（未注明机关）"), None),
                     (kind_label(first), None),
                     (_below(region_of(first), base_region) if region_of(first) else "未知", None),
                     (esc("、".join(str(y) for y in years)), len(years)),
                     number_cell("requests_received", latest["requests_received"])])
    return rows


AGENCY_COLUMNS = (Column("机关"), Column("类型"), Column("地区"), Column("年度"),
                  Column("最近一年本年新收申请", True))


def agency_pages(records: list[dict], w: _Writer) -> None:
    """A page per body, and the list of bodies: a summary by province, a page per province."""
    chains = crossyear.chains(records)
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_key[urls.agency_key(r)].append(r)
    bodies = [sorted(by_key[key], key=report_order) for key in sorted(by_key)]
    for recs in bodies:
        _agency_page(agency_slug(recs[0]), recs, chains.get(urls.agency_key(recs[0]), []), w)
    by_province: dict[str, list[list[dict]]] = defaultdict(list)
    unknown = []
    for recs in bodies:
        reg = region_of(recs[0])
        if reg:
            by_province[reg[0]].append(recs)
        else:
            unknown.append(recs)
    rows = [[(link_html(href("agencies", agencies_region_slug(p)), p), None),
             number_cell("requests_received", len(bs)),
             number_cell("requests_received",
                         sum(1 for b in bs if b[0]["meta"].get("agency_kind") == "government")),
             number_cell("requests_received",
                         sum(1 for b in bs if b[0]["meta"].get("agency_kind") == "department")),
             number_cell("requests_received", sum(len(b) for b in bs))]
            for p, bs in sorted(by_province.items())]
    lines = ["# 机关", "",
             f"共 {len(bodies)} 个机关，按省级地区分页列出。", "",
             table_html([Column("省级地区"), Column("机关数", True), Column("政府", True),
                         Column("部门", True), Column("报告数", True)], rows,
                        caption="各省级地区的机关（含下级地区）"), ""]
    listing = (Listing(["## 地区未知的机关", "", "点击表头可排序。", ""], AGENCY_COLUMNS, unknown,
                       lambda d, items: _agency_rows(d, items, ()))
               if unknown else None)
    write_paged(w, "agencies", "机关", lines, listing)
    for p, bs in sorted(by_province.items()):
        page_dir = agencies_region_slug(p)
        crumbs = [link_html(href(page_dir, "agencies"), "全部机关"), esc(p)]
        head = [f"# {esc(p)}的机关", "",
                '<p class="archive-breadcrumb">' + " › ".join(crumbs) + "</p>", "",
                f"{esc(p)}（含下级地区）共 {len(bs)} 个机关。地区一列相对于{esc(p)}。", ""]
        write_paged(w, page_dir, f"{esc(p)}的机关", head,
                    Listing(["点击表头可排序。", ""], AGENCY_COLUMNS, bs,
                            lambda d, items, base=(p,): _agency_rows(d, items, base)))


def _agency_page(page_dir: str, recs: list[dict], chain: list[dict], w: _Writer) -> None:
    first = recs[0]
    name = first["meta"].get("agency") or "（未注明机关）"
    region = region_of(first)
    lines = [f"# {esc(name)}", ""]
    where = (link_html(href(page_dir, urls.region_slug(region)), "／".join(region))
             if region else "地区未知")
    listed = (link_html(href(page_dir, agencies_region_slug(region[0])), f"{region[0]}的机关")
              + "；" if region else "")
    lines += [f'<p>地区：{where}；类型：{esc(kind_label(first))}；{listed}'
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
        items = [f'<li><a href="{href(page_dir, report_slug(r))}">{esc(year_of(r))}年报告</a>：'
                 f'{esc(c["message"])}</li>' for r, c in checks]
        lines += ["<ul>", *items, "</ul>", ""]
    lines.append(search.words_block([*search.region_names(region), name]))
    w.add(_page_file(page_dir), "\n".join(lines))


def quality_page(records: list[dict], w: _Writer) -> None:
    """The data-quality pages (build_tools/quality.py): a summary and one list per rule
    and province."""
    from . import quality   # here: quality imports this module's helpers

    for rel, text in quality.quality_pages(records):
        w.add(rel, text)


def data_page(records: list[dict], data_files: list[tuple[str, str | bytes]],
              w: _Writer) -> None:
    """The open-data page; ``opendata`` writes it, since it knows the files and their sizes."""
    w.add(_page_file("data"), opendata.data_page_markdown(records, data_files))


def write_indexes(records: list[dict], docs_dir: Path,
                  parts_cache: opendata.PartsCache | None = None) -> set[str]:
    """Write every comparison page, chart data file and open-data file into ``docs_dir``.

    Files whose bytes are already there are left untouched; returns the relative path of
    every file this archive's indexes consist of (see ``_Writer.flush``).  ``parts_cache``
    keeps the open data of unchanged groups of reports between builds.
    """
    global _MEMO
    _MEMO = {}
    try:
        return _write_all(sorted(records, key=report_order), Path(docs_dir), parts_cache)
    finally:
        _MEMO = None


def _write_all(records: list[dict], docs_dir: Path,
               parts_cache: opendata.PartsCache | None = None) -> set[str]:
    w = _Writer(docs_dir)
    under: dict[tuple[str, ...], list[dict]] = defaultdict(list)   # the whole subtree
    own: dict[tuple[str, ...], list[dict]] = defaultdict(list)     # filed at exactly this level
    for r in records:
        reg = region_of(r)
        own[reg].append(r)
        for i in range(len(reg) + 1):
            under[reg[:i]].append(r)
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    regions = region_paths(records)
    for reg in regions:
        children[reg[:-1]].append(reg)
    for reg in [(), *regions]:
        region_page(reg, under, own.get(reg, []), children[reg], w)
    year_pages(records, w)
    agency_pages(records, w)
    quality_page(records, w)
    data_files = opendata.files(records, parts_cache)
    data_page(records, data_files, w)
    for rel, content in data_files:
        w.add(rel, content)
    return w.flush()

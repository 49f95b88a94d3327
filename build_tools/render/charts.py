"""Charts of one report, as ECharts options built with pyecharts.

Each chart is written as a JSON data file next to the report page and drawn in the browser
by ``docs/assets/js/charts.js`` with the site's own ``echarts.min.js``.  Options carry data
only: labels come from the field registry, never from report text, and no JavaScript
functions or formatter strings are generated (``json.loads`` of pyecharts' output
guarantees plain JSON).  Every chart has a data table beside it as its text alternative.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pyecharts import options as opts
from pyecharts.charts import Bar

from .. import record as rec
from . import escape
from .tables import clean_label


@dataclass
class Chart:
    name: str                     # file stem, e.g. "outcomes"
    title: str                    # Chinese heading shown above the chart
    options: dict                 # ECharts option (plain JSON data)
    rows: list[tuple] = field(default_factory=list)   # text alternative: (label, *values)
    columns: tuple[str, ...] = ("项目", "件数")
    wide_table: bool = False      # the data table needs the full width (below the chart)


def _value(record: dict, path: str) -> object:
    try:
        return rec.get_path(record, path)
    except (KeyError, TypeError, AttributeError):
        return None


def _bar(categories: list[str], series: list[tuple[str, list]], horizontal: bool,
         stack: bool = False) -> dict:
    chart = Bar(init_opts=opts.InitOpts(
        animation_opts=opts.AnimationOpts(animation=False)))
    chart.add_xaxis(categories)
    for name, data in series:
        chart.add_yaxis(name, data, stack="total" if stack else None,
                        label_opts=opts.LabelOpts(is_show=not stack, position="right"
                                                  if horizontal else "top"))
    chart.set_global_opts(
        legend_opts=opts.LegendOpts(is_show=len(series) > 1, pos_top="0"),
        tooltip_opts=opts.TooltipOpts(trigger="axis"),
        # counts of requests and cases are whole numbers: no 0.5 ticks
        yaxis_opts=opts.AxisOpts(type_="category" if horizontal else "value",
                                 min_interval=None if horizontal else 1,
                                 axislabel_opts=opts.LabelOpts(interval=0)),
        xaxis_opts=opts.AxisOpts(type_="value" if horizontal else "category",
                                 min_interval=1 if horizontal else None,
                                 axislabel_opts=opts.LabelOpts(interval=0)),
    )
    if horizontal:
        chart.reversal_axis()
    options = json.loads(chart.dump_options())
    options["grid"] = {"containLabel": True, "left": 8, "right": 32,
                       "top": 40 if len(series) > 1 else 16, "bottom": 8}
    return options


def _outcome_keys(record: dict) -> list[tuple[str, str]]:
    """(label, T3 path of the row's 总计) for the outcome groups （一）…（六）."""
    template = record["meta"].get("template")
    out: list[tuple[str, str]] = []
    groups: dict[str, list[str]] = {}
    for f in rec.fields_for("T3", template):
        label = clean_label(f.label_zh)
        if not label.startswith("（") or f.key == "total_processed":
            continue
        group = label.split(" ", 1)[0]
        groups.setdefault(group, []).append(f.key)
    for group, keys in groups.items():
        if keys == ["other_total"] or "other_total" in keys:
            # （六）其他处理: the single row when filled, else the sum of its sub-rows.
            out.append((group, "other"))
        elif len(keys) == 1:
            out.append((group, f"T3.{keys[0]}.total"))
        else:
            out.append((group, "|".join(f"T3.{k}.total" for k in keys)))
    return out


def short_label(label: str) -> str:
    """An axis label without the template's parenthetical remark: （二）部分公开（区分处理的…） -> （二）部分公开."""
    head, sep, _ = label[1:].partition("（")
    return label[0] + head if sep else label


def _sum(values: list[object]) -> float | int | None:
    nums = [v for v in values if isinstance(v, (int, float))]
    return sum(nums) if nums else None


def outcomes_chart(record: dict) -> Chart | None:
    """办理结果: how the year's requests were answered, by outcome group."""
    if record["tables"].get("T3") is None:
        return None
    rows: list[tuple[str, object]] = []
    for label, spec in _outcome_keys(record):
        if spec == "other":
            single = _value(record, "T3.other_total.total")
            subs = [_value(record, f"T3.{k}.total") for k in rec.t3_row_keys()
                    if k.startswith("other.")]
            value = single if single is not None else _sum(subs)
        else:
            value = _sum([_value(record, p) for p in spec.split("|")])
        rows.append((label, value))
    if all(v is None for _, v in rows):
        return None
    cats = [short_label(label) for label, _ in rows]
    options = _bar(cats[::-1], [("件数", [v for _, v in rows][::-1])], horizontal=True)
    return Chart("outcomes", "办理结果（按处理方式，总计列）", options, rows)


def applicants_chart(record: dict) -> Chart | None:
    """申请人情况: who asked (本年新收 by applicant type)."""
    if record["tables"].get("T3") is None:
        return None
    rows = [(rec.T3_COLUMN_LABELS_ZH[c], _value(record, f"T3.new_received.{c}"))
            for c in rec.T3_APPLICANT_COLUMNS]
    if all(v is None for _, v in rows):
        return None
    # horizontal bars: six long category names do not fit side by side under a column chart
    options = _bar([r[0] for r in rows][::-1], [("本年新收", [r[1] for r in rows][::-1])],
                   horizontal=True)
    return Chart("applicants", "本年新收申请的申请人类型", options, rows)


def appeals_chart(record: dict) -> Chart | None:
    """行政复议、行政诉讼 by result, stacked per group."""
    if record["tables"].get("T4") is None:
        return None
    groups = list(rec.T4_GROUPS)
    results = [c for c in rec.T4_COLUMNS if c != "total"]
    if all(_value(record, f"T4.{g}.{c}") is None for g in groups for c in rec.T4_COLUMNS):
        return None
    series = [(rec.T4_COLUMN_LABELS_ZH[c], [_value(record, f"T4.{g}.{c}") for g in groups])
              for c in results]
    # the last word of the group label: 行政复议, 未经复议直接起诉, 复议后起诉
    cats = [rec.T4_GROUP_LABELS_ZH[g].split(" ")[-1] for g in groups]
    options = _bar(cats, series, horizontal=False, stack=True)
    rows = [(rec.T4_GROUP_LABELS_ZH[g], *[_value(record, f"T4.{g}.{c}") for c in rec.T4_COLUMNS])
            for g in groups]
    columns = ("类别", *[rec.T4_COLUMN_LABELS_ZH[c] for c in rec.T4_COLUMNS])
    return Chart("appeals", "行政复议和行政诉讼（按结果）", options, rows, columns, wide_table=True)


def report_charts(record: dict) -> list[Chart]:
    return [c for c in (outcomes_chart(record), applicants_chart(record), appeals_chart(record))
            if c is not None]


# Options pyecharts writes out although they equal ECharts' own defaults (ECharts 6.0, the
# vendored version): dropping them leaves the chart as it was.  Most are in ECharts' default
# options (found by removing each key pyecharts writes and seeing ECharts' getOption() stay
# the same); the few marked "code" are the fallbacks ECharts' code uses when a key is unset
# (dataStack.js: stackStrategy; Source.js: seriesLayoutBy; labelStyle.js:
# richInheritPlainLabel, valueAnimation).  tests/test_browser_report.py draws full and
# compact options and compares the pictures and the tooltips.  component -> {key: default};
# a dotted key reaches into a nested object.  Values pyecharts writes that are NOT ECharts 6
# defaults stay (barGap "30%" where ECharts 6 says "10%", legend itemGap 10 for 8, split
# lines shown on a category axis, animation timings of a chart that animates).
ECHARTS_DEFAULTS: dict[str, dict[str, object]] = {
    "": {"animationDuration": 1000, "animationThreshold": 2000},
    "legend": {"borderRadius": 0, "itemHeight": 14, "itemWidth": 25, "padding": 5,
               "selected": {}, "selector": False, "selectorButtonGap": 10,
               "selectorItemGap": 7, "selectorPosition": "auto", "triggerEvent": False},
    "series": {"barMinHeight": 0, "clip": True, "connectNulls": False, "large": False,
               "largeThreshold": 400, "legendHoverLink": True, "realtimeSort": False,
               "showBackground": False, "showSymbol": True, "smooth": False, "step": False,
               # code
               "datasetIndex": 0, "seriesLayoutBy": "column", "stackStrategy": "samesign",
               "label.richInheritPlainLabel": True, "label.valueAnimation": False},
    "title": {"itemGap": 10, "padding": 5, "show": True, "subtarget": "blank",
              "target": "blank"},
    "tooltip": {"alwaysShowContent": False, "axisPointer": {"type": "line"},
                "displayTransition": True, "enterable": False, "hideDelay": 100,
                "show": True, "showContent": True, "showDelay": 0, "textStyle.fontSize": 14,
                "transitionDuration": 0.4, "triggerOn": "mousemove|click"},
    "xAxis": {"axisLabel.margin": 8, "axisLabel.show": True, "inverse": False, "nameGap": 15,
              "nameLocation": "end", "nameTruncate": {}, "offset": 0, "show": True,
              "silent": False, "triggerEvent": False,
              # code
              "axisLabel.richInheritPlainLabel": True, "axisLabel.valueAnimation": False},
}
ECHARTS_DEFAULTS["yAxis"] = ECHARTS_DEFAULTS["xAxis"]

# With animation off for the whole chart (the report charts), nothing is ever animated, so
# the timings pyecharts repeats at the top and in every axis say nothing.
ANIMATION_KEYS = frozenset({"animation", "animationDelay", "animationDelayUpdate",
                            "animationDuration", "animationDurationUpdate", "animationEasing",
                            "animationEasingUpdate", "animationThreshold"})


# Page buttons belong to a scrolling legend only (ScrollableLegendModel).
SCROLL_LEGEND_KEYS = ("pageButtonItemGap", "pageButtonPosition", "pageFormatter",
                      "pageIconColor", "pageIconInactiveColor", "pageIconSize")


def _items(value: object) -> list[dict]:
    """A component's option objects (ECharts takes one object or a list of them)."""
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]


def _drop_defaults(node: dict, defaults: dict[str, object]) -> None:
    for dotted, default in defaults.items():
        *parents, key = dotted.split(".")
        target = node
        for part in parents:
            target = target.get(part) if isinstance(target, dict) else None
        if isinstance(target, dict) and key in target and target[key] == default \
                and type(target[key]) is type(default):
            del target[key]


def compact_options(options: dict) -> dict:
    """ECharts options without the entries that equal ECharts' defaults (a deep copy).

    Tooltips are always drawn in the canvas (``renderMode: richText``), never as HTML, so
    no name in a chart can ever become markup.
    """
    out = json.loads(json.dumps(options))
    for component, defaults in ECHARTS_DEFAULTS.items():
        for item in ([out] if not component else _items(out.get(component))):
            _drop_defaults(item, defaults)
    for legend in _items(out.get("legend")):
        if legend.get("type") != "scroll":
            for key in SCROLL_LEGEND_KEYS:
                legend.pop(key, None)
    if out.get("animation") is False:
        for key in ANIMATION_KEYS - {"animation"}:
            out.pop(key, None)
        for value in out.values():
            for item in _items(value):
                for key in ANIMATION_KEYS:
                    item.pop(key, None)
    for tooltip in _items(out.get("tooltip")):
        tooltip["renderMode"] = "richText"
    return out


def options_json(options: dict) -> str:
    """Compact, deterministic JSON text of ECharts options (see ``compact_options``)."""
    return json.dumps(compact_options(options), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")) + "\n"


def chart_block(chart: Chart, data_src: str) -> str:
    """The chart container and its data table (text alternative), as one raw HTML block.

    The figure itself lays out chart and table (archive.css), and the table leaves out the
    end tags HTML makes optional, as the report tables do (tables.py says why).
    """
    head = "".join(f"<th>{escape.html_text(c)}" for c in chart.columns)
    rows = "\n".join(
        f"<tr><td>{escape.html_text(row[0])}"
        + "".join(f"<td>{escape.html_text(escape.number(v))}" for v in row[1:])
        for row in chart.rows)
    stacked = " archive-figure--stacked" if chart.wide_table else ""
    return (f'<figure class="archive-figure{stacked}">\n'
            f"<figcaption>{escape.html_text(chart.title)}</figcaption>\n"
            f'<div class="archive-chart" data-src="{escape.attr(data_src)}" role="img" '
            f'aria-label="{escape.attr(chart.title)}（数据见{"下方" if chart.wide_table else "右侧"}表格）"></div>\n'
            f'<table class="archive-grid archive-chart-data">\n'
            f"<thead><tr>{head}\n<tbody>\n{rows}\n</table>\n</figure>")

"""One report's page: metadata, headline figures, checks, T2/T3/T4, charts, narrative.

The page is Markdown (so MkDocs builds its title, table of contents and search entry) with
raw HTML blocks for the tables and charts.  Every piece of report-derived text goes
through ``escape``; links between pages are Markdown links to ``.md`` files so MkDocs
checks them in strict mode.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import PurePosixPath


from .. import domain, headline, urls
from .. import record as rec
from . import charts as charts_mod
from . import escape, links, tables

STATUS_ZH = {"pass": "通过", "fail": "未通过", "not_assessable": "无法判断"}

# Record status -> what a reader is told about a report whose tables could not be read.
RECORD_STATUS_ZH = {
    "ok": "已解析",
    "partial": "部分解析：部分表格或字段未能读取",
    "no_tables": "未找到统计表格，仅保留正文",
    "no_text_layer": "原始文件没有文本层（扫描件），需要 OCR 后才能读取",
}

TEMPLATE_ZH = {
    "2021": "2021 年版格式（国办公开办函〔2021〕30号）",
    "2019": "2019 年版格式（国办公开办函〔2019〕60号）",
}

AGENCY_KIND_ZH = {"government": "人民政府", "department": "政府部门"}

def rule_label(rule: object) -> str:
    """「规则 1：表三每一列：…」 for a known rule id, else the id itself (escaped)."""
    number, title = domain.rule_titles().get(str(rule), (None, None))
    if title is None:
        return f"<code>{escape.text(rule)}</code>"
    prefix = f"规则 {number}：" if number else ""
    return f"{escape.text(prefix + title)}（<code>{escape.text(rule)}</code>）"


# Original files are offered for download from the site itself.  A format a browser might
# execute or render as a page (HTML, SVG, XML, Markdown …) is served with ``.txt``
# appended, so an untrusted original can never run script on the archive's origin.
SAFE_DOWNLOAD_SUFFIXES = {".pdf", ".doc", ".docx", ".txt"}


@dataclass
class RenderedReport:
    md_path: str                                  # docs-relative, e.g. r/2021/x-1a2b3c4d.md
    markdown: str
    data_files: dict[str, str] = field(default_factory=dict)   # docs-relative path -> text


def download_path(record: dict, original_name: str) -> str:
    """Site-relative path where the original file is published."""
    p = PurePosixPath(original_name.replace("\\", "/")).name
    stem, suffix = posixpath.splitext(p)
    suffix = "." + urls.safe_name(suffix.lstrip(".").lower(), "bin") if suffix else ""
    name = urls.safe_name(stem, "report") + suffix
    if suffix not in SAFE_DOWNLOAD_SUFFIXES:
        name += ".txt"
    return f"files/{urls.report_slug(record)}/{name}"


def report_title(record: dict) -> str:
    meta = record["meta"]
    agency = meta.get("agency") or "未署名机关"
    year = meta.get("year")
    return f"{agency} {year}年政府信息公开工作年度报告" if year else f"{agency} 政府信息公开工作年度报告"


def failing_cells(record: dict) -> set[str]:
    return {c for chk in record.get("checks", []) if chk.get("status") == "fail"
            for c in chk.get("cells", [])}


def _cell_desc(record: dict, path: str) -> str:
    """「label」（path）= value, all escaped."""
    label = tables.cell_label(path)
    try:
        value = rec.get_path(record, path)
        shown = escape.number(value) if value is not None else "空白"
        tail = f" = {shown}"
    except (KeyError, TypeError, AttributeError):
        tail = ""
    return f"「{escape.text(label)}」（<code>{escape.text(path)}</code>）{tail}"


def _check_item(record: dict, chk: dict, md_path: str, with_cells: bool = True) -> str:
    status = STATUS_ZH.get(chk.get("status"), escape.text(chk.get("status")))
    parts = [f"**{status}** · {rule_label(chk.get('rule'))}", escape.text(chk.get("message"))]
    # A failing check names every cell it read, so a reader can trace it; for the others the
    # cells are in the record's JSON — listing them here made half of each page's bytes.
    # The box at the top of the page names them once; the full list below points there.
    cells = chk.get("cells") or []
    if cells and chk.get("status") == "fail":
        parts.append("涉及单元格：" + "；".join(_cell_desc(record, c) for c in cells)
                     if with_cells else "涉及的单元格见页首的未通过检查，并在表格中以红色标出。")
    other = chk.get("other")
    if isinstance(other, dict) and other.get("slug"):
        target = links.md_link(md_path, links.report_md(str(other["slug"])))
        parts.append(f"对照：[{escape.text(other.get('year'))}年报告]({target})")
    return "<br>".join(parts)


def _checks_admonition(record: dict, md_path: str) -> list[str]:
    failing = [c for c in record.get("checks", []) if c.get("status") == "fail"]
    if not failing:
        return []
    out = [f'!!! failure "勾稽关系检查：{len(failing)} 项未通过"', ""]
    for chk in failing:
        out.append(f"    - {_check_item(record, chk, md_path)}")
    out += ["", "    表格中涉及的单元格以红色标出。原始数据照录，不作修改。", ""]
    return out


def _meta_lines(record: dict, md_path: str, download: str | None) -> list[str]:
    meta = record["meta"]
    lines = [f"- 机关：{escape.text(meta.get('agency') or '未署名机关')}"]
    if meta.get("agency_kind"):
        kind = meta.get("agency_kind")
        lines.append(f"- 机关类型：{escape.text(AGENCY_KIND_ZH.get(str(kind), kind))}")
    region = list(meta.get("region") or [])
    if region:
        parts = []
        for i in range(len(region)):
            target = links.md_link(md_path, links.index_md(urls.region_slug(region[: i + 1])))
            parts.append(f"[{escape.text(region[i])}]({target})")
        lines.append("- 地区：" + " / ".join(parts))
    if meta.get("year"):
        target = links.md_link(md_path, links.index_md(urls.year_slug(meta["year"])))
        lines.append(f"- 年度：[{escape.text(meta['year'])}]({target})")
    lines.append(f"- 发布日期：{escape.text(meta.get('published') or '未注明')}")
    template = meta.get("template")
    lines.append(f"- 统计表格式：{escape.text(TEMPLATE_ZH.get(str(template), template or '未识别'))}")
    lines.append(f"- 解析状态：{escape.text(RECORD_STATUS_ZH.get(record.get('status'), record.get('status')))}")
    if download:
        href = escape.attr(links.html_link(md_path, download))
        name = escape.text(PurePosixPath(download).name)
        lines.append(f'- 原始文件：<a href="{href}" download>{name}</a>')
    record_json = escape.attr(links.html_link(md_path, urls.record_json_path(record)))
    lines.append(f'- 结构化数据：<a href="{record_json}">本报告的记录（JSON）</a>')
    source_url = escape.url((meta.get("source") or {}).get("url"))
    if source_url:
        lines.append(f'- 来源：<a href="{source_url}" rel="nofollow noopener noreferrer">'
                     f"{source_url}</a>")
    else:
        lines.append("- 来源：原始发布地址未知")
    lines.append(f"- 机关页面：[该机关历年报告]({links.md_link(md_path, links.index_md(urls.agency_slug(record)))})")
    return lines


def _headline_lines(record: dict) -> list[str]:
    values = headline.figures(record)
    out = ["| 指标 | 数值 | 口径 |", "| --- | --- | --- |"]
    for f in headline.FIGURES:
        shown = headline.format_value(f.key, values.get(f.key)) or "—"
        out.append(f"| {escape.text(f.label_zh)} | {escape.text(shown)} | "
                   f"{escape.text(f.description_zh)} |")
    return out


def _context_lines(record: dict, md_path: str) -> list[str]:
    ctx = record.get("context")
    if not isinstance(ctx, dict):
        return []
    out: list[str] = []
    nav = []
    for key, word in (("previous", "上一年度"), ("next", "下一年度")):
        ref = ctx.get(key)
        if isinstance(ref, dict) and ref.get("slug"):
            target = links.md_link(md_path, links.report_md(str(ref["slug"])))
            nav.append(f"{word}：[{escape.text(ref.get('year'))}年报告]({target})")
    if nav:
        out += ["## 历年对照", "", " · ".join(nav), ""]
    change = ctx.get("change") or {}
    rows = []
    for key, item in change.items():
        if not isinstance(item, dict):
            continue
        known = key in headline.FIGURE_BY_KEY
        fmt = (lambda v: headline.format_value(key, v)) if known else escape.number
        delta = headline.format_change(key, item.get("delta")) if known else escape.number(item.get("delta"))
        rows.append(f"| {escape.text(item.get('label') or key)} | {escape.text(fmt(item.get('previous')))} | "
                    f"{escape.text(fmt(item.get('current')))} | {escape.text(delta)} |")
    if rows:
        if not nav:
            out += ["## 历年对照", ""]
        prev_year = (ctx.get("previous") or {}).get("year")
        out += [f"与上一年度（{escape.text(prev_year)}年）相比：", "",
                "| 指标 | 上一年度 | 本年度 | 变化 |", "| --- | --- | --- | --- |"] + rows + [""]
    return out


def render_report(record: dict, original_name: str | None = None) -> RenderedReport:
    """The Markdown page of one record and its chart data files."""
    slug = urls.report_slug(record)
    md_path = links.report_md(slug)
    download = download_path(record, original_name) if original_name else None
    marked = failing_cells(record)
    md: list[str] = [f"# {escape.text(report_title(record))}", ""]

    status = record.get("status", "ok")
    if status != "ok":
        md += [f'!!! warning "{RECORD_STATUS_ZH.get(status, "解析不完整")}"', "",
               "    本页只列出能够读取的内容；请以原始文件为准。", ""]
    md += _checks_admonition(record, md_path)
    md += _meta_lines(record, md_path, download) + [""]
    md += ["## 主要指标", ""] + _headline_lines(record) + [""]
    md += _context_lines(record, md_path)

    data_files: dict[str, str] = {}
    for key, title, render in (("T2", rec.SECTION_TITLES_ZH["active"], tables.render_t2),
                               ("T3", rec.SECTION_TITLES_ZH["requests"], tables.render_t3),
                               ("T4", rec.SECTION_TITLES_ZH["appeals"], tables.render_t4)):
        md += [f"## {title}", ""]
        block = render(record, marked)
        md += [block if block else f"*未能读取表{'二三四'[int(key[1]) - 2]}。*", ""]

    chart_list = charts_mod.report_charts(record)
    if chart_list:
        md += ["## 图表", ""]
        for chart in chart_list:
            data_path = f"{slug}/chart-{chart.name}.json"
            data_files[data_path] = charts_mod.options_json(chart.options)
            md += [charts_mod.chart_block(chart, links.html_link(md_path, data_path)), ""]
    elif any(record["tables"].get(t) is not None for t in ("T3", "T4")):
        md += ["## 图表", "", "本报告的统计表没有填写数字（全部空白），没有可绘制的数据。", ""]

    md += ["## 勾稽关系检查", ""]
    checks = record.get("checks") or []
    if checks:
        order = {"fail": 0, "not_assessable": 1, "pass": 2}
        for chk in sorted(checks, key=lambda c: order.get(c.get("status"), 3)):
            md.append(f"- {_check_item(record, chk, md_path, with_cells=False)}")
    else:
        md.append("本报告没有可执行的检查。")
    md.append("")

    warnings = record.get("warnings") or []
    md += ["## 解析提示", ""]
    if warnings:
        for w in warnings:
            cells = w.get("cells") or []
            tail = ("（涉及：" + "；".join(_cell_desc(record, c) for c in cells) + "）") if cells else ""
            md.append(f"- <code>{escape.text(w.get('code'))}</code> {escape.text(w.get('message'))}{tail}")
    else:
        md.append("无。")
    md.append("")

    md += ["## 报告正文", ""]
    sections = record.get("sections") or {}
    for key in rec.SECTION_KEYS:
        md += [f"### {rec.SECTION_TITLES_ZH[key]}", ""]
        block = escape.paragraphs_html(sections.get(key))
        md += [block if block else "*（原文此部分为空或未能识别）*", ""]
    return RenderedReport(md_path, "\n".join(md).rstrip() + "\n", data_files)

"""One report's page: metadata, headline figures, checks, T2/T3/T4, charts, narrative.

The headings are Markdown (so MkDocs builds the title, table of contents and anchors);
everything else is raw HTML blocks: the statistical tables and charts, and also the
failing-checks box, the metadata list, the headline and cross-year tables, and the lists
of checks and parse warnings.  Python-Markdown passes a raw block through whole, while its
inline processor walks every text node of a Markdown list or table (most of MkDocs' time
on a report page: ``benchmarks/page_markdown.py``).  The blocks reproduce what Markdown
made of the same content, element for element (``<div class="admonition failure">``,
``<ul>``, a ``<table>`` without class that Material styles and wraps like a Markdown
table), so the page looks the same.  Every piece of report-derived text goes through
``escape`` (``escape.html_text`` inside raw blocks, ``escape.text`` in Markdown).

Links inside raw HTML are not resolved by MkDocs: they point at the target page's URL
relative to this page's URL (``_page_href``), percent-encoded as MkDocs writes the links it
resolves; the site tests follow every link.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Callable
from urllib.parse import quote

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

def rule_label(rule: object, inert: Callable[[object], str] = escape.text) -> str:
    """「规则 1：表三每一列：…」 for a known rule id, else the id itself, made inert by
    ``inert`` (``escape.text`` for Markdown, ``escape.html_text`` inside raw HTML)."""
    number, title = domain.rule_titles().get(str(rule), (None, None))
    if title is None:
        return f"<code>{inert(rule)}</code>"
    prefix = f"规则 {number}：" if number else ""
    return f"{inert(prefix + title)}（<code>{inert(rule)}</code>）"


# Original files are offered for download from the site itself (unless the build is told
# where the reports folder is published: ``originals_url``, another origin).  A format a
# browser might execute or render as a page (HTML, SVG, XML, Markdown …) is served with
# ``.txt`` appended, so an untrusted original can never run script on the archive's origin.
SAFE_DOWNLOAD_SUFFIXES = {".pdf", ".doc", ".docx", ".txt"}


@dataclass
class RenderedReport:
    md_path: str                                  # docs-relative, e.g. r/2021/x-1a2b3c4d.md
    markdown: str
    data_files: dict[str, str] = field(default_factory=dict)   # docs-relative path -> text
    # docs-relative path the page expects its original file copied to (``download_path``);
    # None when the page links the original at another address (``originals_url``)
    original_copy: str | None = None


def download_path(record: dict, original_name: str) -> str:
    """Site-relative path where the original file is published."""
    p = PurePosixPath(original_name.replace("\\", "/")).name
    stem, suffix = posixpath.splitext(p)
    suffix = "." + urls.safe_name(suffix.lstrip(".").lower(), "bin") if suffix else ""
    name = urls.safe_name(stem, "report") + suffix
    if suffix not in SAFE_DOWNLOAD_SUFFIXES:
        name += ".txt"
    return f"files/{urls.report_slug(record)}/{name}"


def original_url(originals_url: str, original_name: str) -> str:
    """Address of an original file kept outside the site: ``originals_url`` (an http(s)
    address ending in "/", where the reports folder is published) plus the file's path
    inside the reports folder, percent-encoded."""
    return originals_url + quote(original_name.replace("\\", "/"), safe="/")


def _original_link(md_path: str, original_name: str, copy: str | None,
                   originals_url: str | None) -> str:
    """The 原始文件 link: to the copy published with the site, or, with ``originals_url``,
    to the file where the reports folder is published (another site: no ``download``,
    which browsers ignore across sites, and no referrer)."""
    if copy is not None:
        href = escape.attr(links.html_link(md_path, copy))
        return f'<a href="{href}" download>{escape.html_text(PurePosixPath(copy).name)}</a>'
    target = escape.url(original_url(originals_url or "", original_name))
    name = escape.html_text(PurePosixPath(original_name.replace("\\", "/")).name)
    if target is None:
        return name
    return f'<a href="{target}" rel="noopener noreferrer">{name}</a>'


def report_title(record: dict) -> str:
    meta = record["meta"]
    agency = meta.get("agency") or "未署名机关"
    year = meta.get("year")
    return f"{agency} {year}年政府信息公开工作年度报告" if year else f"{agency} 政府信息公开工作年度报告"


def failing_cells(record: dict) -> set[str]:
    return {c for chk in record.get("checks", []) if chk.get("status") == "fail"
            for c in chk.get("cells", [])}


def _page_href(from_md: str, to_md: str) -> str:
    """``links.page_href`` as an attribute value."""
    return escape.attr(links.page_href(from_md, to_md))


def _page_link(from_md: str, to_md: str, label_html: str) -> str:
    return f'<a href="{_page_href(from_md, to_md)}">{label_html}</a>'


def _cell_desc(record: dict, path: str) -> str:
    """「label」（path）= value, escaped for raw HTML."""
    label = tables.cell_label(path)
    try:
        value = rec.get_path(record, path)
        shown = escape.html_number(value) if value is not None else "空白"
        tail = f" = {shown}"
    except (KeyError, TypeError, AttributeError):
        tail = ""
    return f"「{escape.html_text(label)}」（<code>{escape.html_text(path)}</code>）{tail}"


def _check_item(record: dict, chk: dict, md_path: str, with_cells: bool = True) -> str:
    """One check as the HTML of a list item's content."""
    status = escape.html_text(STATUS_ZH.get(chk.get("status"), chk.get("status")))
    parts = [f"<strong>{status}</strong> · {rule_label(chk.get('rule'), escape.html_text)}",
             escape.html_text(chk.get("message"))]
    # A failing check names every cell it read, so a reader can trace it; for the others the
    # cells are in the record's JSON — listing them here made half of each page's bytes.
    # The box at the top of the page names them once; the full list below points there.
    cells = chk.get("cells") or []
    if cells and chk.get("status") == "fail":
        parts.append("涉及单元格：" + "；".join(_cell_desc(record, c) for c in cells)
                     if with_cells else "涉及的单元格见页首的未通过检查，并在表格中以红色标出。")
    other = chk.get("other")
    if isinstance(other, dict) and other.get("slug"):
        label = f"{escape.html_text(other.get('year'))}年报告"
        parts.append("对照：" + _page_link(md_path, links.report_md(str(other["slug"])), label))
    return "<br>".join(parts)


# The raw blocks below leave out the end tags HTML makes optional (</li>, </p> before a
# block or </div>, </td>, </th>, </tr>, </thead>, </tbody>), as render/tables.py does: the
# browser builds the same elements, and Python-Markdown's and MkDocs' HTML parsers see fewer
# tags.  A block must still end with its outer element's end tag: that is where
# Python-Markdown's raw block ends.
def _admonition(kind: str, title_html: str, body: list[str], attrs: str = "") -> list[str]:
    """The markup Python-Markdown's ``admonition`` extension makes, as a raw block."""
    return [f'<div class="admonition {kind}"{attrs}>', f'<p class="admonition-title">{title_html}',
            *body, "</div>", ""]


def _html_list(items: list[str], attrs: str = "") -> list[str]:
    """A ``<ul>`` raw block of items (each already HTML), followed by a blank line."""
    return [f"<ul{attrs}>", *(f"<li>{item}" for item in items), "</ul>", ""]


def _html_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A plain table (cells already HTML) as Python-Markdown's ``tables`` makes one: no
    class, so Material styles it and its script wraps it to scroll like a Markdown table."""
    return (["<table>", "<thead><tr>" + "".join(f"<th>{h}" for h in header), "<tbody>"]
            + ["<tr>" + "".join(f"<td>{c}" for c in row) for row in rows] + ["</table>", ""])


def _checks_admonition(record: dict, md_path: str) -> list[str]:
    failing = [c for c in record.get("checks", []) if c.get("status") == "fail"]
    if not failing:
        return []
    items = [_check_item(record, chk, md_path) for chk in failing]
    # Left out of the search index like the list of checks below: it names the cells it
    # read by their labels (「行政复议 结果维持」 …), so at 1,000 reports the first results
    # for 行政复议 were reports with a failed check on table four, not reports discussing it.
    return _admonition("failure", f"勾稽关系检查：{len(failing)} 项未通过",
                       _html_list(items)[:-1] + ["<p>表格中涉及的单元格以红色标出。原始数据照录，不作修改。"],
                       " data-pagefind-ignore")


def _meta_lines(record: dict, md_path: str, original: str | None) -> list[str]:
    meta = record["meta"]
    inert = escape.html_text
    items = [f"机关：{inert(meta.get('agency') or '未署名机关')}"]
    if meta.get("agency_kind"):
        kind = meta.get("agency_kind")
        items.append(f"机关类型：{inert(AGENCY_KIND_ZH.get(str(kind), kind))}")
    region = list(meta.get("region") or [])
    if region:
        parts = [_page_link(md_path, links.index_md(urls.region_slug(region[: i + 1])), inert(region[i]))
                 for i in range(len(region))]
        items.append("地区：" + " / ".join(parts))
    if meta.get("year"):
        target = links.index_md(urls.year_slug(meta["year"]))
        items.append(f"年度：{_page_link(md_path, target, inert(meta['year']))}")
    items.append(f"发布日期：{inert(meta.get('published') or '未注明')}")
    template = meta.get("template")
    items.append(f"统计表格式：{inert(TEMPLATE_ZH.get(str(template), template or '未识别'))}")
    items.append(f"解析状态：{inert(RECORD_STATUS_ZH.get(record.get('status'), record.get('status')))}")
    if original:
        items.append(f"原始文件：{original}")
    record_json = escape.attr(links.html_link(md_path, urls.record_json_path(record)))
    items.append(f'结构化数据：<a href="{record_json}">本报告的记录（JSON）</a>')
    source_url = escape.url((meta.get("source") or {}).get("url"))
    if source_url:
        items.append(f'来源：<a href="{source_url}" rel="nofollow noopener noreferrer">'
                     f"{source_url}</a>")
    else:
        items.append("来源：原始发布地址未知")
    items.append("机关页面：" + _page_link(md_path, links.index_md(urls.agency_slug(record)),
                                      "该机关历年报告"))
    return _html_list(items)


def _headline_lines(record: dict) -> list[str]:
    values = headline.figures(record)
    inert = escape.html_text
    rows = [[inert(f.label_zh), inert(headline.format_value(f.key, values.get(f.key)) or "—"),
             inert(f.description_zh)] for f in headline.FIGURES]
    return _html_table(["指标", "数值", "口径"], rows)


def _context_lines(record: dict, md_path: str) -> list[str]:
    ctx = record.get("context")
    if not isinstance(ctx, dict):
        return []
    inert = escape.html_text
    out: list[str] = []
    nav = []
    for key, word in (("previous", "上一年度"), ("next", "下一年度")):
        ref = ctx.get(key)
        if isinstance(ref, dict) and ref.get("slug"):
            label = f"{inert(ref.get('year'))}年报告"
            nav.append(f"{word}：{_page_link(md_path, links.report_md(str(ref['slug'])), label)}")
    if nav:
        out += ["## 历年对照", "", "<p>" + " · ".join(nav) + "</p>", ""]
    change = ctx.get("change") or {}
    rows = []
    for key, item in change.items():
        if not isinstance(item, dict):
            continue
        if key in headline.FIGURE_BY_KEY:
            values = [inert(headline.format_value(key, item.get("previous"))),
                      inert(headline.format_value(key, item.get("current"))),
                      inert(headline.format_change(key, item.get("delta")))]
        else:
            values = [escape.html_number(item.get(k)) for k in ("previous", "current", "delta")]
        # a figure that cannot be computed (纠错率 with nothing decided) shows as in the
        # headline table, not as an empty cell that reads like a rendering fault
        values = [v or "—" for v in values]
        rows.append([inert(item.get("label") or key), *values])
    if rows:
        if not nav:
            out += ["## 历年对照", ""]
        prev_year = (ctx.get("previous") or {}).get("year")
        out += [f"<p>与上一年度（{inert(prev_year)}年）相比：</p>", ""]
        out += _html_table(["指标", "上一年度", "本年度", "变化"], rows)
    return out


def is_outline(paragraph: str) -> bool:
    """Whether a narrative paragraph is the template's outline of the report's six parts
    (``outline_parts`` in domain/sections.yml): it names both the first and the last."""
    return all(part in paragraph for part in domain.load_yaml("sections.yml")["outline_parts"])


def render_report(record: dict, original_name: str | None = None,
                  originals_url: str | None = None) -> RenderedReport:
    """The Markdown page of one record and its chart data files.

    ``original_name`` is the report file's path inside the reports folder; the page links
    a copy published with the site, or with ``originals_url`` the file at that address.
    """
    slug = urls.report_slug(record)
    md_path = links.report_md(slug)
    copy = download_path(record, original_name) if original_name and not originals_url else None
    original = (_original_link(md_path, original_name, copy, originals_url)
                if original_name else None)
    marked = failing_cells(record)
    md: list[str] = [f"# {escape.text(report_title(record))}", ""]

    status = record.get("status", "ok")
    if status != "ok":
        md += _admonition("warning", escape.html_text(RECORD_STATUS_ZH.get(status, "解析不完整")),
                          ["<p>本页只列出能够读取的内容；请以原始文件为准。"])
    md += _checks_admonition(record, md_path)
    md += _meta_lines(record, md_path, original)
    md += ["## 主要指标", ""] + _headline_lines(record)
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
        ordered = sorted(checks, key=lambda c: order.get(c.get("status"), 3))
        # Left out of the search index: it repeats the tables' labels check by check and
        # is most of the page's text (see overrides/main.html and build_tools/search.py).
        md += _html_list([_check_item(record, chk, md_path, with_cells=False) for chk in ordered],
                         " data-pagefind-ignore")
    else:
        md += ["本报告没有可执行的检查。", ""]

    warnings = record.get("warnings") or []
    md += ["## 解析提示", ""]
    if warnings:
        items = []
        for w in warnings:
            cells = w.get("cells") or []
            tail = ("（涉及：" + "；".join(_cell_desc(record, c) for c in cells) + "）") if cells else ""
            items.append(f"<code>{escape.html_text(w.get('code'))}</code> "
                         f"{escape.html_text(w.get('message'))}{tail}")
        # Left out of the search index like the checks: the warnings quote the tables'
        # labels (（三）不予公开 …), so 不予公开 found every report with a warning.
        md += _html_list(items, " data-pagefind-ignore")
    else:
        md += ["无。", ""]

    md += ["## 报告正文", ""]
    sections = record.get("sections") or {}
    for key in rec.SECTION_KEYS:
        md += [f"### {rec.SECTION_TITLES_ZH[key]}", ""]
        block = escape.paragraphs_html(sections.get(key), unindexed=is_outline)
        md += [block if block else "*（原文此部分为空或未能识别）*", ""]
    return RenderedReport(md_path, "\n".join(md).rstrip() + "\n", data_files, copy)

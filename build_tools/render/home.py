"""The home page: what the archive holds (counts by region and year, latest reports)."""

from __future__ import annotations

from collections import Counter

from .. import headline, urls
from . import escape, links
from .report_page import report_title

LATEST_COUNT = 10
HOME = "index.md"


def _region_counts(records: list[dict], depth: int) -> list[tuple[tuple[str, ...], int]]:
    counts: Counter[tuple[str, ...]] = Counter()
    for r in records:
        region = tuple(r["meta"].get("region") or [])
        for d in range(1, min(depth, len(region)) + 1):
            counts[region[:d]] += 1
    return sorted(counts.items())


def _latest(records: list[dict]) -> list[dict]:
    """Newest first: by publication date, then report year, then address (a stable order)."""
    def key(r: dict) -> tuple:
        meta = r["meta"]
        return (str(meta.get("published") or ""), str(meta.get("year") or ""), urls.report_slug(r))
    return sorted(records, key=key, reverse=True)[:LATEST_COUNT]


def render_home(records: list[dict], summary: dict) -> str:
    t = summary["totals"]
    years = Counter(r["meta"].get("year") for r in records if r["meta"].get("year"))
    failing = sum(1 for r in records if any(c.get("status") == "fail" for c in r.get("checks", [])))
    md = ["# 政府信息公开工作年度报告档案", "",
          "本站收集各级行政机关发布的《政府信息公开工作年度报告》，把其中的统计表"
          "（主动公开、依申请公开、行政复议和行政诉讼）整理成可比较的数据，"
          "逐项核对表内的勾稽关系，并按地区、年度和机关汇总。"
          f"[关于本站]({links.md_link(HOME, 'about.md')})说明数字的读法和检查的含义。", "",
          f"目前收录 **{t['published']}** 份报告，覆盖 **{len(years)}** 个年度；"
          f"其中 **{failing}** 份报告至少有一项检查未通过"
          f"（见[数据质量]({links.md_link(HOME, 'quality.md')})）。"
          f"未能读取的文件见[构建报告]({links.md_link(HOME, 'build-report.md')})。", ""]

    md += ["## 按地区", "", "| 地区 | 报告数 |", "| --- | --- |"]
    for region, n in _region_counts(records, 2):
        target = links.md_link(HOME, links.index_md(urls.region_slug(list(region))))
        indent = "　" * (len(region) - 1)
        md.append(f"| {indent}[{escape.text(region[-1])}]({target}) | {n} |")
    md.append(f"\n[全部地区]({links.md_link(HOME, links.index_md('regions'))})\n")

    md += ["## 按年度", "", "| 年度 | 报告数 |", "| --- | --- |"]
    for year, n in sorted(years.items(), key=lambda kv: str(kv[0]), reverse=True):
        target = links.md_link(HOME, links.index_md(urls.year_slug(year)))
        md.append(f"| [{escape.text(year)}]({target}) | {n} |")
    md.append(f"\n[全部年度]({links.md_link(HOME, links.index_md('years'))})\n")

    md += ["## 最新收录", "", "| 报告 | 地区 | 发布日期 | 本年新收申请 | 公开率 |",
           "| --- | --- | --- | --- | --- |"]
    for r in _latest(records):
        meta = r["meta"]
        fig = headline.figures(r)
        target = links.md_link(HOME, links.report_md(urls.report_slug(r)))
        md.append(f"| [{escape.text(report_title(r))}]({target}) | "
                  f"{escape.text(' / '.join(meta.get('region') or []))} | "
                  f"{escape.text(meta.get('published') or '')} | "
                  f"{escape.text(headline.format_value('requests_received', fig['requests_received']))} | "
                  f"{escape.text(headline.format_value('disclosure_rate', fig['disclosure_rate']))} |")
    md.append("")
    return "\n".join(md)

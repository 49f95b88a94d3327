"""The data-quality pages (数据质量): failing 勾稽关系 checks of the whole archive.

One page listing every failing check grows with the archive (4.2 MB of HTML at 10,000
reports), so the list is split: ``quality.md`` holds the counts by rule and by province,
and each (rule, province) pair that has failures gets its own page listing them, cut into
numbered pages when one would still be too large.  Every failing check is listed on
exactly one page.

Addresses (docs-relative Markdown files, served at their folder)::

    quality.md                                    the summary, served at quality/
    quality/<rule>/<province>/index.md            one rule in one province
    quality/<rule>/<province>/page.<n>/index.md   its page n >= 2 (``urls.page_dirs``)

``<province>`` is ``urls.region_part`` of the province name, the same folder name its
region page uses, so a hostile name is as safe here as there.  A folder per list (not
``<province>.md``) keeps a province called ``index`` or ``README`` from being taken by
MkDocs for the index page of its rule folder.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

from . import domain, urls
from .crossyear import year_of
from .indexes import (cell_label, chunk_spans, failing_checks, href, link_html, number_cell,
                      pager_html, region_of, report_order, rule_label)
from .render.html_table import Cell, Column, row_html, table_from_rows, table_html
from .render.escape import text as esc
from .urls import page_dirs

__all__ = ["quality_pages", "detail_dir", "PAGE_BYTES", "UNKNOWN_PROVINCE_PART"]

SUMMARY_MD = "quality.md"
SUMMARY_DIR = "quality"
# A generated page's Markdown may take 200 KB (issue 5); lists are filled to a little less
# so that the HTML, with Material's ~15 KB of chrome, stays well under 300 KB.
PAGE_BYTES = 180_000
# Folder of reports with no region.  ``urls.region_part`` never yields a name with two
# hyphens in a row (``safe_name`` folds runs of them), so no province can take this one.
UNKNOWN_PROVINCE_PART = "region--unknown"
UNKNOWN_PROVINCE_ZH = "地区未知"

Fail = tuple[dict, dict]   # (record, failing check)


def _md_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


# ----------------------------------------------------------------------------- addresses

def _list_dir(rule: str, province: str | None) -> str:
    # rule ids are ours (rules.yml), but a check may carry anything: folded like a region
    prov = UNKNOWN_PROVINCE_PART if province is None else urls.region_part(province)
    return f"{SUMMARY_DIR}/{urls.region_part(rule)}/{prov}"


def detail_dir(rule: str, province: str | None, page: int = 1) -> str:
    """URL folder (docs-relative, no slashes at the ends) of page ``page`` of the failing
    checks of one rule in one province (``province`` None: reports with no region)."""
    return page_dirs(_list_dir(rule, province), page)[page - 1]


# ----------------------------------------------------------------------------- grouping

def _province(record: dict) -> str | None:
    reg = region_of(record)
    return reg[0] if reg else None


def _province_order(provinces: Iterable[str | None]) -> list[str | None]:
    provinces = set(provinces)
    return sorted(p for p in provinces if p is not None) + ([None] if None in provinces else [])


def _rule_order(rules: Iterable[str]) -> list[str]:
    titles = domain.rule_titles()
    return sorted(set(rules), key=lambda k: (titles.get(k, (99, k))[0], k))


def _rule_of(check: dict) -> str:
    return str(check.get("rule") or "unknown")


def _province_label(province: str | None) -> str:
    return UNKNOWN_PROVINCE_ZH if province is None else province


def _rule_column_label(rule: str) -> str:
    number = domain.rule_titles().get(rule, (None, None))[0]
    return f"规则{number}" if number is not None else esc(rule)


# ----------------------------------------------------------------------------- summary page

def _summary_page(records: list[dict], fails: list[Fail],
                  by_pair: dict[tuple[str, str | None], list[Fail]]) -> str:
    page_dir = SUMMARY_DIR
    by_rule: dict[str, list[Fail]] = defaultdict(list)
    for r, c in fails:
        by_rule[_rule_of(c)].append((r, c))
    rule_order = _rule_order(by_rule)
    # every known rule gets a column (a 0 says the rule was checked), plus any unknown one
    columns = _rule_order(list(domain.rule_titles()) + rule_order)
    lines = ["# 数据质量", "",
             f"全档案 {len(records)} 份报告中，共有 {len({urls.report_slug(r) for r, _ in fails})} "
             f"份报告的 {len(fails)} 项勾稽关系检查未通过。已发布的数字保持原样，"
             "问题列在这里和各报告页面上。各省份、各规则未通过的检查逐项列在单独的页面上，"
             "点击下表中的数字查看。", ""]
    summary = [[(esc(rule_label(k)), None), number_cell("requests_received", len(by_rule[k])),
                number_cell("requests_received", len({urls.report_slug(r) for r, _ in by_rule[k]}))]
               for k in rule_order]
    lines += ["## 按规则汇总", "",
              table_html([Column("规则"), Column("未通过项", True), Column("涉及报告", True)], summary),
              ""]

    records_by_province: dict[str | None, list[dict]] = defaultdict(list)
    for r in records:
        records_by_province[_province(r)].append(r)
    rows = []
    for prov in _province_order(records_by_province):
        recs = records_by_province[prov]
        with_fails = sum(1 for r in recs if failing_checks(r))
        if not with_fails:
            continue
        name_cell = (link_html(href(page_dir, urls.region_slug([prov])), prov) if prov is not None
                     else esc(UNKNOWN_PROVINCE_ZH))
        row: list[Cell] = [(name_cell, None), number_cell("requests_received", len(recs)),
                           number_cell("requests_received", with_fails)]
        for rule in columns:
            n = len(by_pair.get((rule, prov), ()))
            row.append((f'<a href="{href(page_dir, detail_dir(rule, prov))}">{n}</a>' if n else "0", n))
        rows.append(row)
    lines += ["## 按省份汇总", "", "各规则一列；点击数字查看该省份未通过该规则的全部检查。", "",
              table_html([Column("省份"), Column("报告数", True), Column("有问题的报告", True)]
                         + [Column(_rule_column_label(k), True) for k in columns], rows), ""]

    lines += ["## 未通过的检查明细", ""]
    for rule in rule_order:
        lines += [f"### {esc(rule_label(rule))}", "", "<ul>"]
        for prov in _province_order(p for (k, p) in by_pair if k == rule):
            n = len(by_pair[(rule, prov)])
            lines.append(f"<li>{link_html(href(page_dir, detail_dir(rule, prov)), _province_label(prov))}"
                         f"：{n} 项</li>")
        lines += ["</ul>", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- detail pages

_DETAIL_COLUMNS = [Column("报告"), Column("年度", True), Column("地区"), Column("单元格"),
                   Column("说明")]


def _detail_row(page_dir: str, fail: Fail) -> str:
    record, check = fail
    cells = "；".join(f"{esc(cell_label(p))}（<code>{esc(p)}</code>）"
                     for p in check.get("cells") or [])
    return row_html(_DETAIL_COLUMNS, [
        (link_html(href(page_dir, urls.report_slug(record)),
                   record["meta"].get("agency") or "（未注明机关）"), None),
        (esc(year_of(record) or ""), year_of(record)),
        (esc("／".join(region_of(record))), None),
        (cells, None), (esc(check.get("message") or ""), None)])


def _region_counts_table(page_dir: str, fails: list[Fail]) -> str:
    """Failures of one list by region (the province and its cities), linked to the region
    pages: where in the province the problems are.  Counties are left to the list itself
    (its 地区 column): a province may have hundreds, and this table shares page 1."""
    counts: Counter[tuple[str, ...]] = Counter()
    reports: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for r, _ in fails:
        reg = region_of(r)
        for i in range(1, min(len(reg), 2) + 1):
            counts[reg[:i]] += 1
            reports[reg[:i]].add(urls.report_slug(r))
    rows = [[(link_html(href(page_dir, urls.region_slug(reg)), "／".join(reg)), None),
             number_cell("requests_received", counts[reg]),
             number_cell("requests_received", len(reports[reg]))]
            for reg in sorted(counts)]
    return table_html([Column("地区"), Column("未通过项", True), Column("涉及报告", True)], rows)


def _detail_head(rule: str, province: str | None, page_dir: str, fails: list[Fail]) -> list[str]:
    title = f"{rule_label(rule)}｜{_province_label(province)}"
    crumb = (f'<p class="archive-breadcrumb">{link_html(href(page_dir, SUMMARY_DIR), "数据质量")}'
             f" › {esc(rule_label(rule))} › {esc(_province_label(province))}</p>")
    n_reports = len({urls.report_slug(r) for r, _ in fails})
    return [f"# {esc(title)}", "", crumb, "",
            f"{esc(_province_label(province))}共有 {n_reports} 份报告的 {len(fails)} 项检查未通过此规则。", ""]


def _detail_pages(rule: str, province: str | None, fails: list[Fail],
                  page_bytes: int) -> list[tuple[str, str]]:
    base = _list_dir(rule, province)
    region = (["## 按地区", "", _region_counts_table(base, fails), ""]
              if province is not None else [])
    # links of page 1 start at the list's folder, those of every later page one deeper
    first_rows = [_detail_row(base, f) for f in fails]
    first_sizes = [_md_bytes(row) + 1 for row in first_rows]
    # + slack for the few bytes pagers of different pages differ by
    fixed = _md_bytes(table_from_rows(_DETAIL_COLUMNS, [])) + _md_bytes("## 未通过的检查") + 64
    alone = fixed + _md_bytes("\n".join(_detail_head(rule, province, base, fails) + region))
    if alone + sum(first_sizes) <= page_bytes:   # most lists: one page, no pager
        later_rows, spans = [], [(0, len(fails))]
    else:
        later_rows = [_detail_row(f"{base}/page.2", f) for f in fails]
        spans = _spans(rule, province, fails, region, first_sizes,
                       [_md_bytes(row) + 1 for row in later_rows], fixed, page_bytes)
    dirs = page_dirs(base, len(spans))
    out = []
    for k, ((start, end), pdir) in enumerate(zip(spans, dirs), start=1):
        rows = first_rows if k == 1 else later_rows
        pager = [pager_html(pdir, dirs, k), ""] if len(dirs) > 1 else []
        lines = _detail_head(rule, province, pdir, fails) + (region if k == 1 else []) + pager
        lines += ["## 未通过的检查", "", table_from_rows(_DETAIL_COLUMNS, rows[start:end]), ""] + pager
        out.append((f"{pdir}/index.md", "\n".join(lines)))
    return out


def _spans(rule: str, province: str | None, fails: list[Fail], region: list[str],
           first_sizes: list[int], sizes: list[int], fixed: int,
           page_bytes: int) -> list[tuple[int, int]]:
    """Rows of each page of a list that needs more than one."""
    base = _list_dir(rule, province)
    count = 2
    while True:
        # the pager (twice on a page) lists every page: size it for the count it yields
        widest = page_dirs(base, count)[-1]
        pager = 2 * _md_bytes(pager_html(widest, page_dirs(base, count), count)) + 4
        head = _md_bytes("\n".join(_detail_head(rule, province, widest, fails))) + 2
        first_budget = page_bytes - fixed - pager - head - _md_bytes("\n".join(region))
        # a later page's rows come from later_rows, sized the same at any page.N depth
        spans = _respan(first_sizes, sizes, first_budget, page_bytes - fixed - pager - head)
        if len(spans) <= count:
            return spans
        count = len(spans)


def _respan(first_sizes: list[int], sizes: list[int], first_budget: int,
            budget: int) -> list[tuple[int, int]]:
    """``chunk_spans`` where the first page's rows have their own sizes (shorter links)."""
    (start, end), *_ = chunk_spans(first_sizes, first_budget, first_budget)
    rest = chunk_spans(sizes[end:], budget, budget) if end < len(sizes) else []
    return [(start, end)] + [(a + end, b + end) for a, b in rest]


# ----------------------------------------------------------------------------- entry point

def quality_pages(records: list[dict], *, page_bytes: int = PAGE_BYTES) -> list[tuple[str, str]]:
    """Every data-quality page as (docs-relative Markdown path, Markdown), sorted by path.

    ``records`` are enriched records (cross-year checks included).  ``page_bytes`` bounds
    each list page's Markdown; tests lower it to see the paging.
    """
    records = sorted(records, key=report_order)
    fails: list[Fail] = [(r, c) for r in records for c in failing_checks(r)]
    by_pair: dict[tuple[str, str | None], list[Fail]] = defaultdict(list)
    for r, c in fails:
        by_pair[(_rule_of(c), _province(r))].append((r, c))
    pages = [(SUMMARY_MD, _summary_page(records, fails, by_pair))]
    for (rule, prov), pair_fails in by_pair.items():
        pages += _detail_pages(rule, prov, pair_fails, page_bytes)
    pages.sort(key=lambda p: p[0])
    paths = [p for p, _ in pages]
    if len(set(paths)) != len(paths):
        # two rule ids or provinces folded to one folder: a page would silently replace another
        raise ValueError("two data-quality pages share an address")
    return pages

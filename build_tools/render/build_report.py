"""The build report: what became of every file of the reports folder (构建报告).

One summary dict feeds three outputs: ``build-report.json`` (site root, for machines and
CI; always whole), ``build-report.md`` (a page in Chinese, with numbered sub-pages under
``build-report/`` for lists too long for one page) and the console lines.  Nothing in it depends
on the machine or the clock (paths are relative to the reports folder; cache hits are only
printed), so it is part of the deterministic site.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from .. import PARSER_VERSION, domain, urls
from . import escape, links
from .html_table import Column, row_html, table_parts
from .report_page import RECORD_STATUS_ZH, report_title, rule_label

CODE_ZH = {
    "empty": "文件为空",
    "not_found": "文件不存在",
    "too_large": "文件过大",
    "unsupported_format": "不支持的文件类型",
    "unreadable": "无法读取",
    "encrypted": "文件已加密",
    "corrupt": "文件已损坏",
    "needs_libreoffice": "需要 LibreOffice 转换 .doc",
    "parser_crash": "解析程序出错",
    "render_crash": "生成页面出错",
}


def summarize(outcomes: list[Any], orphan_sidecars: list[str]) -> dict:
    """The build report as plain data (sorted, machine-independent)."""
    published, unreadable, not_ok, duplicates = [], [], [], []
    failing_by_rule: Counter[str] = Counter()
    for out in sorted(outcomes, key=lambda o: o.rel):
        if out.record is None:
            error = out.error or {"code": "unreadable", "reason": "unknown"}
            unreadable.append({"file": out.rel, "code": error["code"], "reason": error["reason"]})
            continue
        record = out.record
        slug = urls.report_slug(record)
        if out.duplicate_of is not None:
            duplicates.append({"file": out.rel, "same_page_as": out.duplicate_of, "slug": slug})
            continue
        failing = [c for c in record.get("checks", []) if c.get("status") == "fail"]
        failing_by_rule.update(str(c.get("rule")) for c in failing)
        meta = record["meta"]
        item = {"file": out.rel, "slug": slug, "url": f"{slug}/",
                "agency": meta.get("agency"), "year": meta.get("year"),
                "region": list(meta.get("region") or []), "status": record.get("status"),
                "failing_checks": len(failing), "warnings": len(record.get("warnings") or [])}
        published.append(item)
        if record.get("status") != "ok":
            not_ok.append({"file": out.rel, "slug": slug, "status": record.get("status"),
                           "reason": RECORD_STATUS_ZH.get(record.get("status"),
                                                          str(record.get("status"))),
                           "warnings": [w.get("message") for w in record.get("warnings") or []]})
    return {
        "parser_version": PARSER_VERSION,
        "totals": {"files": len(outcomes), "published": len(published),
                   "unreadable": len(unreadable), "not_ok": len(not_ok),
                   "duplicates": len(duplicates), "orphan_sidecars": len(orphan_sidecars),
                   "failing_checks": sum(failing_by_rule.values())},
        "published": published,
        "unreadable": unreadable,
        "not_ok": not_ok,
        "duplicates": duplicates,
        "orphan_sidecars": sorted(orphan_sidecars),
        "failing_checks_by_rule": dict(sorted(
            failing_by_rule.items(),
            key=lambda kv: (domain.rule_titles().get(kv[0], (99, ""))[0], kv[0]))),
    }


def render_json(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _code(s: object) -> str:
    return f"<code>{escape.text(s)}</code>"


# ----------------------------------------------------------------------------- paged lists

MD_PATH = "build-report.md"
SUB_DIR = "build-report"
# Budget of one generated page's Markdown (UTF-8 bytes).  The main page shows each long
# list up to its own share, so the shares plus the fixed parts stay under it.
PAGE_BYTES = 200_000
ROWS_PER_PAGE = 300
_SUB_ROWS_BYTES = 170_000      # rows of one sub-page; the rest is heading and pager


def pack(items: list[str], budget: int, max_items: int) -> list[list[str]]:
    """Items (rendered Markdown) in order, greedily cut into runs of at most ``budget``
    UTF-8 bytes and ``max_items`` items each.  An item larger than the budget gets a run
    of its own rather than being dropped.  No items, no runs."""
    runs: list[list[str]] = []
    run: list[str] = []
    size = 0
    for item in items:
        n = len(item.encode("utf-8")) + 1   # + the newline joining it to the next
        if run and (size + n > budget or len(run) >= max_items):
            runs.append(run)
            run, size = [], 0
        run.append(item)
        size += n
    if run:
        runs.append(run)
    return runs


@dataclass(frozen=True)
class _Section:
    key: str                 # folder of its sub-pages: build-report/<key>/
    title: str               # heading (fixed Chinese text)
    unit: str                # measure word of one item (个, 份)
    noun: str                # what one item is: 共 N {unit}{noun}
    items: list[dict]
    render: Callable[[str, dict], str]    # (from_md, item) -> Markdown of one item
    head: tuple[str, ...]    # lines before the items (table head, admonition opening)
    inline_bytes: int        # share of the main page the whole list may take
    preview: bool            # when it does not fit: show what fits of it on the main page
    label: Callable[[dict], str]          # short text naming an item in page ranges
    tail: tuple[str, ...] = ()            # lines after the items (table end)
    # when set, a long list is paged group by group (build-report/<key>/<group>/), so an
    # added item rewrites the pages of its own group only, not every page after it
    group: Callable[[dict], str] | None = None


def _unreadable_item(from_md: str, item: dict) -> str:
    label = CODE_ZH.get(item["code"], item["code"])
    return f"    - {_code(item['file'])}：{escape.text(label)}（{escape.text(item['reason'])}）"


def _not_ok_item(from_md: str, item: dict) -> str:
    target = links.md_link(from_md, links.report_md(item["slug"]))
    lines = [f"- [{_code(item['file'])}]({target})：{escape.text(item['reason'])}"]
    # the parser's own words (解析提示) say what exactly could not be read
    lines += [f"    - {escape.text(w)}" for w in item.get("warnings") or [] if w]
    return "\n".join(lines)


def _duplicate_item(from_md: str, item: dict) -> str:
    return f"- {_code(item['file'])} 与 {_code(item['same_page_as'])} 内容相同，只发布一次。"


def _orphan_item(from_md: str, item: dict) -> str:
    return f"- {_code(item['file'])}"


# The list of published files is a sortable raw HTML table, like the index pages' lists:
# a thousand Markdown table rows cost Python-Markdown and MkDocs several times as much, on
# every build that adds a report (the rows after it move to the next page).
_PUBLISHED_COLUMNS = (Column("文件"), Column("报告"), Column("状态"),
                      Column("未通过的检查", numeric=True), Column("解析提示", numeric=True))


def _published_item(from_md: str, item: dict) -> str:
    target = links.page_href(from_md, links.report_md(item["slug"]))
    title = report_title({"meta": {"agency": item["agency"], "year": item["year"]}})
    status = RECORD_STATUS_ZH.get(item["status"], item["status"])
    failing, warnings = int(item["failing_checks"]), int(item["warnings"])
    return row_html(_PUBLISHED_COLUMNS, [
        (f"<code>{escape.html_text(item['file'])}</code>", None),
        (f'<a href="{escape.attr(target)}">{escape.html_text(title)}</a>', None),
        (escape.html_text(status), None), (str(failing), failing), (str(warnings), warnings)])


_PUBLISHED_HEAD, _PUBLISHED_TAIL = table_parts(_PUBLISHED_COLUMNS)


# The group of a published file: the first folder of its path in the reports folder,
# which the filing convention makes its province.
ROOT_GROUP = "（报告文件夹根目录）"


def top_folder(item: dict) -> str:
    head, sep, _ = str(item["file"]).partition("/")
    return head if sep else ROOT_GROUP


def _sections(summary: dict) -> list[_Section]:
    by_file = lambda item: str(item["file"])  # noqa: E731
    return [
        # what could not be published matters most: the largest share of the main page
        _Section("unreadable", "无法读取的文件", "个", "文件", summary["unreadable"],
                 _unreadable_item, ('!!! failure "以下文件未能发布"', ""), 60_000, True, by_file),
        _Section("incomplete", "解析不完整的报告", "份", "报告", summary["not_ok"], _not_ok_item,
                 (), 40_000, True, by_file),
        _Section("duplicates", "重复文件", "个", "文件", summary["duplicates"], _duplicate_item,
                 (), 15_000, True, by_file),
        _Section("orphan-sidecars", "无对应报告的元数据文件", "个", "文件",
                 [{"file": s} for s in summary["orphan_sidecars"]], _orphan_item,
                 (), 10_000, True, by_file),
        # every published file is also on its report page: on the main page only when short
        _Section("published", "已发布的报告", "份", "报告", summary["published"], _published_item,
                 (_PUBLISHED_HEAD,), 30_000, False, by_file, (_PUBLISHED_TAIL,), top_folder),
    ]


def _sub_md(folder: str, page: int) -> str:
    # numbered pages in page.<n> folders, as urls.page_dirs names those of the indexes
    return f"{SUB_DIR}/{folder}/index.md" if page == 1 else f"{SUB_DIR}/{folder}/page.{page}/index.md"


def _group_folder(key: str, group: str) -> str:
    # region_part: the folder name from a path in the reports folder, made safe (an unsafe
    # name gets a hash, so two names cannot share a folder; page.<n> cannot be one)
    return f"{key}/{urls.region_part(group)}"


def _groups(section: _Section) -> list[tuple[str, list[dict]]]:
    """(group, items) in the order the groups first appear, items in list order."""
    grouped: dict[str, list[dict]] = {}
    for item in section.items:
        grouped.setdefault(section.group(item), []).append(item)
    return list(grouped.items())


def _short(text: str, keep: int = 24) -> str:
    """A file path cut in the middle, for naming the first and last item of a page."""
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


def _pager(folder: str, page: int, pages: int) -> str:
    here = _sub_md(folder, page)
    parts = [f"第 {page} / {pages} 页"]
    for label, target in (("第一页", 1), ("上一页", page - 1), ("下一页", page + 1),
                          ("最后一页", pages)):
        if 1 <= target <= pages and target != page:
            parts.append(f"[{label}]({links.md_link(here, _sub_md(folder, target))})")
    return " · ".join(parts)


def _sub_pages(section: _Section, folder: str, items: list[dict],
               group: str | None = None) -> list[tuple[str, str, list[dict]]]:
    """(path, Markdown, items) of each page of a long list, or of one group of it."""
    # links of page 1 start at its folder, those of every later page one deeper: cut by the
    # longer rendering so either fits
    later = [section.render(_sub_md(folder, 2), item) for item in items]
    runs = pack(later, _SUB_ROWS_BYTES, ROWS_PER_PAGE)
    title = section.title if group is None else f"{section.title} · {escape.text(group)}"
    out, start = [], 0
    for page, run in enumerate(runs, start=1):
        path = _sub_md(folder, page)
        on_page = items[start:start + len(run)]
        rows = run if page > 1 else [section.render(path, item) for item in on_page]
        pager = [_pager(folder, page, len(runs)), ""] if len(runs) > 1 else []
        numbered = f"（第 {page} 页）" if len(runs) > 1 else ""
        md = [f"# 构建报告：{title}{numbered}", "",
              f"[构建报告]({links.md_link(path, MD_PATH)}) › {title}："
              f"共 {len(items)} {section.unit}{section.noun}，"
              f"本页列出第 {start + 1}–{start + len(run)} {section.unit}。", "",
              *pager, *section.head, *rows, *section.tail, "", *pager]
        out.append((path, "\n".join(md), on_page))
        start += len(run)
    return out


def _grouped_lines(section: _Section,
                   groups: list[tuple[str, list[tuple[str, str, list[dict]]]]]) -> list[str]:
    """The main page's entry of a list paged by group: one line per group."""
    md = [f"## {section.title}", "",
          f"共 {len(section.items)} {section.unit}{section.noun}，按报告文件夹的第一层"
          f"（通常是省份）分 {len(groups)} 组列出：", ""]
    for group, subs in groups:
        count = sum(len(items) for _, _, items in subs)
        pages = f"，分 {len(subs)} 页" if len(subs) > 1 else ""
        md.append(f"- [{escape.text(group)}]({links.md_link(MD_PATH, subs[0][0])})："
                  f"{count} {section.unit}{pages}")
    return md + [""]


def _section_lines(section: _Section, subs: list[tuple[str, str, list[dict]]]) -> list[str]:
    """The section as the main page shows it: the whole list when it fits its share,
    otherwise what fits plus links to every page of the whole list."""
    md = [f"## {section.title}", ""]
    rendered = [section.render(MD_PATH, item) for item in section.items]
    if not subs:
        return md + [*section.head, *rendered, *section.tail, ""]
    shown = pack(rendered, section.inline_bytes, ROWS_PER_PAGE)[0] if section.preview else []
    if shown:
        md += [*section.head, *shown, *section.tail, ""]
        md.append(f"以上为前 {len(shown)} {section.unit}，共 {len(section.items)} "
                  f"{section.unit}{section.noun}，全部分 {len(subs)} 页列出：")
    else:
        md.append(f"共 {len(section.items)} {section.unit}{section.noun}，分 {len(subs)} 页列出：")
    md.append("")
    for page, (path, _, items) in enumerate(subs, start=1):
        first, last = section.label(items[0]), section.label(items[-1])
        md.append(f"- [第 {page} 页]({links.md_link(MD_PATH, path)})："
                  f"{_code(_short(first))} 至 {_code(_short(last))}")
    return md + [""]


def render_pages(summary: dict) -> list[tuple[str, str]]:
    """``build-report.md`` and the pages of its long lists, as (docs path, Markdown).

    The main page leads with the counts and the files that could not be published; a
    list too long for its share of the page is listed whole on numbered sub-pages
    (``build-report/<list>/index.md``, ``page.2/index.md`` …) and in part on the main
    page.  The published files, the one list every added report lengthens, are paged
    by their first folder (``build-report/published/青海省/…``), and the main page
    links each folder's pages.
    """
    t = summary["totals"]
    md = ["# 构建报告", "",
          "本页列出报告文件夹中每一个文件的处理结果：已发布、无法读取（附原因）、解析不完整，"
          "以及勾稽关系检查未通过的数量。机器可读版本见 "
          "[build-report.json](build-report.json)。", "",
          "| 项目 | 数量 |", "| --- | --- |",
          f"| 文件总数 | {t['files']} |", f"| 已发布报告 | {t['published']} |",
          f"| 无法读取的文件 | {t['unreadable']} |", f"| 解析不完整的报告 | {t['not_ok']} |",
          f"| 重复文件 | {t['duplicates']} |", f"| 无对应报告的元数据文件 | {t['orphan_sidecars']} |",
          f"| 未通过的检查（合计） | {t['failing_checks']} |", ""]
    pages: list[tuple[str, str]] = []
    sections = _sections(summary)
    body: dict[str, list[str]] = {}
    for section in sections:
        if not section.items:
            continue
        rendered_main = "\n".join(section.render(MD_PATH, item) for item in section.items)
        fits = (len(rendered_main.encode("utf-8")) <= section.inline_bytes
                and len(section.items) <= ROWS_PER_PAGE)
        if not fits and section.group is not None:
            groups = [(group, _sub_pages(section, _group_folder(section.key, group), items, group))
                      for group, items in _groups(section)]
            pages += [(path, text) for _, subs in groups for path, text, _ in subs]
            body[section.key] = _grouped_lines(section, groups)
            continue
        subs = [] if fits else _sub_pages(section, section.key, section.items)
        pages += [(path, text) for path, text, _ in subs]
        body[section.key] = _section_lines(section, subs)
    for key in ("unreadable", "incomplete", "duplicates", "orphan-sidecars"):
        md += body.get(key, [])
    if summary["failing_checks_by_rule"]:
        md += ["## 未通过的检查（按规则）", "",
               f"逐项列表见[数据质量]({links.md_link(MD_PATH, 'quality.md')})。", "",
               "| 规则 | 数量 |", "| --- | --- |"]
        # in rule order even when the summary was read back from sorted-key JSON
        by_rule = sorted(summary["failing_checks_by_rule"].items(),
                         key=lambda kv: (domain.rule_titles().get(kv[0], (99, ""))[0], kv[0]))
        md += [f"| {rule_label(rule)} | {n} |" for rule, n in by_rule]
        md.append("")
    md += body.get("published", ["## 已发布的报告", "", "没有。", ""])
    return [(MD_PATH, "\n".join(md).rstrip("\n") + "\n")] + sorted(pages)


def render_console(summary: dict, cached: int = 0) -> str:
    t = summary["totals"]
    lines = [f"报告文件 {t['files']} 个：发布 {t['published']}，无法读取 {t['unreadable']}，"
             f"解析不完整 {t['not_ok']}，重复 {t['duplicates']}；未通过的检查 {t['failing_checks']} 项"
             f"（缓存命中 {cached}）。"]
    for item in summary["unreadable"]:
        lines.append(f"  无法读取 {item['file']}: {item['reason']}")
    for item in summary["not_ok"]:
        lines.append(f"  解析不完整 {item['file']}: {item['reason']}")
    return "\n".join(lines)

"""The build report: what became of every file of the reports folder (构建报告).

One summary dict feeds three outputs: ``build-report.json`` (site root, for machines and
CI), ``build-report.md`` (a page in Chinese) and the console lines.  Nothing in it depends
on the machine or the clock (paths are relative to the reports folder; cache hits are only
printed), so it is part of the deterministic site.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .. import PARSER_VERSION, domain, urls
from . import escape, links
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


def render_markdown(summary: dict) -> str:
    md_path = "build-report.md"
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
    if summary["unreadable"]:
        md += ["## 无法读取的文件", "", "!!! failure \"以下文件未能发布\"", ""]
        for item in summary["unreadable"]:
            label = CODE_ZH.get(item["code"], item["code"])
            md.append(f"    - {_code(item['file'])}：{escape.text(label)}（{escape.text(item['reason'])}）")
        md.append("")
    if summary["not_ok"]:
        md += ["## 解析不完整的报告", ""]
        for item in summary["not_ok"]:
            target = links.md_link(md_path, links.report_md(item["slug"]))
            md.append(f"- [{_code(item['file'])}]({target})：{escape.text(item['reason'])}")
        md.append("")
    if summary["duplicates"]:
        md += ["## 重复文件", ""]
        for item in summary["duplicates"]:
            md.append(f"- {_code(item['file'])} 与 {_code(item['same_page_as'])} 内容相同，只发布一次。")
        md.append("")
    if summary["orphan_sidecars"]:
        md += ["## 无对应报告的元数据文件", ""]
        md += [f"- {_code(s)}" for s in summary["orphan_sidecars"]] + [""]
    if summary["failing_checks_by_rule"]:
        md += ["## 未通过的检查（按规则）", "", "| 规则 | 数量 |", "| --- | --- |"]
        md += [f"| {rule_label(rule)} | {n} |" for rule, n in summary["failing_checks_by_rule"].items()]
        md.append("")
    md += ["## 已发布的报告", "", "| 文件 | 报告 | 状态 | 未通过的检查 | 解析提示 |",
           "| --- | --- | --- | --- | --- |"]
    for item in summary["published"]:
        target = links.md_link(md_path, links.report_md(item["slug"]))
        title = report_title({"meta": {"agency": item["agency"], "year": item["year"]}})
        status = RECORD_STATUS_ZH.get(item["status"], item["status"])
        md.append(f"| {_code(item['file'])} | [{escape.text(title)}]({target}) | "
                  f"{escape.text(status)} | {item['failing_checks']} | {item['warnings']} |")
    return "\n".join(md) + "\n"


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

"""The build report as Markdown for a CI job summary (``$GITHUB_STEP_SUMMARY``).

    python -m build_tools.summary site/build-report.json [--changed-from REF] [--reports reports]

Reads the ``build-report.json`` the site build writes (``render/build_report.py``) and,
for the reports a change added or modified (``git diff REF HEAD`` under the reports
folder), their failing checks with messages from each report's published record
(``data/r/<year>/<slug>.json`` beside the build report).  Also lists every file that could
not be read and every report parsed only in part.

Ends with the site's size, part by part, against GitHub Pages' limit (``site_size``).

Standard library only (``site_size`` too), so it runs even when installing the
dependencies failed.  Names and messages come from untrusted reports: everything is
escaped as Markdown and HTML.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

from build_tools import site_size

# GitHub refuses job summaries over 1 MiB; long lists are cut well before that.
MAX_ITEMS = 200
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
STATUS_ZH = {"ok": "完整", "partial": "部分解析", "no_tables": "未找到统计表",
             "no_text_layer": "无文字层（扫描件）"}


def md(text: object) -> str:
    """Untrusted text as inert Markdown: no links, emphasis, tables, HTML or line breaks."""
    flat = " ".join(str(text if text is not None else "").split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def changed_files(ref: str, reports_dir: str, cwd: Path | None = None) -> list[str] | None:
    """Files under the reports folder added or modified since ``ref``, relative to that
    folder; None when git cannot tell (no repository, unknown ref)."""
    try:
        out = subprocess.run(
            ["git", "diff", "--name-only", "-z", "--no-renames", "--diff-filter=AM",
             ref, "HEAD", "--", reports_dir],
            cwd=cwd, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    prefix = PurePosixPath(reports_dir.strip("/"))
    files = []
    for raw in out.split(b"\0"):
        if not raw:
            continue
        path = PurePosixPath(raw.decode("utf-8", "surrogateescape"))
        try:
            files.append(str(path.relative_to(prefix)))
        except ValueError:
            continue
    return sorted(files)


def touched_reports(changed: list[str]) -> set[str]:
    """Report stems touched by a change: a new sidecar counts for its report too."""
    return {str(PurePosixPath(f).with_suffix("")) for f in changed}


def load_record(site_dir: Path, slug: str) -> dict | None:
    path = site_dir / "data" / f"{slug}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _stem(rel: str) -> str:
    return str(PurePosixPath(rel).with_suffix(""))


def _cut(lines: list[str], items: int) -> list[str]:
    if items > MAX_ITEMS:
        lines.append(f"- …另有 {items - MAX_ITEMS} 项，见网站的构建报告页")
    return lines


def render(report: dict, site_dir: Path, changed: list[str] | None,
           base: str | None = None, size: site_size.SiteSize | None = None,
           limit: int = site_size.PAGES_LIMIT_BYTES) -> str:
    t = report.get("totals", {})
    out = ["## 构建报告 Build report", "",
           "| 项目 | 数量 |", "| --- | ---: |",
           f"| 报告文件 | {t.get('files', 0)} |",
           f"| 已发布 | {t.get('published', 0)} |",
           f"| 无法读取 | {t.get('unreadable', 0)} |",
           f"| 解析不完整 | {t.get('not_ok', 0)} |",
           f"| 重复文件 | {t.get('duplicates', 0)} |",
           f"| 未通过的检查（合计） | {t.get('failing_checks', 0)} |", ""]

    published = report.get("published", [])
    unreadable = report.get("unreadable", [])
    if changed is None and base:
        out += [f"_无法与 {md(base)} 比较（git diff 失败），未列出本次新增的报告。_", ""]
    elif changed is None:
        out += ["_未指定比较基准（--changed-from），不列出本次新增的报告。_", ""]
    else:
        stems = touched_reports(changed)
        new_ok = [p for p in published if _stem(p["file"]) in stems]
        new_bad = [u for u in unreadable if _stem(u["file"]) in stems]
        new_dup = [d for d in report.get("duplicates", []) if _stem(d["file"]) in stems]
        count = len(new_ok) + len(new_bad) + len(new_dup)
        out += [f"### 本次新增或修改的报告（{count}）", ""]
        if not count:
            out += ["本次改动没有新增或修改报告文件。", ""]
        for d in new_dup[:MAX_ITEMS]:
            out.append(f"- ♻️ {md(d['file'])}：与已收录的 {md(d.get('same_page_as'))} "
                       "是同一份报告，不重复发布。")
        for u in new_bad[:MAX_ITEMS]:
            out.append(f"- ❌ {md(u['file'])}：无法读取（{md(u.get('code'))}）：{md(u.get('reason'))}")
        for p in new_ok[:MAX_ITEMS]:
            out += _describe_new(p, site_dir)
        out.append("")

    if unreadable:
        out += [f"### 无法读取的文件（{len(unreadable)}）", ""]
        out += _cut([f"- {md(u['file'])}（{md(u.get('code'))}）：{md(u.get('reason'))}"
                     for u in unreadable[:MAX_ITEMS]], len(unreadable))
        out.append("")
    not_ok = report.get("not_ok", [])
    if not_ok:
        out += [f"### 解析不完整的报告（{len(not_ok)}）", ""]
        out += _cut([f"- {md(n['file'])}：{md(n.get('reason') or n.get('status'))}"
                     for n in not_ok[:MAX_ITEMS]], len(not_ok))
        out.append("")
    by_rule = report.get("failing_checks_by_rule") or {}
    if by_rule:
        out += ["### 未通过的检查（按规则，全部报告）", "", "| 规则 | 数量 |", "| --- | ---: |"]
        out += [f"| {md(rule)} | {n} |" for rule, n in sorted(by_rule.items())]
        out.append("")
    if size is not None:
        out += size_section(size, limit)
    return "\n".join(out) + "\n"


def size_section(size: site_size.SiteSize, limit: int) -> list[str]:
    out = [f"### 站点大小：{site_size.mb(size.total)}（{size.files:,} 个文件）", ""]
    warning = site_size.warning(size, limit)
    if warning:
        out += [f"> ⚠️ {warning}", ""]
    else:
        out += [site_size.usage(size, limit), ""]
    out += ["| 部分 | 大小 | 占比 |", "| --- | ---: | ---: |"]
    out += [f"| {label} | {site_size.mb(n)} | {n / size.total:.0%} |" for label, n in size.parts]
    out.append("")
    return out


def _describe_new(item: dict, site_dir: Path) -> list[str]:
    region = "/".join(item.get("region") or []) or "地区未识别"
    status = STATUS_ZH.get(item.get("status"), item.get("status"))
    n_fail = item.get("failing_checks", 0)
    mark = "⚠️" if n_fail or item.get("status") != "ok" else "✅"
    lines = [f"- {mark} {md(item['file'])}：{md(item.get('agency') or '机关未识别')}，"
             f"{md(item.get('year') or '年度未识别')} 年度，{md(region)}；解析{md(status)}；"
             f"未通过的检查 {n_fail} 项"]
    record = load_record(site_dir, item["slug"]) if item.get("slug") else None
    if record is not None:
        for check in record.get("checks") or []:
            if check.get("status") == "fail":
                lines.append(f"    - {md(check.get('rule'))}：{md(check.get('message'))}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m build_tools.summary", description=__doc__.split("\n")[0])
    ap.add_argument("report", help="path of build-report.json (in the built site folder)")
    ap.add_argument("--changed-from", metavar="REF",
                    help="git revision to compare with, to list the reports this change adds")
    ap.add_argument("--reports", default="reports", help="reports folder, relative to the repository")
    args = ap.parse_args(argv)
    path = Path(args.report)
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print("## 构建报告 Build report\n\n❌ 没有生成构建报告（" + md(f"{path}: {exc}") +
              "），请查看构建步骤的日志。")
        return 1
    changed = changed_files(args.changed_from, args.reports) if args.changed_from else None
    size = site_size.measure(path.parent)
    sys.stdout.write(render(report, path.parent, changed, args.changed_from, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How big the built site is, part by part, and how close it is to what its host publishes.

GitHub Pages publishes a site of at most 1 GB (GitHub Docs, "GitHub Pages limits":
"Published GitHub Pages sites may be no larger than 1 GB").  Nothing in the deploy
enforces it: ``actions/deploy-pages`` warns only when the uploaded artifact — the site as
a tar, zipped by ``actions/upload-artifact``, so far smaller than the site for HTML and
JSON — passes 1,073,741,824 bytes, and refuses content only over 10 GB.  A site over the
documented limit can therefore go out with no warning at all, and be cut short or
refused later.  So the build says it first, measuring the site itself: the CI job
summary (``summary.py``) shows the size, its parts and, near or over the limit, a
warning; before a deploy, ``python -m build_tools.site_size site --fail-over-limit``
stops a site over the limit from being published (the published site stays at its last
version, and the reports stay in the repository).

The originals (``files/``) grow with the archive and with the size of the published
files: the benchmark's synthetic ones average 34 KB, about a report page, and real
published PDFs are larger, so they are the part to watch.  Standard library only, like
``summary.py``, which uses it.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

PAGES_LIMIT_BYTES = 1 << 30
# Warn while there is room left to move hosts or originals before a deploy is refused.
WARN_SHARE = 0.8

# Top-level folders of the site (urls.py, indexes.py, quality.py, report_page.py write
# them) and what a maintainer calls them; any other folder or file counts as 其他.
PARTS: tuple[tuple[str, str], ...] = (
    ("files", "原始文件"),
    ("r", "报告页面"),
    ("data", "开放数据"),
    ("pagefind", "搜索索引"),
    ("agencies", "机关页面"),
    ("regions", "地区页面"),
    ("years", "年度页面"),
    ("quality", "数据质量页面"),
    ("build-report", "构建报告"),
    ("assets", "样式、脚本与字体"),
)
OTHER = "其他"


@dataclass(frozen=True)
class SiteSize:
    total: int                              # bytes of every file under the site folder
    files: int                              # how many files
    parts: tuple[tuple[str, int], ...]      # (label, bytes), largest first, empty parts left out

    def share_of(self, limit: int = PAGES_LIMIT_BYTES) -> float:
        return self.total / limit


def measure(site_dir: Path) -> SiteSize:
    labels = dict(PARTS)
    sizes: dict[str, int] = {}
    total = count = 0
    for top in sorted(os.scandir(site_dir), key=lambda e: e.name):
        label = labels.get(top.name, OTHER)
        size, n = _tree_bytes(top)
        sizes[label] = sizes.get(label, 0) + size
        total += size
        count += n
    parts = tuple(sorted(((k, v) for k, v in sizes.items() if v),
                         key=lambda kv: (-kv[1], kv[0])))
    return SiteSize(total, count, parts)


def _tree_bytes(entry: os.DirEntry) -> tuple[int, int]:
    if not entry.is_dir(follow_symlinks=False):
        return (entry.stat(follow_symlinks=False).st_size, 1) if entry.is_file() else (0, 0)
    size = n = 0
    for root, _, names in os.walk(entry.path):
        for name in names:
            path = os.path.join(root, name)
            if os.path.isfile(path):
                size += os.path.getsize(path)
                n += 1
    return size, n


def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def limit_text(limit: int) -> str:
    """The limit as GitHub states it ("1 GB") when it is Pages' own."""
    return "1 GB" if limit == PAGES_LIMIT_BYTES else mb(limit)


def describe(size: SiteSize) -> str:
    """``站点大小：124.1 MB，8,133 个文件（报告页面 39.7 MB，原始文件 33.7 MB，…）``"""
    shown = "，".join(f"{label} {mb(n)}" for label, n in size.parts)
    return f"站点大小：{mb(size.total)}，{size.files:,} 个文件（{shown}）"


def usage(size: SiteSize, limit: int = PAGES_LIMIT_BYTES) -> str:
    """The line said when the site is well within the limit."""
    return f"GitHub Pages 发布上限 {limit_text(limit)}，已用 {size.share_of(limit):.0%}。"


def warning(size: SiteSize, limit: int = PAGES_LIMIT_BYTES) -> str | None:
    """A warning when the site is near (``WARN_SHARE``) or over the Pages limit, else None."""
    share = size.share_of(limit)
    if share < WARN_SHARE:
        return None
    originals = dict(size.parts).get("原始文件", 0)
    state = "已超过上限" if share >= 1 else "接近上限"
    return (f"站点 {mb(size.total)}，是 GitHub Pages 发布上限 {limit_text(limit)} 的 {share:.0%}"
            f"（{state}），其中原始文件 {mb(originals)}。超过上限后部署可能失败或缺失文件，"
            "需要换用容量更大的托管，或把原始文件放到另外的下载地址"
            "（仓库变量 ORIGINALS_URL，即构建选项 --originals-url，见 README）。")


def annotation_text(message: str) -> str:
    """A GitHub workflow command's message: ``%``, CR and LF escaped, as the runner reads them."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m build_tools.site_size",
                                 description="The built site's size by part, against "
                                             "GitHub Pages' 1 GB limit.")
    ap.add_argument("site", type=Path, help="the built site folder")
    ap.add_argument("--limit", type=int, default=PAGES_LIMIT_BYTES,
                    help="bytes the host publishes (default: GitHub Pages', 1 GiB)")
    ap.add_argument("--fail-over-limit", action="store_true",
                    help="exit 1 when the site is over the limit (before a deploy: a site "
                         "the host would cut short is not deployed at all)")
    args = ap.parse_args(argv)
    if not args.site.is_dir():
        print(f"error: site folder {args.site} does not exist", file=sys.stderr)
        return 2
    size = measure(args.site)
    print(describe(size))
    message = warning(size, args.limit)
    if message is None:
        print(usage(size, args.limit))
        return 0
    over = size.share_of(args.limit) >= 1
    if over and args.fail_over_limit:
        message += "本次不部署：已发布的站点保持上一版本。"
    print(message)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        # an annotation on the run's page, where a maintainer looks first
        level = "error" if over and args.fail_over_limit else "warning"
        print(f"::{level} title=站点大小::{annotation_text(message)}")
    return 1 if over and args.fail_over_limit else 0


if __name__ == "__main__":
    sys.exit(main())

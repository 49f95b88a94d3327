"""The site's size by part, and the warning before it outgrows GitHub Pages (1 GB)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from build_tools import site_size, summary
from build_tools.site_size import SiteSize, measure, warning
from tests.test_build import run_build

REPO = Path(__file__).resolve().parent.parent


def write(path: Path, n: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * n)


def test_measure_sums_each_part_largest_first_and_the_rest_as_other(tmp_path: Path) -> None:
    write(tmp_path / "files/r/2021/某局-1/某局.pdf", 5000)
    write(tmp_path / "files/r/2022/某局-2/某局.docx", 1000)
    write(tmp_path / "r/2021/某局-1/index.html", 3000)
    write(tmp_path / "pagefind/fragment/a.pf_fragment", 200)
    write(tmp_path / "index.html", 30)
    write(tmp_path / "something-new/x.bin", 70)
    (tmp_path / "data").mkdir()                   # an empty part is left out
    size = measure(tmp_path)
    assert size.total == 9300 and size.files == 6
    assert size.parts == (("原始文件", 6000), ("报告页面", 3000), ("搜索索引", 200), ("其他", 100))


def test_warning_only_near_or_over_the_limit_and_names_the_originals() -> None:
    parts = (("原始文件", 700), ("报告页面", 100))
    assert warning(SiteSize(790, 2, parts), limit=1000) is None
    near = warning(SiteSize(800, 2, parts), limit=1000)
    assert near and "80%" in near and "接近上限" in near and "原始文件 0.0 MB" in near
    over = warning(SiteSize(1_500_000_000, 2, (("原始文件", 1_200_000_000),)))
    assert over and "140%" in over and "已超过上限" in over and "原始文件 1,200.0 MB" in over
    assert "1 GB" in over


def test_the_job_summary_ends_with_the_size_and_warns_over_the_limit(tmp_path: Path) -> None:
    report = {"totals": {}, "published": [], "unreadable": []}
    calm = summary.render(report, tmp_path, [], size=SiteSize(
        500_000_000, 12, (("原始文件", 300_000_000), ("报告页面", 200_000_000))))
    assert "### 站点大小：500.0 MB（12 个文件）" in calm
    assert "GitHub Pages 发布上限 1 GB，已用 47%" in calm
    assert "| 原始文件 | 300.0 MB | 60% |" in calm and "⚠️" not in calm
    size = SiteSize(900_000_000, 12, (("原始文件", 600_000_000), ("报告页面", 300_000_000)))
    assert "> ⚠️ 站点 900.0 MB，是 GitHub Pages 发布上限 1 GB 的 84%（接近上限）" in \
        summary.render(report, tmp_path, [], size=size)
    warned = summary.render(report, tmp_path, [], size=size, limit=1_000_000_000)
    assert "> ⚠️ 站点 900.0 MB，是 GitHub Pages 发布上限 1,000.0 MB 的 90%（接近上限）" in warned
    assert "### 站点大小" not in summary.render(report, tmp_path, [])


def test_the_seed_site_is_measured_with_its_originals(tmp_path: Path) -> None:
    """Built from reports/: the originals part is exactly the published files' bytes, and
    the summary command prints the section from the real site folder."""
    site = tmp_path / "site"
    proc = run_build(REPO / "reports", site, tmp_path / "work")
    assert proc.returncode == 0, proc.stderr
    originals = sum(p.stat().st_size for p in (REPO / "reports").rglob("*")
                    if p.is_file() and p.suffix != ".yml")
    size = measure(site)
    assert dict(size.parts)["原始文件"] == originals
    assert sum(n for _, n in size.parts) == size.total
    assert size.total == sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    out = subprocess.run([sys.executable, "-m", "build_tools.summary",
                          str(site / "build-report.json")], cwd=REPO, capture_output=True,
                         text=True).stdout
    assert f"### 站点大小：{site_size.mb(size.total)}（{size.files:,} 个文件）" in out
    assert f"已用 {size.share_of():.0%}。" in out and "⚠️" not in out


def test_the_check_before_a_deploy_fails_only_over_the_limit(tmp_path: Path) -> None:
    write(tmp_path / "files/a.pdf", 900)
    write(tmp_path / "r/index.html", 100)

    def check(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "build_tools.site_size", str(tmp_path),
                               *args], cwd=REPO, capture_output=True, text=True,
                              env={**os.environ, "GITHUB_ACTIONS": "", **(env or {})})

    fits = check("--limit", "2000", "--fail-over-limit")
    assert fits.returncode == 0 and "已用 50%" in fits.stdout and "::" not in fits.stdout
    near = check("--limit", "1100", "--fail-over-limit", env={"GITHUB_ACTIONS": "true"})
    assert near.returncode == 0 and "::warning title=站点大小::" in near.stdout
    assert "91%25（接近上限）" in near.stdout          # % escaped in the annotation
    over = check("--limit", "999", "--fail-over-limit", env={"GITHUB_ACTIONS": "true"})
    assert over.returncode == 1
    assert "其中原始文件 0.0 MB" in over.stdout and "本次不部署" in over.stdout
    assert "::error title=站点大小::" in over.stdout
    assert check("--limit", "999").returncode == 0      # without the flag: a warning only
    gone = subprocess.run([sys.executable, "-m", "build_tools.site_size", str(tmp_path / "no")],
                          cwd=REPO, capture_output=True, text=True)
    assert gone.returncode == 2 and "does not exist" in gone.stderr

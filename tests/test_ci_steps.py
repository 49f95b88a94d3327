"""Run the workflow's own build-job steps locally, as a pull request would run them.

The test reads ``.github/workflows/site.yml``, takes the ``run:`` steps of the ``build``
job in order and runs them with bash (GitHub's ``bash --noprofile --norc -eo pipefail``)
in a fresh ``git clone`` of this repository in a temporary folder, then checks the site
and the job summary they produce.

What differs from GitHub, explicitly:

* the clone is overlaid with the working tree's tracked and untracked, not ignored files,
  so uncommitted work is tested as it would be committed (in CI the tree is clean and the
  overlay changes nothing);
* ``uses:`` steps are not run: ``actions/checkout`` is the clone itself, ``actions/cache``
  has nothing to restore, ``actions/upload-pages-artifact`` and ``actions/configure-pages`` only run on main; any other
  action makes the test fail until it is taught what stands in for it;
* the install is skipped only when this repository's ``.venv`` exists: the clone then uses
  it (symlinked) with ``ARCHIVE_SKIP_INSTALL=1``; without it, the steps install as on GitHub;
* ``${{ … }}`` expressions and ``if:`` conditions are looked up in the tables below, as
  they evaluate for a pull request; an unknown one fails the test rather than guessing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github/workflows/site.yml"
SEEDS = ROOT / "tests/fixtures/seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")
BASE_BRANCH = "ci-steps-base"

EXPRESSIONS = {
    "${{ github.event_name == 'pull_request' && '--strict' || '' }}": "--strict",
    "${{ github.event_name }}": "pull_request",
    "${{ github.base_ref }}": BASE_BRANCH,
    "${{ github.event.before }}": "",
    "${{ steps.pages.outputs.base_url }}": "",   # configure-pages runs on main only
    "${{ vars.ORIGINALS_URL }}": "",             # an unset repository variable is ""
}
CONDITIONS = {
    "always()": True,
    "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'": False,
}
STAND_INS = {"actions/checkout", "actions/cache", "actions/upload-pages-artifact",
             "actions/configure-pages"}
GIT_ID = ["-c", "user.name=ci-steps", "-c", "user.email=ci-steps@example.invalid",
          "-c", "commit.gpgsign=false"]


def resolve(value: object) -> str:
    text = str(value)
    if "${{" not in text:
        return text
    if text not in EXPRESSIONS:
        pytest.fail(f"test_ci_steps does not know how {text!r} evaluates for a pull request")
    return EXPRESSIONS[text]


def build_steps() -> tuple[dict, list[dict]]:
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return wf, wf["jobs"]["build"]["steps"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *GIT_ID, *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


def fresh_clone(dest: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout
    for rel in sorted({p for p in listed.decode("utf-8", "surrogateescape").split("\0") if p}):
        src, dst = ROOT / rel, dest / rel
        if src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        elif dst.is_file() and not src.exists():  # deleted in the working tree
            dst.unlink()
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "--allow-empty", "-m", "working tree overlay")
    # The pull request's base: the repository as it is, before the change under test.
    git(dest, "update-ref", f"refs/remotes/origin/{BASE_BRANCH}", "HEAD")
    return dest


def run_job(clone: Path, steps: list[dict], wf: dict, env: dict) -> list[tuple[str, int, str]]:
    """Run the steps with GitHub's rules for failures; returns (name, exit code, output)."""
    results: list[tuple[str, int, str]] = []
    failed = False
    job_env = {**wf.get("env", {}), **wf["jobs"]["build"].get("env", {})}
    for step in steps:
        name = step.get("name") or step.get("uses") or step.get("run", "")[:40]
        if "uses" in step:
            action = step["uses"].split("@")[0]
            assert action in STAND_INS, f"no local stand-in for {action}"
            continue
        condition = step.get("if")
        if condition is not None:
            if condition not in CONDITIONS:
                pytest.fail(f"test_ci_steps does not know how `if: {condition}` evaluates")
            if not CONDITIONS[condition]:
                continue
            if failed and condition != "always()":
                continue
        elif failed:
            continue
        step_env = {k: resolve(v) for k, v in {**job_env, **step.get("env", {})}.items()}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=clone, env={**env, **step_env}, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=900)
        results.append((name, proc.returncode, proc.stdout + proc.stderr))
        failed = failed or proc.returncode != 0
    return results


@pytest.mark.slow
def test_build_job_steps_run_in_a_fresh_clone(tmp_path: Path) -> None:
    wf, steps = build_steps()
    clone = fresh_clone(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(CI="true", GITHUB_ACTIONS="true",
               GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"))  # the steps may set safe.directory
    if (ROOT / ".venv/bin/python").exists():
        (clone / ".venv").symlink_to(ROOT / ".venv")
        env["ARCHIVE_SKIP_INSTALL"] = "1"

    # The pull request adds one report, whose table breaks rule 1 (39+5 ≠ 32+0).
    new_rel = "reports/青海省/西宁市/城东区/2020/城东区人民政府测试副本.txt"
    new = clone / new_rel
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_bytes(next(SEEDS.glob("004_*.txt")).read_bytes() + "\n（测试副本）\n".encode("utf-8"))
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "add a report")

    summary_file = tmp_path / "summary.md"
    env["GITHUB_STEP_SUMMARY"] = str(summary_file)
    results = run_job(clone, steps, wf, env)
    assert [name for name, _, _ in results] == ["Build the site",
                                                "Write the build report to the job summary"]
    for name, code, output in results:
        assert code == 0, f"{name}:\n{output[-4000:]}"
    assert (clone / "site/index.html").is_file()
    assert (clone / "site/feed.xml").is_file()
    assert (clone / "build/cache").is_dir()   # the folder the workflow caches
    summary = summary_file.read_text(encoding="utf-8")
    assert "### 本次新增或修改的报告（1）" in summary
    lines = summary.splitlines()
    at = next(i for i, ln in enumerate(lines) if "城东区人民政府测试副本\\.txt" in ln)
    assert "城东区人民政府" in lines[at]
    assert lines[at + 1].startswith("    - "), "the failing check of the new report is listed"

    # A second pull request adds a file that cannot be read: --strict fails the build, and
    # the summary (if: always()) still says which file and why.
    git(clone, "update-ref", f"refs/remotes/origin/{BASE_BRANCH}", "HEAD")
    (clone / "reports/青海省/西宁市/城东区/2021").mkdir(parents=True)
    (clone / "reports/青海省/西宁市/城东区/2021/空文件.txt").write_bytes(b"")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "add an empty file")
    summary_file.unlink()
    results = run_job(clone, steps, wf, env)
    codes = {name: code for name, code, _ in results}
    assert codes["Build the site"] != 0
    assert codes["Write the build report to the job summary"] == 0
    summary = summary_file.read_text(encoding="utf-8")
    assert "### 本次新增或修改的报告（1）" in summary
    assert any("空文件\\.txt" in ln and "❌" in ln for ln in summary.splitlines())


# ---------------------------------------------------------------- the summary step alone
def test_summary_lists_new_reports_with_checks_and_keeps_untrusted_text_inert(tmp_path: Path) -> None:
    import json

    from build_tools import summary

    evil = "[点我](javascript:alert(1)) <img src=x onerror=alert(1)> **粗体** | 表格"
    report = {
        "totals": {"files": 3, "published": 1, "unreadable": 1, "not_ok": 0, "duplicates": 1,
                   "failing_checks": 1},
        "published": [{"file": "青海省/海东市/2021/某局.txt", "slug": "r/2021/某局-12345678",
                       "agency": evil, "year": 2021, "region": ["青海省", "海东市"],
                       "status": "ok", "failing_checks": 1, "warnings": 0}],
        "unreadable": [{"file": "青海省/海东市/2021/坏.pdf", "code": "corrupt", "reason": "损坏"}],
        "duplicates": [{"file": "青海省/海东市/2021/副本.txt", "same_page_as": "青海省/海东市/2021/某局.txt"}],
        "not_ok": [], "failing_checks_by_rule": {"t3_balance": 1},
    }
    (tmp_path / "data/r/2021").mkdir(parents=True)
    (tmp_path / "data/r/2021/某局-12345678.json").write_text(json.dumps({"checks": [
        {"rule": "t3_balance", "status": "fail", "message": "本年新收 39 + 上年结转 5 ≠ 32"},
        {"rule": "t4_sum", "status": "pass", "message": "表四无误"}]}), encoding="utf-8")
    changed = ["青海省/海东市/2021/某局.txt", "青海省/海东市/2021/坏.pdf",
               "青海省/海东市/2021/副本.txt", "青海省/海东市/2020/别的.yml"]
    text = summary.render(report, tmp_path, changed, "origin/main")
    assert "### 本次新增或修改的报告（3）" in text
    assert "    - t3\\_balance：本年新收 39 \\+ 上年结转 5 ≠ 32" in text
    assert "表四无误" not in text and "t4\\_sum" not in text  # passing checks are not listed
    assert "❌ 青海省/海东市/2021/坏\\.pdf" in text
    assert "♻️ 青海省/海东市/2021/副本\\.txt" in text
    assert "<img" not in text and "](" not in text and "**粗体**" not in text
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in text


def test_summary_without_a_build_report_says_so(tmp_path: Path) -> None:
    proc = subprocess.run(["python3", "-m", "build_tools.summary", str(tmp_path / "none.json")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "没有生成构建报告" in proc.stdout


def test_changed_files_come_from_git_and_unknown_refs_are_reported(tmp_path: Path) -> None:
    from build_tools.summary import changed_files

    repo = tmp_path / "repo"
    (repo / "reports/青海省/2021").mkdir(parents=True)
    (repo / "reports/青海省/2021/旧.txt").write_text("旧", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "reports/青海省/2021/新 报告.txt").write_text("新", encoding="utf-8")
    (repo / "reports/青海省/2021/新 报告.yml").write_text("source_url: null\n", encoding="utf-8")
    (repo / "docs.md").write_text("not a report", encoding="utf-8")
    (repo / "reports/青海省/2021/旧.txt").unlink()   # deletions are not "new reports"
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    assert changed_files(base, "reports", cwd=repo) == ["青海省/2021/新 报告.txt",
                                                        "青海省/2021/新 报告.yml"]
    assert changed_files("no-such-ref", "reports", cwd=repo) is None

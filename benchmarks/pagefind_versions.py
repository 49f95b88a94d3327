"""Index one built site with several Pagefind binaries and compare them, for an upgrade.

    python -m benchmarks.pagefind_versions SITE pinned=.venv/bin/pagefind_extended \\
        new=/tmp/pf/package/bin/pagefind_extended [--out /tmp/pagefind-versions]

For each binary (``label=path``): a copy of SITE made of hard links, without its
``pagefind/`` bundle, is indexed with the build's own arguments (``search.pagefind_command``)
and measured: wall seconds, peak resident memory (``wait4``), the bundle's size,
pages and words Pagefind reports; then the search box is driven in headless Chromium
(``search_probe``) for issue 5's three queries and the broad ones readers type first:
bytes transferred, milliseconds to the first result, the first three results.

A newer Pagefind can be had from npm before it reaches PyPI (``npm pack
@pagefind/linux-x64@VERSION`` holds ``bin/pagefind_extended``); this is how to judge it
before changing the pin.  Run it alone on the machine: the timings are wall-clock.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.scale import QUERIES  # noqa: E402
from benchmarks.search_probe import probe_site  # noqa: E402
from build_tools import search, site_size  # noqa: E402

# What readers type first: words of every report, so every page is a candidate.
BROAD_QUERIES = ("信息公开", "政府信息公开", "年度报告", "依申请公开")


def linked_copy(site: Path, dest: Path) -> Path:
    """SITE's files as hard links under ``dest`` (no bytes copied), without a bundle."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(site, dest, copy_function=os.link,
                    ignore=lambda d, names: [search.BUNDLE_DIR] if Path(d) == site else [])
    return dest


def index_with(binary: Path, site: Path) -> dict:
    # The build's own arguments, with the binary in place of ``python -m pagefind``.
    args = search.pagefind_command(site, site / search.BUNDLE_DIR)
    cmd = [str(binary), *args[args.index("--site"):]]
    cmd = [a for a in cmd if a != "--quiet"]          # its summary counts pages and words
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True)
        # wait4 gives this child's own peak resident size, however short it ran
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    if proc.returncode != 0:
        raise SystemExit(f"{binary} failed ({proc.returncode}):\n{output[-2000:]}")
    bundle = site / search.BUNDLE_DIR
    counted = {key: int(n) for n, key in re.findall(r"Indexed (\d+) (pages|words)", output)}
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    return {"version": version.stdout.strip(), "index_s": round(wall, 1),
            "peak_memory_mb": usage.ru_maxrss // 1024,
            "bundle_mb": round(site_size.measure(bundle).total / 1e6, 1), **counted}


def compare(site: Path, binaries: dict[str, Path], out: Path,
            queries: tuple[str, ...]) -> dict[str, dict]:
    figures = {}
    for label, binary in binaries.items():
        copy = linked_copy(site, out / label)
        fig = index_with(binary, copy)
        fig["queries"] = {p.query: {"kb": round(p.bytes / 1024, 1),
                                    "ms": round(p.ms_to_first_result),
                                    "results": p.results,
                                    "first": [h.rstrip("/").rsplit("/", 1)[-1] for h in p.hrefs[:3]]}
                          for p in probe_site(copy, list(queries))}
        figures[label] = fig
        print(json.dumps({label: fig}, ensure_ascii=False), flush=True)
    return figures


def table(figures: dict[str, dict]) -> str:
    labels = list(figures)
    rows = ["| | " + " | ".join(f"{lb} ({figures[lb]['version']})" for lb in labels) + " |",
            "|---|" + "---:|" * len(labels)]
    for key, name in (("index_s", "indexing s"), ("peak_memory_mb", "peak memory MB"),
                      ("bundle_mb", "bundle MB"), ("pages", "pages"), ("words", "words")):
        rows.append(f"| {name} | " + " | ".join(str(figures[lb].get(key, "–"))
                                                for lb in labels) + " |")
    for q in figures[labels[0]]["queries"]:
        rows.append(f"| {q}: KB / ms to first result | " + " | ".join(
            f"{figures[lb]['queries'][q]['kb']} / {figures[lb]['queries'][q]['ms']}"
            for lb in labels) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.pagefind_versions",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path, help="a built site (its bundle is left as it is)")
    ap.add_argument("binaries", nargs="+", metavar="LABEL=PATH")
    ap.add_argument("--out", type=Path, default=Path("/tmp/pagefind-versions"))
    ap.add_argument("--queries", nargs="+", default=list(QUERIES + BROAD_QUERIES),
                    help="each must find something: the probe waits for a first result")
    args = ap.parse_args(argv)
    binaries = {}
    for item in args.binaries:
        label, _, path = item.partition("=")
        if not path or not Path(path).is_file():
            ap.error(f"{item!r}: expected LABEL=PATH of a Pagefind binary")
        binaries[label] = Path(path)
    figures = compare(args.site.resolve(), binaries, args.out, tuple(args.queries))
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast reports are read and parsed, per format, on the committed fixtures.

    .venv/bin/python benchmarks/parse_speed.py [--repeat N]
    .venv/bin/python benchmarks/parse_speed.py --reports /tmp/bench1k/reports --per 60

Prints, for each format, the seconds per report for reading (file -> Document) and for the
whole parse (file -> record, with its sidecar, as a build parses it).  With ``--reports``
the files are the first ``--per`` of each format in that folder (an archive made by
``scale.py``) instead of the fixtures, and the gazetteer is loaded first, as a parse
worker loads it before its first report.  Then, for the ~6-page PDF fixture, it compares
our read and parse time with what pdfplumber itself needs to open the file and extract
its text and its tables once, measured in the same run (target: ours <= 2x that
baseline).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_tools import metadata  # noqa: E402
from build_tools.pipeline import parse_file  # noqa: E402
from build_tools.readers import read  # noqa: E402

GEN = ROOT / "tests" / "fixtures" / "generated"
SIX_PAGE_PDF = GEN / "seed_001.pdf"
TARGET_RATIO = 2.0


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs: the least disturbed by other processes."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def pdfplumber_baseline(path: Path) -> None:
    """Open the PDF and extract its text and its tables once, page by page."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".doc")


def fixtures() -> list[Path]:
    return sorted(p for p in GEN.iterdir() if p.is_file() and p.suffix in SUFFIXES)


def archive_files(reports: Path, per: int) -> list[Path]:
    """The first ``per`` report files of each format under ``reports``, by path."""
    by_format: dict[str, list[Path]] = defaultdict(list)
    for p in sorted(reports.rglob("*")):
        if p.is_file() and p.suffix in SUFFIXES:
            by_format[p.suffix].append(p)
    return [p for suffix in sorted(by_format) for p in by_format[suffix][:per]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per file (best is kept)")
    ap.add_argument("--skip-doc", action="store_true", help="skip .doc (LibreOffice start-up)")
    ap.add_argument("--reports", type=Path, default=None,
                    help="a reports folder (scale.py's) to take the files from")
    ap.add_argument("--per", type=int, default=60, help="with --reports: files per format")
    args = ap.parse_args()

    if args.reports is not None:
        metadata.warm_gazetteer()
    files = archive_files(args.reports, args.per) if args.reports is not None else fixtures()
    read_s: dict[str, list[float]] = defaultdict(list)
    parse_s: dict[str, list[float]] = defaultdict(list)
    for path in files:
        fmt = path.suffix.lstrip(".")
        if fmt == "doc" and args.skip_doc:
            continue
        repeat = 1 if fmt == "doc" else args.repeat
        sidecar = metadata.load_sidecar(path)
        read_s[fmt].append(best_of(lambda: read(path), repeat))
        parse_s[fmt].append(best_of(lambda: parse_file(path, sidecar), repeat))

    print(f"{'format':<8}{'reports':>8}{'read s/report':>16}{'parse s/report':>16}")
    for fmt in sorted(read_s):
        print(f"{fmt:<8}{len(read_s[fmt]):>8}{statistics.mean(read_s[fmt]):>16.3f}"
              f"{statistics.mean(parse_s[fmt]):>16.3f}")

    import pdfplumber

    with pdfplumber.open(SIX_PAGE_PDF) as pdf:
        pages = len(pdf.pages)
    base = best_of(lambda: pdfplumber_baseline(SIX_PAGE_PDF), args.repeat)
    ours_read = best_of(lambda: read(SIX_PAGE_PDF), args.repeat)
    ours_parse = best_of(lambda: parse_file(SIX_PAGE_PDF), args.repeat)
    print()
    print(f"{SIX_PAGE_PDF.name} ({pages} pages)")
    print(f"  pdfplumber open + extract_text + extract_tables: {base:.3f} s")
    print(f"  our read (file -> Document):                     {ours_read:.3f} s"
          f"  = {ours_read / base:.2f}x")
    print(f"  our parse (file -> record):                      {ours_parse:.3f} s"
          f"  = {ours_parse / base:.2f}x  (target <= {TARGET_RATIO:.0f}x)")
    return 0 if ours_parse <= TARGET_RATIO * base else 1


if __name__ == "__main__":
    sys.exit(main())

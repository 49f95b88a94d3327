"""Command line: ``python -m build_tools parse|build|add``.

    python -m build_tools parse FILE            print the record of one report as JSON
    python -m build_tools build [--reports DIR] [--site-dir DIR] [--strict]
    python -m build_tools add FILE [--url URL] [--agency NAME] ...
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import ReportError


def cmd_parse(args: argparse.Namespace) -> int:
    from .pipeline import parse_file

    try:
        record = parse_file(Path(args.file), sidecar=None)
    except ReportError as exc:
        print(f"error: {exc.path}: {exc.reason}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .parse_worker import start_warm

    # before the build's own imports: a rebuild's one new report is ready to parse sooner
    warm = None if args.no_cache else start_warm(Path(args.work_dir).resolve() / "tmp")
    from .build import main as build_main

    return build_main(args, warm)


def cmd_add(args: argparse.Namespace) -> int:
    from .add import main as add_main

    return add_main(args)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m build_tools",
        description="政府信息公开工作年度报告 archive: parse reports, build the site.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="print the normalized record of one report file as JSON")
    p.add_argument("file", help="a report file (.txt, .md, .pdf, .html, .docx, .doc)")
    p.set_defaults(func=cmd_parse)

    b = sub.add_parser("build", help="generate the Markdown pages and data, then build the site")
    b.add_argument("--reports", default="reports", help="folder of report files (default: reports)")
    b.add_argument("--site-dir", default="site", help="output folder of the site (default: site)")
    b.add_argument("--work-dir", default="build", help="work folder: generated Markdown, record and page caches (default: build)")
    b.add_argument("--strict", action="store_true",
                   help="exit non-zero if any report file could not be read (for pull requests)")
    b.add_argument("--no-cache", action="store_true", help="parse every report again")
    b.add_argument("--originals-url", metavar="URL",
                   help="link each report's original file at URL + its path inside the "
                        "reports folder instead of copying it into the site (for an archive "
                        "too big for its host: where the reports folder is published)")
    b.add_argument("--timings", action="store_true",
                   help="also print the seconds spent per stage, as one JSON line (benchmarks)")
    b.set_defaults(func=cmd_build)

    a = sub.add_parser("add", help="file a new report into reports/ with its metadata sidecar")
    a.add_argument("file")
    a.add_argument("--reports", default="reports")
    a.add_argument("--url", help="where the report was published")
    a.add_argument("--agency", help="the reporting body, if the text does not name it")
    a.add_argument("--year", type=int)
    a.add_argument("--region", help="region path, e.g. 青海省/海东市/乐都区")
    a.add_argument("--date", help="date the report enters the archive, YYYY-MM-DD (default: today)")
    a.set_defaults(func=cmd_add)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.func(args)

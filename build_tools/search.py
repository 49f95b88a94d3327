"""Post-build step: index the built site with Pagefind (``python -m build_tools.search SITE``).

Why Pagefind rather than Material's built-in search: Material ships one
``search_index.json`` holding the text of every page, which every visitor downloads before
the first result (26 MB for 1,000 reports, over 100 MB once report pages carry their
tables), and its Chinese segmentation (jieba) runs over every page on every build.
Pagefind writes a chunked index that the browser loads a piece at a time (a query over
10,000 reports transfers a few hundred KB), segments Chinese itself (the ``extended``
build), and indexes 1,000 pages in seconds.  Measurements: ``benchmarks/README.md``.

Only the main content of pages marked ``data-pagefind-body`` (report pages and the region,
year and agency pages, see ``overrides/main.html``) is indexed, so the header, navigation
and footer repeated on every page are not.  The bundle goes to ``SITE/pagefind/``; the
search box (``overrides/partials/search.html`` + ``docs/assets/js/search.js``) loads it
relative to the page, so the site also works from a sub-path.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

BUNDLE_DIR = "pagefind"


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def name_characters(record: dict) -> str:
    """The Chinese characters of a report's region and agency, one word each.

    Pagefind segments page text with jieba at build time but splits the reader's query
    with the browser's ICU segmenter, which knows fewer place names: 海东市 becomes
    海 / 东 / 市 while the page holds 海东 / 市, so 东 matches nothing and the query finds
    no report of 海东市.  Every query word matches as a prefix, so giving each character
    of the names as a word of its own lets a place name match however either side splits
    it.  Only Han characters: nothing from the (untrusted) report can form markup.
    """
    meta = record.get("meta") or {}
    names = [str(p) for p in (meta.get("region") or []) if p] + [str(meta.get("agency") or "")]
    return " ".join(c for name in names for c in _HAN.findall(name))


def terms_block(record: dict) -> str:
    """HTML appended to a report page: the name characters, indexed but not shown."""
    chars = name_characters(record)
    return f'\n<div class="archive-search-terms" hidden>{chars}</div>\n' if chars else ""


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message holds its output."""


# What the template repeats on every page is left out of the index: the statistical tables
# (their labels 行政复议, 不予公开 … are the same in every report), the charts and their data
# tables, and the headings the archive writes (二、主动公开政府信息情况 …; narrative
# sub-headings follow the national template too).  Indexed stay the title, the meta list
# (agency, region, year) and the report's own words.  Why: a query for a word every
# template holds matched every page, so the ranking said nothing and, at 10,000 reports,
# Pagefind's WebAssembly needed 1.8 s to rank 行政复议 (measured on a 10,000-page site:
# benchmarks/README.md); without the boilerplate the same query ranks the reports whose
# text discusses it, in 0.2 s.  Numbers stay findable through the index pages and open data.
EXCLUDED_SELECTORS = ("table", "figure", "h2", "h3")


def pagefind_command(site_dir: Path) -> list[str]:
    """The command line that indexes ``site_dir`` (the ``pagefind`` package's own binary).

    ``--force-language zh``: every page is Chinese; without it a page whose ``lang`` were
    missing would be split into a separate index that a Chinese query never reaches.
    """
    excluded = [arg for sel in EXCLUDED_SELECTORS for arg in ("--exclude-selectors", sel)]
    return [sys.executable, "-m", "pagefind", "--site", str(site_dir),
            "--output-subdir", BUNDLE_DIR, "--force-language", "zh", *excluded, "--quiet"]


def index_site(site_dir: Path) -> Path:
    """Write the Pagefind bundle into ``site_dir/pagefind``; returns that folder.

    An old bundle is removed first so no fragment of a previous build survives.
    """
    site_dir = Path(site_dir)
    bundle = site_dir / BUNDLE_DIR
    if bundle.exists():
        shutil.rmtree(bundle)
    proc = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True)
    if proc.returncode != 0 or not (bundle / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    return bundle


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m build_tools.search",
                                description="Index a built site with Pagefind.")
    p.add_argument("site_dir", help="the built site folder")
    args = p.parse_args(argv)
    try:
        bundle = index_site(Path(args.site_dir))
    except SearchIndexError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"search index: {bundle}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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
and footer repeated on every page are not; Pagefind reads the pages cut down to that
region (``search_pages``), which is faster and gives the same bundle.  The bundle goes to
``SITE/pagefind/``; the
search box (``overrides/partials/search.html`` + ``docs/assets/js/search.js``) loads it
relative to the page, so the site also works from a sub-path.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Iterable, Sequence

from . import metadata, search_pages
from .domain import load_yaml

BUNDLE_DIR = "pagefind"
FRAGMENT_DIR = "fragment"   # Pagefind's folder of one file per indexed page


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def name_characters(names: Iterable[str]) -> str:
    """The Chinese characters of place and body names, one word each.

    Pagefind segments page text with jieba at build time but splits the reader's query
    with the browser's ICU segmenter, which knows fewer place names: 海东市 becomes
    海 / 东 / 市 while the page holds 海东 / 市, so 东 matches nothing and the query finds
    no report of 海东市.  Every query word matches as a prefix, so giving each character
    of the names as a word of its own lets a place name match however either side splits
    it.  Only Han characters: nothing from the (untrusted) report can form markup.

    The names are also given in the forms people type (:func:`reader_forms`): the search
    box shows only results whose text holds the query as typed.  A region's names are
    given joined too (青海省海东市乐都区), and names are set apart by 、 so that the
    search box, which closes up the spaces between characters in a result's excerpt, shows
    them as names (青海省 、 海东市 、 海东市乐都区人民政府).
    """
    names = [str(n) for n in names if n]
    names += [form for name in names for form in reader_forms(name) if form not in names]
    words = [" ".join(_HAN.findall(name)) for name in dict.fromkeys(names)]
    return " 、 ".join(w for w in words if w)


def record_names(record: dict) -> list[str]:
    """A report's region, province first, and its agency."""
    meta = record.get("meta") or {}
    return region_names([str(p) for p in (meta.get("region") or []) if p]) + [
        str(meta.get("agency") or "")]


def region_names(region: Sequence[str]) -> list[str]:
    """A region's places, province first, and (below a province) the whole path in one,
    so that 海东市乐都区 (a part of 青海省海东市乐都区) is found as typed."""
    parts = [p for p in region if p]
    return parts + (["".join(parts)] if len(parts) > 1 else [])


def reader_forms(name: str) -> list[str]:
    """Other forms of a place or body name that readers type: autonomous divisions
    shortened (黄南州 for 黄南藏族自治州, 互助县) and the abbreviations of
    ``domain/search_words.yml`` (城东区政府 for 城东区人民政府), alone and together."""
    forms = [name, metadata.short_place_names(name)]
    for long, short in _abbreviations().items():
        forms += [form.replace(long, short) for form in forms]
    return [form for form in dict.fromkeys(forms) if form != name]


@functools.cache
def _abbreviations() -> dict[str, str]:
    return dict(load_yaml("search_words.yml")["agency_abbreviations"])


# Read by the search box (docs/assets/js/search.js), which splits a query into the words
# it asks Pagefind: the words it leaves out (``ubiquitous_words`` in domain/search_words.yml,
# which says why), and the archive's place names, whose characters it asks one by one.
WORDS_FILE = "assets/search-words.json"


def words_file(regions: Iterable[Sequence[str]] = ()) -> str:
    """The JSON of ``WORDS_FILE`` for an archive of reports from ``regions``.

    ``places``: every place of those regions, also in the forms readers type
    (:func:`reader_forms`).  The browser's segmenter cuts a word it does not know into
    single characters, and the search box asks such a run as one word (复 / 议 -> 复议),
    which is how the index holds most of them; the index holds place names its own way
    (海东 / 市), but every page of a place holds each character of the name as a word
    (:func:`name_characters`), so a run within a place name is asked character by
    character."""
    words = load_yaml("search_words.yml")["ubiquitous_words"]   # heaviest first, as listed
    names = {str(p) for region in regions for p in region if p}
    places = names | {form for name in names for form in reader_forms(name)}
    return json.dumps({"ubiquitous": list(words), "places": sorted(places)},
                      ensure_ascii=False) + "\n"


# Pagefind filter of the region pages: the search box searches them on their own to put
# the place a query names before the reports of its bodies (docs/assets/js/search.js).
PLACE_FILTER = "kind:place"


def words_block(names: Iterable[str], place: bool = False) -> str:
    """HTML for the end of a page: the names' characters, indexed but not shown; on a
    region page (``place``) also the filter that marks it as one."""
    chars = name_characters(names)
    if not chars:
        return ""
    marker = f' data-pagefind-filter="{PLACE_FILTER}"' if place else ""
    return f'\n<div class="archive-search-terms" hidden{marker}>{chars}</div>\n'


def terms_block(record: dict) -> str:
    """The hidden search words of a report page: its region and agency."""
    return words_block(record_names(record))


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


def pagefind_command(pages_dir: Path, bundle: Path) -> list[str]:
    """The command line that indexes the pages under ``pages_dir`` into ``bundle`` (the
    ``pagefind`` package's own binary).

    ``--force-language zh``: every page is Chinese; without it a page whose ``lang`` were
    missing would be split into a separate index that a Chinese query never reaches.
    """
    excluded = [arg for sel in EXCLUDED_SELECTORS for arg in ("--exclude-selectors", sel)]
    return [sys.executable, "-m", "pagefind", "--site", str(pages_dir),
            "--output-path", str(bundle), "--force-language", "zh", *excluded, "--quiet"]


def index_site(site_dir: Path, pages_dir: Path | None = None) -> Path:
    """Write the Pagefind bundle into ``site_dir/pagefind``; returns that folder.

    Pagefind reads the site's pages cut down to what it indexes (``search_pages``), kept
    in ``pages_dir`` between builds (a temporary folder if None).

    The bundle ends up as Pagefind writes it into an empty folder, but a rebuild that
    changed a few pages costs far less: Pagefind names each page's fragment by a hash of
    its content and neither compresses nor writes a hashed file that already exists (gzip
    at its best level and thousands of file creations are most of its time: 3.0 → 1.8 s
    on 1,000 reports).  So the previous build's fragments are kept, everything else in the
    bundle is written again, and afterwards the fragments that no page has any more are
    removed (:func:`prune_fragments`).  Whenever the result does not add up to one fragment
    per indexed page, the bundle is made again from nothing.
    """
    site_dir = Path(site_dir)
    bundle = site_dir / BUNDLE_DIR
    with contextlib.ExitStack() as stack:
        if pages_dir is None:
            pages_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        source, _ = search_pages.update(Path(pages_dir), site_dir, BUNDLE_DIR)
        kept = keep_only_fragments(bundle)
        _run_pagefind(source, bundle, site_dir)
        if kept and not prune_fragments(bundle, kept):
            shutil.rmtree(bundle)
            _run_pagefind(source, bundle, site_dir)
    return bundle


def _run_pagefind(pages_dir: Path, bundle: Path, site_dir: Path) -> None:
    proc = subprocess.run(pagefind_command(pages_dir, bundle), capture_output=True, text=True)
    if proc.returncode < 0:
        raise SearchIndexError(killed_message(-proc.returncode, site_dir))
    if proc.returncode != 0 or not (bundle / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind failed ({proc.returncode}): {proc.stderr or proc.stdout}")


# Pagefind's peak memory per indexed page, measured at 1,000 and 10,000 reports
# (benchmarks/README.md, peak memory): what a killed run most likely ran out of.
MB_PER_PAGE = 0.35


def killed_message(signal_number: int, site_dir: Path) -> str:
    """Why Pagefind stopped when a signal ended it.  The system's out-of-memory killer
    sends SIGKILL and Pagefind prints nothing, so the message says what it needed."""
    try:
        name = signal.Signals(signal_number).name
    except ValueError:
        name = f"signal {signal_number}"
    pages = len(search_pages.site_pages(Path(site_dir), BUNDLE_DIR))
    message = f"Pagefind was killed by {name} while indexing {pages:,} pages"
    if name == "SIGKILL":
        message += (f"; most likely it ran out of memory: it needs about {MB_PER_PAGE} MB a "
                    f"page, {pages * MB_PER_PAGE / 1024:.1f} GB here")
    return message + ". The site has no search index until a build finishes."


def keep_only_fragments(bundle: Path) -> frozenset[str]:
    """Empty the bundle but for its page fragments; returns the names of those kept.

    Word-index chunks, filters and the meta file are also content-hashed, but which of
    them the new index still uses is only written inside Pagefind's binary meta file, so
    they are all written again (a few dozen files against thousands of fragments).
    """
    if not bundle.is_dir():
        return frozenset()
    for entry in bundle.iterdir():
        if entry.name == FRAGMENT_DIR and entry.is_dir():
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    fragments = bundle / FRAGMENT_DIR
    return frozenset(p.name for p in fragments.iterdir()) if fragments.is_dir() else frozenset()


_FRAGMENT_URL = re.compile(rb'pagefind_dcd\{"url":("(?:[^"\\]|\\.)*")')


def fragment_url(path: Path) -> str | None:
    """The page address a fragment file belongs to, or None if it cannot be read.

    A fragment is gzip of ``pagefind_dcd`` and the page's JSON, whose first key is the
    address; only the beginning is decompressed.
    """
    try:
        head = zlib.decompressobj(wbits=31).decompress(path.read_bytes(), 4096)
    except (OSError, zlib.error):
        return None
    match = _FRAGMENT_URL.match(head)
    if not match:
        return None
    try:
        return json.loads(match.group(1))
    except ValueError:
        return None


def prune_fragments(bundle: Path, kept: frozenset[str]) -> bool:
    """Remove the kept fragments the new index replaced; True if the bundle adds up.

    A page whose content changed got a fragment under a new name, so an older fragment of
    the same address is stale.  The result must be exactly one fragment per page Pagefind
    indexed (``pagefind-entry.json``); a page deleted since the last index, or a fragment
    that cannot be read, leaves more, and the caller indexes from nothing.
    """
    by_url: dict[str | None, list[Path]] = {}
    for path in sorted((bundle / FRAGMENT_DIR).iterdir()):
        by_url.setdefault(fragment_url(path), []).append(path)
    if None in by_url:
        return False
    remaining = 0
    for paths in by_url.values():
        fresh = [p for p in paths if p.name not in kept]
        for path in paths:
            if fresh and path.name in kept:
                path.unlink()
        remaining += len(fresh) if fresh else len(paths)
    return remaining == indexed_page_count(bundle)


def indexed_page_count(bundle: Path) -> int:
    """How many pages the bundle's index holds, from ``pagefind-entry.json``."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(lang["page_count"]) for lang in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError):
        return -1


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

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
import gzip
import hashlib
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

from . import metadata, search_pages
from .domain import load_yaml
from .record import region_of

BUNDLE_DIR = "pagefind"
FRAGMENT_DIR = "fragment"   # Pagefind's folder of one file per indexed page
# Pagefind's folders of content-named files: page fragments, word-index chunks, filters.
HASHED_DIRS = (FRAGMENT_DIR, "index", "filter")
PAGEFIND_MARKER = b"pagefind_dcd"   # what every file Pagefind compresses starts with


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
    return region_names(region_of(record)) + [str(record["meta"].get("agency") or "")]


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
    names = {p for region in regions for p in region if p}
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


class Indexed(NamedTuple):
    """What :func:`index_site` did."""

    bundle: Path          # the bundle's folder, ``site_dir/pagefind``
    pagefind_ran: bool    # False: the bundle already was the one Pagefind would write


def index_site(site_dir: Path, pages_dir: Path | None = None) -> Indexed:
    """Write the Pagefind bundle into ``site_dir/pagefind``.

    Pagefind reads the site's pages cut down to what it indexes (``search_pages``), kept
    in ``pages_dir`` between builds (a temporary folder if None).

    The bundle ends up as Pagefind writes it into an empty folder, but a rebuild costs far
    less.  When Pagefind would read the very pages it read last time (the same bytes, the
    same command and version) and the bundle it wrote then is all there, it is not run at
    all (:func:`unchanged_bundle`): a rebuild that changed no indexed page (nothing new, or
    only pages outside the index such as the build report) spent 2.3 of its 5.9 s in
    Pagefind on 1,000 reports.  When it does run, a rebuild that changed a
    few pages still costs less: Pagefind names each page's fragment, each chunk of
    its word index and each filter by a hash of the content, and neither compresses nor
    writes a named file that already exists (gzip at its best level and thousands of file
    creations are most of its time: on 1,000 reports 2.9 s from nothing, 2.2 s keeping
    the fragments, 1.6 s keeping the index and filter chunks too, when a page changed;
    after a page was added no index chunk was the same, benchmarks/README.md run AI).  So
    the previous build's content-named files are kept (:func:`keep_hashed_files`),
    everything else in the bundle is written again, and afterwards the files the new index
    does not name are removed (:func:`prune_unreferenced`).  Whenever the result does not
    add up, the bundle is made again from nothing.
    """
    site_dir = Path(site_dir)
    bundle = site_dir / BUNDLE_DIR
    with contextlib.ExitStack() as stack:
        if pages_dir is None:
            pages_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        pages = search_pages.update(Path(pages_dir), site_dir, BUNDLE_DIR)
        stamp_path = Path(pages_dir) / INDEXED_STAMP
        wanted = input_stamp(pages, bundle)
        if wanted is not None and unchanged_bundle(bundle, stamp_path, wanted):
            return Indexed(bundle, pagefind_ran=False)
        # from here on the bundle is being changed: until it is whole again, no stamp
        stamp_path.unlink(missing_ok=True)
        kept = keep_hashed_files(bundle)
        _run_pagefind(pages.source, bundle, site_dir)
        if kept and not prune_unreferenced(bundle):
            shutil.rmtree(bundle)
            _run_pagefind(pages.source, bundle, site_dir)
        if wanted is not None:
            write_stamp(stamp_path, wanted, bundle)
    return Indexed(bundle, pagefind_ran=True)


# In the search pages' folder: what the bundle was last indexed from, and its own files.
INDEXED_STAMP = ".indexed.json"
PAGEFIND_PACKAGES = ("pagefind", "pagefind_bin_extended")


def input_stamp(pages: search_pages.SearchPages, bundle: Path) -> str | None:
    """Everything Pagefind's output depends on: the pages it reads, its command line and
    its version; None when that cannot be told (the site indexed whole, see
    ``search_pages.update``), and then Pagefind always runs."""
    # here, not above: the page renderer imports this module, and the cache's readers
    # are no part of what a page is made from (build.RENDER_SOURCES)
    from .cache import library_versions

    if pages.digest is None:
        return None
    h = hashlib.sha256()
    for part in (pages.digest, "\0".join(pagefind_command(pages.source, bundle)),
                 library_versions(PAGEFIND_PACKAGES)):
        h.update(part.encode("utf-8") + b"\n")
    return h.hexdigest()


def top_files(bundle: Path) -> dict[str, str]:
    """The SHA-256 of each file directly in the bundle (its scripts, entry, meta and
    WebAssembly; the content-named ones sit in ``HASHED_DIRS``)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(bundle.iterdir()) if p.is_file()}


def write_stamp(stamp_path: Path, wanted: str, bundle: Path) -> None:
    stamp = {"input": wanted, "files": top_files(bundle)}
    stamp_path.write_text(json.dumps(stamp, sort_keys=True) + "\n", encoding="utf-8")


def unchanged_bundle(bundle: Path, stamp_path: Path, wanted: str) -> bool:
    """Whether the bundle is the one Pagefind would write now: indexed last time from the
    same input (``wanted``, :func:`input_stamp`, which holds the bundle's path), its own
    files as then, and every content-named file its meta names on disk, one fragment per
    page (:func:`prune_unreferenced`, which also removes a content-named file the meta does
    not name, as after every index).  The stamp is written only once a bundle is whole and
    removed before Pagefind touches it, so a build stopped mid-index leaves none."""
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("input") != wanted or not bundle.is_dir():
        return False
    try:
        if stamp.get("files") != top_files(bundle):
            return False
    except OSError:
        return False
    return prune_unreferenced(bundle)


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


def keep_hashed_files(bundle: Path) -> bool:
    """Empty the bundle but for its content-named files (``HASHED_DIRS``); True if any
    are kept.

    A kept file is one Pagefind will not write again, so each must be whole: a file cut
    short (a build stopped while Pagefind wrote it) or not Pagefind's at all is removed
    here and written anew, or else served broken.
    """
    if not bundle.is_dir():
        return False
    kept = False
    for entry in bundle.iterdir():
        if entry.name in HASHED_DIRS and entry.is_dir():
            for path in entry.iterdir():
                if is_whole_chunk(path):
                    kept = True
                elif path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        elif entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return kept


def is_whole_chunk(path: Path) -> bool:
    """Whether ``path`` is a whole Pagefind file: gzip (whose trailer checks length and
    CRC) of Pagefind's ``pagefind_dcd`` marker and the content."""
    if not path.is_file():
        return False
    try:
        unzip = zlib.decompressobj(wbits=31)
        head = unzip.decompress(path.read_bytes())
    except (OSError, zlib.error):
        return False
    return unzip.eof and not unzip.unused_data and head.startswith(PAGEFIND_MARKER)


def referenced_names(bundle: Path) -> set[str] | None:
    """Every text string in the bundle's meta files (one per language), or None if one
    cannot be read.

    The meta file is what the browser loads first; it names the fragment of every page,
    the word-index chunks and the filters by their hashes (CBOR, after Pagefind's marker).
    Strings are collected wherever they sit, so that a change in how Pagefind arranges
    the meta cannot make a file look unused; a string that only looks like a file name is
    harmless (:func:`prune_unreferenced` then finds it missing and the bundle is made anew).
    """
    import cbor2   # here, not above: the page renderer imports this module for its words

    languages = entry_languages(bundle)
    if languages is None:
        return None
    names: set[str] = set()
    try:
        for lang in languages.values():
            data = gzip.decompress((bundle / f"pagefind.{lang['hash']}.pf_meta").read_bytes())
            if not data.startswith(PAGEFIND_MARKER):
                return None
            _strings(cbor2.loads(data[len(PAGEFIND_MARKER):]), names)
    except (OSError, ValueError, KeyError, TypeError, EOFError, zlib.error, cbor2.CBORError):
        return None
    return names


def _strings(value: object, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _strings(item, into)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(key, into)
            _strings(item, into)


def prune_unreferenced(bundle: Path) -> bool:
    """Remove the content-named files the new index does not name; True if the bundle
    adds up: one fragment per page Pagefind indexed (``pagefind-entry.json``), and every
    name of a file the meta gives (``zh_…``, as Pagefind names its files) on disk.

    A page whose content changed got a fragment under a new name and a page deleted since
    the last index got none, so their old fragments are no longer named; the same goes
    for word-index chunks whose words moved."""
    names = referenced_names(bundle)
    languages = entry_languages(bundle)
    if names is None or languages is None:
        return False
    try:
        page_count = sum(int(lang["page_count"]) for lang in languages.values())
    except (KeyError, TypeError, ValueError):
        return False
    on_disk: set[str] = set()
    for folder in HASHED_DIRS:
        if not (bundle / folder).is_dir():
            continue
        for path in (bundle / folder).iterdir():
            stem = path.name.split(".", 1)[0]
            if stem in names:
                on_disk.add(stem)
            else:
                path.unlink()
    prefixes = tuple(f"{lang}_" for lang in languages)
    named_files = {n for n in names if n.startswith(prefixes)}
    fragments = sum(1 for _ in (bundle / FRAGMENT_DIR).iterdir()) \
        if (bundle / FRAGMENT_DIR).is_dir() else 0
    return named_files <= on_disk and fragments == page_count


def entry_languages(bundle: Path) -> dict[str, dict] | None:
    """The ``languages`` of the bundle's ``pagefind-entry.json`` (each language's meta hash
    and page count), or None if it cannot be read."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry["languages"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return languages if isinstance(languages, dict) else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m build_tools.search",
                                description="Index a built site with Pagefind.")
    p.add_argument("site_dir", help="the built site folder")
    args = p.parse_args(argv)
    try:
        bundle = index_site(Path(args.site_dir)).bundle
    except SearchIndexError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"search index: {bundle}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

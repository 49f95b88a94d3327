"""The built site's pages cut down to what Pagefind reads of them (``search.index_site``).

Pagefind parses every page whole, and a page of this site is mostly what it leaves out:
Material's header and navigation (14 KB of a 27 KB report page), and the statistical
tables and charts it excludes (``search.EXCLUDED_SELECTORS``).  Parsing them was a third
of its time: on 1,000 reports, re-indexing after one added report took 3.6 s over the
site's pages and 2.6 s over these (benchmarks/README.md).  So Pagefind indexes a folder
of *search pages* instead, one per page that holds a ``data-pagefind-body``, at the same
path as the page: its ``<html>`` tag and ``<title>``, and the page from the start of the
indexed region to the end of Material's content column, without its tables and figures.
The bundle is byte for byte the one Pagefind writes from the site itself
(tests/test_search_index.py), since everything it reads is still there.

The folder lives in the build's work folder and is kept up to date page by page: a page
whose size and modification time are those it was cut from last time is not read again,
so a rebuild that changed a few pages rewrites a few search pages.  The manifest keeps
each search page's SHA-256 too, and their digest tells ``search.index_site`` whether
Pagefind would read anything it did not read last time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import NamedTuple

from .docs_tree import write_whole

# overrides/main.html marks the indexed region with exactly this tag, inside Material's
# content column, which the first </article> after it closes (report text is escaped, so
# it cannot hold one; a script after the column may).
BODY_START = "<div data-pagefind-body>"
BODY_MARK = "data-pagefind-body"
CONTENT_END = "</article>"
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(r"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
# Elements Pagefind excludes anyway (search.EXCLUDED_SELECTORS) and most of a report's
# bytes.  Only an element with no other of its kind inside is cut (the non-greedy match
# would otherwise end at the inner one's closing tag); a nested one is left to Pagefind.
_EXCLUDED = re.compile(r"<(table|figure)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)

MANIFEST = ".search-pages.json"   # in the folder: what each search page was cut from


def _without_excluded(html: str) -> str:
    def cut(match: re.Match[str]) -> str:
        inner = match.group(0)[1:]
        return match.group(0) if re.search(rf"<{match.group(1)}\b", inner, re.IGNORECASE) else ""
    return _EXCLUDED.sub(cut, html)


def search_page(html: str) -> str | None:
    """What Pagefind reads of a built page, as a page of its own; None for a page that
    has no indexed region (Pagefind skips it once any page has one).

    A page marked otherwise than by the template's ``BODY_START`` (a hand-written page
    with its own ``data-pagefind-body``) is returned whole: only the template's pages
    are known to hold nothing Pagefind reads outside the region.
    """
    if BODY_MARK not in html:
        return None
    start = html.find(BODY_START)
    end = html.find(CONTENT_END, max(start, 0))
    html_tag, title = _HTML_TAG.search(html), _TITLE.search(html)
    if start < 0 or end < start or html.find(BODY_MARK) < start or not html_tag:
        return html
    head = f'{html_tag.group(0)}<head><meta charset="utf-8">{title.group(0) if title else ""}</head>'
    return f"<!doctype html>{head}<body>{_without_excluded(html[start:end])}</body></html>\n"


def site_pages(site_dir: Path, bundle_dir: str) -> dict[str, os.stat_result]:
    """Every HTML page of the site (outside the search bundle) by its relative path."""
    pages = {}
    for path in site_dir.rglob("*.html"):
        rel = path.relative_to(site_dir)
        if rel.parts[0] != bundle_dir and path.is_file():
            pages[rel.as_posix()] = path.stat()
    return pages


def _signature(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns]


class SearchPages(NamedTuple):
    """What :func:`update` left for Pagefind to index."""

    source: Path   # the folder to index: the search pages, or the site if none has a region
    read: int      # how many site pages were read (the others were as last time)
    digest: str | None   # of every search page's path and bytes; None when ``source`` is the site


def update(folder: Path, site_dir: Path, bundle_dir: str) -> SearchPages:
    """Bring ``folder``'s search pages up to date with ``site_dir``: returns the folder
    Pagefind should index (``site_dir`` itself if no page has an indexed region: Pagefind
    then indexes every page whole), how many pages were read, and a digest of what
    Pagefind will read, which stays the same exactly as long as the index would.

    The manifest is removed before anything changes and written once all is done, so an
    interrupted update leaves no manifest and the next one starts from an empty folder.
    """
    folder, site_dir = Path(folder), Path(site_dir)
    manifest_path = folder / MANIFEST
    try:
        before = json.loads(manifest_path.read_text(encoding="utf-8"))
        if before.get("site") != str(site_dir) or not isinstance(before.get("pages"), dict):
            raise ValueError("another site")
        done: dict = before["pages"]
    except (OSError, ValueError, AttributeError):
        shutil.rmtree(folder, ignore_errors=True)
        done = {}
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)

    pages = site_pages(site_dir, bundle_dir)
    after: dict[str, dict] = {}
    read = 0
    for rel, stat in sorted(pages.items()):
        entry = done.get(rel)
        target = folder / rel
        if (isinstance(entry, dict) and entry.get("from") == _signature(stat)
                and entry.get("indexed") == target.is_file()
                and (not entry["indexed"] or isinstance(entry.get("sha256"), str))):
            after[rel] = entry
            continue
        read += 1
        text = search_page((site_dir / rel).read_text(encoding="utf-8", errors="replace"))
        after[rel] = {"from": _signature(stat), "indexed": text is not None}
        if text is None:
            target.unlink(missing_ok=True)
        else:
            data = text.encode("utf-8")
            write_whole(target, data)
            after[rel]["sha256"] = hashlib.sha256(data).hexdigest()
    for rel in set(done) - set(pages):
        (folder / rel).unlink(missing_ok=True)
    manifest_path.write_text(json.dumps({"site": str(site_dir), "pages": after},
                                        sort_keys=True), encoding="utf-8")
    indexed = {rel: e["sha256"] for rel, e in sorted(after.items()) if e["indexed"]}
    if not indexed:
        return SearchPages(site_dir, read, None)
    digest = hashlib.sha256(json.dumps(indexed, sort_keys=True).encode("utf-8")).hexdigest()
    return SearchPages(folder, read, digest)

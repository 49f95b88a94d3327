"""Relative links between generated files, computed from ``urls.py`` slugs.

MkDocs resolves a Markdown link relative to the *source* ``.md`` file and checks it in
strict mode, so page-to-page links are written as Markdown links to ``.md`` files.  Raw
HTML (chart data, downloads) is not rewritten by MkDocs and resolves relative to the page's
*URL*, which with ``use_directory_urls`` is the page's own directory.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote


def report_md(slug: str) -> str:
    """Source path of a report page inside the docs folder."""
    return f"{slug}.md"


def index_md(slug: str) -> str:
    """Source path of a section index page (regions/…, years/…, agencies/…)."""
    return f"{slug}/index.md" if slug else "index.md"


def md_link(from_md: str, to_md: str) -> str:
    """Markdown link target from one source page to another (both docs-relative)."""
    return posixpath.relpath(to_md, posixpath.dirname(from_md) or ".")


def page_url_dir(md_path: str) -> str:
    """Directory URL of a page (``r/2021/x.md`` -> ``r/2021/x``; ``a/index.md`` -> ``a``)."""
    stem = md_path[:-3] if md_path.endswith(".md") else md_path
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("/index")]
    return stem


def relative(to: str, from_dir: str) -> str:
    """``posixpath.relpath`` without its calls to the file system (it makes both paths
    absolute from the working folder): index pages make hundreds of thousands of links.
    Paths here are site-relative with no "." or ".." parts; anything else goes the slow way."""
    a = [p for p in from_dir.split("/") if p]
    b = [p for p in to.split("/") if p]
    if any(p in (".", "..") for p in a + b):
        return posixpath.relpath(to, from_dir or ".")
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return "/".join([".."] * (len(a) - n) + b[n:]) or "."


def href(from_dir: str, to: str, is_page: bool = True) -> str:
    """Relative URL, percent-encoded, from the page served at ``from_dir/`` to a page
    directory (``is_page``: with its trailing slash) or a file, both site-relative."""
    rel = relative(to, from_dir)
    if is_page:
        rel = "./" if rel == "." else rel + "/"
    return quote(rel, safe="/.-_~")


def page_href(from_md: str, to_md: str) -> str:
    """Relative URL, for raw HTML on page ``from_md``, of the page built from ``to_md``:
    its directory URL (``use_directory_urls``) from this page's, percent-encoded."""
    return href(page_url_dir(from_md), page_url_dir(to_md))


def html_link(from_md: str, to_site_path: str) -> str:
    """Link for raw HTML on page ``from_md`` to a file at ``to_site_path`` (site-relative)."""
    return relative(to_site_path, page_url_dir(from_md))

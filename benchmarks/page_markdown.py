"""Report pages alone: how long the renderer, Python-Markdown and MkDocs take on N of them.

    .venv/bin/python benchmarks/page_markdown.py --count 200 [--records FILE] [--repeat 3]
                                                 [--keep DIR] [--json FILE]

The site stage of a full build (``scale.py``) is mostly MkDocs turning report pages into
HTML; this isolates that part so a change to ``build_tools/render/report_page.py`` can be
measured in seconds instead of a 45 s build.  Steps:

1. read the first N records of a built archive's open data (``records.jsonl.gz``: the
   records as the build enriched them, cross-year context included; by default those of
   ``scale.py --count 1000``, ``/tmp/archive-bench-1000``) and render each page with
   ``report_page.render_report`` (timed: **render s**), plus the hidden search-terms block
   ``build.write_docs`` appends;
2. **markdown s**: every page through one ``markdown.Markdown`` with the extensions and
   settings of the repo's ``mkdocs.yml``, reset between pages (MkDocs makes one per page
   and adds its own link, anchor and raw-HTML handling: that is in step 3);
3. **mkdocs s**: a real strict ``mkdocs build`` with the repo's ``mkdocs.yml`` and theme
   (``build.run_mkdocs``) of a docs folder holding those pages, their chart data and a stub
   page for every page they link to (region, year, agency, other reports) and the nav, the
   ``docs/`` folder (CSS, scripts) copied in; **stubs s**: the same build without the
   report pages, so **pages s** = mkdocs − stubs is what the report pages cost MkDocs.

Each timing is the best of ``--repeat`` runs (the machine is shared).  Also printed: the
pages' Markdown bytes and their built HTML bytes.  ``--keep DIR`` leaves the docs and site
folders there (to look at a page in a browser).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import markdown  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

from build_tools import build, search, urls  # noqa: E402
from build_tools.render import links, report_page  # noqa: E402

DEFAULT_RECORDS = Path("/tmp/archive-bench-1000/site/data/records.jsonl.gz")
NAV_PAGES = ("index.md", "regions/index.md", "years/index.md", "quality.md", "data/index.md",
             "build-report.md", "about.md")


def read_records(path: Path, count: int) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in itertools.islice(fh, count)]


def render_pages(records: list[dict]) -> list[report_page.RenderedReport]:
    return [report_page.render_report(r, (r["meta"].get("source") or {}).get("file") or "report.txt")
            for r in records]


def linked_pages(records: list[dict]) -> set[str]:
    """Docs paths of every page a report page links to (computed from the records, so the
    same stubs serve a renderer that writes Markdown links and one that writes HTML)."""
    out = set(NAV_PAGES)
    for r in records:
        meta = r["meta"]
        region = list(meta.get("region") or [])
        out.update(links.index_md(urls.region_slug(region[: i + 1])) for i in range(len(region)))
        if meta.get("year"):
            out.add(links.index_md(urls.year_slug(meta["year"])))
        out.add(links.index_md(urls.agency_slug(r)))
        ctx = r.get("context") or {}
        refs = [ctx.get("previous"), ctx.get("next")] + [c.get("other") for c in r.get("checks") or []]
        out.update(links.report_md(str(ref["slug"])) for ref in refs
                   if isinstance(ref, dict) and ref.get("slug"))
    return out


def write_docs(docs: Path, records: list[dict], pages: list[report_page.RenderedReport],
               with_pages: bool) -> None:
    own = {p.md_path for p in pages}
    # The repo's docs folder (about page, CSS, scripts) as the build copies it, so a kept
    # site looks like the real one.
    shutil.copytree(build.DOCS_SOURCE, docs, dirs_exist_ok=True)
    files = {}
    for path in sorted(linked_pages(records) - own):
        if not (docs / path).exists():
            files[path] = f"# {path}\n"
    if with_pages:
        for r, page in zip(records, pages):
            files[page.md_path] = page.markdown + search.terms_block(r)
            files.update(page.data_files)
    for rel, text in files.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def time_markdown(pages: list[report_page.RenderedReport]) -> float:
    cfg = load_config(config_file=str(build.CONFIG_FILE))
    md = markdown.Markdown(extensions=cfg["markdown_extensions"],
                           extension_configs=cfg["mdx_configs"])
    started = time.perf_counter()
    for page in pages:
        md.reset()
        md.convert(page.markdown)
    return time.perf_counter() - started


def time_mkdocs(records: list[dict], pages: list[report_page.RenderedReport], with_pages: bool,
                root: Path) -> tuple[float, int]:
    """Seconds of a clean strict build; bytes of the report pages' HTML."""
    docs, site = root / "docs", root / "site"
    for d in (docs, site):
        shutil.rmtree(d, ignore_errors=True)
    write_docs(docs, records, pages, with_pages)
    started = time.perf_counter()
    build.run_mkdocs(docs, site, 0)
    seconds = time.perf_counter() - started
    size = sum((site / links.page_url_dir(p.md_path) / "index.html").stat().st_size
               for p in pages) if with_pages else 0
    return seconds, size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--records", type=Path, default=DEFAULT_RECORDS)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="leave docs/ and site/ of the last build here")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)

    records = read_records(args.records, args.count)
    best = dict.fromkeys(("render_s", "markdown_s", "mkdocs_s", "stubs_s"), float("inf"))
    html_bytes = 0
    root = args.keep or Path(tempfile.mkdtemp(prefix="page-markdown-"))
    try:
        for _ in range(args.repeat):
            started = time.perf_counter()
            pages = render_pages(records)
            best["render_s"] = min(best["render_s"], time.perf_counter() - started)
            best["markdown_s"] = min(best["markdown_s"], time_markdown(pages))
            seconds, _ = time_mkdocs(records, pages, False, root)
            best["stubs_s"] = min(best["stubs_s"], seconds)
            seconds, html_bytes = time_mkdocs(records, pages, True, root)
            best["mkdocs_s"] = min(best["mkdocs_s"], seconds)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    figures = {"pages": len(pages), "repeat": args.repeat,
               **{k: round(v, 3) for k, v in best.items()},
               "pages_s": round(best["mkdocs_s"] - best["stubs_s"], 3),
               "markdown_bytes": sum(len(p.markdown.encode("utf-8")) for p in pages),
               "html_bytes": html_bytes}
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

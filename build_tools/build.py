"""``python -m build_tools build``: reports folder -> records -> Markdown -> MkDocs site.

Stages, in order:

1. discover every file under the reports folder (a report is any file that is not a
   ``.yml`` sidecar and not hidden);
2. parse each one in isolation, in a process pool using every core, through the record
   cache — one broken file (an exception, a ReportError, even a crashed worker process)
   never stops the build nor drops another report;
3. ``indexes.enrich`` (cross-year checks and context), then render the report pages, the
   home page, the build report and ``indexes.write_indexes`` into ``<work-dir>/docs``,
   with the repo's ``docs/`` for what is not generated;
4. MkDocs (the repo's ``mkdocs.yml``, strict) into the site folder, then the Atom feeds;
5. Pagefind indexes the built pages (``build_tools/search.py``, through the cut-down copies
   of ``search_pages``), once the build has let go of the records and rendered pages: it
   needs more memory than any other stage.

Rebuilding after a few reports were added is incremental: parsed records come from the
record cache, report pages of unchanged records from the render cache (``RenderCache``),
only files whose bytes changed are written into the docs folder MkDocs reads
(``<work-dir>/docs``, see ``docs_tree``), and MkDocs then rebuilds only those (its
``dirty`` mode), unless anything that shapes every page
changed (see ``site_fingerprint``) or a file disappeared, when the site is built clean
(``clean_build_reason``).  Both ways give the same bytes (tests/test_cache.py).

Every file of the reports folder ends up either on the site or in the build report with
the reason.  Nothing is written outside the work and site folders.
"""

from __future__ import annotations

import argparse
import calendar
import concurrent.futures as cf
import ctypes
import datetime as dt
import functools
import gc
import hashlib
import json
import logging
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from . import feeds, indexes, metadata, opendata, parse_worker, readers, search, urls
from .docs_tree import DocsTree, write_whole
from .readers import libreoffice
from .record import region_of
from .cache import (KeyedEntries, RecordCache, file_sha256, library_versions, sidecar_hash,
                    source_digest)
from .render import build_report, escape, home, report_page

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = REPO_ROOT / "mkdocs.yml"
SITE_URL_ENV = "SITE_URL"   # mkdocs.yml: site_url: !ENV [SITE_URL, placeholder]
DOCS_SOURCE = REPO_ROOT / "docs"
THEME_OVERRIDES = REPO_ROOT / "overrides"
STATE_FILE = "site-state.json"    # in the work folder: what the site folder was built from
SEARCH_PAGES = "search-pages"     # in the work folder: the pages as Pagefind reads them
# In the work folder, what later builds reuse (CI keeps them between runs:
# .github/workflows/site.yml): parsed records, rendered report pages, open-data parts.
RECORD_CACHE = "cache"
RENDER_CACHE = "render-cache"
OPENDATA_CACHE = "opendata-cache"
TEMPLATE_CACHE = "templates"       # the theme's Jinja templates, compiled (run_mkdocs)
SIDECAR_SUFFIX = ".yml"

# Used for sitemap dates and gzip headers when no report carries a publication date, so
# that two builds of the same inputs stay byte-identical (never the clock).
FALLBACK_EPOCH = 0


# ---------------------------------------------------------------- discovery
def is_hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def discover(reports_dir: Path) -> tuple[list[Path], list[Path]]:
    """(report files, sidecar files) under ``reports_dir``, as sorted relative paths."""
    reports: list[Path] = []
    sidecars: list[Path] = []
    for path in sorted(reports_dir.rglob("*")):
        rel = path.relative_to(reports_dir)
        if is_hidden(rel) or not path.is_file():
            continue
        (sidecars if path.suffix.lower() == SIDECAR_SUFFIX else reports).append(rel)
    return reports, sidecars


def sidecar_of(report: Path) -> Path:
    return report.with_suffix(SIDECAR_SUFFIX)


# ---------------------------------------------------------------- parsing
@dataclass
class Outcome:
    """What became of one file of the reports folder."""

    rel: str                          # posix path inside the reports folder
    record: dict | None = None
    error: dict | None = None         # {"code", "reason"}
    cached: bool = False
    duplicate_of: str | None = None   # rel path of the file with the same page


def parse_all(paths: list[Path], workers: int, temp_dir: Path | None = None,
              warm: cf.ProcessPoolExecutor | None = None) -> list[dict]:
    """Results of ``parse_worker.parse_task`` for every path, in the given order.

    One path goes to the ``warm`` worker if there is one (``parse_worker.start_warm``);
    more get a pool of ``workers`` processes.  A worker that dies (segfault, out of
    memory) breaks its pool; the files whose results were lost are then parsed again one
    per fresh process, so only the file that kills its process is reported as crashed.
    """
    results: dict[int, dict] = {}
    if not paths:
        return []
    init = ({"initializer": parse_worker.use_temp_dir, "initargs": (str(temp_dir),)}
            if temp_dir else {})
    try:
        with (warm if warm is not None and len(paths) == 1 else
              cf.ProcessPoolExecutor(max_workers=max(1, min(workers, len(paths))), **init)) as pool:
            futures = {pool.submit(parse_worker.parse_task, str(p)): i for i, p in enumerate(paths)}
            for fut in cf.as_completed(futures):
                try:
                    results[futures[fut]] = fut.result()
                except cf.process.BrokenProcessPool:
                    pass
    except cf.process.BrokenProcessPool:
        pass
    for i, p in enumerate(paths):
        if i in results:
            continue
        try:
            with cf.ProcessPoolExecutor(max_workers=1, **init) as solo:
                results[i] = solo.submit(parse_worker.parse_task, str(p)).result()
        except cf.process.BrokenProcessPool:
            results[i] = parse_worker.crashed()
    return [results[i] for i in range(len(paths))]


def _scrub(text: str, reports_dir: Path) -> str:
    """Messages name files relative to the reports folder, never by an absolute path."""
    return text.replace(str(reports_dir) + os.sep, "").replace(str(reports_dir), "")


def parse_reports(reports_dir: Path, rels: list[Path], cache: RecordCache | None,
                  workers: int, temp_dir: Path | None = None,
                  warm: cf.ProcessPoolExecutor | None = None) -> list[Outcome]:
    outcomes = [Outcome(rel.as_posix()) for rel in rels]
    keys: list[str | None] = [None] * len(rels)
    if cache is not None:
        # which LibreOffice converts a .doc: looked up at the first .doc, then the same
        soffice_identity = functools.cache(libreoffice.converter_identity)
        for i, rel in enumerate(rels):
            try:
                path = reports_dir / rel
                digest, head = readers.sha256_and_head(path)
                converter = readers.converter_of(path, head, soffice_identity)
                keys[i] = cache.key(digest, sidecar_hash(reports_dir / sidecar_of(rel)),
                                    rel.as_posix(), converter)
            except OSError:
                keys[i] = None
    # Files with no cache entry start parsing at once, in the background, while the
    # cached records are read: the workers' start-up (loading the gazetteer takes about a
    # second) and reading thousands of entries overlap instead of adding up.
    misses = [i for i, key in enumerate(keys) if not (key and cache.has(key))]
    with cf.ThreadPoolExecutor(max_workers=1) as background:
        parsing = background.submit(parse_all, [reports_dir / rels[i] for i in misses],
                                    workers, temp_dir, warm)
        stale = []
        missed = set(misses)
        for i, key in enumerate(keys):
            if i in missed:
                continue
            entry = cache.get(key)
            if entry is None:            # unreadable, or another parser version's
                stale.append(i)
                continue
            out = outcomes[i]
            out.record, out.error, out.cached = entry.get("record"), entry.get("error"), True
        fresh = list(zip(misses, parsing.result()))
    fresh += zip(stale, parse_all([reports_dir / rels[i] for i in stale], workers, temp_dir))
    for i, result in fresh:
        out = outcomes[i]
        out.record, out.error = result.get("record"), result.get("error")
        if cache is not None and keys[i] and not result.get("uncacheable"):
            cache.put(keys[i], {"record": out.record} if out.record is not None
                      else {"error": out.error})
    for out in outcomes:
        if out.error is not None:
            out.error = {"code": str(out.error.get("code")),
                         "reason": _scrub(str(out.error.get("reason")), reports_dir)}
        if out.record is not None:
            metadata.apply_filing_path(out.record, out.rel)
            _normalize_source(out, reports_dir)
    return outcomes


def _normalize_source(out: Outcome, reports_dir: Path) -> None:
    """The published record names its file by its place in the archive, not this machine."""
    source = out.record["meta"].setdefault("source", {})
    source["file"] = out.rel
    if not source.get("sha256"):
        source["sha256"] = file_sha256(reports_dir / out.rel)


def mark_duplicates(outcomes: list[Outcome]) -> None:
    """Two files that would get the same page (same agency, year and content): keep the first."""
    seen: dict[str, str] = {}
    for out in outcomes:
        if out.record is None:
            continue
        slug = urls.report_slug(out.record)
        if slug in seen:
            out.duplicate_of = seen[slug]
        else:
            seen[slug] = out.rel


# ---------------------------------------------------------------- safety
def _check_output_dirs(work_dir: Path, site_dir: Path, reports_dir: Path) -> None:
    """Refuse output folders whose cleaning would delete sources (MkDocs empties site_dir)."""
    protected = [REPO_ROOT, DOCS_SOURCE, reports_dir, REPO_ROOT / "build_tools"]
    # ...and nothing may be written inside the sources either (a site inside reports/
    # would be read back as reports by the next build).
    sources = [DOCS_SOURCE, reports_dir, REPO_ROOT / "build_tools", REPO_ROOT / "overrides"]
    for out, name in ((work_dir, "--work-dir"), (site_dir, "--site-dir")):
        for p in protected:
            if out == p or out in p.parents:
                raise SystemExit(f"error: {name} {out} would overwrite {p}; choose another folder")
        for p in sources:
            if p in out.parents:
                raise SystemExit(f"error: {name} {out} is inside {p}; choose another folder")
    if site_dir == work_dir or work_dir in site_dir.parents or site_dir in work_dir.parents:
        raise SystemExit("error: --site-dir and --work-dir must be separate folders")


def _tree(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


# Every distribution a MkDocs build of the site imports (Jinja2 writes each page's
# markup, pathspec picks the files), pymdown-extensions for the day mkdocs.yml names one,
# and Pagefind, which indexes the pages.  tests/test_cache.py builds the seeds with MkDocs
# in a fresh interpreter and fails if it imports a distribution not listed here.
SITE_LIBRARIES = (
    "Jinja2", "Markdown", "MarkupSafe", "PyYAML", "Pygments", "babel", "click", "colorama",
    "mergedeep", "mkdocs", "mkdocs-material", "pagefind", "pathspec", "pymdown-extensions",
    "pyyaml_env_tag", "typing_extensions",
)


def site_fingerprint() -> str:
    """What shapes every page besides its own Markdown: the configuration, the theme
    overrides and the versions of ``SITE_LIBRARIES``.  When it changes, every page must
    be rebuilt."""
    h = hashlib.sha256()
    h.update(CONFIG_FILE.read_bytes())
    # mkdocs.yml reads the published address from the environment; every page links it.
    h.update(f"{SITE_URL_ENV}={os.environ.get(SITE_URL_ENV, '')}\n".encode())
    for rel, path in sorted(_tree(THEME_OVERRIDES).items()):
        h.update(rel.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    h.update(library_versions(SITE_LIBRARIES).encode("utf-8"))
    return h.hexdigest()


def _read_state(work_dir: Path) -> dict:
    try:
        state = json.loads((work_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def clean_build_reason(state: dict, site_dir: Path, fingerprint: str, removed: int) -> str:
    """Why the site must be built clean ("" when only the changed pages need building).

    Not after a failed or interrupted build (the state file is removed before building),
    nor when files were removed (their pages would linger), nor for another site folder.
    ``state`` is what the last complete build left (``_read_state``).
    """
    if not state:
        return "no complete previous build"
    if state.get("site_dir") != str(site_dir) or not (site_dir / "index.html").is_file():
        return "another site folder"
    if state.get("fingerprint") != fingerprint:
        return "configuration, theme or tool versions changed"
    if removed:
        return f"{removed} generated files removed"
    return ""


# ---------------------------------------------------------------- MkDocs
@contextmanager
def _source_date_epoch(epoch: int) -> Iterator[None]:
    """MkDocs stamps sitemap.xml(.gz) with the build date: pin it to a date from the data."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    if old is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def data_epoch(records: list[dict]) -> int:
    """Midnight UTC of the latest publication date among the records (stable across builds)."""
    dates = []
    for r in records:
        try:
            dates.append(dt.date.fromisoformat(str(r["meta"].get("published"))))
        except (TypeError, ValueError):
            continue
    if not dates:
        return FALLBACK_EPOCH
    return calendar.timegm(max(dates).timetuple())


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build; in strict mode that warning would abort it.

    The warning is about navigation going stale, which cannot happen here: the navigation
    is fixed in mkdocs.yml and every page whose Markdown changed is rebuilt.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def keep_templates_compiled(theme: Any, folder: Path) -> None:
    """Give the Jinja environment MkDocs makes for ``theme`` a bytecode cache in ``folder``.

    MkDocs compiles Material's templates anew in every build: at 1,000 reports a dirty
    build with nothing to rebuild took 0.55-0.82 s without the cache and 0.40-0.56 s with
    it (benchmarks/README.md, run AF).  Jinja keys each cached template on its
    source and on Jinja's and Python's bytecode versions, so an edited override or a new
    Material or Jinja is compiled again; the pages are the same bytes either way.
    """
    import jinja2

    folder.mkdir(parents=True, exist_ok=True)
    bytecode = jinja2.FileSystemBytecodeCache(str(folder))
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.bytecode_cache = bytecode
        return env

    theme.get_env = get_env


def run_mkdocs(docs: Path, site_dir: Path, epoch: int, dirty: bool = False,
               templates: Path | None = None) -> str:
    """Build the site; returns site_url. Raises on any MkDocs warning (strict).
    ``templates``: a folder that keeps the theme's templates compiled between builds."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    cfg = load_config(config_file=str(CONFIG_FILE), docs_dir=str(docs), site_dir=str(site_dir),
                      strict=True)
    if templates is not None:
        keep_templates_compiled(cfg.theme, templates)
    quiet = _DropDirtyWarning()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(quiet)
    try:
        with _source_date_epoch(epoch):
            mkdocs_build(cfg, dirty=dirty)
    finally:
        logger.removeFilter(quiet)
    return cfg.site_url or ""


# ---------------------------------------------------------------- publishing
def originals_address(value: str) -> str | None:
    """``--originals-url`` as the pages use it: an http(s) address with a host and a path
    ending in "/" (added if missing), with no spaces, query or fragment (a file's path is
    appended to it); None for anything else."""
    value = value.strip()
    if not value.endswith("/"):
        value += "/"
    parts = urlsplit(value)
    if escape.url(value) is None or escape.clean(value) != value or parts.query or parts.fragment:
        return None
    return value


def _render_task(item: tuple[dict, str], originals_url: str | None = None
                 ) -> tuple[report_page.RenderedReport | None, str | None]:
    """Render one page. Never raises."""
    record, rel = item
    try:
        return report_page.render_report(record, rel, originals_url), None
    except Exception as exc:  # noqa: BLE001 - one odd record must not stop the build
        return None, f"{type(exc).__name__}: {exc}"


# What a report page is made from besides its record: the page renderer, the modules and
# domain tables it reads, and the distributions it imports, with theirs (pyecharts writes
# the chart options; a new version may write others for the same record).
# tests/test_cache.py renders the seeds in a fresh interpreter and fails if the renderer
# reads a file of the package or imports a library that is not listed here.
RENDER_SOURCES = ("render", "domain", "headline.py", "urls.py", "record.py", "__init__.py")
RENDER_LIBRARIES = ("Jinja2", "MarkupSafe", "PyYAML", "prettytable", "pyecharts", "simplejson")


def generator_digest() -> str:
    """Hash of the renderer's code, domain tables and library versions: a rendered page
    is reused only if none of them changed."""
    material = source_digest(RENDER_SOURCES) + "\n" + library_versions(RENDER_LIBRARIES)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class RenderCache(KeyedEntries):
    """Rendered report pages by (generator code, record, file name): pages of reports that
    did not change are not rendered again when one report is added.

    The key covers everything a page is made of (the whole record, including the
    cross-year context added by ``indexes.enrich``), so a hit is the page a fresh render
    would give.  Failures are never stored; pages this build did not use are pruned.
    """

    suffix = ".json"

    def __init__(self, directory: Path, digest: str) -> None:
        super().__init__(directory)
        self.digest = digest

    def key(self, record: dict, rel: str, originals_url: str | None = None) -> str:
        # where the page links its original file (render_report) is part of the page
        parts = [self.digest, rel, record, *([originals_url] if originals_url else [])]
        material = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def get(self, key: str) -> report_page.RenderedReport | None:
        self.keep(key)
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
            return report_page.RenderedReport(data["md_path"], data["markdown"],
                                              dict(data["data_files"]), data["original_copy"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, page: report_page.RenderedReport) -> None:
        self.keep(key)
        write_whole(self.path(key), json.dumps(
            {"md_path": page.md_path, "markdown": page.markdown, "data_files": page.data_files,
             "original_copy": page.original_copy},
            ensure_ascii=False).encode("utf-8"))


PAGES_MANIFEST = "pages.json"   # in the work folder: the report pages the docs folder holds


@dataclass(frozen=True)
class KeptPage:
    """A report page the docs folder already holds, byte for byte (see ``PageManifest``):
    neither read from the render cache nor compared with the docs folder again."""

    files: tuple[str, ...]   # docs-relative: the page, its chart data, its original


class PageManifest:
    """Which report page files the docs folder holds, and what they were made from.

    An entry maps a report file to the key of what was written for it (the render-cache
    key, which covers the renderer's code and the whole enriched record, plus the search
    terms appended to the page) and the files written.  A page whose key is unchanged and
    whose files are all there is kept as it is: at 10,000 reports, reading every cached
    page and comparing it, its chart data and its original with the docs folder took
    several seconds of every rebuild.  The manifest is only valid after a complete build:
    ``publish`` removes it before writing and saves it at the end.
    """

    def __init__(self, path: Path, docs_dir: Path) -> None:
        self.path = Path(path)
        self.docs_dir = Path(docs_dir)
        try:
            before = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
        self.before: dict = before if isinstance(before, dict) else {}
        self.path.unlink(missing_ok=True)
        self.after: dict[str, dict] = {}

    @staticmethod
    def key(render_key: str, record: dict) -> str:
        material = render_key + "\0" + search.terms_block(record)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def kept(self, rel: str, key: str) -> KeptPage | None:
        entry = self.before.get(rel)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        files = tuple(str(f) for f in entry.get("files") or ())
        if not files or not all((self.docs_dir / f).is_file() for f in files):
            return None
        return KeptPage(files)

    def record(self, rel: str, key: str, files: tuple[str, ...]) -> None:
        self.after[rel] = {"key": key, "files": list(files)}

    def save(self) -> None:
        self.path.write_text(json.dumps(self.after, ensure_ascii=False, sort_keys=True),
                             encoding="utf-8")


# Below this many pages to render, a process pool costs more than it saves.
RENDER_POOL_MIN = 64


def _render_many(items: list[tuple[dict, str]], workers: int, originals_url: str | None = None
                 ) -> list[tuple[report_page.RenderedReport | None, str | None]]:
    task = functools.partial(_render_task, originals_url=originals_url)
    if workers < 2 or len(items) < RENDER_POOL_MIN:
        return [task(item) for item in items]
    # Rendering is CPU-bound Python (pyecharts options, escaping every cell); chunks keep
    # the cost of sending records out and pages back small next to the work.
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(task, items, chunksize=max(1, len(items) // (workers * 8))))


def render_all(items: list[tuple[dict, str]], cache: RenderCache | None = None,
               workers: int = 1, manifest: PageManifest | None = None,
               originals_url: str | None = None
               ) -> list[tuple[report_page.RenderedReport | KeptPage | None, str | None]]:
    """``_render_task`` over every (record, rel), in order, through the render cache; pages
    not in the cache are rendered in ``workers`` processes.  With a ``manifest`` (and a
    cache), a page the docs folder already holds comes back as a ``KeptPage``.
    ``originals_url``: see ``report_page.render_report``."""
    keys = [cache.key(record, rel, originals_url) if cache is not None else None
            for record, rel in items]
    page_keys = [PageManifest.key(key, record) if manifest is not None and key else None
                 for (record, _), key in zip(items, keys)]
    out: list[tuple[report_page.RenderedReport | KeptPage | None, str | None]] = []
    for (_, rel), key, page_key in zip(items, keys, page_keys):
        kept = manifest.kept(rel, page_key) if page_key else None
        if kept is not None:
            cache.keep(key)          # still this build's page: not pruned from the cache
        out.append((kept or (cache.get(key) if key else None), None))
    todo = [i for i, (page, _) in enumerate(out) if page is None]
    for i, (page, error) in zip(todo, _render_many([items[i] for i in todo], workers,
                                                   originals_url)):
        if page is not None and keys[i]:
            cache.put(keys[i], page)
        out[i] = (page, error)
    for (record, rel), page_key, (page, _) in zip(items, page_keys, out):
        if page_key and page is not None:
            manifest.record(rel, page_key, _page_files(page))
    return out


def _page_files(page: report_page.RenderedReport | KeptPage) -> tuple[str, ...]:
    if isinstance(page, KeptPage):
        return page.files
    copy = (page.original_copy,) if page.original_copy else ()
    return (page.md_path, *sorted(page.data_files), *copy)


def render_published(outcomes: list[Outcome], cache: RenderCache | None = None,
                     workers: int = 1, manifest: PageManifest | None = None,
                     originals_url: str | None = None
                     ) -> list[tuple[Outcome, report_page.RenderedReport | KeptPage]]:
    """Enrich the publishable records (cross-year checks and context) and render their pages.

    A record the renderer cannot handle is reported like an unreadable file; the others are
    then enriched and rendered again without it, so no page links to a page that will not
    exist (through the render cache, only pages whose context changed are rendered twice).
    """
    while True:
        published = [o for o in outcomes if o.record is not None and o.duplicate_of is None]
        indexes.enrich([o.record for o in published])
        rendered = render_all([(o.record, o.rel) for o in published], cache, workers, manifest,
                              originals_url)
        failed = [(o, error) for o, (page, error) in zip(published, rendered) if page is None]
        if not failed:
            return [(o, page) for o, (page, _) in zip(published, rendered)]
        for out, error in failed:
            out.record = None
            out.error = {"code": "render_crash", "reason": f"生成页面时出错：{error}"}


def write_docs(pages: list[tuple[Outcome, report_page.RenderedReport | KeptPage]], summary: dict,
               reports_dir: Path, docs_dir: Path,
               parts_cache: opendata.PartsCache | None = None) -> tuple[int, int]:
    """Every generated file into the docs folder MkDocs reads; returns (files this function
    rewrote — the index pages' own writer does not count its — and files removed).  Only
    files whose bytes change are written (see ``docs_tree``); ``parts_cache`` keeps open
    data of unchanged reports between builds."""
    docs = DocsTree(docs_dir)
    records = [out.record for out, _ in pages]
    for out, page in pages:
        if isinstance(page, KeptPage):
            docs.keep(page.files)
            continue
        docs.write(page.md_path, page.markdown + search.terms_block(out.record))
        for rel, text in sorted(page.data_files.items()):
            docs.write(rel, text)
        if page.original_copy:
            docs.write(page.original_copy, (reports_dir / out.rel).read_bytes())
    for rel, text in build_report.render_pages(summary):
        docs.write(rel, text)
    docs.write("build-report.json", build_report.render_json(summary))
    docs.write(search.WORDS_FILE, search.words_file(region_of(r) for r in records))
    docs.write("index.md", home.render_home(records, summary))
    docs.keep(indexes.write_indexes(records, docs.root, parts_cache))
    docs.copy_missing(DOCS_SOURCE)
    removed = docs.remove_stale()
    return docs.changed, removed


@dataclass
class SiteWritten:
    """What finishing a build needs once its site folder holds every page (see
    ``publish``): the build summary and what to record as built."""

    summary: dict
    fingerprint: str
    manifest: PageManifest


def publish(outcomes: list[Outcome], orphans: list[str], reports_dir: Path, work_dir: Path,
            site_dir: Path, timings: dict | None = None,
            originals_url: str | None = None) -> SiteWritten:
    """Pages, data and the site (MkDocs, feeds) from parse outcomes; the search index is
    the next step, ``index_search``, once the caller has let go of the records.

    ``timings`` (if given) receives the seconds spent generating pages and building the
    site, and whether MkDocs ran clean.  ``originals_url``: where the reports folder is
    published, if the original files are to be linked there instead of copied into the
    site (``originals_address``).
    """
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    # Until this build has finished, neither the docs nor the site folder is a complete
    # build to add to: an interrupted build makes the next one clean.
    state_before = _read_state(work_dir)
    (work_dir / STATE_FILE).unlink(missing_ok=True)
    docs = work_dir / "docs"
    cache = RenderCache(work_dir / RENDER_CACHE, generator_digest())
    manifest = PageManifest(work_dir / PAGES_MANIFEST, docs)
    pages = render_published(outcomes, cache, os.cpu_count() or 1, manifest, originals_url)
    cache.prune()
    records = [out.record for out, _ in pages]
    summary = build_report.summarize(outcomes, orphans)
    parts = opendata.PartsCache(work_dir / OPENDATA_CACHE)
    copied, removed = write_docs(pages, summary, reports_dir, docs, parts)
    parts.prune()
    # The rendered Markdown is in the docs folder now: MkDocs, which holds every page it
    # builds, reuses that memory.
    del pages
    timings["pages"] = time.perf_counter() - clock

    clock = time.perf_counter()
    fingerprint = site_fingerprint()
    reason = clean_build_reason(state_before, site_dir, fingerprint, removed)
    dirty = not reason
    site_url = run_mkdocs(docs, site_dir, data_epoch(records), dirty=dirty,
                          templates=work_dir / TEMPLATE_CACHE)
    feeds.write_feeds(records, site_dir, site_url)
    timings["site"] = time.perf_counter() - clock
    timings.update(mode="dirty" if dirty else "clean", pages_changed=copied,
                   clean_reason=reason)
    return SiteWritten(summary, fingerprint, manifest)


def index_search(written: SiteWritten, work_dir: Path, site_dir: Path,
                 timings: dict | None = None) -> None:
    """Pagefind over the site ``publish`` wrote, then mark the build complete (the next
    build may add to it).  Raises ``search.SearchIndexError``."""
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    indexed = search.index_site(site_dir, work_dir / SEARCH_PAGES)
    timings["search"] = time.perf_counter() - clock
    timings["search_indexed"] = indexed.pagefind_ran
    (work_dir / STATE_FILE).write_text(
        json.dumps({"fingerprint": written.fingerprint, "site_dir": str(site_dir)}) + "\n",
        encoding="utf-8")
    written.manifest.save()


def release_memory() -> None:
    """Give the memory of objects already dropped back to the system.

    Pagefind, a separate process, needs the most memory of the whole build (3.5 GB at
    10,000 reports), and Python keeps what it freed for itself.  At 10,000 reports the
    build's own process held 1.75 GB while Pagefind ran when it kept the records, 0.76 GB
    with them dropped and this.  ``malloc_trim`` returns glibc's free heap; without glibc
    only the collection is done.
    """
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------- main
def main(args: argparse.Namespace, warm: cf.ProcessPoolExecutor | None = None) -> int:
    """``python -m build_tools build``; ``warm``: a parse worker already getting ready."""
    try:
        return _build(args, warm)
    finally:
        if warm is not None:
            # wait=True: a pool left to shut down on its own races the interpreter's exit
            # (CPython gh-125451: "Exception ignored ... OSError: Bad file descriptor" after
            # a build whose early worker was not used); by now the worker is idle, so
            # joining it takes milliseconds
            warm.shutdown(wait=True, cancel_futures=True)


def _build(args: argparse.Namespace, warm: cf.ProcessPoolExecutor | None) -> int:
    reports_dir = Path(args.reports).resolve()
    site_dir = Path(args.site_dir).resolve()
    work_dir = Path(args.work_dir).resolve()
    if not reports_dir.is_dir():
        print(f"error: reports folder {reports_dir} does not exist", file=sys.stderr)
        return 2
    originals_url = None
    if getattr(args, "originals_url", None):
        originals_url = originals_address(args.originals_url)
        if originals_url is None:
            print(f"error: --originals-url {args.originals_url!r} is not an http(s) address "
                  "(such as https://example.org/archive/reports/)", file=sys.stderr)
            return 2
    _check_output_dirs(work_dir, site_dir, reports_dir)
    work_dir.mkdir(parents=True, exist_ok=True)

    timings: dict = {}
    clock = time.perf_counter()
    report_files, sidecar_files = discover(reports_dir)
    cache = None if args.no_cache else RecordCache(work_dir / RECORD_CACHE)
    outcomes = parse_reports(reports_dir, report_files, cache, os.cpu_count() or 1,
                             temp_dir=work_dir / "tmp", warm=None if cache is None else warm)
    mark_duplicates(outcomes)
    used_sidecars = {sidecar_of(Path(o.rel)).as_posix() for o in outcomes}
    orphans = [s.as_posix() for s in sidecar_files if s.as_posix() not in used_sidecars]
    timings["parse"] = time.perf_counter() - clock
    cached = sum(o.cached for o in outcomes)
    timings["parsed"] = len(outcomes) - cached

    written = publish(outcomes, orphans, reports_dir, work_dir, site_dir, timings,
                      originals_url)
    del outcomes             # the records are on the site: Pagefind gets their memory
    release_memory()
    try:
        index_search(written, work_dir, site_dir, timings)
    except search.SearchIndexError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if cache is not None:
        cache.prune()            # only after a build that finished: it read every entry it needs
    summary = written.summary
    print(build_report.render_console(summary, cached=cached))
    if getattr(args, "timings", False):
        # one machine-readable line for benchmarks/scale.py
        print("timings: " + json.dumps({k: round(v, 3) if isinstance(v, float) else v
                                        for k, v in timings.items()}, sort_keys=True))
    print(f"网站已生成：{site_dir}")
    shown = os.path.relpath(site_dir) if Path.cwd() in site_dir.parents else str(site_dir)
    print(f"本地预览：python -m http.server -d {shown} 8000"
          f"  然后打开 http://127.0.0.1:8000/")
    unreadable = summary["unreadable"]
    if args.strict and unreadable:
        print(f"strict: {len(unreadable)} 个文件无法读取：", file=sys.stderr)
        for item in unreadable:
            print(f"  {item['file']}: {item['reason']}", file=sys.stderr)
        return 1
    return 0

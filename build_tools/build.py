"""``python -m build_tools build``: reports folder -> records -> Markdown -> MkDocs site.

Stages, in order:

1. discover every file under the reports folder (a report is any file that is not a
   ``.yml`` sidecar and not hidden);
2. parse each one in isolation, in a process pool using every core, through the record
   cache — one broken file (an exception, a ReportError, even a crashed worker process)
   never stops the build nor drops another report;
3. ``indexes.enrich`` (cross-year checks and context), then render the report pages, the
   home page and the build report into ``<work-dir>/docs`` (a copy of the repo's ``docs/``),
   then ``indexes.write_indexes``;
4. MkDocs (the repo's ``mkdocs.yml``, strict) into the site folder, then the Atom feeds.

Every file of the reports folder ends up either on the site or in the build report with
the reason.  Nothing is written outside the work and site folders.
"""

from __future__ import annotations

import argparse
import calendar
import concurrent.futures as cf
import datetime as dt
import logging
import os
import re
import shutil
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import feeds, indexes, metadata, pipeline, urls
from . import record as rec
from .cache import RecordCache, cache_key, file_sha256, sidecar_hash
from .errors import ReportError
from .render import build_report, home, report_page

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = REPO_ROOT / "mkdocs.yml"
DOCS_SOURCE = REPO_ROOT / "docs"
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


def _parse_task(path_str: str) -> dict:
    """Parse one file (runs in a worker process). Never raises."""
    path = Path(path_str)
    try:
        sidecar = metadata.load_sidecar(path)
        return {"record": pipeline.parse_file(path, sidecar)}
    except ReportError as exc:
        return {"error": {"code": exc.code, "reason": exc.reason}}
    except Exception as exc:  # noqa: BLE001 - one report's bug must not stop the build
        where = traceback.extract_tb(exc.__traceback__)[-1:]
        at = f" ({Path(where[0].filename).name}:{where[0].lineno})" if where else ""
        return {"error": {"code": "parser_crash", "reason": f"解析程序出错：{type(exc).__name__}: {exc}{at}"},
                "uncacheable": True}


def _crashed() -> dict:
    return {"error": {"code": "parser_crash", "reason": "解析进程异常退出（可能是内存不足或解析库崩溃）"},
            "uncacheable": True}


def parse_all(paths: list[Path], workers: int) -> list[dict]:
    """Results of ``_parse_task`` for every path, in the given order.

    A worker that dies (segfault, out of memory) breaks the whole pool; the files whose
    results were lost are then parsed again one per fresh process, so only the file that
    kills its process is reported as crashed.
    """
    results: dict[int, dict] = {}
    if not paths:
        return []
    try:
        with cf.ProcessPoolExecutor(max_workers=max(1, min(workers, len(paths)))) as pool:
            futures = {pool.submit(_parse_task, str(p)): i for i, p in enumerate(paths)}
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
            with cf.ProcessPoolExecutor(max_workers=1) as solo:
                results[i] = solo.submit(_parse_task, str(p)).result()
        except cf.process.BrokenProcessPool:
            results[i] = _crashed()
    return [results[i] for i in range(len(paths))]


def _scrub(text: str, reports_dir: Path) -> str:
    """Messages name files relative to the reports folder, never by an absolute path."""
    return text.replace(str(reports_dir) + os.sep, "").replace(str(reports_dir), "")


def parse_reports(reports_dir: Path, rels: list[Path], cache: RecordCache | None,
                  workers: int) -> list[Outcome]:
    outcomes: list[Outcome] = []
    todo: list[tuple[Outcome, str | None]] = []
    for rel in rels:
        path = reports_dir / rel
        out = Outcome(rel.as_posix())
        outcomes.append(out)
        key = None
        if cache is not None:
            try:
                key = cache_key(file_sha256(path), sidecar_hash(reports_dir / sidecar_of(rel)),
                                rel.as_posix())
            except OSError:
                key = None
            entry = cache.get(key) if key else None
            if entry is not None:
                out.record, out.error, out.cached = entry.get("record"), entry.get("error"), True
                continue
        todo.append((out, key))
    fresh = parse_all([reports_dir / o.rel for o, _ in todo], workers)
    for (out, key), result in zip(todo, fresh):
        out.record, out.error = result.get("record"), result.get("error")
        if cache is not None and key and not result.get("uncacheable"):
            cache.put(key, {"record": out.record} if out.record is not None
                      else {"error": out.error})
    for out in outcomes:
        if out.error is not None:
            out.error = {"code": str(out.error.get("code")),
                         "reason": _scrub(str(out.error.get("reason")), reports_dir)}
        if out.record is not None:
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


# ---------------------------------------------------------------- staging
def _write(docs: Path, rel: str, content: str | bytes) -> None:
    target = (docs / rel).resolve()
    if docs.resolve() not in target.parents:
        raise ValueError(f"refusing to write outside the staging folder: {rel}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")


def stage_docs(work_dir: Path) -> Path:
    docs = work_dir / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(DOCS_SOURCE, docs)
    return docs


def search_words(records: list[dict]) -> list[str]:
    """Words the Chinese segmenter must keep whole so search finds them.

    jieba splits unknown place names (乐都区 -> 乐都 / 区) and a search in the browser matches
    whole indexed words, so region names and the template's own terms (from the field
    registry and section titles) are given to jieba as a user dictionary.  Agency names
    are not added whole: they must still split into their region and body words.
    """
    words: set[str] = set()
    for r in records:
        words.update(p for p in (r["meta"].get("region") or []) if p)
    labels = [f.label_zh for f in rec.fields()] + list(rec.SECTION_TITLES_ZH.values())
    labels += list(rec.T3_COLUMN_LABELS_ZH.values()) + list(rec.T4_GROUP_LABELS_ZH.values())
    for label in labels:
        words.update(re.findall(r"[\u4e00-\u9fff]{2,8}", label))
    words = {w.strip() for w in words if w and not any(c.isspace() for c in w)}
    return sorted(words)


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


def run_mkdocs(docs: Path, site_dir: Path, work_dir: Path, words: list[str], epoch: int) -> str:
    """Build the site; returns site_url. Raises on any MkDocs warning (strict)."""
    import jieba
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    userdict = work_dir / "search-words.txt"
    userdict.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
    # jieba caches its prefix dictionary in the system temp folder by default: keep it
    # inside the work folder like every other build output.
    jieba.dt.tmp_dir = str(work_dir)
    jieba.setLogLevel(logging.WARNING)
    cfg = load_config(config_file=str(CONFIG_FILE), docs_dir=str(docs), site_dir=str(site_dir),
                      strict=True)
    search = cfg.plugins.get("material/search") or cfg.plugins.get("search")
    if search is not None and hasattr(search.config, "jieba_dict_user"):
        # The dictionary is generated per build (it holds the archive's place names), so its
        # path cannot be written into mkdocs.yml.
        search.config.jieba_dict_user = str(userdict)
    with _source_date_epoch(epoch):
        mkdocs_build(cfg)
    return cfg.site_url or ""


# ---------------------------------------------------------------- publishing
def _check_renderable(out: Outcome) -> None:
    """A record the page renderer cannot handle is reported like an unreadable file.

    Checked before the cross-year enrichment, so no other page links to a page that will
    not exist.
    """
    try:
        report_page.render_report(out.record, out.rel)
    except Exception as exc:  # noqa: BLE001 - one odd record must not stop the build
        out.record = None
        out.error = {"code": "render_crash",
                     "reason": f"生成页面时出错：{type(exc).__name__}: {exc}"}


def publish(outcomes: list[Outcome], orphans: list[str], reports_dir: Path, work_dir: Path,
            site_dir: Path) -> tuple[dict, str]:
    """Pages, data and the site from parse outcomes; returns (build summary, site_url)."""
    for out in outcomes:
        if out.record is not None and out.duplicate_of is None:
            _check_renderable(out)
    published = [o for o in outcomes if o.record is not None and o.duplicate_of is None]
    records = [o.record for o in published]
    indexes.enrich(records)
    docs = stage_docs(work_dir)
    for out in published:
        page = report_page.render_report(out.record, out.rel)
        _write(docs, page.md_path, page.markdown)
        for rel, text in sorted(page.data_files.items()):
            _write(docs, rel, text)
        _write(docs, report_page.download_path(out.record, out.rel),
               (reports_dir / out.rel).read_bytes())
    summary = build_report.summarize(outcomes, orphans)
    _write(docs, "build-report.md", build_report.render_markdown(summary))
    _write(docs, "build-report.json", build_report.render_json(summary))
    _write(docs, "index.md", home.render_home(records, summary))
    indexes.write_indexes(records, docs)

    site_url = run_mkdocs(docs, site_dir, work_dir, search_words(records), data_epoch(records))
    feeds.write_feeds(records, site_dir, site_url)

    return summary, site_url


# ---------------------------------------------------------------- main
def main(args: argparse.Namespace) -> int:
    reports_dir = Path(args.reports).resolve()
    site_dir = Path(args.site_dir).resolve()
    work_dir = Path(args.work_dir).resolve()
    if not reports_dir.is_dir():
        print(f"error: reports folder {reports_dir} does not exist", file=sys.stderr)
        return 2
    _check_output_dirs(work_dir, site_dir, reports_dir)
    work_dir.mkdir(parents=True, exist_ok=True)

    report_files, sidecar_files = discover(reports_dir)
    cache = None if args.no_cache else RecordCache(work_dir / "cache")
    outcomes = parse_reports(reports_dir, report_files, cache, os.cpu_count() or 1)
    mark_duplicates(outcomes)
    used_sidecars = {sidecar_of(Path(o.rel)).as_posix() for o in outcomes}
    orphans = [s.as_posix() for s in sidecar_files if s.as_posix() not in used_sidecars]

    summary, site_url = publish(outcomes, orphans, reports_dir, work_dir, site_dir)
    print(build_report.render_console(summary, cached=sum(o.cached for o in outcomes)))
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

"""Rebuilding a built archive: the record cache and the incremental site build.

Parsed records are cached by content hash, sidecar, path and parser version; unchanged
reports are not parsed again; a cache written by another parser version is never used.
A rebuild after adding a report touches only what changed and gives the very same bytes
as a clean build of the same reports.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools import PARSER_VERSION, build, parse_worker, readers
from build_tools.readers import libreoffice
from build_tools import cache as cache_mod
from build_tools.cache import (PARSER_LIBRARIES, PARSER_SOURCES, RecordCache, cache_key,
                               file_sha256, sidecar_hash)

from tests.test_build import REPORTS, run_build

REPO = Path(__file__).resolve().parent.parent
LEDU = Path("青海省/海东市/乐都区/2022/海东市乐都区人民政府.txt")


def _rels(reports: Path) -> list[Path]:
    return build.discover(reports)[0]


@pytest.fixture
def counted(monkeypatch):
    """build.parse_all, recording which files were really parsed."""
    parsed: list[str] = []
    real = build.parse_all

    def spy(paths, workers, temp_dir=None, warm=None):
        parsed.extend(Path(p).name for p in paths)
        return real(paths, workers, temp_dir, warm)

    monkeypatch.setattr(build, "parse_all", spy)
    return parsed


def test_unchanged_reports_are_not_parsed_again(tmp_path, counted):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    cache = RecordCache(tmp_path / "cache")
    first = build.parse_reports(reports, _rels(reports), cache, 2)
    assert len(counted) == 5 and not any(o.cached for o in first)

    counted.clear()
    second = build.parse_reports(reports, _rels(reports), cache, 2)
    assert counted == [] and all(o.cached for o in second)
    assert [o.record for o in second] == [o.record for o in first]

    # one edited report (its content hash changes) is parsed again, the others are not
    path = reports / LEDU
    path.write_text(path.read_text(encoding="utf-8") + "\n附：本报告已更正。\n", encoding="utf-8")
    counted.clear()
    third = build.parse_reports(reports, _rels(reports), cache, 2)
    assert counted == ["海东市乐都区人民政府.txt"]
    assert sum(not o.cached for o in third) == 1


def test_a_changed_sidecar_means_a_new_parse(tmp_path, counted):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    cache = RecordCache(tmp_path / "cache")
    build.parse_reports(reports, _rels(reports), cache, 2)
    side = (reports / LEDU).with_suffix(".yml")
    side.write_text(side.read_text(encoding="utf-8") + "note: 更正\n", encoding="utf-8")
    counted.clear()
    build.parse_reports(reports, _rels(reports), cache, 2)
    assert counted == ["海东市乐都区人民政府.txt"]


def test_cache_of_another_parser_version_is_never_used(tmp_path, counted):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    cache_dir = tmp_path / "cache"
    build.parse_reports(reports, _rels(reports), RecordCache(cache_dir), 2)

    # Overwrite every entry, under the very keys this version looks up, as another parser
    # version would have written it, with a record that must never reach the site.
    old = RecordCache(cache_dir, parser_version=PARSER_VERSION + "-old")
    for rel in _rels(reports):
        key = cache_key(file_sha256(reports / rel),
                        sidecar_hash(reports / build.sidecar_of(rel)), rel.as_posix())
        old.put(key, {"record": {"meta": {"agency": "旧版本的记录"}}})
    counted.clear()
    outcomes = build.parse_reports(reports, _rels(reports), RecordCache(cache_dir), 2)
    assert len(counted) == 5
    assert not any(o.cached for o in outcomes)
    assert all(o.record["meta"]["agency"] != "旧版本的记录" for o in outcomes)


def test_new_and_damaged_entries_are_parsed_while_the_cache_is_read(tmp_path, counted):
    # files without an entry are parsed in the background while the entries are read; a
    # damaged entry is found only on reading, and that file is parsed after: every file
    # still gets its own record, in the reports folder's order
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    cache = RecordCache(tmp_path / "cache")
    clean = build.parse_reports(reports, _rels(reports), None, 2)
    build.parse_reports(reports, _rels(reports), cache, 2)
    rels = _rels(reports)
    damaged = rels[0]
    key = cache_key(file_sha256(reports / damaged),
                    sidecar_hash(reports / build.sidecar_of(damaged)), damaged.as_posix())
    cache.path(key).write_text("{not json", encoding="utf-8")
    edited = reports / LEDU
    edited.write_text(edited.read_text(encoding="utf-8") + "\n附：本报告已更正。\n", encoding="utf-8")
    counted.clear()
    outcomes = build.parse_reports(reports, rels, cache, 2)
    assert sorted(counted) == sorted([damaged.name, LEDU.name])
    assert [o.rel for o in outcomes] == [r.as_posix() for r in rels]
    assert [o.cached for o in outcomes] == [r not in (damaged, LEDU) for r in rels]
    for out, before in zip(outcomes, clean):
        assert out.record["meta"]["agency"] == before.record["meta"]["agency"]
        assert out.record["tables"] == before.record["tables"]


def _entries(cache_dir: Path) -> set[str]:
    return {p.stem for p in cache_dir.glob("*/*.json")}


def _key(reports: Path, rel: Path) -> str:
    return cache_key(file_sha256(reports / rel), sidecar_hash(reports / build.sidecar_of(rel)),
                     rel.as_posix())


@pytest.mark.slow
def test_a_finished_build_keeps_only_the_entries_it_read(tmp_path, monkeypatch):
    # A removed report's entry, an edited report's old entry and another parser version's
    # entries are never read again; the record cache is pruned like the render cache.
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    site, work = tmp_path / "site", tmp_path / "work"
    assert run_build(reports, site, work).returncode == 0
    cache_dir = work / "cache"
    first = _entries(cache_dir)
    assert first == {_key(reports, rel) for rel in _rels(reports)}

    old_version = RecordCache(cache_dir, parser_version=PARSER_VERSION + "-old")
    old_version.put(cache_key("a" * 64, "no-sidecar", "x/2021/a.txt", PARSER_VERSION + "-old"),
                    {"record": {"meta": {}}})
    removed = _key(reports, LEDU)
    (reports / LEDU).unlink()
    (reports / LEDU).with_suffix(".yml").unlink(missing_ok=True)
    edited = next(rel for rel in _rels(reports) if rel.suffix == ".txt")
    before_edit = _key(reports, edited)
    (reports / edited).write_text((reports / edited).read_text(encoding="utf-8") + "\n附：更正。\n",
                                  encoding="utf-8")
    proc = run_build(reports, site, work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    now = _entries(cache_dir)
    assert now == {_key(reports, rel) for rel in _rels(reports)}
    assert removed not in now and before_edit not in now and len(now) == len(first) - 1

    # parsing alone prunes nothing: a build that stops before it has published may not
    # have read every entry the next one needs
    calls: list[RecordCache] = []
    monkeypatch.setattr(RecordCache, "prune", lambda self: calls.append(self))
    assert build.parse_reports(reports, _rels(reports), RecordCache(cache_dir), 2)
    assert calls == []


def test_cache_key_depends_on_every_input():
    base = cache_key("a" * 64, "no-sidecar", "x/2021/a.txt")
    assert base != cache_key("b" * 64, "no-sidecar", "x/2021/a.txt")        # content
    assert base != cache_key("a" * 64, "c" * 64, "x/2021/a.txt")            # sidecar
    assert base != cache_key("a" * 64, "no-sidecar", "y/2021/a.txt")        # filing path
    assert base != cache_key("a" * 64, "no-sidecar", "x/2021/a.txt", parser_version="999")
    assert base != cache_key("a" * 64, "no-sidecar", "x/2021/a.txt", converter="absent")


GENERATED_DOC = REPO / "tests" / "fixtures" / "generated" / "tongren_2020.doc"
HAS_SOFFICE = libreoffice.soffice_path() is not None


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice not installed")
def test_a_doc_is_read_again_when_libreoffice_is_installed_or_changes(tmp_path, monkeypatch,
                                                                     counted):
    # A .doc's record is LibreOffice's reading of it: a record (or refusal) made without
    # LibreOffice, or by another version of it, must not outlive that install.
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    doc = reports / "贵州省" / "铜仁市" / "2020" / "铜仁市人民政府.doc"
    doc.parent.mkdir(parents=True)
    shutil.copyfile(GENERATED_DOC, doc)
    cache = RecordCache(tmp_path / "cache")
    real_path = os.environ["PATH"]

    def parse(path: str) -> build.Outcome:
        monkeypatch.setenv("PATH", path)
        counted.clear()
        outcomes = build.parse_reports(reports, _rels(reports), cache, 2)
        return next(o for o in outcomes if o.rel.endswith(".doc"))

    no_libreoffice = str(tmp_path / "empty-bin")
    Path(no_libreoffice).mkdir()
    refused = parse(no_libreoffice)
    assert refused.error["code"] == "needs_libreoffice" and len(counted) == 6
    assert parse(no_libreoffice).error["code"] == "needs_libreoffice" and counted == []  # cached

    read = parse(real_path)                       # LibreOffice installed: read at last
    assert counted == [doc.name] and read.error is None
    assert read.record["meta"]["year"] == 2020
    assert parse(real_path).cached and counted == []

    upgraded = libreoffice.converter_identity() + "-next"
    monkeypatch.setattr(libreoffice, "converter_identity", lambda: upgraded)
    assert not parse(real_path).cached and counted == [doc.name]


def test_libreoffice_is_looked_up_once_a_build_however_many_docs(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    for name in ("a.doc", "b.doc", "c.doc"):
        (reports / "贵州省" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(GENERATED_DOC, reports / "贵州省" / name)
    calls = []
    monkeypatch.setattr(libreoffice, "converter_identity", lambda: calls.append(1) or "lo-x")
    monkeypatch.setattr(build, "parse_all", lambda paths, *args, **kwargs:
                        [{"error": {"code": "needs_libreoffice", "reason": "-"}}] * len(paths))
    cache = RecordCache(tmp_path / "cache")
    build.parse_reports(reports, _rels(reports), cache, 2)
    assert len(calls) == 1
    # ...and each .doc's entry is under the key of that identity
    rel = _rels(reports)[0]
    key = cache.key(file_sha256(reports / rel), "no-sidecar", rel.as_posix(), "lo-x")
    assert cache.get(key) == {"error": {"code": "needs_libreoffice", "reason": "-"},
                              "parser_version": cache.parser_version}


def test_converter_identity_follows_the_libreoffice_install(tmp_path, monkeypatch):
    program = tmp_path / "lib" / "libreoffice" / "program"
    program.mkdir(parents=True)
    (program / "soffice").write_text("#!/bin/sh\n", encoding="utf-8")
    (program / "soffice").chmod(0o755)
    (program / "versionrc").write_text("[Version]\nbuildid=40(Build:2)\n", encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").symlink_to(program / "soffice")   # as Debian links /usr/bin/soffice
    monkeypatch.setenv("PATH", str(bin_dir))
    first = libreoffice.converter_identity()
    assert first.startswith("libreoffice-") and libreoffice.converter_identity() == first

    (program / "versionrc").write_text("[Version]\nbuildid=50(Build:1)\n", encoding="utf-8")
    second = libreoffice.converter_identity()
    assert second != first

    assert readers.converter_of(GENERATED_DOC) == second
    # the build sniffs from the bytes it hashed: one read of each report per build
    digest, head = readers.sha256_and_head(GENERATED_DOC)
    assert digest == hashlib.sha256(GENERATED_DOC.read_bytes()).hexdigest()
    assert head == GENERATED_DOC.read_bytes()[:readers.HEAD_BYTES]
    assert readers.converter_of(GENERATED_DOC, head) == second
    assert readers.converter_of(GENERATED_DOC, b"%PDF-1.7") == ""
    assert readers.converter_of(REPO / "tests" / "fixtures" / "generated" / "tongren_2020.docx") == ""
    # a .doc is known by its bytes, whatever its name says
    renamed = tmp_path / "report.docx"
    shutil.copyfile(GENERATED_DOC, renamed)
    assert readers.converter_of(renamed) == second

    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert libreoffice.converter_identity() == "absent" == readers.converter_of(GENERATED_DOC)


def test_a_conversion_that_runs_out_of_time_is_not_cached(monkeypatch):
    # A time-out says the machine was busy, not that the file is bad: the next build
    # must try again.  A refusal for want of LibreOffice is the same on every try.
    def too_slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], libreoffice.CONVERT_TIMEOUT_S)

    monkeypatch.setattr(libreoffice, "soffice_path", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(libreoffice.subprocess, "run", too_slow)
    result = parse_worker.parse_task(str(GENERATED_DOC))
    assert result["error"]["code"] == "convert_failed" and result["uncacheable"] is True

    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    result = parse_worker.parse_task(str(GENERATED_DOC))
    assert result["error"]["code"] == "needs_libreoffice" and "uncacheable" not in result


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _timings(stdout: str) -> dict:
    line = next(ln for ln in stdout.splitlines() if ln.startswith("timings: "))
    return json.loads(line[len("timings: "):])


@pytest.mark.slow
def test_adding_a_report_rebuilds_incrementally_to_the_same_bytes(tmp_path):
    """Seeds without 乐都区 built; 乐都区 added and rebuilt == a clean build of all five."""
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    held = tmp_path / "held"
    held.mkdir()
    for suffix in (".txt", ".yml"):
        src = (reports / LEDU).with_suffix(suffix)
        if src.exists():
            shutil.move(src, held / src.name)

    site, work = tmp_path / "site", tmp_path / "work"
    first = run_build(reports, site, work, "--timings")
    assert first.returncode == 0, first.stdout + first.stderr
    assert _timings(first.stdout)["mode"] == "clean"
    assert not list((site / "r" / "2022").glob("海东市乐都区人民政府-*"))

    for name in sorted(p.name for p in held.iterdir()):
        shutil.move(held / name, (reports / LEDU).with_name(name))
    second = run_build(reports, site, work, "--timings")
    assert second.returncode == 0, second.stdout + second.stderr
    t = _timings(second.stdout)
    assert t["parsed"] == 1                   # only the added report was parsed
    assert t["mode"] == "dirty"               # MkDocs rebuilt only the changed pages
    assert t["search_indexed"]                # a new page: Pagefind indexed the site again
    assert len(list((site / "r" / "2022").glob("海东市乐都区人民政府-*"))) == 1
    added = _tree(site)

    # nothing changed: nothing parsed, no page of the index changed, Pagefind not run
    third = run_build(reports, site, work, "--timings")
    assert third.returncode == 0, third.stdout + third.stderr
    t = _timings(third.stdout)
    assert (t["parsed"], t["mode"], t["search_indexed"]) == (0, "dirty", False)
    assert _tree(site) == added

    clean_site = tmp_path / "clean-site"
    clean = run_build(reports, clean_site, tmp_path / "clean-work", "--timings")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert _timings(clean.stdout)["mode"] == "clean"
    assert _tree(site) == _tree(clean_site)


@pytest.mark.slow
def test_removed_report_or_changed_theme_forces_a_clean_build(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    site, work = tmp_path / "site", tmp_path / "work"
    assert run_build(reports, site, work).returncode == 0
    page = next((site / "r" / "2022").glob("海东市乐都区人民政府-*"))
    (reports / LEDU).unlink()
    (reports / LEDU).with_suffix(".yml").unlink(missing_ok=True)
    proc = run_build(reports, site, work, "--timings")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _timings(proc.stdout)["mode"] == "clean"
    assert not page.exists()                  # no page of a removed report lingers

    # a site folder that does not hold this work folder's last build is rebuilt clean
    other = tmp_path / "other-site"
    proc = run_build(reports, other, work, "--timings")
    assert _timings(proc.stdout)["mode"] == "clean"


def test_rendered_pages_are_reused_only_for_the_same_record_and_code(tmp_path, monkeypatch):
    from tests.conftest import seed_record

    record = json.loads(json.dumps(seed_record("002")))
    rel = "青海省/海东市/乐都区/2022/海东市乐都区人民政府.txt"
    cache = build.RenderCache(tmp_path / "pages", "code-1")
    (fresh, error), = build.render_all([(record, rel)], cache)
    assert error is None

    calls = []
    real = build.report_page.render_report
    monkeypatch.setattr(build.report_page, "render_report",
                        lambda r, name=None, url=None: calls.append(name) or real(r, name, url))
    (again, _), = build.render_all([(record, rel)], cache)
    assert calls == [] and again == fresh                 # unchanged: not rendered again

    changed = json.loads(json.dumps(record))
    changed["meta"]["published"] = "2023-03-01"
    (other, _), = build.render_all([(changed, rel)], cache)
    assert calls == [rel] and other != fresh              # another record: rendered

    newer = build.RenderCache(tmp_path / "pages", "code-2")
    build.render_all([(record, rel)], newer)
    assert calls == [rel, rel]                            # other generator code: rendered


def test_pages_the_docs_folder_already_holds_are_kept_without_reading_them(tmp_path, monkeypatch):
    from build_tools.docs_tree import DocsTree
    from tests.conftest import seed_record

    record = json.loads(json.dumps(seed_record("002")))
    rel = "青海省/海东市/乐都区/2022/海东市乐都区人民政府.txt"
    docs = tmp_path / "docs"
    cache = build.RenderCache(tmp_path / "pages", "code-1")

    def one_build(rec: dict):
        manifest = build.PageManifest(tmp_path / "pages.json", docs)
        (page, error), = build.render_all([(rec, rel)], cache, 1, manifest)
        assert error is None
        tree = DocsTree(docs)
        if not isinstance(page, build.KeptPage):
            tree.write(page.md_path, page.markdown)
            for name, text in page.data_files.items():
                tree.write(name, text)
            tree.write(build.report_page.download_path(rec, rel), b"original")
        manifest.save()
        return page

    first = one_build(record)
    files = (first.md_path, *sorted(first.data_files),
             build.report_page.download_path(record, rel))
    assert len(files) >= 3 and all((docs / f).is_file() for f in files)

    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key: reads.append(key) or real_get(key))
    kept = one_build(record)
    assert kept == build.KeptPage(files) and reads == []   # nothing read, nothing compared

    # an interrupted build leaves no manifest: everything is compared again
    build.PageManifest(tmp_path / "pages.json", docs)       # read (and removed) ...
    assert not (tmp_path / "pages.json").exists()           # ... and never saved
    assert isinstance(one_build(record), build.report_page.RenderedReport)
    assert isinstance(one_build(record), build.KeptPage)

    # a file gone from the docs folder: the page is written again
    (docs / files[-1]).unlink()
    assert isinstance(one_build(record), build.report_page.RenderedReport)
    assert (docs / files[-1]).is_file()

    # another record, or other search terms appended to the page: not kept
    changed = json.loads(json.dumps(record))
    changed["meta"]["published"] = "2023-03-01"
    assert isinstance(one_build(changed), build.report_page.RenderedReport)
    assert isinstance(one_build(changed), build.KeptPage)
    monkeypatch.setattr(build.search, "terms_block", lambda r: "\n<div hidden>新</div>\n")
    assert isinstance(one_build(changed), build.report_page.RenderedReport)


def test_the_published_address_comes_from_site_url_and_a_new_one_rebuilds_every_page(monkeypatch):
    from mkdocs.config import load_config

    monkeypatch.delenv("SITE_URL", raising=False)
    local = load_config(config_file=str(build.CONFIG_FILE)).site_url
    fingerprint = build.site_fingerprint()
    monkeypatch.setenv("SITE_URL", "https://o.github.io/archive/")
    assert load_config(config_file=str(build.CONFIG_FILE)).site_url == "https://o.github.io/archive/"
    assert local == "https://example.invalid/gov-disclosure-archive/"
    # every page's canonical link names the address: a new one is a different site
    assert build.site_fingerprint() != fingerprint


# Run in a fresh interpreter: the audit records what of build_tools the code after it
# opens (modules and domain tables) and which distributions it imports; the script ends
# by printing both with what it made.
_AUDIT = r"""
import importlib.metadata, json, sys
from pathlib import Path

package = Path(sys.argv[1]).resolve()
opened = set()

def audit(event, args):
    if event != "open" or not isinstance(args[0], (str, Path)):
        return
    try:
        rel = Path(args[0]).resolve().relative_to(package)
    except (ValueError, OSError):
        return
    if "__pycache__" not in rel.parts:
        opened.add(rel.as_posix())

sys.addaudithook(audit)
before = set(sys.modules)
"""

_AUDIT_REPORT = r"""
owners = importlib.metadata.packages_distributions()
imported = {name.split(".")[0] for name in set(sys.modules) - before}
print(json.dumps({
    "opened": sorted(opened),
    "libraries": sorted({d for name in imported for d in owners.get(name, [])}),
    "made": made,
}))
"""

# Parses the files named on the command line as a parse worker does.
_PARSE_AUDIT = _AUDIT + r"""
from build_tools import parse_worker
made = [sorted(parse_worker.parse_task(path)) for path in sys.argv[2:]]
""" + _AUDIT_REPORT

# Renders the (record, file name) pairs of the JSON file named on the command line as a
# build's render workers do.
_RENDER_AUDIT = r"""
import json as _json
from pathlib import Path as _Path
items = _json.loads(_Path(__import__("sys").argv[2]).read_text(encoding="utf-8"))
""" + _AUDIT + r"""
from build_tools.render import report_page
made = [report_page.render_report(record, rel).md_path for record, rel in items]
""" + _AUDIT_REPORT


# Makes the open-data parts of the records in the JSON file named on the command line,
# one group, as opendata.files does for each group the parts cache misses.
_PARTS_AUDIT = r"""
import json as _json
from pathlib import Path as _Path
records = _json.loads(_Path(__import__("sys").argv[2]).read_text(encoding="utf-8"))
""" + _AUDIT + r"""
from build_tools import opendata
parts = opendata.group_parts(records, [opendata._minified(r) for r in records])
made = [parts.archive_rows.count("\r\n"), len(parts.cells_gz) > 0, len(parts.records_gz) > 0]
""" + _AUDIT_REPORT


# Builds the docs folder named on the command line with MkDocs, as run_mkdocs does.
_SITE_AUDIT = _AUDIT + r"""
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
mkdocs_build(load_config(config_file="mkdocs.yml", docs_dir=sys.argv[2], site_dir=sys.argv[3],
                         strict=True))
made = sorted(p.name for p in Path(sys.argv[3]).iterdir())
""" + _AUDIT_REPORT


def _audit(script: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", script, str(REPO / "build_tools"), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])

GENERATED = REPO / "tests" / "fixtures" / "generated"
EVERY_FORMAT = ["hongze_2021.txt", "hongze_2021.html", "hongze_2021_gbk.html", "hongze_2021.docx",
                "hongze_2021.pdf", "tongren_2020.doc", "broken/encrypted.pdf"]


def _covered(rel: str, names: tuple[str, ...] = PARSER_SOURCES) -> bool:
    return any(rel == name or rel.startswith(name + "/") for name in names)


@pytest.mark.slow
def test_the_parser_fingerprint_covers_everything_a_parse_reads():
    # The record cache trusts parser_fingerprint to change whenever a parse could: a
    # module or domain table the parse reads but the fingerprint leaves out would let an
    # edited parser serve records of the old one.
    seen = _audit(_PARSE_AUDIT, *(str(GENERATED / name) for name in EVERY_FORMAT))
    # every reader ran: six records and one unreadable file
    assert seen["made"] == [["record"]] * 6 + [["error"]]
    assert {"readers/pdf.py", "readers/word.py", "readers/html.py", "domain/rules.yml",
            "domain/t3_rows.csv"} <= set(seen["opened"])
    assert [rel for rel in seen["opened"] if not _covered(rel)] == []
    assert sorted(set(seen["libraries"]) - set(PARSER_LIBRARIES)) == []


def test_the_parser_fingerprint_changes_with_a_parser_source_or_library(monkeypatch, tmp_path):
    package = tmp_path / "build_tools"
    shutil.copytree(REPO / "build_tools", package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_mod, "PACKAGE_DIR", package)

    def fingerprint() -> str:
        cache_mod.parser_fingerprint.cache_clear()
        return cache_mod.parser_fingerprint()

    try:
        base = fingerprint()
        assert base.startswith(PARSER_VERSION + "+")

        # a page template or the search words are not the parser: records stay valid
        (package / "render" / "report_page.py").write_text("# changed\n", encoding="utf-8")
        (package / "domain" / "search_words.yml").write_text("{}\n", encoding="utf-8")
        assert fingerprint() == base

        rows = package / "domain" / "t3_rows.csv"
        rows.write_text(rows.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        edited = fingerprint()
        assert edited != base

        real_version = cache_mod._library_version
        monkeypatch.setattr(cache_mod, "_library_version",
                            lambda name: "0.0" if name == "pdfplumber" else real_version(name))
        assert fingerprint() not in (base, edited)
    finally:
        cache_mod.parser_fingerprint.cache_clear()


def test_the_render_digest_covers_everything_a_page_is_made_from(tmp_path):
    # The render cache trusts generator_digest to change whenever a page could: a module,
    # domain table or library the renderer uses but the digest leaves out would let a
    # rebuild serve pages of the old code (a new pyecharts writes other chart options),
    # and a clean build of the same reports would differ from it.
    from build_tools import indexes
    from tests.conftest import seed_record

    records = [json.loads(json.dumps(seed_record(n))) for n in ("000", "001", "002", "003", "004")]
    indexes.enrich(records)   # as a build renders them: with their cross-year context
    items = tmp_path / "items.json"
    items.write_text(json.dumps([[r, f"{i}.txt"] for i, r in enumerate(records)],
                                ensure_ascii=False, default=str), encoding="utf-8")
    seen = _audit(_RENDER_AUDIT, str(items))
    assert len(seen["made"]) == 5
    assert {"render/report_page.py", "render/charts.py", "domain/fields.csv"} <= set(seen["opened"])
    assert [rel for rel in seen["opened"] if not _covered(rel, build.RENDER_SOURCES)] == []
    assert "pyecharts" in seen["libraries"]
    assert sorted(set(seen["libraries"]) - set(build.RENDER_LIBRARIES)) == []


def test_the_render_digest_changes_with_a_renderer_library_only(monkeypatch):
    base = build.generator_digest()
    real_version = cache_mod._library_version
    monkeypatch.setattr(cache_mod, "_library_version",
                        lambda name: "0.0" if name == "pdfplumber" else real_version(name))
    assert build.generator_digest() == base          # the parser's library: pages stay
    monkeypatch.setattr(cache_mod, "_library_version",
                        lambda name: "0.0" if name == "pyecharts" else real_version(name))
    assert build.generator_digest() != base


def test_the_open_data_digest_covers_everything_a_group_is_made_from(tmp_path):
    # The open-data parts cache trusts parts_digest to change whenever a group's rows
    # could: a module or domain table the parts are made from but PARTS_SOURCES leaves out
    # would let a rebuild publish archive.csv rows of the old code next to new ones, and a
    # clean build of the same reports would differ from it.  The parts are made with the
    # standard library only, so no library version is part of the key.
    from build_tools import opendata
    from tests.conftest import seed_record

    records = [json.loads(json.dumps(seed_record(n), default=str)) for n in ("000", "001", "002")]
    items = tmp_path / "records.json"
    items.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    seen = _audit(_PARTS_AUDIT, str(items))
    assert seen["made"] == [3, True, True]
    assert {"opendata.py", "headline.py", "domain/fields.csv"} <= set(seen["opened"])
    assert [rel for rel in seen["opened"] if not _covered(rel, opendata.PARTS_SOURCES)] == []
    assert seen["libraries"] == []


@pytest.mark.slow
def test_the_site_fingerprint_covers_every_library_mkdocs_builds_with(tmp_path):
    # A dirty build rebuilds only the pages whose Markdown changed, trusting
    # site_fingerprint to change whenever every page could (a new Jinja2 writes other
    # markup): a library MkDocs imports but the fingerprint leaves out would keep old
    # pages next to new ones after an upgrade.
    proc = run_build(REPORTS, tmp_path / "site", tmp_path / "work")
    assert proc.returncode == 0, proc.stderr
    seen = _audit(_SITE_AUDIT, str(tmp_path / "work" / "docs"), str(tmp_path / "again"))
    assert {"index.html", "sitemap.xml", "r"} <= set(seen["made"])
    assert {"mkdocs", "mkdocs-material", "Jinja2", "Markdown"} <= set(seen["libraries"])
    assert sorted(set(seen["libraries"]) - set(build.SITE_LIBRARIES)) == []


def test_the_site_fingerprint_changes_with_a_site_library_only(monkeypatch):
    base = build.site_fingerprint()
    real_version = cache_mod._library_version
    monkeypatch.setattr(cache_mod, "_library_version",
                        lambda name: "0.0" if name == "pyecharts" else real_version(name))
    assert build.site_fingerprint() == base          # the renderer's library: pages stay
    monkeypatch.setattr(cache_mod, "_library_version",
                        lambda name: "0.0" if name == "Jinja2" else real_version(name))
    assert build.site_fingerprint() != base

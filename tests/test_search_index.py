"""Re-indexing a built site keeps Pagefind's unchanged fragments and ends with the bundle
Pagefind writes from nothing (build_tools.search.index_site).

Small hand-written pages, indexed by the real Pagefind binary: after a page changes, a
page is added or a page is deleted, the kept-and-pruned bundle must hold the very files,
byte for byte, that indexing a copy of the same pages into an empty folder gives.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools import build, search, search_pages
from tests.test_build import build_args

PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>导航 首页</nav><main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>
"""

PAGES = {
    "r/2021/a/index.html": ("海东市人民政府", "本年度收到政府信息公开申请十二件，行政复议一件。"),
    "r/2021/b/index.html": ("城东区人民政府", "主动公开规范性文件三件，不予公开两件。"),
    # a region page's mark, as the site's (search.words_block): the bundle then has a filter
    "r/2022/c/index.html": ("同仁市人民政府", '依申请公开工作平稳有序。</p>'
                            f'<div hidden data-pagefind-filter="{search.PLACE_FILTER}">同仁</div><p>'),
}


def _write_site(site: Path, pages: dict[str, tuple[str, str]], template: str = PAGE) -> None:
    for rel, (title, text) in pages.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(title=title, text=text), encoding="utf-8")


def _bundle_files(site: Path) -> dict[str, bytes]:
    bundle = site / search.BUNDLE_DIR
    return {p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in sorted(bundle.rglob("*")) if p.is_file()}


def _fragment_url(path: Path) -> str:
    """The page address a fragment holds: gzip of Pagefind's marker and the page's JSON."""
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(search.PAGEFIND_MARKER)
    return json.loads(data[len(search.PAGEFIND_MARKER):])["url"]


def _fragment_urls(site: Path) -> list[str]:
    return sorted(_fragment_url(p)
                  for p in (site / search.BUNDLE_DIR / search.FRAGMENT_DIR).iterdir())


def _hashed_files(site: Path) -> dict[str, tuple[int, int]]:
    """Each content-named file of the bundle with its inode and modification time."""
    bundle = site / search.BUNDLE_DIR
    return {p.relative_to(bundle).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for folder in search.HASHED_DIRS for p in sorted((bundle / folder).iterdir())}


def _from_nothing(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """The bundle Pagefind writes for the same pages into an empty folder."""
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(search.BUNDLE_DIR))
    search.index_site(fresh)
    return _bundle_files(fresh)


@pytest.fixture
def indexed(tmp_path) -> Path:
    site = tmp_path / "site"
    _write_site(site, PAGES)
    search.index_site(site)
    return site


def test_a_fragment_names_its_page(indexed):
    assert _fragment_urls(indexed) == ["/r/2021/a/", "/r/2021/b/", "/r/2022/c/"]


def test_a_changed_and_an_added_page_give_the_bundle_made_from_nothing(indexed, tmp_path):
    before = set((indexed / search.BUNDLE_DIR / search.FRAGMENT_DIR).iterdir())
    _write_site(indexed, {
        "r/2021/b/index.html": ("城东区人民政府", "主动公开规范性文件四件，不予公开一件。"),
        "r/2023/d/index.html": ("乐都区人民政府", "行政诉讼零件。")})
    search.index_site(indexed)
    after = set((indexed / search.BUNDLE_DIR / search.FRAGMENT_DIR).iterdir())
    # two unchanged pages kept their fragment files; b's old fragment is gone
    assert len(before & after) == 2
    assert _fragment_urls(indexed) == ["/r/2021/a/", "/r/2021/b/", "/r/2022/c/", "/r/2023/d/"]
    assert _bundle_files(indexed) == _from_nothing(indexed, tmp_path)


def test_a_deleted_page_gives_the_bundle_made_from_nothing(indexed, tmp_path):
    shutil.rmtree(indexed / "r/2021/b")
    search.index_site(indexed)
    assert _fragment_urls(indexed) == ["/r/2021/a/", "/r/2022/c/"]
    assert _bundle_files(indexed) == _from_nothing(indexed, tmp_path)


def test_an_unreadable_fragment_gives_the_bundle_made_from_nothing(indexed, tmp_path):
    fragments = indexed / search.BUNDLE_DIR / search.FRAGMENT_DIR
    (fragments / "zh_junk.pf_fragment").write_bytes(b"not gzip")
    search.index_site(indexed)
    assert _bundle_files(indexed) == _from_nothing(indexed, tmp_path)


def test_a_second_old_fragment_of_one_page_gives_the_bundle_made_from_nothing(indexed, tmp_path):
    # left by an interrupted build: which of the two is current cannot be told
    fragments = indexed / search.BUNDLE_DIR / search.FRAGMENT_DIR
    (fragments / "zh_other.pf_fragment").write_bytes(
        gzip.compress(b'pagefind_dcd{"url":"/r/2021/a/","content":"old"}'))
    search.index_site(indexed)
    assert _bundle_files(indexed) == _from_nothing(indexed, tmp_path)


def test_a_second_index_of_the_same_pages_changes_nothing(indexed):
    first = _bundle_files(indexed)
    search.index_site(indexed)
    assert _bundle_files(indexed) == first


def test_a_second_index_writes_no_content_named_file_again(indexed):
    # fragments, word-index chunks and filters are kept, not deleted and written anew
    # (writing the chunks again was a quarter of Pagefind's time when a page changed;
    # an added page changes every chunk, benchmarks/README.md run AI)
    before = _hashed_files(indexed)
    assert any(name.startswith("index/") for name in before)
    search.index_site(indexed)
    assert _hashed_files(indexed) == before


def test_an_old_word_index_chunk_is_removed_once_no_index_names_it(indexed, tmp_path):
    index = indexed / search.BUNDLE_DIR / "index"
    old = {p.name for p in index.iterdir()}
    _write_site(indexed, {"r/2021/a/index.html": ("海东市人民政府", "全新的词语出现在这里。")})
    search.index_site(indexed)
    assert {p.name for p in index.iterdir()} != old
    assert _bundle_files(indexed) == _from_nothing(indexed, tmp_path)


def test_a_bundle_missing_a_file_its_meta_names_is_made_again(indexed, tmp_path, monkeypatch):
    # Whatever took it (a run that stopped, a hand in the folder), a kept bundle whose meta
    # names a file that is not there would serve a broken search: index from nothing.
    real = search._run_pagefind
    runs = []

    def run_then_lose_a_chunk(pages_dir, bundle, site_dir):
        real(pages_dir, bundle, site_dir)
        runs.append(bundle)
        if len(runs) == 1:
            sorted((bundle / "index").iterdir())[0].unlink()

    monkeypatch.setattr(search, "_run_pagefind", run_then_lose_a_chunk)
    search.index_site(indexed)
    assert len(runs) == 2
    assert _bundle_files(indexed) == _from_nothing(indexed, tmp_path)


@pytest.mark.parametrize("folder", ["fragment", "index", "filter"])
def test_a_kept_file_cut_short_is_written_again(indexed, tmp_path, folder):
    # A build stopped while Pagefind wrote: the name is right, the content is not, and
    # Pagefind would not write that name again.  The gzip trailer tells.
    bundle = indexed / search.BUNDLE_DIR
    victim = sorted((bundle / folder).iterdir())[0]
    data = victim.read_bytes()
    victim.write_bytes(data[:-6])
    search.index_site(indexed)
    assert victim.read_bytes() == data
    assert _bundle_files(indexed) == _from_nothing(indexed, tmp_path)


def test_referenced_names_reads_the_meta_or_says_it_cannot(indexed, tmp_path):
    bundle = indexed / search.BUNDLE_DIR
    names = search.referenced_names(bundle)
    stems = {p.name.split(".")[0] for folder in search.HASHED_DIRS
             for p in (bundle / folder).iterdir()}
    assert stems and stems <= names
    meta = next(bundle.glob("pagefind.*.pf_meta"))
    meta.write_bytes(gzip.compress(b"pagefind_dcd" + b"\xff\x00junk"))
    assert search.referenced_names(bundle) is None
    meta.write_bytes(b"not gzip")
    assert search.referenced_names(bundle) is None
    meta.unlink()
    assert search.referenced_names(bundle) is None


def test_a_pagefind_killed_for_memory_is_reported_as_such(tmp_path, monkeypatch, capsys):
    # The out-of-memory killer ends Pagefind with SIGKILL and no output of its own: the
    # build says what it was doing and what it needed, instead of "failed (-9): ".
    suicide = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]
    monkeypatch.setattr(search, "pagefind_command", lambda pages_dir, bundle: suicide)
    site = tmp_path / "site"
    assert build.main(build_args(tmp_path)) == 1
    err = capsys.readouterr().err
    pages = sum(1 for p in site.rglob("*.html") if "pagefind" not in p.parts)
    assert f"Pagefind was killed by SIGKILL while indexing {pages:,} pages" in err
    assert "out of memory" in err and "GB here" in err
    assert not (tmp_path / "work" / build.STATE_FILE).exists()   # the next build starts clean


# ---------------------------------------------------------------- search pages
MATERIAL_PAGE = """<!doctype html><html lang="zh" class="no-js"><head><meta charset="utf-8">
<title>{title} - 档案</title><link rel="stylesheet" href="x.css"></head><body>
<header>页眉 搜索</header><nav class="md-nav">导航 首页 地区 年度</nav>
<div class="md-content"><article class="md-content__inner md-typeset">
<div data-pagefind-body><h1>{title}</h1><p>{text}</p>
<table><tr><td>行政复议</td><td>3</td></tr></table>
<figure class="archive-chart"><div>图表</div></figure>
<table><tr><td><table><tr><td>嵌套</td></tr></table></td></tr></table>
<div class="archive-search-terms" hidden>海 东 市</div></div>
</article></div><footer>页脚</footer><script>var x = "</article>";</script></body></html>
"""


def test_a_search_page_holds_what_pagefind_reads_of_the_page():
    page = search_pages.search_page(MATERIAL_PAGE.format(title="海东市人民政府", text="不予公开两件。"))
    assert page.startswith('<!doctype html><html lang="zh" class="no-js"><head><meta charset="utf-8">'
                           "<title>海东市人民政府 - 档案</title></head><body><div data-pagefind-body>")
    assert "<h1>海东市人民政府</h1><p>不予公开两件。</p>" in page
    assert '<div class="archive-search-terms" hidden>海 东 市</div></div>\n</body></html>' in page
    for left_out in ("页眉", "导航", "页脚", "x.css", "行政复议", "图表", "<script"):
        assert left_out not in page
    # a table inside a table is left whole, for Pagefind to exclude
    assert "<table><tr><td><table><tr><td>嵌套</td></tr></table>" in page


def test_a_page_without_the_templates_region_is_skipped_or_kept_whole():
    assert search_pages.search_page("<html><body><p>首页</p></body></html>") is None
    own = '<html lang="zh"><body><nav>导航</nav><main data-pagefind-body>自己的</main></body></html>'
    assert search_pages.search_page(own) == own
    unclosed = MATERIAL_PAGE.format(title="甲", text="乙").replace("</article>", "")
    assert search_pages.search_page(unclosed) == unclosed


def test_the_bundle_from_search_pages_is_the_bundle_pagefind_makes_of_the_site(payload_archive,
                                                                             tmp_path):
    # The built archive (seeds and the hostile payload reports) was indexed through its
    # search pages; Pagefind run on the site's own pages must give the very same files.
    site = payload_archive / "site"
    direct = tmp_path / "direct"
    shutil.copytree(site, direct, ignore=shutil.ignore_patterns(search.BUNDLE_DIR))
    proc = subprocess.run(search.pagefind_command(direct, direct / search.BUNDLE_DIR),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    pages = payload_archive / "work" / build.SEARCH_PAGES
    assert len(list(pages.rglob("*.html"))) > 20
    assert _bundle_files(site) == _bundle_files(direct)


def test_search_pages_are_read_again_only_for_pages_that_changed(tmp_path):
    site, pages = tmp_path / "site", tmp_path / "pages"
    for rel, text in (("r/a/index.html", "甲"), ("r/b/index.html", "乙"), ("index.html", None)):
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MATERIAL_PAGE.format(title=rel, text=text) if text else
                        "<html><body>首页</body></html>", encoding="utf-8")
    assert search_pages.update(pages, site, search.BUNDLE_DIR)[:2] == (pages, 3)
    assert sorted(p.relative_to(pages).as_posix() for p in pages.rglob("*.html")) == [
        "r/a/index.html", "r/b/index.html"]
    assert search_pages.update(pages, site, search.BUNDLE_DIR)[:2] == (pages, 0)

    (site / "r/a/index.html").write_text(MATERIAL_PAGE.format(title="a", text="丙"), encoding="utf-8")
    shutil.rmtree(site / "r/b")
    assert search_pages.update(pages, site, search.BUNDLE_DIR)[:2] == (pages, 1)
    assert "丙" in (pages / "r/a/index.html").read_text(encoding="utf-8")
    assert not (pages / "r/b/index.html").exists()

    # a search page deleted behind the manifest's back is made again
    (pages / "r/a/index.html").unlink()
    assert search_pages.update(pages, site, search.BUNDLE_DIR)[:2] == (pages, 1)
    # an interrupted update (no manifest) starts from an empty folder
    (pages / search_pages.MANIFEST).unlink()
    (pages / "stale.html").write_text("<html></html>", encoding="utf-8")
    assert search_pages.update(pages, site, search.BUNDLE_DIR)[:2] == (pages, 2)
    assert not (pages / "stale.html").exists()


def test_a_site_without_indexed_regions_is_indexed_whole(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>首页</body></html>", encoding="utf-8")
    assert search_pages.update(tmp_path / "pages", site, search.BUNDLE_DIR) == (site, 1, None)


def test_the_digest_of_the_search_pages_follows_their_bytes_not_their_dates(tmp_path):
    site, pages = tmp_path / "site", tmp_path / "pages"
    path = site / "r/a/index.html"
    path.parent.mkdir(parents=True)
    path.write_text(MATERIAL_PAGE.format(title="a", text="甲"), encoding="utf-8")
    first = search_pages.update(pages, site, search.BUNDLE_DIR).digest
    # written again with the same bytes (MkDocs rewrote it): read again, same digest
    path.write_text(MATERIAL_PAGE.format(title="a", text="甲"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    again = search_pages.update(pages, site, search.BUNDLE_DIR)
    assert (again.read, again.digest) == (1, first)
    path.write_text(MATERIAL_PAGE.format(title="a", text="乙"), encoding="utf-8")
    assert search_pages.update(pages, site, search.BUNDLE_DIR).digest != first
    # a manifest of an older build, without the digests, reads every page again
    manifest = json.loads((pages / search_pages.MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["pages"].values():
        entry.pop("sha256", None)
    (pages / search_pages.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert search_pages.update(pages, site, search.BUNDLE_DIR).read == 1


# ------------------------------------------------ an unchanged input: Pagefind not run

@pytest.fixture
def kept_index(tmp_path) -> tuple[Path, Path]:
    """A site indexed once with its search pages kept in a folder, as the build does."""
    site, pages = tmp_path / "site", tmp_path / "pages"
    _write_material_site(site, PAGES)
    search.index_site(site, pages)
    return site, pages


def _write_material_site(site: Path, pages: dict[str, tuple[str, str]]) -> None:
    _write_site(site, pages, MATERIAL_PAGE)


def _count_pagefind_runs(monkeypatch) -> list[Path]:
    runs: list[Path] = []
    real = search._run_pagefind

    def counting(source, bundle, site_dir):
        runs.append(source)
        real(source, bundle, site_dir)
    monkeypatch.setattr(search, "_run_pagefind", counting)
    return runs


def test_an_unchanged_site_is_not_indexed_again(kept_index, monkeypatch):
    site, pages = kept_index
    before = _bundle_files(site)
    runs = _count_pagefind_runs(monkeypatch)
    # MkDocs wrote a page again with the same bytes, and a page outside the index changed
    _write_material_site(site, {"r/2021/a/index.html": PAGES["r/2021/a/index.html"]})
    (site / "build-report").mkdir()
    (site / "build-report/index.html").write_text("<html><body>构建报告</body></html>",
                                                  encoding="utf-8")
    search.index_site(site, pages)
    assert runs == []
    assert _bundle_files(site) == before


def test_a_changed_page_is_indexed_again(kept_index, monkeypatch, tmp_path):
    site, pages = kept_index
    runs = _count_pagefind_runs(monkeypatch)
    _write_material_site(site, {"r/2021/b/index.html": ("城东区人民政府", "不予公开三件。")})
    search.index_site(site, pages)
    assert len(runs) == 1
    search.index_site(site, pages)
    assert len(runs) == 1
    assert _bundle_files(site) == _from_nothing(site, tmp_path)


@pytest.mark.parametrize("damage", ["script", "fragment", "stray", "whole"])
def test_a_bundle_changed_since_it_was_indexed_is_indexed_again(kept_index, monkeypatch,
                                                                damage):
    site, pages = kept_index
    bundle = site / search.BUNDLE_DIR
    before = _bundle_files(site)
    if damage == "script":
        (bundle / "pagefind.js").write_text("// edited", encoding="utf-8")
    elif damage == "fragment":
        next((bundle / search.FRAGMENT_DIR).iterdir()).unlink()
    elif damage == "stray":
        (bundle / "pagefind-extra.js").write_text("// not Pagefind's", encoding="utf-8")
    else:
        shutil.rmtree(bundle)   # a clean site build
    runs = _count_pagefind_runs(monkeypatch)
    search.index_site(site, pages)
    assert len(runs) >= 1
    assert _bundle_files(site) == before


def test_another_pagefind_command_or_version_indexes_again(kept_index, monkeypatch):
    site, pages = kept_index
    runs = _count_pagefind_runs(monkeypatch)
    from build_tools import cache
    real_version = cache._library_version
    monkeypatch.setattr(cache, "_library_version", lambda name: "0.0.0" if name in
                        search.PAGEFIND_PACKAGES else real_version(name))
    search.index_site(site, pages)
    assert len(runs) == 1
    search.index_site(site, pages)
    assert len(runs) == 1
    monkeypatch.setattr(search, "EXCLUDED_SELECTORS", (*search.EXCLUDED_SELECTORS, "aside"))
    search.index_site(site, pages)
    assert len(runs) == 2


def test_an_index_stopped_midway_is_made_again_even_for_the_same_pages(kept_index,
                                                                       monkeypatch):
    site, pages = kept_index
    before = _bundle_files(site)
    changed = {"r/2021/b/index.html": ("城东区人民政府", "不予公开三件。")}
    _write_material_site(site, changed)

    def stopped(source, bundle, site_dir):
        # Pagefind killed while writing: its own files are there, a fragment is cut short
        for rel, data in before.items():
            if "/" not in rel:
                (bundle / rel).write_bytes(data)
        fragment = next((bundle / search.FRAGMENT_DIR).iterdir())
        fragment.write_bytes(fragment.read_bytes()[:10])
        raise search.SearchIndexError("stopped")
    monkeypatch.setattr(search, "_run_pagefind", stopped)
    with pytest.raises(search.SearchIndexError):
        search.index_site(site, pages)
    monkeypatch.undo()
    # the page is back as it was indexed, but the bundle is not the one indexed then
    _write_material_site(site, {"r/2021/b/index.html": PAGES["r/2021/b/index.html"]})
    runs = _count_pagefind_runs(monkeypatch)
    search.index_site(site, pages)
    assert len(runs) == 1
    assert _bundle_files(site) == before

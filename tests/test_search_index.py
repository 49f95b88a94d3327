"""Re-indexing a built site keeps Pagefind's unchanged fragments and ends with the bundle
Pagefind writes from nothing (build_tools.search.index_site).

Small hand-written pages, indexed by the real Pagefind binary: after a page changes, a
page is added or a page is deleted, the kept-and-pruned bundle must hold the very files,
byte for byte, that indexing a copy of the same pages into an empty folder gives.
"""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path

import pytest

from build_tools import build, search
from tests.test_build import build_args

PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>导航 首页</nav><main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>
"""

PAGES = {
    "r/2021/a/index.html": ("海东市人民政府", "本年度收到政府信息公开申请十二件，行政复议一件。"),
    "r/2021/b/index.html": ("城东区人民政府", "主动公开规范性文件三件，不予公开两件。"),
    "r/2022/c/index.html": ("同仁市人民政府", "依申请公开工作平稳有序。"),
}


def _write_site(site: Path, pages: dict[str, tuple[str, str]]) -> None:
    for rel, (title, text) in pages.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE.format(title=title, text=text), encoding="utf-8")


def _bundle_files(site: Path) -> dict[str, bytes]:
    bundle = site / search.BUNDLE_DIR
    return {p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in sorted(bundle.rglob("*")) if p.is_file()}


def _fragment_urls(site: Path) -> list[str]:
    return sorted(search.fragment_url(p)
                  for p in (site / search.BUNDLE_DIR / search.FRAGMENT_DIR).iterdir())


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


def test_a_pagefind_killed_for_memory_is_reported_as_such(tmp_path, monkeypatch, capsys):
    # The out-of-memory killer ends Pagefind with SIGKILL and no output of its own: the
    # build says what it was doing and what it needed, instead of "failed (-9): ".
    suicide = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]
    monkeypatch.setattr(search, "pagefind_command", lambda site_dir: suicide)
    site = tmp_path / "site"
    assert build.main(build_args(tmp_path)) == 1
    err = capsys.readouterr().err
    pages = sum(1 for p in site.rglob("*.html") if "pagefind" not in p.parts)
    assert f"Pagefind was killed by SIGKILL while indexing {pages:,} pages" in err
    assert "out of memory" in err and "GB here" in err
    assert not (tmp_path / "work" / build.STATE_FILE).exists()   # the next build starts clean

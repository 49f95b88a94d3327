"""The docs folder written in place: only changed files are written, nothing outside it,
and whatever a build did not produce is removed."""

from __future__ import annotations

import os

import pytest

from build_tools.docs_tree import DocsTree, is_inside, write_if_changed


def test_writes_stay_inside_the_docs_folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_if_changed(docs, "r/2021/a.md", "x")
    assert (docs / "r/2021/a.md").read_text(encoding="utf-8") == "x"
    for bad in ("../escape.md", "r/../../escape.md", "/tmp/escape.md", "..\\escape.md",
                "C:/escape.md", ""):
        with pytest.raises(ValueError):
            write_if_changed(docs, bad, "x")
    assert not (tmp_path / "escape.md").exists()
    assert is_inside("r/2021/海东市..人民政府.md")     # dots inside a name are a name


def test_unchanged_bytes_keep_the_file_and_its_time(tmp_path):
    assert write_if_changed(tmp_path, "a/b.md", "同样的内容") is True
    target = tmp_path / "a" / "b.md"
    os.utime(target, (1_000_000, 1_000_000))
    assert write_if_changed(tmp_path, "a/b.md", "同样的内容".encode("utf-8")) is False
    assert target.stat().st_mtime == 1_000_000          # MkDocs' dirty build skips it
    assert write_if_changed(tmp_path, "a/b.md", "新的内容") is True
    assert target.read_text(encoding="utf-8") == "新的内容"
    assert not list(tmp_path.rglob("*.part"))


def test_a_build_removes_what_it_no_longer_makes(tmp_path):
    source = tmp_path / "source"
    (source / "assets").mkdir(parents=True)
    (source / "about.md").write_text("关于", encoding="utf-8")
    (source / "index.md").write_text("手写首页", encoding="utf-8")
    (source / "assets" / "a.css").write_text("body{}", encoding="utf-8")
    root = tmp_path / "docs"

    first = DocsTree(root)
    first.write("index.md", "生成的首页")
    first.write("r/2021/old.md", "旧报告")
    first.keep(["years/index.md"])
    (root / "years").mkdir()
    (root / "years" / "index.md").write_text("年度", encoding="utf-8")
    first.copy_missing(source)
    assert first.remove_stale() == 0
    # a generated page wins over the hand-written one of the same name
    assert (root / "index.md").read_text(encoding="utf-8") == "生成的首页"
    assert (root / "about.md").is_file() and (root / "assets" / "a.css").is_file()

    second = DocsTree(root)
    second.write("index.md", "生成的首页")
    second.copy_missing(source)
    assert second.changed == 0                          # nothing rewritten
    assert second.remove_stale() == 2                   # old.md and years/index.md
    assert not (root / "r").exists() and not (root / "years").exists()
    assert (root / "about.md").is_file()

"""benchmarks/pagefind_versions.py: a linked copy per binary, indexed and measured."""

from __future__ import annotations

from pathlib import Path

import pagefind_bin_extended

from benchmarks.pagefind_versions import index_with, linked_copy, table

PINNED = Path(pagefind_bin_extended.__file__).parent / "pagefind_extended"
PAGE = ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{t}</title></head>'
        '<body><main data-pagefind-body><h1>{t}</h1><p>{body}</p>'
        '<table><tr><td>表格里的字不进索引</td></tr></table></main></body></html>')


def test_each_binary_indexes_its_own_linked_copy_and_is_measured(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for i, body in enumerate(("海东市行政复议情况", "不予公开的理由")):
        page = site / f"p{i}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAGE.format(t=f"报告{i}", body=body), encoding="utf-8")
    (site / "pagefind").mkdir()
    (site / "pagefind" / "old.txt").write_text("the site's own bundle", encoding="utf-8")

    copy = linked_copy(site, tmp_path / "copies" / "pinned")
    assert not (copy / "pagefind").exists()            # indexed afresh, not on top of the old
    assert (copy / "p0/index.html").stat().st_ino == (site / "p0/index.html").stat().st_ino

    fig = index_with(PINNED, copy)
    assert fig["version"].startswith("pagefind ") and fig["pages"] == 2
    assert fig["peak_memory_mb"] > 0 and fig["bundle_mb"] >= 0
    assert (copy / "pagefind/pagefind.js").is_file()
    assert (site / "pagefind/old.txt").is_file() and not (site / "pagefind/pagefind.js").exists()

    fig["queries"] = {"海东市": {"kb": 190.0, "ms": 300, "results": 1, "first": ["p0"]}}
    text = table({"pinned": fig, "new": {**fig, "version": "pagefind 9.9.9", "index_s": 7}})
    assert f"| | pinned ({fig['version']}) | new (pagefind 9.9.9) |" in text
    assert "| 海东市: KB / ms to first result | 190.0 / 300 | 190.0 / 300 |" in text
    assert f"| indexing s | {fig['index_s']} | 7 |" in text

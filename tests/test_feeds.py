"""Atom feeds: well-formed, newest first, stable ids, dates from the records only."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from build_tools.feeds import MAX_ENTRIES, write_feeds
from build_tools.record import new_record

A = "{http://www.w3.org/2005/Atom}"
SITE = "https://example.org/archive/"


def rec(agency: str, region: list[str], year: int, sha: str, *,
        published: str | None = None, added: object = None, failing: int = 0) -> dict:
    r = new_record()
    r["meta"].update(agency=agency, region=region, year=year, published=published)
    if added is not None:
        r["meta"]["added"] = added
    r["meta"]["source"]["sha256"] = sha
    r["checks"] = [{"rule": "t3_balance", "status": "fail", "cells": [], "message": "x"}] * failing
    return r


def entries(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{A}feed"
    return root.findall(f"{A}entry")


def seed_records() -> list[dict]:
    return [
        rec("同仁市人民政府", ["青海省", "黄南藏族自治州", "同仁市"], 2021, "a" * 64,
            published="2022-01-17"),
        rec("海东市乐都区人民政府", ["青海省", "海东市", "乐都区"], 2022, "b" * 64,
            published="2023-01-17", failing=2),
        # Added to the archive later than it was published: the added day is the feed date.
        rec("海东市市直机关事务管理局", ["青海省", "海东市"], 2021, "c" * 64,
            published="2022-01-10", added=dt.date(2024, 3, 5)),
        # No published date and no added date: nothing honest to show, left out.
        rec("城东区人民政府", ["青海省", "西宁市", "城东区"], 2020, "d" * 64),
    ]


def test_archive_feed_newest_first_with_stable_ids_and_links(tmp_path: Path) -> None:
    write_feeds(seed_records(), tmp_path, SITE)
    got = entries(tmp_path / "feed.xml")
    assert [e.findtext(f"{A}id") for e in got] == [
        "urn:sha256:" + "c" * 64, "urn:sha256:" + "b" * 64, "urn:sha256:" + "a" * 64]
    assert [e.findtext(f"{A}updated") for e in got] == [
        "2024-03-05T00:00:00+08:00", "2023-01-17T00:00:00+08:00", "2022-01-17T00:00:00+08:00"]
    # published stays the report's own date even when the added date orders the feed
    assert got[0].findtext(f"{A}published") == "2022-01-10T00:00:00+08:00"
    assert got[1].find(f"{A}link").get("href") == \
        "https://example.org/archive/r/2022/海东市乐都区人民政府-bbbbbbbb/"
    assert got[2].findtext(f"{A}title") == "同仁市人民政府 2021年政府信息公开工作年度报告"
    assert "未通过 2 项" in got[1].findtext(f"{A}summary")
    root = ET.parse(tmp_path / "feed.xml").getroot()
    assert root.findtext(f"{A}updated") == "2024-03-05T00:00:00+08:00"
    assert root.findtext(f"{A}id") == "https://example.org/archive/feed.xml"


def test_region_feeds_for_provinces_and_cities_only(tmp_path: Path) -> None:
    write_feeds(seed_records(), tmp_path, "https://example.org/archive")  # no trailing slash
    province = entries(tmp_path / "regions/青海省/feed.xml")
    assert len(province) == 3
    haidong = entries(tmp_path / "regions/青海省/海东市/feed.xml")
    assert sorted(e.findtext(f"{A}id")[-1] for e in haidong) == ["b", "c"]
    assert len(entries(tmp_path / "regions/青海省/黄南藏族自治州/feed.xml")) == 1
    # no county-level feed, and the undated 西宁 report makes no feed at all
    assert not (tmp_path / "regions/青海省/海东市/乐都区/feed.xml").exists()
    assert not (tmp_path / "regions/青海省/西宁市").exists()
    link = haidong[0].find(f"{A}link").get("href")
    assert link.startswith("https://example.org/archive/r/")


def test_at_most_fifty_entries_newest_kept(tmp_path: Path) -> None:
    records = [rec(f"机关{i}", ["青海省", "海东市"], 2021, f"{i:064x}",
                   published=(dt.date(2022, 1, 1) + dt.timedelta(days=i)).isoformat())
               for i in range(60)]
    write_feeds(records, tmp_path, SITE)
    got = entries(tmp_path / "feed.xml")
    assert len(got) == MAX_ENTRIES == 50
    assert got[0].findtext(f"{A}updated") == "2022-03-01T00:00:00+08:00"   # day 59
    assert got[-1].findtext(f"{A}updated") == "2022-01-11T00:00:00+08:00"  # day 10


def test_untrusted_text_is_escaped_and_xml_stays_well_formed(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script>&\x01\x0b机关]]>'
    write_feeds([rec(evil, ["青海省", "海东市"], 2021, "e" * 64, published="2022-02-01")],
                tmp_path, SITE)
    raw = (tmp_path / "feed.xml").read_bytes()
    assert b"<script>" not in raw and b"\x01" not in raw
    title = entries(tmp_path / "feed.xml")[0].findtext(f"{A}title")
    assert title.startswith('<script>alert("x")</script>&机关]]>')


def test_same_records_same_bytes_whatever_the_order(tmp_path: Path) -> None:
    records = seed_records()
    write_feeds(records, tmp_path / "one", SITE)
    write_feeds(list(reversed(records)), tmp_path / "two", SITE)
    for rel in ("feed.xml", "regions/青海省/feed.xml", "regions/青海省/海东市/feed.xml"):
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes()


def test_empty_archive_still_writes_a_valid_feed(tmp_path: Path) -> None:
    write_feeds([], tmp_path, SITE)
    root = ET.parse(tmp_path / "feed.xml").getroot()
    assert root.findall(f"{A}entry") == []
    assert root.findtext(f"{A}updated") == "1970-01-01T00:00:00Z"


def test_mkdocs_writes_sitemap_with_absolute_urls_when_site_url_is_set(tmp_path: Path) -> None:
    # The site build relies on MkDocs for sitemap.xml instead of writing its own.
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# 首页\n", encoding="utf-8")
    (tmp_path / "docs/about.md").write_text("# 关于\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nsite_url: https://example.org/archive/\n"
        "theme:\n  name: material\n  font: false\nplugins: []\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f",
                    str(tmp_path / "mkdocs.yml"), "-d", str(tmp_path / "site")], check=True)
    sm = ET.parse(tmp_path / "site/sitemap.xml").getroot()
    locs = sorted(el.text for el in sm.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"))
    assert locs == ["https://example.org/archive/", "https://example.org/archive/about/"]

"""Atom feeds of reports added to the archive (RFC 4287).

One feed for the whole archive (``feed.xml``) and one for every province and city
(``regions/<省>/feed.xml``, ``regions/<省>/<市>/feed.xml``), newest first, at most
``MAX_ENTRIES`` entries each.

Dates come from the records only, never from the clock, so the same records always give
the same bytes: an entry's ``updated`` is the day the report was added to the archive
(sidecar ``added``) and, failing that, the day the report was published; a record with
neither has no date a feed could honestly show and is left out of the feeds.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import urls

ATOM_NS = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50
FEED_TITLE = "政府信息公开年报档案"
# Reports are dated in China; a bare date is read as that day in China Standard Time.
CHINA_TZ = "+08:00"
EMPTY_FEED_UPDATED = "1970-01-01T00:00:00Z"

# Characters that XML 1.0 cannot carry at all, even escaped.  Report text is untrusted and
# extracted PDFs do contain stray control characters, so they are dropped before writing.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

ET.register_namespace("", ATOM_NS)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    updated: str
    published: str | None
    summary: str
    region: tuple[str, ...]


def clean_text(text: object) -> str:
    """Untrusted text made safe for an XML text node (ElementTree escapes < & > itself)."""
    return _XML_ILLEGAL.sub("", str(text if text is not None else ""))


def as_date(value: object) -> dt.date | None:
    """A ``date`` from a record/sidecar value: ``date``, ``datetime`` or ``YYYY-MM-DD`` text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*", value)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def atom_time(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00{CHINA_TZ}"


def entry_dates(record: dict) -> tuple[dt.date | None, dt.date | None]:
    """(updated, published) of a record's entry; updated is None when the record has no date."""
    meta = record.get("meta") or {}
    published = as_date(meta.get("published"))
    added = as_date(meta.get("added"))
    return (added or published), published


def entry_title(meta: dict) -> str:
    if meta.get("title"):
        return clean_text(meta["title"])
    agency = meta.get("agency") or "未识别机关"
    year = meta.get("year")
    return clean_text(f"{agency} {year}年政府信息公开工作年度报告" if year
                      else f"{agency} 政府信息公开工作年度报告")


def entry_summary(record: dict) -> str:
    meta = record.get("meta") or {}
    region = "/".join(meta.get("region") or []) or "地区未识别"
    year = meta.get("year") or "年度未识别"
    failing = sum(1 for c in record.get("checks") or [] if c.get("status") == "fail")
    checks = f"勾稽关系检查未通过 {failing} 项" if failing else "勾稽关系检查无未通过项"
    return clean_text(f"{region}，{year} 年度。{checks}。")


def make_entry(record: dict, site_url: str) -> Entry | None:
    """The feed entry of one record, or None when it has no file hash or no date."""
    meta = record.get("meta") or {}
    sha = (meta.get("source") or {}).get("sha256")
    updated, published = entry_dates(record)
    if not sha or updated is None:
        return None
    return Entry(
        id=f"urn:sha256:{sha}",
        title=entry_title(meta),
        link=page_url(site_url, urls.report_slug(record)),
        updated=atom_time(updated),
        published=atom_time(published) if published else None,
        summary=entry_summary(record),
        region=tuple(str(p) for p in meta.get("region") or []),
    )


def page_url(site_url: str, slug: str) -> str:
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"{base}{slug}/" if slug else base


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    # The id breaks ties so entries of the same day keep one order from build to build.
    return sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)[:MAX_ENTRIES]


def feed_xml(entries: list[Entry], *, title: str, feed_url: str, page: str) -> bytes:
    """One Atom document; ``entries`` already sorted and cut."""
    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_url)
    sub(feed, "title", clean_text(title))
    sub(feed, "updated", max((e.updated for e in entries), default=EMPTY_FEED_UPDATED))
    sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    sub(feed, "link", rel="alternate", type="text/html", href=page)
    sub(sub(feed, "author"), "name", FEED_TITLE)
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", e.id)
        sub(entry, "title", e.title)
        sub(entry, "link", rel="alternate", type="text/html", href=e.link)
        sub(entry, "updated", e.updated)
        if e.published:
            sub(entry, "published", e.published)
        sub(entry, "summary", e.summary)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def region_keys(entries: Iterable[Entry]) -> list[tuple[str, ...]]:
    """Every province and city (first one or two levels) that has at least one entry."""
    keys = {e.region[:n] for e in entries for n in (1, 2) if len(e.region) >= n}
    return sorted(keys)


def write_feeds(records: Iterable[dict], out_dir: Path, site_url: str) -> None:
    """Write ``feed.xml`` and one ``regions/<...>/feed.xml`` per province and city."""
    entries = [e for e in (make_entry(r, site_url) for r in records) if e is not None]
    out_dir = Path(out_dir)
    _write(out_dir / "feed.xml", feed_xml(
        newest_first(entries), title=f"{FEED_TITLE}：新收录的年度报告",
        feed_url=page_url(site_url, "") + "feed.xml", page=page_url(site_url, "")))
    for region in region_keys(entries):
        slug = urls.region_slug(list(region))
        own = [e for e in entries if e.region[:len(region)] == region]
        _write(out_dir / slug / "feed.xml", feed_xml(
            newest_first(own), title=f"{FEED_TITLE}：{'/'.join(region)} 新收录的年度报告",
            feed_url=page_url(site_url, slug) + "feed.xml", page=page_url(site_url, slug)))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)

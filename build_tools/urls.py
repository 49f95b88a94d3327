"""Stable, safe addresses for every generated page and data file.

A report's address depends only on its own year, agency and file hash, so it never
changes when other reports are added.  Names come from untrusted report text: they are
reduced to a safe alphabet here, in one place, so no name can climb out of the site
folder or break a link.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .record import region_of, year_of

_UNSAFE = re.compile(r"[^0-9A-Za-z\u3400-\u9fff\uf900-\ufaff_-]+")
MAX_NAME_CHARS = 40
# Device names Windows refuses as file names, whatever the extension: a clone of the site
# or the archive must work there too.
_WINDOWS_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[1-9]|lpt[1-9])$")


def safe_name(text: str | None, fallback: str = "unnamed") -> str:
    """A file-name-safe, URL-safe rendering of ``text`` (CJK kept, everything else folded)."""
    text = unicodedata.normalize("NFKC", text or "")
    name = _UNSAFE.sub("-", text).strip("-_")
    name = re.sub(r"-{2,}", "-", name)[:MAX_NAME_CHARS].strip("-_")
    if _WINDOWS_RESERVED.match(name):
        name += "_"
    return name or fallback


def short_hash(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def report_slug(record: dict) -> str:
    """``r/2021/同仁市人民政府-1a2b3c4d`` — directory of the report page (no slashes at ends)."""
    meta = record["meta"]
    year = str(meta.get("year") or "unknown-year")
    sha = (meta.get("source") or {}).get("sha256") or short_hash(str(meta))
    return f"r/{safe_name(year)}/{safe_name(meta.get('agency'), 'unnamed-agency')}-{sha[:8]}"


def report_order(record: dict) -> tuple:
    """The archive's one published order: year, region, body, then page address.  Pages,
    lists and the open-data files all follow it, so a report's row is where its page says."""
    return (year_of(record) or 0, region_of(record), record["meta"].get("agency") or "",
            report_slug(record))


def agency_key(record: dict) -> str:
    """Identity of a reporting body across years: region path + agency name.

    Joined with a control character that no name can contain after reading, so an agency
    called ``海东市/乐都区`` is never confused with ``乐都区`` under 海东市.
    """
    meta = record["meta"]
    return "\x1f".join(list(meta.get("region") or []) + [meta.get("agency") or ""])


def agency_slug(record: dict) -> str:
    meta = record["meta"]
    return f"agencies/{safe_name(meta.get('agency'), 'unnamed-agency')}-{short_hash(agency_key(record))}"


def region_part(name: str) -> str:
    """One region folder name: the name itself when it is already safe, otherwise its safe
    form plus a short hash, so names that differ only in unsafe characters stay apart."""
    safe = safe_name(name)
    return safe if safe == name else f"{safe}-{short_hash(name)}"


def region_slug(region: list[str] | tuple[str, ...]) -> str:
    """``regions/青海省/海东市`` for a region path; ``regions`` for the whole country."""
    return "/".join(["regions"] + [region_part(part) for part in region])


def year_slug(year: int | str) -> str:
    return f"years/{safe_name(str(year))}"


def record_json_path(record: dict) -> str:
    """Where a report's own JSON record is published, relative to the site root."""
    return f"data/{report_slug(record)}.json"


def year_region_slug(year: int, province: str) -> str:
    """``years/2021/青海省``: one province's reports of one year."""
    return f"{year_slug(year)}/{region_part(province)}"


def agencies_region_slug(province: str) -> str:
    """``agencies/regions/青海省``: the bodies of one province.  Under ``regions/`` because
    an agency folder is any safe name plus a hash, and so could equal a province's."""
    return f"agencies/regions/{region_part(province)}"


def page_dirs(page_dir: str, count: int) -> list[str]:
    """Folders of a list's numbered pages: the page itself, then ``page.2``, ``page.3``…

    ``safe_name`` never keeps a ".", so no region, province or agency folder beside
    them can take one of these names.
    """
    return [page_dir] + [f"{page_dir}/page.{k}" for k in range(2, count + 1)]

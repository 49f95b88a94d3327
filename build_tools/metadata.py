"""Who published the report, for which year and place, and when.

Everything the text says is inferred from it (title block, closing signature); the
sidecar ``<stem>.yml`` beside a report only fills gaps or overrides, and
``meta.provenance`` records for each field whether it came from ``text``, ``sidecar``
or is ``missing``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import logging
import re
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import yaml

from .document import Document
from .domain import load_yaml, normalize
from .errors import ReportError
from .record import add_warning
from .sections import Layout, config

META_FIELDS = ("title", "agency", "agency_kind", "region", "year", "published")
SIDECAR_KEYS = ("source_url", "agency", "region", "year", "published", "template",
                "agency_kind", "note", "title", "added")
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}


# --------------------------------------------------------------------------- dates

def _cn_number(text: str) -> int:
    """Chinese numerals up to 31 (月/日) or digit-by-digit years (二〇二二)."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in text))


def parse_date(text: str) -> str | None:
    """``2022年1月17日`` / ``2022-01-17`` / ``二〇二二年一月十七日`` -> ISO date, else None."""
    s = normalize(text)
    m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", s) or re.search(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})", s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.search(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日", s)
        if not m:
            return None
        y, mo, d = (_cn_number(g) for g in m.groups())
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------- agency

def _suffix() -> str:
    return config()["agency_suffix"]


def agency_kind(agency: str | None) -> str | None:
    """``government`` for a people's government (…人民政府), else ``department``."""
    if not agency:
        return None
    return "government" if normalize(agency).endswith("人民政府") else "department"


def _title_agency(norm: str) -> str | None:
    """The agency a title line names: before the year, or right after it."""
    m = re.match(r"^(.{2,40}?" + _suffix() + r")(?:关于)?(?:\d{4}|二〇)", norm) or \
        re.match(r"^\d{4}年度?(.{2,40}?" + _suffix() + r")(?=政府信息公开)", norm)
    return m.group(1) if m else None


def _whole_agency(norm: str) -> str | None:
    norm = re.sub(r"文件$", "", norm)
    if re.fullmatch(r".{2,40}" + _suffix(), norm) and not re.search(r"[。，,：:\d]", norm):
        return norm
    return None


def pick_agency(candidates: list[str]) -> str | None:
    """The fullest name: 乐都区人民政府 and 海东市乐都区人民政府 are one body."""
    if not candidates:
        return None
    best = candidates[0]
    for c in candidates[1:]:
        if c != best and c.endswith(best):
            best = c
    return best


def find_title(layout: Layout) -> str | None:
    keywords = config()["title_keywords"]
    rows = [normalize(r.text) for r in layout.title_rows]
    for i, norm in enumerate(rows):
        if any(k in norm for k in keywords):
            if not _title_agency(norm) and i > 0 and _whole_agency(rows[i - 1]) \
                    and not rows[i - 1].endswith("文件"):
                return rows[i - 1] + norm
            return norm
    return None


def find_agency(layout: Layout) -> str | None:
    titles = [normalize(r.text) for r in layout.title_rows]
    keywords = config()["title_keywords"]
    from_title_line = [a for n in titles if any(k in n for k in keywords) for a in [_title_agency(n)] if a]
    from_rows = [a for n in titles for a in [_whole_agency(n)] if a]
    from_closing = [a for r in layout.closing_rows for a in [_whole_agency(normalize(r.text))] if a]
    return pick_agency(from_title_line + from_rows + from_closing)


def find_year(doc: Document, layout: Layout) -> int | None:
    keywords = config()["title_keywords"]
    titles = [normalize(r.text) for r in layout.title_rows]
    # The title line first: a letterhead may carry the (later) year of its document number.
    for norm in sorted(titles, key=lambda n: not any(k in n for k in keywords)):
        m = re.search(r"(\d{4})(?:年|$)", norm)
        if m and 1990 <= int(m.group(1)) <= 2100:
            return int(m.group(1))
    head = normalize("\n".join(r.text for r in doc.rows[:80]))
    for pattern in (r"(\d{4})年度?政府信息公开工作年度报告", r"(\d{4})年度(?:政府信息公开|报告)",
                    r"统计期限(?:为|是|自|从)?(\d{4})年1月1日"):
        m = re.search(pattern, head)
        if m:
            return int(m.group(1))
    return None


def find_published(layout: Layout) -> str | None:
    for r in reversed(layout.closing_rows):
        date = parse_date(r.text)
        if date:
            return date
    return None


# --------------------------------------------------------------------------- region

@functools.cache
def _cpca() -> Any:
    """cpca (gazetteer) is slow to import and chatty (jieba): load once, quietly."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        import jieba

        jieba.setLogLevel(logging.ERROR)
        import cpca
    logging.getLogger("jieba").setLevel(logging.ERROR)
    return cpca


# ``cpca.transform``'s default; only read when cut=False, passed to keep its signature.
CPCA_LOOKAHEAD = 8


class Reading(NamedTuple):
    """What the gazetteer makes of one text."""

    path: tuple[str, ...]   # province -> city -> county found, possibly empty
    rest: str               # the text after the place names it read from the very start
    contradictory: bool     # levels that do not belong together (广州市 + 城区 of 阳泉市)


def _gazetteer(texts: list[str]) -> list[Reading]:
    """What the gazetteer reads in each text, as ``cpca.transform`` would with its defaults.

    ``transform`` hands every text to ``_handle_one_record`` and then builds a pandas
    DataFrame of the results; the DataFrame is all pandas is imported for, and importing
    it costs a parse worker 0.3 s of its 1.2 s start, which is most of what a rebuild
    with one new report waits for.  So the two steps of ``transform`` that read (the
    record and its ``_division_status``) are called directly; cpca is pinned, and
    tests/test_metadata.py checks that the readings are ``transform``'s.
    """
    cpca = _cpca()
    with contextlib.redirect_stderr(io.StringIO()):
        rows = [cpca._handle_one_record(text, cpca.myumap, True, CPCA_LOOKAHEAD, False, False)
                for text in texts]
    return [reading_of(row, cpca._division_status(row)[0]) for row in rows]


def reading_of(row: Any, status: Any) -> Reading:
    """The Reading of one of cpca's result rows (省, 市, 区, 地址) and its 识别状态."""
    path: list[str] = []
    for col in ("省", "市", "区"):
        value = row.get(col)
        if isinstance(value, str) and value.strip() and (not path or path[-1] != value):
            path.append(value.strip())
    rest = row.get("地址")
    return Reading(tuple(path), rest if isinstance(rest, str) else "", status == "待核验")


def warm_gazetteer() -> None:
    """Load the gazetteer and jieba's dictionary now rather than at the first report
    (a parse worker getting ready: ``parse_worker``)."""
    _gazetteer(["北京市"])


def _gazetteer_paths(texts: list[str]) -> list[tuple[str, ...]]:
    """Province -> city -> county that the gazetteer finds in each text (possibly empty)."""
    return [r.path for r in _gazetteer(texts)]


@functools.cache
def _provinces() -> frozenset[str]:
    return frozenset(_cpca().province_map.values())


@functools.cache
def _division_suffixes() -> frozenset[str]:
    return frozenset(load_yaml("places.yml")["division_suffixes"])


@functools.cache
def _autonomy() -> re.Pattern[str]:
    """The nationalities and 自治 inside an autonomous division's name, after a stem of
    two characters at least and before its 州, 县 or 旗.  A nationality may be written
    without 族 (伊犁哈萨克自治州, 博尔塔拉蒙古自治州)."""
    stems = sorted((g.removesuffix("族") for g in load_yaml("places.yml")["ethnic_groups"]),
                   key=len, reverse=True)
    return re.compile("(?<=[\u4e00-\u9fff]{2})(?:(?:" + "|".join(map(re.escape, stems))
                      + ")族?)+自治(?=[州县旗])")


def short_place_names(text: str) -> str:
    """``text`` with every autonomous division in its short form, as people write it
    (黄南藏族自治州体育局 -> 黄南州体育局, 互助土族自治县 -> 互助县)."""
    return _autonomy().sub("", text)


@functools.cache
def _short_forms() -> dict[str, str]:
    """Short form -> full name of every autonomous prefecture, county and banner whose
    short form names that one division only and is no other division's full name
    (黄南州 -> 黄南藏族自治州, 大通县 -> 大通回族土族自治县)."""
    cpca = _cpca()
    full = {row[level] for row in cpca._data_rows() for level in ("sheng", "shi", "qu")
            if row[level]}
    named: dict[str, set[str]] = {}
    for name in full:
        short = short_place_names(name)
        if short != name:
            named.setdefault(short, set()).add(name)
    return {short: next(iter(names)) for short, names in sorted(named.items())
            if len(names) == 1 and short not in full}


@functools.cache
def _short_form_pattern() -> re.Pattern[str] | None:
    shorts = sorted(_short_forms(), key=lambda s: (-len(s), s))
    return re.compile("|".join(map(re.escape, shorts))) if shorts else None


def full_place_names(text: str) -> str:
    """``text`` with the short forms of autonomous divisions written out in full.

    The gazetteer knows 互助土族自治县 but not 互助县, the form agencies and reports
    mostly use (海东市互助县教育局 -> 海东市互助土族自治县教育局).
    """
    pattern = _short_form_pattern()
    if pattern is None:
        return text
    forms = _short_forms()
    return pattern.sub(lambda m: forms[m.group(0)], text)


def _place_prefixes(name: str) -> list[str]:
    """Prefixes of ``name`` that end in a division suffix, longest first: the candidates
    for the place name it starts with (广州市公安局 -> 广州市, 广州)."""
    suffixes = _division_suffixes()
    return [name[:i + 1] for i in range(len(name) - 1, 0, -1) if name[i] in suffixes]


def _sound(reading: Reading) -> bool:
    """A region path starts at a province (or 直辖市) and its levels belong together.

    A bare county name shared by several cities (城中区: 西宁市 and 柳州市) comes back
    without province; as a region it would pass for a province, and it would keep the
    filing path or sidecar from giving the real one.
    """
    return bool(reading.path) and reading.path[0] in _provinces() and not reading.contradictory


@functools.cache
def region_from_name(agency: str | None) -> tuple[str, ...]:
    """Province -> city -> county of the place the agency's name starts with.

    A department carries its parent government's region, which is the same place name.
    The gazetteer segments text with jieba, whose dictionary holds whole body names
    (广州市公安局, 北京市人民政府, 云南省公安厅): read as one word, they hide their
    place name.  So the longest leading place name — a prefix ending in a division
    suffix that the gazetteer reads entirely as places, consistently, and that ends in
    the full name of the deepest place read — is asked alone;
    the whole name is the fallback for names that do not start with a place
    (国家税务总局广州市税务局).  Real counties that look like words (公安县, 资源县, 郊区)
    resolve because the longest such prefix wins (荆州市公安县 before 荆州市).
    """
    if not agency:
        return ()
    name = full_place_names(normalize(agency))
    prefixes = _place_prefixes(name)
    whole, *leading = _gazetteer([name] + prefixes)
    for prefix, reading in zip(prefixes, leading):
        # Ending in the full name it resolves to, not in a short form whose stem happens
        # to end in a suffix (红旗 of 红旗区 in 红旗渠…, 华州 of 华州区).
        if not reading.rest and _sound(reading) and prefix.endswith(reading.path[-1]):
            return reading.path
    return whole.path if _sound(whole) else ()


# A place named only once may be a neighbour or a superior; the report's own place is the
# one it keeps naming ("通过海东市政府门户网全文公开", "《海东市人民政府公报》", …).
MIN_PLACE_MENTIONS = 2
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def region_from_text(text: str) -> tuple[str, ...]:
    """The region a report keeps naming, for a report whose text never names its agency.

    Counts, sentence by sentence, the place path the gazetteer resolves (a city at least);
    the most frequent path wins if it is named at least ``MIN_PLACE_MENTIONS`` times.
    """
    suffixes = _division_suffixes()
    sentences = [full_place_names(s) for s in _SENTENCE_END.split(text)
                 if any(c in suffixes for c in s)][:300]
    if not sentences:
        return ()
    counts: dict[tuple[str, ...], int] = {}
    for path in _gazetteer_paths(sentences):
        if len(path) >= 2:
            counts[path] = counts.get(path, 0) + 1
    if not counts:
        return ()
    path, n = max(counts.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))
    return path if n >= MIN_PLACE_MENTIONS else ()


def region_within(agency: str | None, context: tuple[str, ...]) -> tuple[str, ...]:
    """The region of an agency whose leading place name several cities share (城中区 of
    西宁市 and of 柳州市), read inside the place its report keeps naming.

    Only an answer that resolves the agency's own leading place counts: 市中区 inside a
    context of 西宁市 contradicts it and gives nothing.
    """
    if not agency or not context:
        return ()
    name = full_place_names(normalize(agency))
    path = region_from_name("".join(context) + name)
    return path if len(path) >= 2 and name.startswith(path[-1]) else ()


# --------------------------------------------------------------------------- record

def infer(doc: Document, layout: Layout, record: dict) -> None:
    """Fill meta fields from the text, with provenance ``text`` or ``missing``."""
    meta = record["meta"]
    meta["title"] = find_title(layout)
    meta["agency"] = find_agency(layout)
    meta["agency_kind"] = agency_kind(meta["agency"])
    meta["region"] = list(region_from_name(meta["agency"]))
    if not meta["region"]:
        context = region_from_text("\n".join(layout.sections.values()))
        if meta["agency"]:
            meta["region"] = list(region_within(meta["agency"], context))
            reason = f"发布机关名称中的地名有多处同名，无法单独确定（{meta['agency']}）"
        else:
            meta["region"] = list(context)
            reason = "报告未写明发布机关"
        if meta["region"]:
            # Same code either way: a sidecar naming the agency withdraws the guess.
            add_warning(record, "region_from_text",
                        f"{reason}；地区根据正文中反复出现的地名推断为"
                        f"{'／'.join(meta['region'])}。", ["meta.region"])
    meta["year"] = find_year(doc, layout)
    meta["published"] = find_published(layout)
    for key in META_FIELDS:
        meta["provenance"][key] = "text" if meta[key] not in (None, "", []) else "missing"
    meta["provenance"].setdefault("source_url", "missing")


def load_sidecar(report_path: str | Path) -> dict | None:
    """The ``<stem>.yml`` (or ``.yaml``) beside a report, or None if there is none."""
    p = Path(report_path)
    for candidate in (p.with_suffix(".yml"), p.with_suffix(".yaml")):
        if candidate.is_file():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                reason = str(exc).replace("\n", " ")
                raise ReportError(str(candidate), f"invalid YAML in metadata sidecar: {reason}",
                                  code="bad_sidecar") from exc
            if data is None:
                return {}
            if not isinstance(data, dict):
                raise ReportError(str(candidate), "metadata sidecar must be a mapping of keys "
                                  f"({', '.join(SIDECAR_KEYS)})", code="bad_sidecar")
            return data
    return None


def _region_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [p for p in re.split(r"[/／>\s]+", value) if p]
    return [str(v) for v in value]


def apply_sidecar(record: dict, sidecar: dict | None) -> None:
    """Let the sidecar fill gaps or override; record where each field came from."""
    meta = record["meta"]
    prov = meta["provenance"]
    for key in META_FIELDS + ("template",):
        prov.setdefault(key, "missing" if meta.get(key) in (None, "", []) else "text")
    prov.setdefault("source_url", "missing")
    meta.setdefault("note", None)
    if not sidecar:
        return
    agency_changed = False
    for key in SIDECAR_KEYS:
        value = sidecar.get(key)
        if value is None or value == "" or value == []:
            continue
        if key == "source_url":
            # Only web addresses: a javascript: or data: "URL" would be a link that runs.
            if re.match(r"(?i)^https?://[^\s]+$", str(value).strip()):
                meta["source"]["url"] = str(value).strip()
                prov["source_url"] = "sidecar"
            else:
                add_warning(record, "bad_source_url",
                            "元数据中的来源地址不是 http(s) 网址，已忽略。", ["meta.source.url"])
            continue
        if key == "note":
            meta["note"] = str(value)
            continue
        if key == "region":
            value = _region_list(value)
        elif key == "year":
            value = int(value)
        elif key in ("published", "added"):
            value = value.isoformat() if isinstance(value, dt.date) else (parse_date(str(value)) or str(value))
        elif key == "template":
            value = str(value)
        else:
            value = str(value)
        if key == "agency" and value != meta.get("agency"):
            agency_changed = True
        meta[key] = value
        prov[key] = "sidecar"
    if agency_changed:
        # Region and kind follow the agency unless the sidecar names them too.
        if "region" not in sidecar or not sidecar.get("region"):
            region = list(region_from_name(meta["agency"]))
            if region:
                meta["region"] = region
                prov["region"] = "sidecar"
                record["warnings"] = [w for w in record["warnings"]
                                      if w.get("code") != "region_from_text"]
        if not sidecar.get("agency_kind"):
            meta["agency_kind"] = agency_kind(meta["agency"])
            prov["agency_kind"] = "sidecar"


_YEAR_FOLDER = re.compile(r"^(?:19|20)\d{2}$")


def apply_filing_path(record: dict, rel_path: str) -> None:
    """Last resort for what neither the text nor the sidecar says.

    The archive files a report as ``<省>/<市>/[<县区>/]<year>/<file>``, so a scanned PDF or
    a report that never states its year still lands under its place and year.  Only a
    path that follows that convention (a year folder) is read; provenance says ``path``.
    """
    folders = PurePosixPath(rel_path).parts[:-1]
    year_at = [i for i, part in enumerate(folders) if _YEAR_FOLDER.match(part)]
    if not year_at:
        return
    i = year_at[-1]
    meta, prov = record["meta"], record["meta"]["provenance"]
    if meta.get("year") is None:
        meta["year"] = int(folders[i])
        prov["year"] = "path"
    if not meta.get("region") and i > 0:
        meta["region"] = list(folders[:i])
        prov["region"] = "path"

"""Document -> Layout: the six narrative sections and the rows of tables T2, T3 and T4.

Reports are found by meaning, not by their bytes: headings vary (numeral or not, split
over lines, Markdown marks), and some reports have no headings at all (seed 000).  So
the tables are located first, by their content (the T3 header 申请人情况, the T4 header
行政复议 + 结果维持, the T2 header 第二十条 or a run of bare numeric rows before T3);
then headings are looked for outside the tables; narrative rows go to the section of the
last heading, or, where the report has no heading for a section, to the section the
tables imply (before T2 -> overview, after T4 -> problems).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .document import Document, Row
from .domain import load_yaml, normalize
from .record import SECTION_KEYS

_NUMBER_TOKEN = re.compile(r"^[+-]?\d[\d,，]*(?:\.\d+)?(?:万元|元|件|宗|个|项|条|次|%)?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LIST_MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.、．](?!\d))")
_SENTENCE_END = ("。", "！", "？", "；", "：", ":", ";", "!", "?", "…", "”", "）", ")", "》")
_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^\d{4}[-./]\d{1,2}[-./]\d{1,2}$"
                   r"|^[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日$")


@dataclass
class Layout:
    """Where things are in a document.

    sections:  the six narrative sections (keys of ``record.SECTION_KEYS``), text only.
    headings:  section key -> the heading as printed, for the sections that had one.
    """

    sections: dict[str, str]
    title_rows: list[Row] = field(default_factory=list)
    t2_rows: list[Row] = field(default_factory=list)
    t3_rows: list[Row] = field(default_factory=list)
    t4_rows: list[Row] = field(default_factory=list)
    closing_rows: list[Row] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)


def config() -> dict:
    return load_yaml("sections.yml")


def cell_tokens(row: Row) -> list[str]:
    """Whitespace-separated tokens of every non-empty cell, NFKC-normalized."""
    import unicodedata

    out: list[str] = []
    for cell in row.cells:
        out.extend(unicodedata.normalize("NFKC", cell).split())
    return out


def is_number_token(token: str) -> bool:
    return bool(_NUMBER_TOKEN.match(token))


def is_numeric_row(row: Row) -> bool:
    """A row whose every non-empty cell is a number (a label-less data row)."""
    tokens = cell_tokens(row)
    return bool(tokens) and all(is_number_token(t) for t in tokens)


def has_number(row: Row) -> bool:
    return any(is_number_token(t) for t in cell_tokens(row))


def row_text(row: Row) -> str:
    """A row as running text: non-empty cells stripped and joined by a space."""
    return " ".join(c.strip() for c in row.cells if c.strip())


def _contains_any(text: str, needles: list[str]) -> bool:
    return any(n in text for n in needles)


def _is_furniture(row: Row, cfg: dict) -> bool:
    raw = row.text.strip()
    return bool(raw) and any(re.fullmatch(p, raw) for p in cfg["furniture"])


def _running_heads(rows: list[Row], norms: list[str], cfg: dict) -> set[str]:
    """Short CJK lines repeated on many pages (a running head), never data rows
    (at most one number, e.g. the year in "某某区人民政府 2021 年…年度报告")."""
    counts = Counter(n for r, n in zip(rows, norms)
                     if len(r.cells) == 1 and 4 <= len(n) <= 40 and _CJK.search(n)
                     and sum(1 for t in cell_tokens(r) if is_number_token(t)) <= 1)
    return {n for n, c in counts.items() if c >= cfg["running_head_min_repeats"]}


def _title_zone(rows: list[Row], size: int = 5) -> set[int]:
    """Indexes of the first non-blank rows, where a running head is also the title."""
    zone: list[int] = []
    for i, r in enumerate(rows):
        if not r.is_blank:
            zone.append(i)
            if len(zone) >= size:
                break
    return set(zone)


def heading_key(text: str, cfg: dict) -> str | None:
    """The section key a short line announces, or None."""
    norm = normalize(text)
    if not norm or len(norm) > cfg["max_heading_chars"]:
        return None
    norm = norm.rstrip("。.:：")
    for key in SECTION_KEYS:
        for pattern in cfg["headings"][key]:
            if re.fullmatch(cfg["numeral"] + pattern, norm):
                return key
    return None


def _short(norm: str, row: Row, limit: int = 60) -> bool:
    return len(row.cells) > 1 or len(norm) <= limit


def _find_t3(rows: list[Row], norms: list[str], skip: set[int], cfg: dict) -> tuple[int, int] | None:
    start = None
    for anchors in (cfg["t3_start"], cfg["t3_first_row"]):
        start = next((i for i, n in enumerate(norms) if i not in skip and _contains_any(n, anchors)
                      and _short(n, rows[i], 120)), None)
        if start is not None:
            break
    if start is None:
        return None
    end = next((i for i in range(start, len(rows)) if i not in skip
                and _contains_any(norms[i], cfg["t3_last_row"]) and _short(norms[i], rows[i])), None)
    if end is None:
        return start, start
    # Values (or the tail of the label) of the last row may sit on the following lines.
    j = end + 1
    while j < len(rows) and (rows[j].is_blank or j in skip or is_numeric_row(rows[j])):
        if is_numeric_row(rows[j]):
            end = j
        j += 1
    return start, end


def _t4_line(norm: str, cfg: dict) -> bool:
    vocab = set(cfg["t4_vocabulary"])
    return bool(norm) and all(ch in vocab or ch.isdigit() or ch in ".,-" for ch in norm)


def _find_t4(rows: list[Row], norms: list[str], skip: set[int], after: int, cfg: dict) -> tuple[int, int] | None:
    start = None
    for i in range(after, len(rows)):
        n = norms[i]
        if i in skip or not _contains_any(n, cfg["t4_start"]):
            continue
        if heading_key(rows[i].text, cfg) is not None:
            continue
        if len(rows[i].cells) > 1 or _t4_line(n, cfg):
            start = i
            break
    if start is None:
        return None
    end, numbers = start, 0
    for i in range(start + 1, len(rows)):
        if rows[i].is_blank or i in skip:
            continue
        if not _t4_line(norms[i], cfg) and not is_numeric_row(rows[i]):
            break
        end = i
        numbers += sum(1 for t in cell_tokens(rows[i]) if is_number_token(t))
        if numbers >= 15:
            break
    return start, end


def _tabular(row: Row, norm: str) -> bool:
    """A row that looks like part of a table rather than a paragraph."""
    if len(row.cells) > 1:
        return True
    return len(norm) <= 40 and not norm.endswith("。")


def _find_t2(rows: list[Row], norms: list[str], skip: set[int], lo: int, hi: int,
             has_heading: bool, cfg: dict) -> tuple[int, int] | None:
    start = next((i for i in range(lo, hi) if i not in skip
                  and _contains_any(norms[i], cfg["t2_start"]) and _short(norms[i], rows[i])), None)
    if start is None and not has_heading:
        # Seed 000: no heading and no labels, only bare numbers just before T3.
        j, first = hi - 1, None
        while j >= lo and (rows[j].is_blank or j in skip or is_numeric_row(rows[j])):
            if is_numeric_row(rows[j]):
                first = j
            j -= 1
        if first is None:
            return None
        last = max(i for i in range(first, hi) if is_numeric_row(rows[i]))
        return first, last
    if start is None:
        start = next((i for i in range(lo, hi) if i not in skip and has_number(rows[i])
                      and _tabular(rows[i], norms[i])), None)
        if start is None:
            return None
    end = start
    for i in range(start + 1, hi):
        if i in skip or rows[i].is_blank:
            continue
        if not _tabular(rows[i], norms[i]) or heading_key(rows[i].text, cfg):
            break
        end = i
    return start, end


def _is_titleish(norm: str, cfg: dict) -> bool:
    if not norm or len(norm) > 50:
        return False
    if re.fullmatch(r"\d{4}年?度?", norm):
        return True
    if norm.endswith("文件") and len(norm) <= 30:
        return True
    if re.fullmatch(r".{2,40}" + cfg["agency_suffix"], norm) and "。" not in norm:
        return True
    return (_contains_any(norm, cfg["title_keywords"]) and "《" not in norm
            and not re.match(r"(本|根据|依据|按照)", norm) and not norm.endswith(("。", "：", ":")))


def _title_rows(rows: list[Row], norms: list[str], kinds: list[str], cfg: dict) -> list[int]:
    picked: list[int] = []
    for i, row in enumerate(rows):
        if kinds[i] in ("furniture",) or row.is_blank:
            continue
        if kinds[i] != "content" or len(picked) >= 5 or not _is_titleish(norms[i], cfg):
            break
        picked.append(i)
    return picked


def _closing_rows(rows: list[Row], norms: list[str], kinds: list[str], cfg: dict) -> list[int]:
    picked: list[int] = []
    for i in range(len(rows) - 1, -1, -1):
        if kinds[i] == "furniture" or rows[i].is_blank:
            continue
        n = norms[i]
        is_date = bool(_DATE.match(n))
        is_agency = (len(n) <= 30 and re.fullmatch(r".{2,30}" + cfg["agency_suffix"], n) is not None)
        if kinds[i] != "content" or len(picked) >= 3 or not (is_date or is_agency):
            break
        picked.append(i)
    return sorted(picked)


def reflow(lines: list[str]) -> str:
    """Join lines hard-wrapped by PDF extraction into paragraphs, one per output line."""
    paragraphs: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if paragraphs:
            prev = paragraphs[-1]
            is_subheading = len(prev) <= 24 and _LIST_MARKER.match(prev) is not None
            if not prev.endswith(_SENTENCE_END) and not is_subheading and not _LIST_MARKER.match(line):
                paragraphs[-1] = prev + line
                continue
        paragraphs.append(line)
    return "\n".join(paragraphs)


def find(doc: Document) -> Layout:
    cfg = config()
    rows = doc.rows
    norms = [normalize(r.text) for r in rows]
    heads = _running_heads(rows, norms, cfg)
    kinds = ["blank" if r.is_blank else "content" for r in rows]
    title_zone = _title_zone(rows)
    seen_in_zone: set[str] = set()
    for i, row in enumerate(rows):
        if norms[i] in heads and i in title_zone and norms[i] not in seen_in_zone:
            seen_in_zone.add(norms[i])      # keep the first copy: it is the title
            continue
        if _is_furniture(row, cfg) or (norms[i] in heads):
            kinds[i] = "furniture"
    skip = {i for i, k in enumerate(kinds) if k == "furniture"}

    t3 = _find_t3(rows, norms, skip, cfg)
    t4 = _find_t4(rows, norms, skip, t3[1] + 1 if t3 else 0, cfg)
    if t3 and t4 and t3[0] == t3[1]:  # no closing row found: T3 runs up to T4
        t3 = (t3[0], t4[0] - 1)
    for span, kind in ((t3, "t3"), (t4, "t4")):
        if span:
            for i in range(span[0], span[1] + 1):
                if kinds[i] == "content":
                    kinds[i] = kind

    # Headings outside the tables, accepted in document order only.
    headings: dict[str, tuple[int, int]] = {}
    last_index = -1
    i = 0
    while i < len(rows):
        if kinds[i] != "content":
            i += 1
            continue
        key, span_end = heading_key(rows[i].text, cfg), i
        if key is None and re.match(r"^[#*\s]*[一二三四五六七八九十]+、", rows[i].text):
            j = next((k for k in range(i + 1, min(i + 4, len(rows))) if kinds[k] == "content"), None)
            if j is not None:
                key = heading_key(rows[i].text + rows[j].text, cfg)
                span_end = j
        if key is not None and SECTION_KEYS.index(key) > last_index:
            headings[key] = (i, span_end)
            last_index = SECTION_KEYS.index(key)
            for k in range(i, span_end + 1):
                kinds[k] = "heading"
            i = span_end + 1
            continue
        i += 1

    # T2 lies between the 主动公开 heading (or the start) and T3 (or the 收到和处理 heading).
    lo = headings["active"][1] + 1 if "active" in headings else 0
    hi_candidates = [len(rows)]
    if t3:
        hi_candidates.append(t3[0])
    if "requests" in headings:
        hi_candidates.append(headings["requests"][0])
    hi = min(hi_candidates)
    if lo < hi:
        t2 = _find_t2(rows, norms, {k for k in range(len(rows)) if kinds[k] not in ("content", "blank")},
                      lo, hi, "active" in headings, cfg)
    else:
        t2 = None
    if t2:
        for k in range(t2[0], t2[1] + 1):
            if kinds[k] == "content":
                kinds[k] = "t2"

    for k in _title_rows(rows, norms, kinds, cfg):
        kinds[k] = "title"
    for k in _closing_rows(rows, norms, kinds, cfg):
        kinds[k] = "closing"

    # Narrative: each content row goes to the current section.  Tables move the current
    # section only for sections the report gave no heading.
    events: dict[int, str] = {}
    for key, (start, _end) in headings.items():
        events[start] = key
    for span, key in ((t2, "active"), (t3, "requests"), (t4, "appeals")):
        if span and key not in headings:
            events.setdefault(span[0], key)
    if t4 and "problems" not in headings:
        events.setdefault(t4[1] + 1, "problems")
    lines: dict[str, list[tuple[int, str]]] = {k: [] for k in SECTION_KEYS}
    current = "overview"
    for k, row in enumerate(rows):
        if k in events and SECTION_KEYS.index(events[k]) >= SECTION_KEYS.index(current):
            current = events[k]
        if kinds[k] == "content":
            lines[current].append((k, row_text(row)))
    if "other" not in headings and lines["problems"]:
        k, text = lines["problems"][-1]
        if re.match(cfg["other_trailing_line"], normalize(text)):
            lines["problems"].pop()
            lines["other"].append((k, text))

    return Layout(
        sections={key: reflow([t for _, t in lines[key]]) for key in SECTION_KEYS},
        title_rows=[rows[k] for k in range(len(rows)) if kinds[k] == "title"],
        t2_rows=[rows[k] for k in range(t2[0], t2[1] + 1) if kinds[k] == "t2"] if t2 else [],
        t3_rows=[rows[k] for k in range(t3[0], t3[1] + 1) if kinds[k] == "t3"] if t3 else [],
        t4_rows=[rows[k] for k in range(t4[0], t4[1] + 1) if kinds[k] == "t4"] if t4 else [],
        closing_rows=[rows[k] for k in range(len(rows)) if kinds[k] == "closing"],
        headings={key: row_text(rows[s]) + ("" if e == s else row_text(rows[e]))
                  for key, (s, e) in headings.items()},
    )

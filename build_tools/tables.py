"""Layout -> record["tables"]: T2, T3 and T4 cells, matched by meaning.

Rows are first cut into *units* (one label + the values printed after it), from either
kind of row the readers make: tab/real-table rows keep cell positions (a blank cell is
None, not 0), text-layout lines (PDF text, no tabs) are tokens whose labels may wrap
over several lines, before or after the numbers.  Units are then aligned with the rows
of the template in order (a monotone alignment maximizing label-keyword matches, see
``domain/t3_rows.csv``), so a typo'd label still matches by its meaningful words and a
row whose label was lost is placed by position between its neighbours.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .document import Row
from .domain import compile_alternatives, load_csv
from .domain import normalize as norm_text
from .record import (T3_APPLICANT_COLUMNS, T3_COLUMNS, T4_COLUMNS, T4_GROUPS,
                     add_warning, empty_t2, empty_t3, empty_t4, t3_row_keys)
from .sections import Layout, config, is_numeric_row

Number = int | float

_NUM = re.compile(r"^([+-]?)(\d[\d,，]*(?:\.\d+)?)(万元|元|件|宗|个|项|条|次|%)?$")
_BLANK_MARKS = {"", "-", "—", "–", "－", "/", "／", "\\", "——", "--", "无"}
_ROW_MARKER = re.compile(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|(?<![\d.])\d{1,2}\.(?!\d)")
_UNIT_JOIN = re.compile(r"(\d)\s+(万元|元)(?![\u3400-\u9fff])")
T4_COLUMN_HEADER = r"维持|纠正|其他|尚未|审结|总计|合计"
T3_WIDTH = len(T3_COLUMNS)
# Warning code for cells whose printed value could not be placed (checks skip them).
POSITIONS_UNKNOWN = "cell_positions_unknown"
T4_WIDTH = len(T4_GROUPS) * len(T4_COLUMNS)


@dataclass(frozen=True)
class Cell:
    """One parsed value: the number (None = blank) and the unit printed with it."""

    value: Number | None
    unit: str | None = None
    raw: str = ""


@dataclass
class Unit:
    """A label and the values printed after it (one table row as printed)."""

    label: str
    values: list[Cell]
    tabular: bool          # came from a row of cells (tabs, a real table, gaps between words)
    group: str | None = None
    tail: str = ""
    positional: bool = True  # each value stands in its column (blank cells kept)

    @property
    def norm(self) -> str:
        return norm_text(self.label)

    @property
    def full_norm(self) -> str:
        """Label with its wrapped tail (text printed after the numbers), for matching."""
        return norm_text(self.label + self.tail)

    @property
    def has_values(self) -> bool:
        return any(c.value is not None for c in self.values)


# --------------------------------------------------------------------------- numbers

# A report's tables print the same few strings (0, 1, 2, blanks) again and again, and
# row matching asks about every cell several times: a parse is looked up, not redone.
# Cells are frozen, so one Cell can be shared.
@functools.lru_cache(maxsize=1 << 16)
def parse_number(text: str) -> Cell | None:
    """A printed number -> Cell; None if ``text`` is not a number at all.

    Handles full-width digits, thousands separators, spaces inside the number and a
    unit suffix.  Blank marks (``""``, ``-``, ``/``) give a blank Cell.
    """
    raw = text
    s = unicodedata.normalize("NFKC", text or "").strip()
    if s in _BLANK_MARKS:
        return Cell(None, None, raw)
    s = re.sub(r"\s+", "", s)
    m = _NUM.match(s)
    if not m:
        return None
    sign, digits, unit = m.groups()
    digits = digits.replace(",", "").replace("，", "")
    try:
        dec = Decimal(sign + digits)
    except InvalidOperation:
        return None
    value: Number = int(dec) if dec == dec.to_integral_value() and "." not in digits else float(dec)
    return Cell(value, unit, raw)


def to_wan_yuan(cell: Cell) -> tuple[Number | None, bool]:
    """Money in 万元; True when a conversion from 元 happened (the caller warns)."""
    if cell.value is None or cell.unit != "元":
        return cell.value, False
    dec = Decimal(str(cell.value)) / Decimal(10000)
    return (int(dec) if dec == dec.to_integral_value() else float(dec)), True


def _is_value_token(token: str) -> bool:
    cell = parse_number(token)
    return cell is not None and cell.value is not None


# --------------------------------------------------------------------------- units

def _split_tail(label: str) -> tuple[str, str]:
    """Text before the first row marker (一、 （一） 1.) belongs to the row above."""
    m = _ROW_MARKER.search(norm_text(label))
    if not m or m.start() == 0:
        return "", label
    norm = norm_text(label)
    return norm[:m.start()], norm[m.start():]


def _label_indexes(cells: list[str]) -> list[int]:
    return [i for i, c in enumerate(cells) if c.strip() and parse_number(c) is None]


FrameKey = tuple[str, int | None, int, int]


def _frame_key(row: Row, label_idx: list[int]) -> FrameKey:
    """Rows printed alike: same source and table, same last label cell, same length."""
    return (row.source, row.table_id, label_idx[-1] if label_idx else -1, len(row.cells))


@dataclass
class Frames:
    """Value-column starts per kind of row, and each table's habitual trailing blanks
    (text extractions often end every line with a tab: that blank means nothing)."""

    starts: dict[FrameKey, int]
    trailing: dict[FrameKey, int]

    def get(self, key: FrameKey) -> int | None:
        return self.starts.get(key)


def _trailing_blanks(cells: list[str]) -> int:
    n = 0
    while n < len(cells) and not cells[len(cells) - 1 - n].strip():
        n += 1
    return n


def habitual_trailing(rows: list[Row]) -> dict[FrameKey, int]:
    """Fewest trailing blank cells among the rows printed alike that print numbers."""
    out: dict[FrameKey, int] = {}
    for row in rows:
        if len(row.cells) < 2 or sum(1 for c in row.cells if _is_value_token(c.strip())) < 2:
            continue
        cells = list(row.cells)
        key = _frame_key(row, _label_indexes(cells))
        n = _trailing_blanks(cells)
        out[key] = min(out.get(key, n), n)
    return out


def value_frames(rows: list[Row], width: int) -> dict[FrameKey, int]:
    """Where the value columns start, learned from the rows that show it.

    A row whose last cells are blank (总计 left empty) cannot say by itself where its
    values stand: trailing and leading blanks look alike.  A row printed the same way
    (same label cell, same number of cells, same table) that prints all ``width`` values,
    or whose very last cell is a number (its 总计), tells it.  Keys with conflicting
    starts are left out.
    """
    starts: dict[FrameKey, set[int]] = {}
    for row in rows:
        if len(row.cells) < 2 and row.source != "table":
            continue
        cells = list(row.cells)
        label_idx = _label_indexes(cells)
        first = label_idx[-1] + 1 if label_idx else 0
        end = len(cells)
        while end and not cells[end - 1].strip():
            end -= 1
        start = end - width
        if start < first or any(cells[i].strip() for i in range(first, start)):
            continue
        values = [c.strip() for c in cells[start:end]]
        full = all(_is_value_token(c) for c in values)
        # A row whose very last cell holds a number ends at the 总计 column.
        anchored = end == len(cells) and all(not c or _is_value_token(c) for c in values)
        if full or anchored:
            starts.setdefault(_frame_key(row, label_idx), set()).add(start)
    return {k: next(iter(v)) for k, v in starts.items() if len(v) == 1}


def _tab_unit(row: Row, width: int, frames: Frames | None = None) -> Unit | None:
    cells = list(row.cells)
    label_idx = _label_indexes(cells)
    label = "".join(cells[i].strip() for i in label_idx)
    start = frames.get(_frame_key(row, label_idx)) if frames else None
    ambiguous = False
    region: list[str] = []
    framed = start is not None and not any(c.strip() for c in cells[start + width:]) \
        and all(i < start for i in label_idx)
    if framed:
        assert start is not None
        raw_values = cells[start:start + width]
        while raw_values and not raw_values[-1].strip():
            raw_values.pop()
    else:
        # Without a label, a leading empty cell is the (blank) label column.
        raw_values = cells[label_idx[-1] + 1:] if label_idx else cells[1:] if not cells[0].strip() else cells
        region = list(raw_values)
        trailing = 0
        while raw_values and not raw_values[-1].strip():
            raw_values.pop()
            trailing += 1
        leading = False
        while len(raw_values) > width and not raw_values[0].strip():
            raw_values.pop(0)
            leading = True
        # Blanks cut at both ends (beyond the table's habitual trailing tab): whether the
        # row ends at 总计 or stops short of it is unknown, and no row printed alike
        # shows where its columns are.
        habit = frames.trailing.get(_frame_key(row, label_idx), 0) if frames else 0
        ambiguous = frames is not None and trailing > habit and leading \
            and any(not c.strip() for c in raw_values)
    values = [parse_number(c) or Cell(None, None, c) for c in raw_values]
    if not label and not values:
        return None
    return Unit(label=label, values=values, tabular=True,
                positional=framed or (_positional(row, region, width) and not ambiguous))


def _positional(row: Row, region: list[str], width: int) -> bool:
    """Whether the cells of a row stand in their columns (``region``: the cells after
    the label, trailing blanks included).

    A real table row (HTML, Word, ruled PDF) and a tab-separated text line keep a blank
    cell as ``""``.  A line cut into cells by the gaps between words (a PDF table drawn
    without rules) loses its blank cells: with fewer values than columns and no blank
    kept, nothing tells which columns the values belong to.
    """
    if row.source == "table" or len(region) >= width:
        return True
    return any(not c.strip() for c in region)


def _text_tokens(row: Row) -> tuple[str, list[Cell], str]:
    """A text line -> (label before the numbers, numbers, text after the numbers)."""
    line = _UNIT_JOIN.sub(r"\1\2", unicodedata.normalize("NFKC", row.text))
    tokens = line.split()
    first = next((i for i, t in enumerate(tokens) if _is_value_token(t)), None)
    if first is None:
        return "".join(tokens), [], ""
    last = first
    while last + 1 < len(tokens) and _is_value_token(tokens[last + 1]):
        last += 1
    values = [parse_number(t) or Cell(None) for t in tokens[first:last + 1]]
    return "".join(tokens[:first]), values, "".join(tokens[last + 1:])


def _marker_level(marker: str) -> int:
    """一、 -> 1, (一) -> 2, 1. -> 3: the depth of a T3 row marker."""
    return 1 if marker.endswith("、") else 2 if marker.startswith("(") else 3


def _starts_sibling_row(pending: str, label: str) -> bool:
    """``label`` opens a row at the level of (or above) the last row marker in the
    pending text, so the pending text is a row of its own (a heading such as
    三、本年度办理结果 followed by its first sub-row （一） is not)."""
    if not pending:
        return False
    new = _ROW_MARKER.match(norm_text(label))
    old = list(_ROW_MARKER.finditer(norm_text(pending)))
    return bool(new and old) and _marker_level(new.group(0)) <= _marker_level(old[-1].group(0))


def _flush_blank_row(units: list[Unit], pending: str) -> str:
    """Pending label text that holds a row marker, followed by a line with a new row
    marker, is a row printed without any number (its blank cells left no trace), not
    the start of the next row's label: make it a unit of its own.  Returns ""."""
    tail, rest = _split_tail(pending)
    if units and tail:
        units[-1].tail += tail
    units.append(Unit(label=rest, values=[], tabular=False, positional=False))
    return ""


def make_units(rows: list[Row], width: int, split_tails: bool,
               align_columns: bool = False) -> list[Unit]:
    """Cut table rows into units.  ``width`` is the number of value columns;
    ``align_columns`` places each row's values by the rows printed alike (T3)."""
    units: list[Unit] = []
    pending = ""
    frames = Frames(value_frames(rows, width), habitual_trailing(rows)) if align_columns else None
    for row in rows:
        if row.is_blank:
            continue
        if len(row.cells) > 1 or row.source == "table":
            unit = _tab_unit(row, width, frames)
            if unit is None:
                continue
            if split_tails and _starts_sibling_row(pending, unit.label):
                pending = _flush_blank_row(units, pending)
            if split_tails and units:
                tail, rest = _split_tail(pending + unit.label)
                pending = ""
                if not unit.values and not tail and not _ROW_MARKER.search(norm_text(rest)):
                    # A row of label text only, without a row marker: the wrapped end of
                    # the label above ("请", "后申请内容仍不明确").
                    units[-1].tail += norm_text(rest)
                    continue
                units[-1].tail += tail
                unit.label = rest
            unit.label = pending + unit.label
            pending = ""
            units.append(unit)
            continue
        label, values, after = _text_tokens(row)
        if split_tails and _starts_sibling_row(pending, label):
            pending = _flush_blank_row(units, pending)
        if not values:
            pending += label
            continue
        # Text between two value rows: what precedes the first row marker is the tail
        # of the row above (PDF text prints "4 1 0 0 0 0 5" before "申请数量").
        text = pending + label
        if split_tails and units:
            tail, text = _split_tail(text)
            units[-1].tail += tail
        units.append(Unit(label=text, values=values, tabular=False, positional=False))
        pending = ""
        if after:
            units[-1].tail += after
    return units


# --------------------------------------------------------------------------- alignment

def _score(norm: str, keywords: str) -> int:
    best = 0
    for pattern in compile_alternatives(keywords):
        m = pattern.search(norm)
        if m:
            best = max(best, max(len(m.group(0)), 1))
    return best


def align(units: list[Unit], keys: list[str], keywords: dict[str, str],
          groups: dict[str, str] | None = None) -> dict[int, int]:
    """Monotone alignment unit -> key maximizing keyword match; returns {unit: key index}."""
    n, m = len(units), len(keys)
    scores = [[0.0] * m for _ in range(n)]
    for i, u in enumerate(units):
        norm = u.full_norm
        for j, key in enumerate(keys):
            s = _score(norm, keywords[key])
            if s and groups is not None and u.group and groups.get(key) == u.group:
                s += 0.5
            scores[i][j] = s
    dp = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = max(dp[i - 1][j], dp[i][j - 1])
            if scores[i - 1][j - 1] > 0:
                best = max(best, dp[i - 1][j - 1] + scores[i - 1][j - 1])
            dp[i][j] = best
    match: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        s = scores[i - 1][j - 1]
        if s > 0 and dp[i][j] == dp[i - 1][j - 1] + s:
            match[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif dp[i][j] == dp[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return match


def unrecognized(units: list[Unit], keywords: dict[str, str]) -> set[int]:
    """Units whose label (possibly empty) matches no row at all."""
    every = "|".join(keywords.values())
    return {i for i, u in enumerate(units) if not u.full_norm or _score(u.full_norm, every) == 0}


def fill_by_position(units: list[Unit], n_keys: int, match: dict[int, int],
                     eligible: set[int] | None = None,
                     excluded: frozenset[int] = frozenset()) -> dict[int, int]:
    """Give units with values but no recognizable label the free keys between their
    matched neighbours, when the counts agree (a dropped label is placed by position,
    never guessed).  ``excluded`` keys are never free (rows the table cannot also have)."""
    placed: dict[int, int] = {}
    anchors = sorted(match.items())
    bounds = [(-1, -1)] + anchors + [(len(units), n_keys)]
    if eligible is None:
        eligible = {i for i, u in enumerate(units) if not u.norm}
    for (ua, ka), (ub, kb) in zip(bounds, bounds[1:]):
        free_units = [u for u in range(ua + 1, ub) if units[u].has_values and u in eligible]
        free_keys = [k for k in range(ka + 1, kb) if k not in excluded]
        if free_units and len(free_units) == len(free_keys):
            placed.update(zip(free_units, free_keys))
    return placed


def _assign_groups(units: list[Unit]) -> None:
    table = load_csv("t3_groups.csv")
    current: str | None = None
    for u in units:
        norm = u.norm
        best_pos = -1
        for row in table:
            for pattern in compile_alternatives(row["keywords"]):
                for m in pattern.finditer(norm):
                    if m.start() >= best_pos:
                        best_pos, current = m.start(), row["group"]
        u.group = current


# --------------------------------------------------------------------------- T3

def _t3_values(unit: Unit, key: str, record: dict) -> dict[str, Any]:
    values = unit.values
    path = f"T3.{key}"
    if len(values) > T3_WIDTH:
        add_warning(record, "t3_row_too_long",
                    f"表三“{unit.label}”一行印有 {len(values)} 个数，多于 7 列；"
                    f"取前六个为申请人各列、最后一个为总计。",
                    [f"{path}.{c}" for c in T3_COLUMNS])
        values = values[:len(T3_APPLICANT_COLUMNS)] + [values[-1]]
    elif values and not unit.positional and (len(values) < T3_WIDTH or unit.tabular):
        # Text layout without cell positions: the blank cells vanished, so which
        # columns the printed numbers belong to is unknown.  Never guess.
        shown = " ".join(c.raw.strip() or "空" for c in values)
        add_warning(record, POSITIONS_UNKNOWN,
                    f"表三“{unit.label or key}”一行印有 {shown}，版面没有留下空白单元格的位置"
                    f"（或空白单元格在两端）：无法判断各数属于哪一列，本行 7 个单元格记为未读取。",
                    [f"{path}.{c}" for c in T3_COLUMNS])
        return {col: None for col in T3_COLUMNS}
    values = values + [Cell(None)] * (T3_WIDTH - len(values))
    return {col: cell.value for col, cell in zip(T3_COLUMNS, values)}


def _flag_scrambled(record: dict) -> None:
    """Where most rows' applicant columns do not add up to 总计, the columns cannot be
    trusted (seed 000: 自然人 repeats 总计); keep what was printed and say so."""
    t3 = record["tables"]["T3"]
    rows: list[tuple[str, dict]] = []
    for key in t3_row_keys(record["meta"].get("template")):
        node: Any = t3
        for part in key.split("."):
            node = node[part]
        if any(v is not None for v in node.values()):
            rows.append((key, node))
    bad = [(k, r) for k, r in rows
           if sum(r[c] or 0 for c in T3_APPLICANT_COLUMNS) != (r["total"] or 0)]
    if len(rows) >= 2 and len(bad) * 2 >= len(rows) and len(bad) >= 2:
        cells = [f"T3.{k}.{c}" for k, _ in bad for c in T3_APPLICANT_COLUMNS]
        repeats = all(r["natural_person"] == r["total"] for _, r in bad)
        detail = "（自然人列与总计列数值相同，疑为列错位）" if repeats else ""
        add_warning(record, "t3_columns_untrusted",
                    f"表三有 {len(bad)} 行申请人各列之和不等于总计{detail}：申请人各列不可信，"
                    f"只有总计列可信。数据按原样保留，未作更正。", cells)


def _alternative_rows(keys: list[str], matched: set[int]) -> frozenset[int]:
    """（六）其他处理 is printed either as one row (other_total) or as its three sub-rows
    (other.*), never both: once one form is matched, the other is no free slot for a row
    whose label was not recognized."""
    has_sub = any(keys[k].startswith("other.") for k in matched)
    has_total = any(keys[k] == "other_total" for k in matched)
    return frozenset(i for i, key in enumerate(keys)
                     if (has_sub and key == "other_total") or (has_total and key.startswith("other.")))


def parse_t3(rows: list[Row], template: str, record: dict) -> dict | None:
    if not rows:
        return None
    table = {r["key"]: r for r in load_csv("t3_rows.csv")}
    wanted = set(t3_row_keys(template))
    keys = [k for k in table if k in wanted]
    units = make_units(rows, T3_WIDTH, split_tails=True, align_columns=True)
    _assign_groups(units)
    keywords = {k: table[k]["keywords"] for k in keys}
    groups = {k: table[k]["group"] for k in keys}
    match = align(units, keys, keywords, groups)
    placed = fill_by_position(units, len(keys), match, unrecognized(units, keywords),
                              _alternative_rows(keys, set(match.values())))
    t3 = empty_t3(template)
    for u_idx, k_idx in sorted({**match, **placed}.items()):
        key = keys[k_idx]
        if u_idx in placed:
            shown = f"“{units[u_idx].label}”" if units[u_idx].label else f"第 {u_idx + 1} 行"
            add_warning(record, "t3_label_missing",
                        f"表三{shown}无可识别的标签，按模板顺序记为“{key}”。",
                        [f"T3.{key}.{c}" for c in T3_COLUMNS])
        node = t3
        *parents, leaf = key.split(".")
        for p in parents:
            node = node[p]
        node[leaf] = _t3_values(units[u_idx], key, record)
    used = set(match) | set(placed)
    for i, u in enumerate(units):
        if i not in used and u.has_values:
            add_warning(record, "t3_row_unmatched",
                        f"表三一行“{u.label or '（无标签）'}”未能对应到模板中的任何一行，其数字未采用。")
    return t3


# --------------------------------------------------------------------------- T2

def parse_t2(rows: list[Row], template: str, record: dict) -> dict | None:
    if not rows:
        return None
    spec = load_csv("t2_rows.csv")
    col_field = f"columns_{template}"
    keys = [r["row"] for r in spec if r[col_field].split()]
    columns = {r["row"]: r[col_field].split() for r in spec}
    keywords = {r["row"]: r["keywords"] for r in spec}
    units = [u for u in make_units(rows, 3, split_tails=False)
             if u.has_values or u.tabular and u.norm and not re.search("信息内容|第二十条", u.norm)]
    units = [u for u in units if u.has_values or _score(u.norm, "|".join(keywords[k] for k in keys))]
    match = align(units, keys, keywords)
    placed = fill_by_position(units, len(keys), match, unrecognized(units, {k: keywords[k] for k in keys}))
    if placed:
        add_warning(record, "t2_labels_missing",
                    f"表二有 {len(placed)} 行没有行标签，按模板顺序读取"
                    f"（{'、'.join(keys[k] for k in sorted(placed.values()))}）。",
                    [f"T2.{keys[k]}.{c}" for k in sorted(placed.values()) for c in columns[keys[k]]])
    t2 = empty_t2(template)
    money = {("fees", "amount"), ("procurement", "amount")}
    for u_idx, k_idx in sorted({**match, **placed}.items()):
        row_key = keys[k_idx]
        cols = columns[row_key]
        values = [c for c in units[u_idx].values]
        while len(values) > len(cols) and values and values[-1].value is None:
            values.pop()
        if len(values) > len(cols):
            add_warning(record, "t2_row_too_long",
                        f"表二“{units[u_idx].label or row_key}”一行印有 {len(values)} 个数，"
                        f"多于 {len(cols)} 列；只取前 {len(cols)} 个。",
                        [f"T2.{row_key}.{c}" for c in cols])
        if len(cols) > 1 and len(values) < len(cols) and not units[u_idx].positional \
                and any(c.value is not None for c in values):
            add_warning(record, POSITIONS_UNKNOWN,
                        f"表二“{units[u_idx].label or row_key}”一行只印有 {len(values)} 个数，少于 "
                        f"{len(cols)} 列，且版面没有留下空白单元格的位置：本行记为未读取。",
                        [f"T2.{row_key}.{c}" for c in cols])
            continue
        for col, cell in zip(cols, values):
            value = cell.value
            if (row_key, col) in money:
                value, converted = to_wan_yuan(cell)
                if converted:
                    add_warning(record, "unit_converted",
                                f"表二 T2.{row_key}.{col} 原文为“{cell.raw.strip()}”（元），"
                                f"已换算为 {value} 万元。", [f"T2.{row_key}.{col}"])
            t2[row_key][col] = value
    return t2


# --------------------------------------------------------------------------- T4

def _t4_header_positions(rows: list[Row]) -> list[int]:
    """Cell positions of the T4 column headers (结果维持 … 总计) over all header rows."""
    found: set[int] = set()
    for row in rows:
        if len(row.cells) < 2:
            continue
        for i, cell in enumerate(row.cells):
            if re.search(T4_COLUMN_HEADER, norm_text(cell)):
                found.add(i)
    return sorted(found)


def parse_t4(rows: list[Row], record: dict) -> dict | None:
    if not rows:
        return None
    cells: list[Cell] = []
    tabular = False
    positions = _t4_header_positions(rows)
    for row in rows:
        if row.is_blank or not is_numeric_row(row):
            continue
        if len(row.cells) > 1 or row.source == "table":
            raw = list(row.cells)
            inner = raw[:max((i for i, c in enumerate(raw) if c.strip()), default=-1) + 1]
            # Gap-cut cells of a table without rules keep no blanks: positions unknown.
            tabular = tabular or row.source == "table" or len(raw) >= T4_WIDTH \
                or any(not c.strip() for c in inner)
            if not cells and len(positions) == T4_WIDTH and len(raw) > positions[-1]:
                # Read the cells under the 15 header columns; anything outside them is
                # not a T4 value (seed 001 prints an extra cell after the last column).
                extra = [c for i, c in enumerate(raw) if i not in positions and c.strip()]
                if extra:
                    add_warning(record, "t4_extra_cells",
                                f"表四数据行在 15 个表头列之外还有 {len(extra)} 个数（{'、'.join(extra)}），未采用。")
                raw = [raw[i] for i in positions]
            while raw and not raw[-1].strip():
                raw.pop()
            while len(raw) > T4_WIDTH and not raw[0].strip():
                raw.pop(0)
            cells.extend(parse_number(c) or Cell(None) for c in raw)
        else:
            cells.extend(parse_number(t) or Cell(None) for t in row.text.split())
        if len(cells) >= T4_WIDTH:
            break
    t4 = empty_t4()
    if not cells:
        return t4
    paths = [f"T4.{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS]
    if len(cells) > T4_WIDTH:
        add_warning(record, "t4_too_long", f"表四印有 {len(cells)} 个数，多于 15 个；只取前 15 个。", paths)
        cells = cells[:T4_WIDTH]
    elif len(cells) < T4_WIDTH:
        if tabular:
            cells = cells + [Cell(None)] * (T4_WIDTH - len(cells))
        else:
            # Blank cells left no trace in the text layout: which of the 15 columns the
            # printed numbers belong to is unknown.  Never guess.
            shown = " ".join(c.raw.strip() for c in cells)
            add_warning(record, POSITIONS_UNKNOWN,
                        f"表四只印有 {len(cells)} 个数（{shown}），少于 15 个，且版面没有留下空白单元格的位置："
                        f"无法判断各数属于哪一列，表四 15 个单元格记为未读取。", paths)
            return t4
    for path, cell in zip(paths, cells):
        _, group, col = path.split(".")
        t4[group][col] = cell.value
    return t4


# --------------------------------------------------------------------------- template

def detect_template(layout: Layout, year: int | None) -> tuple[str | None, str]:
    """(template, how): from the T2 column headers, else from the year."""
    cfg = config()
    t2_text = norm_text("".join(r.text for r in layout.t2_rows))
    if any(h in t2_text for h in cfg["t2_header_2021"]):
        return "2021", "t2_header"
    if any(h in t2_text for h in cfg["t2_header_2019"]):
        return "2019", "t2_header"
    if year is None:
        return None, "unknown"
    if year >= 2021:
        return "2021", "year"
    if year >= 2019:
        return "2019", "year"
    return None, "pre2019"


def normalize_tables(layout: Layout, record: dict) -> None:
    """Fill record["tables"], record["meta"]["template"] and the status."""
    meta = record["meta"]
    template = meta.get("template")
    if template is None:
        template, how = detect_template(layout, meta.get("year"))
        if how == "pre2019":
            add_warning(record, "tables_not_parsed",
                        f"{meta.get('year')} 年的报告早于 2019 年模板，表格格式不统一：保留原文，表格未解析。")
            record["status"] = "no_tables"
            meta["provenance"]["template"] = "missing"
            return
        if template is None:
            template = "2021"
            add_warning(record, "template_assumed", "无法从表头或年份判断模板，按 2021 年模板解析。")
            meta["provenance"]["template"] = "missing"
        else:
            meta["provenance"]["template"] = "text"
        meta["template"] = template
    elif template not in ("2021", "2019"):
        add_warning(record, "template_unknown", f"未知模板 {template}，按 2021 年模板解析。")
        template = "2021"
    record["tables"]["T2"] = parse_t2(layout.t2_rows, template, record)
    record["tables"]["T3"] = parse_t3(layout.t3_rows, template, record)
    record["tables"]["T4"] = parse_t4(layout.t4_rows, record)
    if record["tables"]["T3"] is not None:
        _flag_scrambled(record)
    present = [t for t in ("T2", "T3", "T4") if record["tables"][t] is not None]
    if not present:
        record["status"] = "no_tables"
        add_warning(record, "no_tables", "未找到统计表（表二、表三、表四）。")
    elif len(present) < 3:
        record["status"] = "partial"
        missing = [t for t in ("T2", "T3", "T4") if t not in present]
        add_warning(record, "table_missing", f"未找到{'、'.join(missing)}。")


def normalize(layout: Layout, record: dict) -> None:
    """Pipeline entry point (see ``normalize_tables``)."""
    normalize_tables(layout, record)

"""Word reader: .docx through python-docx; legacy .doc converted by LibreOffice first.

The body is read in document order: each paragraph gives one text row per printed line
(soft line breaks ``<w:br/>`` split it; tabs split a line into cells, as in the text
seeds), and each table gives table rows (``source="table"``, one ``table_id`` per table).

Merged cells, read from the table XML so each grid position is seen once:
* a horizontal span (``gridSpan``; python-docx repeats the same cell object for each grid
  column it covers) gives its text in the first column and ``""`` in the others;
* a vertical merge (``vMerge``) gives its text in the first row only and ``""`` in the
  rows it continues into;
* columns skipped before or after a row's cells (``gridBefore``/``gridAfter``) are ``""``.
So a merged cell's text sits in its first grid position and the positions it spans are
``""`` -- the convention of every reader.  Paragraphs inside a cell are joined as PDF cell
lines are (no separator between CJK characters).  Nested tables are flattened into their
cell's text.  Page headers and footers (running heads, page numbers) are not read.
Word's automatic list numbers (一、 （一） 1., from numbering.xml and paragraph styles) are
printed before their paragraphs, since headings often carry their numeral only there.

A .doc (Word 97-2003) is converted to .docx by LibreOffice first (``libreoffice.py``);
without LibreOffice the reader refuses it with ReadError(code="needs_libreoffice").
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Iterator

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from ..document import Document, Row
from ..errors import ReadError
from .cells import join_cell_lines, tidy_grid
from .libreoffice import convert_doc

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _w(tag: str) -> str:
    return _W + tag


def _run_text(el: Any) -> str:
    """Text of a paragraph-level element: runs, hyperlinks, fields; tabs and breaks kept."""
    out: list[str] = []
    for node in el.iter():
        tag = node.tag
        if tag == _w("t"):
            out.append(node.text or "")
        elif tag == _w("tab"):
            # A tab stop inside a paragraph (not the tab-stop definition in w:pPr).
            if node.getparent() is not None and node.getparent().tag == _w("r"):
                out.append("\t")
        elif tag in (_w("br"), _w("cr")):
            if node.get(_w("type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
    return "".join(out)


_CN_DIGITS = "零一二三四五六七八九"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (list numbers)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's w:numFmt styles."""
    if fmt.startswith(("chineseCounting", "chineseLegal", "ideographDigital",
                       "japaneseCounting", "taiwaneseCounting")):
        return chinese_number(n)
    if fmt == "ideographTraditional":
        return _HEAVENLY_STEMS[(n - 1) % 10]
    if fmt.startswith("decimalEnclosedCircle"):
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return str(n)


class Numbering:
    """Word's automatic list numbers (一、 （一） 1.), which are not in the text runs.

    Headings such as 一、总体情况 are often numbered by Word itself; without this the
    reader would see only 总体情况.  Counters run per list in document order.
    """

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self.levels: dict[tuple[str, int], tuple[int, str, str]] = {}
        self.abstract_of: dict[str, str] = {}
        self.overrides: dict[tuple[str, int], int] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.style_base: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            for an in numbering.findall(_w("abstractNum")):
                aid = an.get(_w("abstractNumId"), "")
                for lvl in an.findall(_w("lvl")):
                    ilvl = int(lvl.get(_w("ilvl"), "0"))
                    self.levels[(aid, ilvl)] = (
                        _int_attr(lvl, "start") or 1, _val(lvl, "numFmt") or "decimal",
                        _val(lvl, "lvlText") or "")
            for num in numbering.findall(_w("num")):
                nid = num.get(_w("numId"), "")
                self.abstract_of[nid] = _val(num, "abstractNumId") or ""
                for ov in num.findall(_w("lvlOverride")):
                    start = ov.find(_w("startOverride"))
                    if start is not None:
                        self.overrides[(nid, int(ov.get(_w("ilvl"), "0")))] = \
                            int(start.get(_w("val"), "1"))
        if styles is not None:
            for st in styles.findall(_w("style")):
                sid = st.get(_w("styleId"), "")
                based = st.find(_w("basedOn"))
                if based is not None:
                    self.style_base[sid] = based.get(_w("val"), "")
                ppr = st.find(_w("pPr"))
                numpr = ppr.find(_w("numPr")) if ppr is not None else None
                if numpr is not None:
                    ilvl = numpr.find(_w("ilvl"))
                    self.style_num[sid] = (_val(numpr, "numId"),
                                           int(ilvl.get(_w("val"), "0")) if ilvl is not None else None)

    def _num_pr(self, p: Any) -> tuple[str | None, int]:
        ppr = p.find(_w("pPr"))
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        nid: str | None = None
        ilvl: int | None = None
        if numpr is not None:
            nid = _val(numpr, "numId")
            lv = numpr.find(_w("ilvl"))
            ilvl = int(lv.get(_w("val"), "0")) if lv is not None else None
        style = _val(ppr, "pStyle") if ppr is not None else None
        seen: set[str] = set()
        while (nid is None or ilvl is None) and style and style not in seen:
            seen.add(style)
            snid, silvl = self.style_num.get(style, (None, None))
            nid = nid if nid is not None else snid
            ilvl = ilvl if ilvl is not None else silvl
            style = self.style_base.get(style)
        return nid, ilvl or 0

    def label(self, p: Any) -> str:
        """The number Word prints before paragraph ``p`` ("" if none); advances counters."""
        if not self.levels:
            return ""
        nid, ilvl = self._num_pr(p)
        if not nid or nid == "0" or nid not in self.abstract_of:
            return ""
        aid = self.abstract_of[nid]
        level = self.levels.get((aid, ilvl))
        if level is None:
            return ""
        counters = self.counters.setdefault(nid, {})
        start = self.overrides.get((nid, ilvl), level[0])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, text = level
        if fmt in ("bullet", "none"):
            return ""

        def repl(m: "re.Match[str]") -> str:
            k = int(m.group(1)) - 1
            lv = self.levels.get((aid, k))
            n = counters.get(k, self.overrides.get((nid, k), lv[0] if lv else 1))
            return format_number(n, lv[1] if lv else "decimal")

        return re.sub(r"%(\d)", repl, text)


def _val(el: Any, child: str) -> str | None:
    if el is None:
        return None
    c = el.find(_w(child))
    return None if c is None else c.get(_w("val"))


def _paragraph_lines(p: Any, numbering: Numbering | None = None) -> list[str]:
    lines = _run_text(p).split("\n")
    if numbering is not None:
        label = numbering.label(p)
        if label:
            lines[0] = label + lines[0].lstrip()
    return lines


def _cell_text(tc: Any, numbering: Numbering | None = None) -> str:
    lines: list[str] = []
    for p in tc.iter(_w("p")):
        lines.extend(_paragraph_lines(p, numbering))
    return join_cell_lines("\n".join(line.replace("\t", " ") for line in lines))


def _int_attr(el: Any, child: str) -> int:
    if el is None:
        return 0
    c = el.find(_w(child))
    if c is None:
        return 0
    try:
        return int(c.get(_w("val"), "0"))
    except ValueError:
        return 0


def table_grid(tbl: Any, numbering: Numbering | None = None) -> list[list[str]]:
    """A <w:tbl> as a full grid of texts (see the module docstring for merges)."""
    grid_cols = tbl.find(_w("tblGrid"))
    rows: list[list[str]] = []
    starts: list[list[bool]] = []
    for tr in tbl.findall(_w("tr")):
        trpr = tr.find(_w("trPr"))
        before = _int_attr(trpr, "gridBefore")
        cells: list[str] = [""] * before
        start: list[bool] = [False] * before
        for tc in tr.findall(_w("tc")):
            tcpr = tc.find(_w("tcPr"))
            span = max(1, _int_attr(tcpr, "gridSpan"))
            vmerge = tcpr.find(_w("vMerge")) if tcpr is not None else None
            # <w:vMerge/> without val continues the merge; val="restart" starts it.
            continues = vmerge is not None and vmerge.get(_w("val"), "continue") == "continue"
            cells.append("" if continues else _cell_text(tc, numbering))
            start.append(True)
            cells.extend([""] * (span - 1))
            start.extend([False] * (span - 1))
        rows.append(cells)
        starts.append(start)
    # A grid column a few twips wide is an artifact of cell edges that almost line up.
    narrow = frozenset(i for i, g in enumerate(grid_cols.findall(_w("gridCol")))
                       if _twips(g) < _SLIVER_TWIPS) if grid_cols is not None else frozenset()
    return tidy_grid(rows, starts, narrow)[0]


# Narrower than one character of 5-point text: no text can sit in such a grid column.
_SLIVER_TWIPS = 60


def _twips(grid_col: Any) -> int:
    try:
        return int(float(grid_col.get(_w("w"), "9999")))
    except ValueError:
        return 9999


def _body_blocks(body: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body in order, looking inside content controls."""
    for child in body:
        if child.tag in (_w("p"), _w("tbl")):
            yield child
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _body_blocks(content)


def rows_from_docx(path: Path) -> list[Row]:
    import docx

    document = docx.Document(str(path))
    numbering = Numbering(_related_xml(document.part, RT.NUMBERING),
                          _related_xml(document.part, RT.STYLES))
    rows: list[Row] = []
    table_id = 0
    for block in _body_blocks(document.element.body):
        if block.tag == _w("p"):
            for line in _paragraph_lines(block, numbering):
                if line.strip():
                    rows.append(Row(tuple(c.strip() for c in line.split("\t")), "text"))
        else:
            grid = table_grid(block, numbering)
            if not grid:
                continue
            table_id += 1
            rows.extend(Row(tuple(r), "table", None, table_id) for r in grid)
    return rows


def _related_xml(part: Any, reltype: str) -> Any | None:
    """The XML root of a related part (numbering, styles), or None if the file has none."""
    try:
        return part.part_related_by(reltype).element
    except (KeyError, AttributeError):
        return None


def read(path: str | Path, fmt: str = "docx") -> Document:
    from . import sha256_file

    p = Path(path)
    doc = Document(path=str(p), format=fmt, sha256=sha256_file(p))
    if fmt == "doc":
        with tempfile.TemporaryDirectory(prefix="doc2docx-") as tmp:
            converted = convert_doc(p, Path(tmp))
            doc.rows = _read_docx(converted, p)
        doc.warnings.append("legacy .doc converted to .docx with LibreOffice")
        return doc
    doc.rows = _read_docx(p, p)
    return doc


def _read_docx(docx_path: Path, original: Path) -> list[Row]:
    if not zipfile.is_zipfile(docx_path):
        raise ReadError(str(original), "not a Word .docx file (not a zip package)",
                        code="corrupt")
    try:
        return rows_from_docx(docx_path)
    except ReadError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types for a damaged package
        raise ReadError(str(original), f"Word file is damaged and cannot be read "
                        f"({type(exc).__name__}: {str(exc)[:120]})", code="corrupt") from exc

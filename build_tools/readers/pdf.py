"""PDF reader: pdfplumber's ruled tables as table rows, everything else as text lines.

One pass per page: ``find_tables()`` once, each table's cells extracted once, and the words
outside the tables grouped into lines.  Tables and lines are then put in reading order (top
to bottom), so a table sits where the page prints it.

Cells of a ruled table (``source="table"``): every row of one table shares a ``table_id``;
a merged cell's text is in its first grid position and the positions it spans are ``""``
(pdfplumber reports them as missing cells).  A table that continues on the next page (same
columns, first thing on the page) keeps its ``table_id``; a row split by the page break
comes out as a row with blank labels, kept as it is.  Lines inside a cell are joined without
a separator between CJK characters (商业\\n企业 -> 商业企业), so a label printed one character
per line (三、本年度办理结果 in a narrow column) reads as one label.

Text outside ruled tables (``source="text"``): words grouped into lines; a wide gap
between words starts a new cell, so a table drawn without rules still comes out as
tab-separated cells, like the text seeds.  Page numbers (``- 3 -``, ``— 1 —``, ``第3页``)
are dropped; running heads and other lines are kept.

A PDF without any characters (a scan) is a Document with status ``no_text_layer`` and no
rows: it needs OCR, and nothing is guessed.  Encrypted, truncated or otherwise unreadable
files raise ReadError with codes ``encrypted``, ``corrupt`` or ``not_pdf``.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable

from ..document import Document, Row
from ..errors import ReadError
from .cells import is_cjk, join_cell_lines, tidy_grid

# Page-number lines: "- 3 -", "— 1 —", "－2－", "第 3 页", "3/12", "第3页 共6页".
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－―~～]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?"
    r"[\s\-—–－―~～]*$")
_DASHED = re.compile(r"[\-—–－―~～]|页")

# A gap between words wider than this many character heights separates cells: cell
# padding of a table drawn without rules is about one character; justified CJK text and
# the space LibreOffice/Word put between CJK and Latin stay well below it.
_CELL_GAP = 1.0

# Share of the page height at top and bottom where a bare number is a page number.
_MARGIN_BAND = 0.1


def is_page_number(text: str, top: float, bottom: float, page_height: float) -> bool:
    """A line that is only a page number (dashes make it one anywhere; bare digits only
    in the top or bottom margin, so a title line "2021" is kept)."""
    t = text.strip()
    if not t or not _PAGE_NUMBER.match(t):
        return False
    if _DASHED.search(t):
        return True
    band = page_height * _MARGIN_BAND
    return top < band or bottom > page_height - band


@dataclass
class _Item:
    """A table or a text line on a page, placed by its top edge."""

    top: float
    rows: list[tuple[str, ...]]
    is_table: bool
    x0: float = 0.0
    x1: float = 0.0
    lefts: tuple[float, ...] = ()                 # left edge of each grid column
    boxes: tuple[tuple[Any, ...], ...] = ()       # each row's cell boxes (None: spanned)

    @property
    def ncols(self) -> int:
        return len(self.lefts)

    def regrid(self, lefts: tuple[float, ...]) -> list[tuple[str, ...]]:
        """This table's rows placed on another table's columns (by each cell's left
        edge): the part of a table on a new page may lack columns whose cells are merged
        there, e.g. a single row with one cell spanning three value columns."""
        out = []
        for row, boxes in zip(self.rows, self.boxes):
            cells = [""] * len(lefts)
            for text, box in zip(row, boxes):
                if box is None:
                    continue
                i = min(range(len(lefts)), key=lambda k: abs(lefts[k] - box[0]))
                cells[i] = text
            out.append(tuple(cells))
        return out


def _line_cells(words: list[dict[str, Any]]) -> tuple[str, ...]:
    """Join one line's words; a gap wider than about a character separates cells."""
    words = sorted(words, key=lambda w: w["x0"])
    size = statistics.median(w["bottom"] - w["top"] for w in words) or 10.0
    cells: list[str] = []
    cur = ""
    prev: dict[str, Any] | None = None
    for w in words:
        text = w["text"]
        if prev is not None:
            gap = w["x0"] - prev["x1"]
            if gap > _CELL_GAP * size:
                cells.append(cur)
                cur = ""
            elif not (is_cjk(cur[-1:]) and is_cjk(text[:1])):
                cur += " "      # a real space, except where CJK meets CJK
        cur += text
        prev = w
    cells.append(cur)
    return tuple(c.strip() for c in cells)


def _group_lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group words into lines: a word belongs to a line when it overlaps it vertically."""
    lines: list[list[dict[str, Any]]] = []
    bounds: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        h = w["bottom"] - w["top"]
        for i in range(len(lines) - 1, max(-1, len(lines) - 3), -1):
            top, bottom = bounds[i]
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            if overlap > 0.5 * min(h, bottom - top):
                lines[i].append(w)
                bounds[i] = (min(top, w["top"]), max(bottom, w["bottom"]))
                break
        else:
            lines.append([w])
            bounds.append((w["top"], w["bottom"]))
    return lines


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def page_items(page: Any) -> list[_Item]:
    """Tables and text lines of one page in reading order, page numbers dropped."""
    items: list[_Item] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in page.find_tables():
        data = table.extract()
        # A single boxed cell is a framed paragraph, not a table: read it as text.
        if len(data) < 2 and all(len(r) < 2 for r in data):
            continue
        edges = [col.bbox[0] for col in table.columns] + [table.bbox[2]]
        narrow = frozenset(c for c in range(len(edges) - 1) if edges[c + 1] - edges[c] < 2.0)
        grid, kept = tidy_grid([[join_cell_lines(c or "") for c in r] for r in data],
                               [[c is not None for c in r] for r in data], narrow)
        x0, top, x1, _ = table.bbox
        boxes.append(table.bbox)
        items.append(_Item(top, [tuple(r) for r in grid], True, x0, x1,
                           tuple(edges[c] for c in kept),
                           tuple(tuple(r.cells) for r in table.rows)))
    outside = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes)) \
        if boxes else page
    words = outside.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
    for line in _group_lines(words):
        top = min(w["top"] for w in line)
        bottom = max(w["bottom"] for w in line)
        cells = _line_cells(line)
        if is_page_number(" ".join(cells), top, bottom, float(page.height)):
            continue
        items.append(_Item(top, [cells], False))
    items.sort(key=lambda it: it.top)
    return items


def _continues(prev: _Item | None, item: _Item, between: Iterable[_Item]) -> bool:
    """A table at the top of a page continues the previous page's last table when the
    columns line up and nothing but short lines (a running head) came in between."""
    if prev is None or not item.is_table:
        return False
    if abs(prev.x0 - item.x0) > 3 or abs(prev.x1 - item.x1) > 3:
        return False
    # Every column edge of the continuation must be one of the previous table's edges.
    if any(min(abs(a - b) for b in prev.lefts) > 3 for a in item.lefts):
        return False
    return all(not it.is_table and len("".join(it.rows[0])) <= 40 for it in between)


def _is_label(text: str) -> bool:
    t = text.strip()
    return bool(t) and not re.fullmatch(r"[\d\s,，.．\-－+%元万件宗个项]+", t)


def is_split_row(prev: tuple[str, ...], first: tuple[str, ...]) -> bool:
    """The first row of a table continued on a new page is the rest of the previous
    page's last row (a row broken by the page break: "1657" above, "180元" below) when
    the row above has a label and this one has none, and is blank under that label.
    A row of its own under a merged label still prints its own label (an item such as
    "5.属于三类内部事务信息"), and a T4 value row under its header prints numbers under
    the header's labels, so neither is joined."""
    if len(prev) != len(first) or not any(c.strip() for c in first):
        return False
    labels = [i for i, c in enumerate(prev) if _is_label(c)]
    if not labels or any(first[i].strip() for i in labels) or any(_is_label(c) for c in first):
        return False
    # Text only under the row's value cells (split numbers) or under its blank cells (a
    # value set low in a tall row), never a label: the row's own label is above.
    return True


def join_split_row(prev: tuple[str, ...], first: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(join_cell_lines(a + "\n" + b) for a, b in zip(prev, first))


_SAME_CHAR = itemgetter("upright", "text", "fontname", "size")
_POSITION = itemgetter("doctop", "x0")


def dedupe_chars(page: Any, tolerance: float = 1) -> Any:
    """``page.dedupe_chars()``: the page without the second copy of a character printed
    twice at (nearly) the same place, the same clusters kept as pdfplumber keeps them.
    pdfplumber puts the kept characters back in page order with ``sorted(key=chars.index)``,
    one list scan per character (a third of the reading time of the benchmark's PDFs);
    the kept ones are marked by identity here and the page filtered, which keeps that
    order in one pass."""
    from pdfplumber.utils import cluster_objects

    kept: set[int] = set()
    for _, same in itertools.groupby(sorted(page.chars, key=_SAME_CHAR), key=_SAME_CHAR):
        for row in cluster_objects(list(same), itemgetter("doctop"), tolerance):
            for spot in cluster_objects(row, itemgetter("x0"), tolerance):
                kept.add(id(min(spot, key=_POSITION)))
    return page.filter(lambda o: o.get("object_type") != "char" or id(o) in kept)


@dataclass
class PageScan:
    """What the pages held: rows, and the pages without any characters."""

    rows: list[Row]
    pages: int
    chars: int
    empty_pages: list[int]


def rows_from_pages(pages: Iterable[Any]) -> PageScan:
    """Rows of every page, in reading order, tables continued across page breaks."""
    rows: list[Row] = []
    empty: list[int] = []
    table_id = 0
    n_pages = n_chars = 0
    last_table: _Item | None = None      # last table of the previous page, if it ended it
    last_id = 0
    last_row: int | None = None          # index in rows of that table's last row
    for page in pages:
        n_pages += 1
        n_chars += len(page.chars)
        if not page.chars:
            empty.append(n_pages)
            last_table = None
            continue
        # Generators often fake bold by printing each character twice, slightly shifted;
        # without this a cell "12" would read "1122".
        page = dedupe_chars(page)
        items = page_items(page)
        pending: list[_Item] = []         # text lines seen before the first table
        first = True
        for it in items:
            if it.is_table:
                cont = first and last_table is not None and _continues(last_table, it, pending)
                if cont:
                    assert last_table is not None
                    tid = last_id
                    table_rows = it.regrid(last_table.lefts)
                    it.lefts = last_table.lefts
                    if table_rows and last_row is not None and \
                            is_split_row(rows[last_row].cells, table_rows[0]):
                        rows[last_row] = Row(join_split_row(rows[last_row].cells, table_rows[0]),
                                             "table", rows[last_row].page, tid)
                        table_rows = table_rows[1:]
                else:
                    table_id += 1
                    tid = table_id
                    table_rows = it.rows
                first = False
                rows.extend(Row(cells, "table", n_pages, tid) for cells in table_rows)
                last_id = tid
                last_row = len(rows) - 1 if table_rows else last_row
            else:
                if first:
                    pending.append(it)
                rows.append(Row(it.rows[0], "text", n_pages, None))
        # The table continues only if it was the last thing on the page (short trailing
        # lines such as a footer note are allowed).
        last_table = None
        for it in reversed(items):
            if it.is_table:
                last_table = it
                break
            if len("".join(it.rows[0])) > 40:
                break
    return PageScan(rows, n_pages, n_chars, empty)


def _check_bytes(p: Path) -> None:
    with open(p, "rb") as fh:
        head = fh.read(1024)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 4096))
        tail = fh.read()
    if b"%PDF" not in head:
        raise ReadError(str(p), "not a PDF file: no %PDF header (wrong extension or a "
                        "saved error page?)", code="not_pdf")
    if b"%%EOF" not in tail:
        # pdfminer would rebuild what it can from a cut file and silently lose pages.
        raise ReadError(str(p), "PDF is truncated or damaged: no %%EOF end marker",
                        code="corrupt")


def _classify(exc: BaseException) -> str:
    """Map pdfminer's exceptions (possibly wrapped by pdfplumber) to an error code."""
    seen: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in seen:
        seen.append(e)
        e = e.__cause__ or e.__context__
    for e in seen:
        name = type(e).__name__
        if "Password" in name or "Encryption" in name or "encrypt" in str(e).lower():
            return "encrypted"
        for arg in getattr(e, "args", ()):
            if isinstance(arg, BaseException) and "Password" in type(arg).__name__:
                return "encrypted"
    return "corrupt"


def read(path: str | Path, fmt: str = "pdf") -> Document:
    import pdfplumber
    from . import sha256_file

    p = Path(path)
    _check_bytes(p)
    doc = Document(path=str(p), format="pdf", sha256=sha256_file(p))
    try:
        with pdfplumber.open(p) as pdf:
            scan = rows_from_pages(pdf.pages)
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        code = _classify(exc)
        if code == "encrypted":
            raise ReadError(str(p), "PDF is encrypted (password protected); it cannot be "
                            "read without the password", code="encrypted") from exc
        raise ReadError(str(p), f"PDF is damaged and cannot be read ({type(exc).__name__}: "
                        f"{str(exc)[:120]})", code="corrupt") from exc
    doc.pages = scan.pages
    if scan.chars == 0:
        doc.status = "no_text_layer"
        doc.warnings.append("no text layer, needs OCR")
        return doc
    if scan.empty_pages:
        # A scanned page inside a text PDF: its tables are missing, not zero.
        listed = ", ".join(map(str, scan.empty_pages))
        doc.warnings.append(f"page(s) {listed} have no text layer (scanned?); their "
                            "content is missing")
    doc.rows = scan.rows
    return doc

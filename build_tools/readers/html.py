"""HTML reader: the article body of a saved government web page, as rows.

Steps: decode the bytes (BOM, then the declared charset, then UTF-8, then detection with
charset-normalizer; GB2312/GBK are decoded as their superset GB18030 so no character turns
into mojibake), drop the site chrome (script, style, nav, header, footer, aside, forms and
link lists), pick the article element, and walk it in document order.

Picking the article: no site's class names are trusted.  Starting from <body>, the walk
descends into the child that holds most of the text as long as that child holds nearly all
of it (the report is the bulk of the page once the chrome is gone).  If the chosen element
does not carry the report title, the nearest heading before it that names a report (…报告)
is read first.

Rows: every block element (p, div, h1-h6, li, …) ends a text row and ``<br>`` breaks a
line, so each row is one printed line (``source="text"``).  A data table (one without
nested tables) becomes table rows (``source="table"``, one ``table_id`` per table) on a
grid expanded from rowspan/colspan: a merged cell's text is in its first grid position
and the positions it spans are ``""``; ``&nbsp;`` cells are ``""``.  Lines inside a cell
are joined like the PDF reader joins them (no separator between CJK characters).  Tables
that only lay out the page (they contain tables) are walked as blocks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..document import Document, Row
from ..errors import ReadError
from .cells import is_cjk, join_cell_lines, tidy_grid

# Elements that are never report text.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed",
              "nav", "header", "footer", "aside", "form", "button", "select", "input",
              "textarea", "svg", "canvas", "video", "audio", "head", "title", "meta", "link")

_BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
    "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "address", "figure",
    "figcaption", "hr", "body", "html", "tr", "td", "th", "table", "tbody", "thead",
    "tfoot", "caption"))

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

# Charset labels decoded as a superset so that every character of the page survives.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030",
              "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
              "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "utf-8",
              "us-ascii": "utf-8", "big5": "big5hkscs"}

# An element with more link text than this share of its text is a menu or a link list.
_LINK_DENSITY = 0.5
# Descend into a child while it holds at least this share of its parent's text.
_DESCEND_SHARE = 0.85


def decode(data: bytes, path: str = "") -> tuple[str, list[str]]:
    """Bytes of a page -> text, with warnings saying how the encoding was found.

    Valid UTF-8 is taken as UTF-8 whatever the page declares: GBK text is almost never
    valid UTF-8, while GB18030 happily decodes UTF-8 bytes into mojibake, and saved pages
    often keep a stale ``charset=gb2312`` after being re-encoded.
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), warnings
    m = _META_CHARSET.search(data[:8192])
    label = m.group(1).decode("ascii").lower() if m else None
    try:
        text = data.decode("utf-8")
        if label and _SUPERSETS.get(label, label) not in ("utf-8", "utf8") and not text.isascii():
            warnings.append(f"page declares {label} but its bytes are UTF-8; read as UTF-8")
        return text, warnings
    except UnicodeDecodeError:
        pass
    if label:
        try:
            return data.decode(_SUPERSETS.get(label, label)), warnings
        except (LookupError, UnicodeDecodeError):
            warnings.append(f"declared charset {label} does not fit the bytes")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError(path, "cannot determine the text encoding of this HTML page",
                        code="encoding")
    codec = _SUPERSETS.get(best.encoding.lower(), best.encoding)
    warnings.append(f"charset detected as {best.encoding}")
    return data.decode(codec, errors="replace"), warnings


def _collapse(text: str) -> str:
    """HTML whitespace rules: runs collapse to one space; a line break between two CJK
    characters disappears (CSS Text 3 segment-break rule), as browsers show it."""
    text = text.replace("\xa0", " ").replace("\u3000", " ")
    text = re.sub(r"\s*\n\s*", "\n", text)
    out = []
    for i, ch in enumerate(text):
        if ch == "\n":
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            out.append("" if is_cjk(prev) and is_cjk(nxt) else " ")
        else:
            out.append(ch)
    return re.sub(r"[ \t\r\f\v]+", " ", "".join(out))


_SPACE = re.compile(r"\s+")
# Elements scanned as possible link lists (menus, breadcrumbs, "related articles").
_LINK_LIST_TAGS = frozenset(("div", "ul", "ol", "table", "section"))


def _text_len(el) -> int:
    return len(_SPACE.sub("", el.get_text()))


def _tags(root, names) -> list:
    """Every tag under ``root`` named one of ``names``, in document order: what
    ``root.find_all(names)`` finds, without going through bs4's general matching (names,
    attributes, functions, patterns) for every element."""
    from bs4 import Tag

    return [t for t in root.descendants if isinstance(t, Tag) and t.name in names]


def text_sizes(root) -> dict[int, tuple[int, int]]:
    """For each tag under ``root`` (by ``id``): its text length, whitespace not counted,
    and the part of it inside links, as ``_text_len(el)`` and ``sum(_text_len(a) for a in
    el.find_all("a"))`` give them, counted in one pass from the leaves up instead of once
    per ancestor.  Only the strings ``get_text()`` reads count (no comments, no ruby
    annotations); that holds for tags that are not string containers (``script``, ``rt``…),
    the only ones asked about."""
    from bs4 import CData, NavigableString, Tag

    counted = (NavigableString, CData)
    sizes: dict[int, tuple[int, int]] = {}
    # Children before parents without recursion: a scraped page may nest thousands deep.
    order: list = []
    stack = [root]
    while stack:
        el = stack.pop()
        order.append(el)
        stack.extend(c for c in el.children if isinstance(c, Tag))
    for el in reversed(order):
        total = linked = 0
        for c in el.children:
            if isinstance(c, Tag):
                t, inside = sizes[id(c)]
                total += t
                linked += inside + (t if c.name == "a" else 0)
            elif type(c) in counted:
                total += len(_SPACE.sub("", c))
        sizes[id(el)] = (total, linked)
    return sizes


def _strip_chrome(soup) -> None:
    for tag in _tags(soup, _DROP_TAGS):
        if getattr(tag, "decomposed", False):
            continue
        # An <article>'s own <header> holds its title, not the site's banner.
        if tag.name == "header" and tag.find_parent(["article", "main"]):
            continue
        tag.decompose()
    # Link lists (sidebars, breadcrumbs, "related articles"): mostly link text.  Table
    # cells are never removed alone, so a data table keeps its grid.  Elements are taken
    # in document order, so none of an element's own descendants has been removed when
    # its turn comes: the sizes counted before the first removal still hold for it.
    sizes = text_sizes(soup)
    for el in _tags(soup, _LINK_LIST_TAGS):
        if getattr(el, "decomposed", False):
            continue
        total, linked = sizes[id(el)]
        if total == 0:
            continue
        if linked / total > _LINK_DENSITY and total < 400:
            el.decompose()


def _pick_article(body):
    """Descend from body into the child holding nearly all the text."""
    node = body
    while True:
        total = _text_len(node)
        children = [c for c in node.find_all(recursive=False) if getattr(c, "name", None)]
        if not children or total == 0:
            return node
        best = max(children, key=_text_len)
        if (_text_len(best) < _DESCEND_SHARE * total or _is_data_table_part(best)
                or not _has_block_child(best)):
            return node
        node = best


def _has_block_child(el) -> bool:
    """Only containers of blocks are descended into: a single paragraph is never the
    whole article, even when it holds most of the text."""
    return any(c.name in _BLOCK_TAGS or c.name == "br" for c in el.find_all(recursive=False))


def _is_data_table_part(el) -> bool:
    """A data table (no table inside) or a part of one: its rows belong together."""
    table = el if el.name == "table" else el.find_parent("table")
    if el.name not in ("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
        return False
    return table is not None and table.find("table") is None


def _title_before(article) -> str | None:
    """The report title printed above the article body (an <h1> or a centred line)."""
    head = _SPACE.sub("", article.get_text())[:300]
    for el in article.find_all_previous(["h1", "h2", "h3", "td", "div", "p"], limit=40):
        text = _collapse(el.get_text()).strip()
        if 4 <= len(text) <= 80 and "报告" in text and not el.find(["table", "div"]):
            return None if _SPACE.sub("", text) in head else text
    return None


class _Walker:
    """Turns an element tree into rows, in document order."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.line: list[str] = []
        self.table_id = 0

    def flush(self) -> None:
        text = _collapse("".join(self.line)).strip()
        self.line = []
        if text:
            self.rows.append(Row(tuple(c.strip() for c in text.split("\t")), "text"))

    def walk(self, el) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

        for child in el.children:
            if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self.line.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                self.flush()
            elif name == "table" and not child.find("table"):
                self.flush()
                self.table(child)
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, table) -> None:
        grid = expand_table(table)
        if not grid:
            return
        self.table_id += 1
        for cells in grid:
            self.rows.append(Row(tuple(cells), "table", None, self.table_id))


def _cell_text(cell) -> str:
    """A cell's text with its own line breaks (<br>, <p>) joined like PDF cell lines."""
    parts: list[str] = []
    for piece in _iter_lines(cell):
        parts.append(_collapse(piece).strip())
    return join_cell_lines("\n".join(parts))


def _iter_lines(el) -> Iterator[str]:
    from bs4 import NavigableString, Tag
    from bs4.element import Comment

    buf: list[str] = []
    for child in el.descendants:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            if not any(p.name in _DROP_TAGS for p in child.parents if isinstance(p, Tag)):
                buf.append(str(child))
        elif isinstance(child, Tag) and (child.name == "br" or child.name in _BLOCK_TAGS):
            buf.append("\n")
    yield from "".join(buf).split("\n")


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(str(cell.get(attr, "1")).strip() or 1), 200))
    except ValueError:
        return 1


def expand_table(table) -> list[list[str]]:
    """Rows of a table on a full grid: rowspan/colspan expanded, merged text first."""
    taken: dict[tuple[int, int], str] = {}
    starts: set[tuple[int, int]] = set()
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in taken:
                c += 1
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            text = _cell_text(cell)
            starts.add((r, c))
            for dr in range(min(rs, len(rows) - r)):
                for dc in range(cs):
                    taken[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
            c += cs
            width = max(width, c)
    if width == 0:
        return []
    grid = [[taken.get((r, c), "") for c in range(width)] for r in range(len(rows))]
    mask = [[(r, c) in starts for c in range(width)] for r in range(len(rows))]
    return tidy_grid(grid, mask)[0]


def read(path: str | Path, fmt: str = "html") -> Document:
    from bs4 import BeautifulSoup

    from . import sha256_file

    p = Path(path)
    text, warnings = decode(p.read_bytes(), str(p))
    soup = BeautifulSoup(text, "lxml")
    body = soup.body or soup
    _strip_chrome(soup)
    article = _pick_article(body)
    walker = _Walker()
    title = _title_before(article)
    if title:
        walker.rows.append(Row((title,), "text"))
    walker.walk(article)
    walker.flush()
    doc = Document(path=str(p), format="html", sha256=sha256_file(p), rows=walker.rows,
                   warnings=warnings)
    if not any(r.text.strip() for r in doc.rows):
        raise ReadError(str(p), "HTML page has no article text", code="no_text")
    return doc

"""Word (.docx) files laid out as Chinese government reports are: the one writer behind the
synthetic archive (``build_tools.synth``) and the committed test fixtures
(``tests/fixtures/generate.py``), so both meet the Word and PDF readers in the same shape.

A document is a sequence of blocks, format-neutral descriptions both of them already make:
anything with ``kind``, ``text``, ``rows`` (tuples of cells with ``text``, ``rowspan`` and
``colspan``, spanned positions omitted as in HTML) and ``widths_cm``.  Kinds:

    title      centred, bold, 18 pt, in the sans face (小标宋/黑体 in print)
    heading    bold, in the sans face
    para       body text, first line indented two characters; ``**bold**`` marks become
               bold runs (the seeds keep them from their source)
    sign       the closing lines (agency, date), right-aligned, after one blank line
    pagebreak  a hard page break
    table      real merged cells, 9 pt, ruled unless ``ruled=False``; ``\\n`` in a cell
               breaks its line
    furniture  running heads and page numbers printed in the text: skipped, since the
               document's own header and footer print them

Word files are zip archives stamped with the clock; the bytes here are not: equal blocks
give equal files.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
TABLE_WIDTH_CM = 15.6            # a table left without widths: just inside the 15.8 cm text width

_FIXED_TIME = _dt.datetime(2024, 1, 1)
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


class LaidOutCell(Protocol):
    text: str
    rowspan: int
    colspan: int


class LaidOutBlock(Protocol):
    kind: str
    text: str
    rows: Sequence[Sequence[LaidOutCell]]
    widths_cm: Sequence[float]


def bold_runs(text: str) -> list[tuple[str, bool]]:
    """``**bold**`` marks split into (text, bold) runs; unmarked text is one plain run."""
    parts = re.split(r"\*\*", text)
    return [(p, i % 2 == 1) for i, p in enumerate(parts) if p]


def docx_bytes(blocks: Iterable[LaidOutBlock], *, running_head: str = "", ruled: bool = True,
               author: str = "synth") -> bytes:
    """The blocks as a Word file: A4, a centred running head, a ``- N -`` page footer."""
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    _page_setup(d, running_head)
    signed = False
    for b in blocks:
        if b.kind == "title":
            _paragraph(d, b.text, size=18, bold=True, center=True, font=SANS)
        elif b.kind == "heading":
            _paragraph(d, b.text, bold=True, font=SANS)
        elif b.kind == "para":
            _paragraph(d, b.text)
        elif b.kind == "sign":
            if not signed:
                d.add_paragraph()
                signed = True
            _sign_line(d, b.text)
        elif b.kind == "pagebreak":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif b.kind == "table":
            _table(d, b.rows, b.widths_cm, ruled=ruled)
        elif b.kind != "furniture":
            raise ValueError(f"docx_writer: unknown block kind {b.kind!r}")
    props = d.core_properties
    props.created = props.modified = _FIXED_TIME
    props.author = props.last_modified_by = author
    buf = io.BytesIO()
    d.save(buf)
    return stable_zip(buf.getvalue())


def stable_zip(data: bytes) -> bytes:
    """A zip re-packed with fixed member times, so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ----------------------------------------------------------------------------- parts

def _page_setup(d: Any, running_head: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    normal = d.styles["Normal"]
    normal.font.name = SERIF
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), SERIF)
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.6)
    sec.top_margin, sec.bottom_margin = Cm(3.0), Cm(2.6)
    if running_head:
        hp = sec.header.paragraphs[0]
        hp.text = running_head
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for r in hp.runs:
            r.font.size = Pt(9)
    # "- N -": a PAGE field between dashes, as Chinese official documents print it.
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("- ")
    run = fp.add_run()
    for tag, attr in (("w:fldChar", "begin"), ("w:instrText", None), ("w:fldChar", "separate")):
        el = OxmlElement(tag)
        if attr:
            el.set(qn("w:fldCharType"), attr)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = "PAGE"
        run._r.append(el)
    shown = OxmlElement("w:t")
    shown.text = "1"
    run._r.append(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)
    fp.add_run(" -")


def _paragraph(d: Any, text: str, *, size: int = 12, bold: bool = False,
               center: bool = False, font: str = SERIF) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = d.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    for chunk, marked in bold_runs(text):
        r = p.add_run(chunk)
        r.bold = bold or marked
        r.font.size = Pt(size)
        r.font.name = font
        # the face Word uses for Chinese characters is a separate attribute
        r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _sign_line(d: Any, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.add_run(text)


def _table(d: Any, rows: Sequence[Sequence[LaidOutCell]], widths_cm: Sequence[float], *,
           ruled: bool) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    placed = cell_positions(rows)
    ncols = max((c + cell.colspan for _, c, cell in placed), default=0)
    t = d.add_table(rows=len(rows), cols=ncols)
    if ruled:
        t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    widths = tuple(widths_cm) or (TABLE_WIDTH_CM / ncols,) * ncols
    # LibreOffice lays out by the table grid (w:gridCol), Word by the cell widths: set both
    # so a narrow label column really is narrow in the PDF.
    for gc, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in t.rows:
        for c, cell in enumerate(row.cells):
            cell.width = Cm(widths[c])
    for r, c, cell in placed:
        top = t.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            top = top.merge(t.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        p = top.paragraphs[0]
        p.paragraph_format.first_line_indent = Pt(0)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(cell.text)           # python-docx writes "\n" as a line break
        run.font.size = Pt(9)


def cell_positions(rows: Sequence[Sequence[LaidOutCell]]
                   ) -> list[tuple[int, int, LaidOutCell]]:
    """Each cell of HTML-style rows (positions under a span omitted) with the grid row and
    column of its top-left position."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan)
                         for dc in range(cell.colspan))
            c += cell.colspan
    return placed


def text_grid(rows: Sequence[Sequence[LaidOutCell]]) -> list[list[str]]:
    """HTML-style rows (positions under a span omitted) on a full grid of texts.

    A merged cell's text sits in its first (top-left) position and the positions it spans
    are ``""``: the convention of the seeds and of the readers.
    """
    placed = cell_positions(rows)
    width = max((c + cell.colspan for _, c, cell in placed), default=0)
    grid = [[""] * width for _ in rows]
    for r, c, cell in placed:
        grid[r][c] = cell.text
    return grid

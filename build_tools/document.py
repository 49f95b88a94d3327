"""The format-neutral document every reader produces.

A reader (txt, md, pdf, html, docx) turns a file into a flat sequence of ``Row`` objects.
A row is one line of text or one row of a real table; its ``cells`` are the texts of the
cells as printed. Everything after the readers (finding sections and tables, normalizing,
checking) works on this structure only, so every format shares one table finder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RowSource = Literal["text", "table"]


@dataclass(frozen=True)
class Row:
    """One line of the document.

    cells:    the cell texts in reading order; a plain text line has one cell.  Text files
              use tabs between table cells, so a tab-separated line has several.  Empty
              cells are ``""`` and are kept, because their position carries meaning.
    source:   ``"text"`` for a line of running text (also text-layout tables without
              structure, as extracted from PDFs), ``"table"`` for a row of a table whose
              cell structure the reader saw (PDF ruling, HTML <tr>, DOCX rows).
    page:     1-based page number where known (PDF), else None.
    table_id: rows of one structural table share an id; None for text rows.
    """

    cells: tuple[str, ...]
    source: RowSource = "text"
    page: int | None = None
    table_id: int | None = None

    @property
    def text(self) -> str:
        """The row's cells joined by tabs, as a text file would show them."""
        return "\t".join(self.cells)

    @property
    def is_blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass
class Document:
    """What a reader made of one file.

    status:   ``"ok"`` or a problem that leaves no usable text (``"no_text_layer"`` for a
              scanned PDF).  A document with a problem status has no rows.
    warnings: reader-level remarks for the build report (e.g. "charset detected as GB18030").
    """

    path: str
    format: str
    sha256: str
    rows: list[Row] = field(default_factory=list)
    pages: int | None = None
    status: str = "ok"
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.rows)

"""Sortable tables as raw HTML, for pages that list many rows (index pages, data quality,
the build report).

Python-Markdown passes a raw HTML block through whole, so a table of a thousand rows costs
it one block instead of a thousand Markdown table rows to split and inline.  Cell contents
are HTML the caller has made inert (``render.escape``); column labels are fixed text of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence


@dataclass(frozen=True)
class Column:
    label: str          # fixed Chinese text written by us (not escaped again)
    numeric: bool = False


Cell = tuple[str, Any]   # (inner HTML, sort value or None)


def row_html(columns: Sequence[Column], row: Sequence[Cell]) -> str:
    """One ``<tr>``; numeric columns carry the raw value in ``data-sort`` so 12.5% sorts
    as a number and a blank cell sorts below every real value."""
    tds = []
    for col, (inner, value) in zip(columns, row):
        if col.numeric:
            sort = "-1" if value is None else repr(float(value))
            tds.append(f'<td data-sort="{sort}" style="text-align:right">{inner}</td>')
        else:
            tds.append(f"<td>{inner}</td>")
    return "<tr>" + "".join(tds) + "</tr>"


def table_html(columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
               caption: str | None = None, sortable: bool = True) -> str:
    """A table in its own horizontally scrolling box, sortable by tablesort when asked."""
    return table_from_rows(columns, [row_html(columns, row) for row in rows], caption, sortable)


def table_parts(columns: Sequence[Column], caption: str | None = None,
                sortable: bool = True) -> tuple[str, str]:
    """The markup before and after a table's rows, for rows written out one per line."""
    number_attr = ' data-sort-method="number" style="text-align:right"'
    head = "".join(f'<th{number_attr if c.numeric else ""}>{c.label}</th>' for c in columns)
    # No class on the table, so Material styles it like its own tables (and wraps it in its
    # scrolling box); tables.js finds the sortable ones by their data attribute.
    marker = ' data-archive-sortable="true"' if sortable else ""
    cap = f"<caption>{caption}</caption>" if caption else ""
    return ('<div class="archive-index-table" style="overflow-x:auto;max-width:100%">\n'
            f'<table{marker} style="white-space:nowrap">{cap}<thead><tr>{head}</tr></thead>\n<tbody>',
            "</tbody></table>\n</div>")


def table_from_rows(columns: Sequence[Column], body_rows: Sequence[str],
                    caption: str | None = None, sortable: bool = True) -> str:
    """``table_html`` around rows already made by ``row_html``."""
    head, tail = table_parts(columns, caption, sortable)
    return "\n".join([head, *body_rows, tail])

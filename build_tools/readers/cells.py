"""Cell-text helpers shared by the structured readers (PDF, HTML, Word).

All three build a table grid from cells whose text may wrap over lines, and all three meet
the same sliver columns that slightly different cell edges create.
"""

from __future__ import annotations

import re
import unicodedata

# A cell's lines are joined with a space only between two Latin letters; everything else
# (CJK, punctuation, digits of a number wrapped in a narrow column) joins directly.
_LATIN = re.compile(r"[A-Za-z]")


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph or punctuation set in CJK text (no spaces between these):
    full-width forms, and the quotes, dashes and ellipsis Chinese text shares with Latin
    (“三安全一稳定”, ——, …)."""
    if not ch:
        return False
    o = ord(ch)
    return (0x3000 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or 0x2010 <= o <= 0x2027 or o == 0xB7
            or 0x20000 <= o <= 0x2FA1F or unicodedata.east_asian_width(ch) in ("W", "F"))


def join_cell_lines(text: str) -> str:
    """Join the lines of one cell's text: no separator except between Latin words."""
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and _LATIN.match(out[-1]) and _LATIN.match(ln[0]):
            out += " "
        out += ln
    return out


def tidy_grid(rows: list[list[str]], starts: list[list[bool]],
              narrow: frozenset[int] = frozenset()) -> tuple[list[list[str]], list[int]]:
    """Remove sliver columns of a table grid; returns (rows, indices of kept columns).

    ``starts[r][c]`` tells whether a cell begins at (r, c) (False: a merged cell's
    continuation).  Slightly different cell edges make Word, LibreOffice and PDF tables
    grow columns no wider than a line: a column in which no cell begins is dropped (it
    holds no text), and a column listed in ``narrow`` (too thin for text) is folded into
    its right-hand neighbour when every cell beginning there continues into it.  This
    loses no text and keeps the value columns of a row aligned with the header's.
    """
    width = max((len(r) for r in rows), default=0)
    rows = [list(r) + [""] * (width - len(r)) for r in rows]
    starts = [list(s) + [False] * (width - len(s)) for s in starts]
    drop: set[int] = set()
    for c in sorted(narrow, reverse=True):
        if c + 1 >= width or c + 1 in drop:
            continue
        if all(not s[c] or not s[c + 1] for s in starts):
            for r, s in enumerate(starts):
                if s[c]:
                    rows[r][c + 1], rows[r][c] = rows[r][c], ""
                    s[c + 1], s[c] = True, False
            drop.add(c)
    drop |= {c for c in range(width) if not any(s[c] for s in starts)}
    kept = [c for c in range(width) if c not in drop]
    return [[r[c] for c in kept] for r in rows], kept

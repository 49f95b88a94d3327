"""The one gate through which report-derived text reaches a page.

Report text (agency names, narrative, labels, parser messages, sidecar values) is untrusted.
It lands in two kinds of places in a generated page:

* Markdown that Python-Markdown turns into HTML (with ``tables``, ``admonition``, ``toc``
  and possibly ``attr_list`` enabled), and
* raw HTML blocks we emit ourselves (tables, chart containers, narrative), which Markdown
  passes through untouched.

``text()`` makes a string inert in BOTH: every character that either language gives a
meaning to is written as a numeric character reference.  Markdown treats ``&#NN;`` as a
literal character (never as syntax: no emphasis, links, images, tables, admonitions,
``{: attr}`` lists, headings, quotes, lists or code), and HTML shows it as the character
itself.  Since the Markdown never sees a ``<``, no raw HTML block can start either.
Letters, digits, CJK and full-width punctuation are left alone so the Markdown stays
readable and the search index sees the words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Callable
from urllib.parse import urlsplit

# ASCII punctuation with a meaning in Markdown, its extensions, HTML or templates.
# (Letters and digits carry no syntax on their own once punctuation and line starts are
# neutralized: "1." needs the dot, "#" the hash, indentation the newline we remove.)
_SPECIAL = set("\\`*_{}[]()<>#+-.!|~^=:;\"'&$%@?/,")
_ENTITY = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}

# Characters that render nothing or reorder text (bidi overrides, zero-width joiners,
# C0/C1 controls): dropped so a name cannot look like another or hide text.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def clean(value: object) -> str:
    """Plain text with invisible/control characters removed and NFC-normalized."""
    s = "" if value is None else str(value)
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", s))


def text(value: object) -> str:
    """One line of inert inline text (newlines and runs of spaces become one space)."""
    s = _SPACES.sub(" ", clean(value).replace("\r", " ").replace("\n", " ")).strip()
    return s.translate(_ENTITY)


def html_text(value: object) -> str:
    """One line of inert text for the inside of a raw HTML block WE emit, never for Markdown.

    Python-Markdown stores a raw HTML block whole and never looks for Markdown inside it
    (``md_in_html`` is off, and no tag of ours carries ``markdown=``); the block ends only
    at its outer end tag, which text without ``<`` cannot close.  So HTML escaping suffices
    there, and punctuation stays plain characters: every ``&#46;`` is one more thing for
    Markdown's and MkDocs' HTML parsers to handle on every page.
    """
    s = _SPACES.sub(" ", clean(value).replace("\r", " ").replace("\n", " ")).strip()
    return html.escape(s, quote=False)


def attr(value: object) -> str:
    """A value for a double-quoted HTML attribute inside HTML we emit.

    Markdown never looks inside an HTML tag it passes through, so HTML escaping suffices.
    """
    s = _SPACES.sub(" ", clean(value).replace("\r", " ").replace("\n", " ")).strip()
    return html.escape(s, quote=True)


def paragraphs(value: object, inert=text) -> list[str]:
    """Multi-line text as a list of inert paragraphs (one per non-blank source line).

    Report narrative is line-oriented (each line of the extracted text is a paragraph or a
    sub-item such as （一）…), so lines are kept as paragraphs rather than reflowed.
    """
    out = []
    for line in clean(value).splitlines():
        line = inert(line)
        if line:
            out.append(line)
    return out


def paragraphs_html(value: object, css_class: str = "narrative",
                    unindexed: Callable[[str], bool] | None = None) -> str:
    """A raw HTML block of ``<p>`` elements, or an empty string for empty text.

    ``</p>`` is left out (HTML ends a paragraph at the next ``<p>`` or at ``</div>``):
    fewer tags for Markdown's and MkDocs' HTML parsers on every page.  Paragraphs for
    which ``unindexed`` (given the escaped text) is true are marked for the search index
    to skip.
    """
    paras = paragraphs(value, html_text)
    if not paras:
        return ""
    # An unindexed paragraph keeps its end tag: Pagefind reads HTML as a stream and would
    # take everything up to the enclosing </div> as inside the ignored element.
    body = "\n".join(f"<p data-pagefind-ignore>{p}</p>" if unindexed and unindexed(p)
                     else f"<p>{p}" for p in paras)
    return f'<div class="{css_class}">\n{body}\n</div>'


def number(value: object) -> str:
    """A cell for display: blank stays blank, 0 stays 0, floats lose a useless ``.0``."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return text(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return str(value)
    return text(value)


def html_number(value: object) -> str:
    """``number`` for the inside of a raw HTML block we emit: text values through
    ``html_text`` instead of ``text`` (same characters shown, no character references)."""
    if isinstance(value, (str, bool)) and value != "":
        return html_text(value)
    return number(value)


def url(value: object) -> str | None:
    """An external link target from untrusted metadata: only http(s), attribute-safe.

    Returns None for anything else (``javascript:``, ``data:``, relative paths, spaces).
    """
    s = clean(value).strip()
    if not s or any(c.isspace() for c in s):
        return None
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return html.escape(s, quote=True)

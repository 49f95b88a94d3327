"""Readers: one module per file format, each ``read(path) -> Document``.

The format is decided from the file's bytes first and its extension second, so a PDF
named ``.txt`` is read as a PDF and junk named ``.txt`` is refused with a reason.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from ..document import Document
from ..errors import ReadError

# extension -> format name; the sniffed format wins when they disagree.
EXTENSIONS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".pdf": "pdf", ".html": "html", ".htm": "html", ".shtml": "html",
    ".docx": "docx", ".doc": "doc",
}

# Refuse files larger than this before reading them: no real report comes close, and a
# huge file must not exhaust memory in the build.
MAX_BYTES = 40 * 1024 * 1024


HEAD_BYTES = 2048   # what sniff_format looks at


def sha256_and_head(path: str | Path) -> tuple[str, bytes]:
    """The file's SHA-256 and its first ``HEAD_BYTES``, in one read of the file."""
    h = hashlib.sha256()
    head = b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            head = head or chunk[:HEAD_BYTES]
            h.update(chunk)
    return h.hexdigest(), head


def sha256_file(path: str | Path) -> str:
    return sha256_and_head(path)[0]


def sniff_format(path: str | Path, head: bytes | None = None) -> str:
    """Guess the format from the first bytes (``head``, read from the file if not given),
    falling back to the extension."""
    p = Path(path)
    if head is None:
        with open(p, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    ext = EXTENSIONS.get(p.suffix.lower())
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<meta")):
        return "html"
    if ext is None:
        raise ReadError(str(p), f"unknown file type '{p.suffix}' (expected one of "
                        f"{', '.join(sorted(EXTENSIONS))})", code="unsupported_format")
    return ext


def converter_of(path: str | Path, head: bytes | None = None,
                 identity: Callable[[], str] | None = None) -> str:
    """The program outside Python that reading this file runs, by its identity
    (``libreoffice.converter_identity``); "" for the formats read in Python alone (and
    for a file that cannot be opened: reading it fails the same way everywhere).
    ``head``: the file's first bytes when the caller has read them already; ``identity``:
    what gives LibreOffice's identity, for a caller asking about many files at once (a
    memo of it: the answer is the same for every .doc of a build)."""
    try:
        fmt = sniff_format(path, head)
    except (OSError, ReadError):
        return ""
    if fmt != "doc":
        return ""
    from . import libreoffice

    return (identity or libreoffice.converter_identity)()


def read(path: str | Path) -> Document:
    """Read any supported report file into a Document, or raise ReadError naming it."""
    p = Path(path)
    if not p.is_file():
        raise ReadError(str(p), "file not found", code="not_found")
    size = p.stat().st_size
    if size == 0:
        raise ReadError(str(p), "file is empty (0 bytes)", code="empty")
    if size > MAX_BYTES:
        raise ReadError(str(p), f"file is {size // (1024 * 1024)} MB, over the "
                        f"{MAX_BYTES // (1024 * 1024)} MB limit for a report", code="too_large")
    fmt = sniff_format(p)
    if fmt in ("txt", "md"):
        from . import text as reader
    elif fmt == "pdf":
        from . import pdf as reader  # type: ignore[no-redef]
    elif fmt == "html":
        from . import html as reader  # type: ignore[no-redef]
    elif fmt in ("docx", "doc"):
        from . import word as reader  # type: ignore[no-redef]
    else:  # pragma: no cover - sniff_format only returns the formats above
        raise ReadError(str(p), f"no reader for format {fmt}")
    doc = reader.read(p, fmt)
    return doc

"""Plain-text and Markdown reports -> Document.

Text files arrive as UTF-8 (often with a BOM) or as GBK/GB18030 from older Windows tools.
Every line becomes one Row; tabs separate table cells, so their positions are kept, and
empty cells stay ``""`` because a blank cell is not a zero.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..document import Document, Row
from ..errors import ReadError

# Control characters that never occur in a real text report (everything below 0x20
# except tab, line feed, carriage return, form feed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Markdown marks that carry no content: heading hashes, emphasis, blockquote.
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*(?=\S)|(?<=\S)\*)")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
# Share of control characters above which a decoded file is treated as binary junk.
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes, path: str) -> tuple[str, list[str]]:
    """Bytes -> text, with the reader warnings (e.g. the detected charset)."""
    if b"\x00" in data[:65536]:
        raise ReadError(path, "binary data (NUL bytes), not a text report", code="binary")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError(path, "undecodable bytes: not UTF-8 and no known Chinese charset",
                        code="undecodable")
    encoding = best.encoding
    # GB18030 is a superset of GBK/GB2312: decoding with it loses nothing and reads the
    # rarer characters (place names) the smaller charsets lack.
    if encoding.lower().replace("-", "").replace("_", "") in ("gbk", "gb2312", "cp936"):
        encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError(path, f"undecodable bytes ({exc})", code="undecodable") from exc
    return text, [f"charset detected as {encoding}"]


def _check_not_junk(text: str, path: str) -> None:
    if not text.strip():
        raise ReadError(path, "no text in file", code="empty")
    controls = len(_CONTROL.findall(text))
    if controls / max(len(text), 1) > _MAX_CONTROL_SHARE:
        raise ReadError(path, "binary data (control characters), not a text report",
                        code="binary")
    if "\ufffd" in text and text.count("\ufffd") / len(text) > _MAX_CONTROL_SHARE:
        raise ReadError(path, "undecodable bytes (replacement characters)", code="undecodable")
    if not _CJK.search(text):
        # Every report in this archive is Chinese; bytes that decode to no Chinese
        # character at all are junk or a wrong file.
        raise ReadError(path, "no Chinese text: not a government information disclosure report",
                        code="not_a_report")


def strip_markdown(cell: str) -> str:
    """Remove Markdown marks that carry no content from one cell."""
    cell = _MD_QUOTE.sub("", cell)
    cell = _MD_HEADING.sub("", cell)
    return _MD_EMPHASIS.sub("", cell)


def _is_md_table_rule(line: str) -> bool:
    """``|---|:---:|`` separator lines of Markdown pipe tables."""
    s = line.strip()
    return bool(s) and set(s) <= set("|-: ") and "-" in s


def line_to_row(line: str, fmt: str) -> Row:
    line = _CONTROL.sub("", line.rstrip("\r"))
    if fmt == "md" and line.lstrip().startswith("|") and "\t" not in line:
        # A Markdown pipe table: its pipes are the cell borders.
        cells = line.strip().strip("|").split("|")
    else:
        cells = line.split("\t")
    if fmt == "md":
        cells = [strip_markdown(c) for c in cells]
    return Row(cells=tuple(cells), source="text")


def text_to_rows(text: str, fmt: str) -> list[Row]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return [line_to_row(line, fmt) for line in text.split("\n")
            if not (fmt == "md" and _is_md_table_rule(line))]


def read(path: str | Path, fmt: str = "txt") -> Document:
    """Read a .txt or .md report. Raises ReadError naming the file when it is not text."""
    from . import sha256_file

    p = Path(path)
    data = p.read_bytes()
    if not data:
        raise ReadError(str(p), "file is empty (0 bytes)", code="empty")
    text, warnings = decode(data, str(p))
    _check_not_junk(text, str(p))
    return Document(path=str(p), format=fmt, sha256=sha256_file(p),
                    rows=text_to_rows(text, fmt), warnings=warnings)

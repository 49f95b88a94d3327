"""One report file in, one record out: read -> find sections/tables -> meta -> sidecar -> tables -> check.

The sidecar is applied before the tables are normalized, because it may name the
template (or the year the template follows from) that the text does not.
"""

from __future__ import annotations

from pathlib import Path

from . import checks, metadata, sections, tables
from .document import Document
from .readers import read
from .record import add_warning, new_record


def parse_file(path: Path, sidecar: dict | None = None) -> dict:
    """Parse one report file. Raises ReportError (naming the file) when it cannot be read."""
    return parse_document(read(path), sidecar)


def parse_document(doc: Document, sidecar: dict | None = None) -> dict:
    record = new_record()
    record["meta"]["source"].update(file=doc.path, format=doc.format, sha256=doc.sha256)
    for w in doc.warnings:
        add_warning(record, "reader", w)
    if doc.status != "ok":
        record["status"] = doc.status
        metadata.apply_sidecar(record, sidecar)
        return record
    layout = sections.find(doc)
    record["sections"] = layout.sections
    metadata.infer(doc, layout, record)
    metadata.apply_sidecar(record, sidecar)
    tables.normalize(layout, record)
    checks.run(record)
    return record

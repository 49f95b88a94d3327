"""``python -m build_tools add FILE``: file a new report into the archive with its sidecar.

The file is parsed first, so what goes into ``reports/`` is known to be readable and the
person adding it sees at once what the archive understood (agency, region, year, template,
publication date) and which consistency checks fail.  It is filed as

    reports/<省>/<市>/[<县区>/]<year>/<safe agency name>.<ext>   (+ <same stem>.yml)

Exit codes: 0 filed; 1 the same file (same SHA-256) is already in the archive;
2 the file cannot be read as a report; 3 the region, year or agency is unknown and no
flag supplies it.  Nothing is written unless the report and its sidecar are both complete.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import yaml

from . import urls
from .errors import ReportError
from .readers import EXTENSIONS, MAX_BYTES, sha256_file

EXIT_OK, EXIT_DUPLICATE, EXIT_UNREADABLE, EXIT_UNKNOWN_META = 0, 1, 2, 3

# The canonical extension for a format, used when a file's name says something else
# (a PDF saved as .txt is filed as .pdf, because the reader goes by the bytes).
FORMAT_EXT = {"txt": ".txt", "md": ".md", "pdf": ".pdf", "html": ".html",
              "docx": ".docx", "doc": ".doc"}


@dataclass(frozen=True)
class Placement:
    report: Path
    sidecar: Path


def find_duplicate(sha: str, reports_dir: Path) -> Path | None:
    """An archived report file with this SHA-256, if any (sidecars are not reports)."""
    if not reports_dir.is_dir():
        return None
    for path in sorted(reports_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() in EXTENSIONS and sha256_file(path) == sha:
            return path
    return None


def split_region(text: str | None) -> list[str]:
    """``青海省/海东市/乐都区`` -> ["青海省", "海东市", "乐都区"] (also accepts ``>`` or spaces)."""
    if not text:
        return []
    for sep in (">", "／", " "):
        text = text.replace(sep, "/")
    return [part.strip() for part in text.split("/") if part.strip()]


def make_sidecar(args: argparse.Namespace, added: dt.date) -> dict:
    """What the person adding the file told us; the parser fills in everything else."""
    # source_url is always written, null when unknown, so a missing address is visible.
    sidecar: dict = {"source_url": args.url or None}
    if args.agency:
        sidecar["agency"] = args.agency
    region = split_region(args.region)
    if region:
        sidecar["region"] = region
    if args.year:
        sidecar["year"] = int(args.year)
    sidecar["added"] = added
    return sidecar


def added_date(args: argparse.Namespace) -> dt.date:
    """``--date`` when given (tests, back-filling), else today: the day it was added."""
    given = getattr(args, "date", None)
    if given:
        return dt.date.fromisoformat(str(given))
    return dt.date.today()


def extension_for(src: Path, fmt: str | None) -> str:
    ext = src.suffix.lower()
    if fmt and EXTENSIONS.get(ext) != fmt:
        return FORMAT_EXT.get(fmt, ext)
    return ext


def placement(meta: dict, ext: str, reports_dir: Path, sha: str) -> Placement:
    """Where a report goes.  Every path part passes ``urls.safe_name``: report text and
    flags are untrusted and must not climb out of ``reports/``."""
    parts = [urls.safe_name(p) for p in meta["region"]]
    folder = reports_dir.joinpath(*parts, urls.safe_name(str(meta["year"])))
    stem = urls.safe_name(meta["agency"], "unnamed-agency")
    report = folder / f"{stem}{ext}"
    # Another file of the same agency and year (a corrected edition, say) keeps its name;
    # the new one gets its hash in its name rather than overwriting it.
    if report.exists() or report.with_suffix(".yml").exists():
        stem = f"{stem}-{sha[:8]}"
        report = folder / f"{stem}{ext}"
    return Placement(report, folder / f"{stem}.yml")


def missing_meta(meta: dict) -> list[str]:
    missing = []
    if not meta.get("region"):
        missing.append("region (--region 省/市/县)")
    if not meta.get("year"):
        missing.append("year (--year)")
    if not meta.get("agency"):
        missing.append("agency (--agency)")
    return missing


def write_atomically(place: Placement, data: bytes, sidecar_text: str) -> None:
    """Both files or neither: each is written to a temporary name and renamed into place."""
    place.report.parent.mkdir(parents=True, exist_ok=True)
    temps: list[Path] = []
    try:
        for target, payload in ((place.report, data), (place.sidecar, sidecar_text.encode("utf-8"))):
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=".adding-", suffix=target.suffix)
            temps.append(Path(name))
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(temps[0], place.report)
        try:
            os.replace(temps[1], place.sidecar)
        except OSError:
            place.report.unlink(missing_ok=True)
            raise
    finally:
        for t in temps:
            t.unlink(missing_ok=True)


def sidecar_yaml(sidecar: dict) -> str:
    return yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=False, default_flow_style=False)


def describe(record: dict, out: TextIO) -> None:
    """What the archive inferred from the report and what its checks found."""
    meta = record["meta"]
    prov = meta.get("provenance") or {}

    def line(label: str, key: str, value: object) -> None:
        source = prov.get(key)
        note = f"  ({source})" if source else ""
        print(f"  {label:<10}{value if value not in (None, '', []) else '—'}{note}", file=out)

    print("Inferred:", file=out)
    line("agency", "agency", meta.get("agency"))
    line("region", "region", "/".join(meta.get("region") or []))
    line("year", "year", meta.get("year"))
    line("template", "template", meta.get("template"))
    line("published", "published", meta.get("published"))
    line("status", "status", record.get("status"))
    checks = record.get("checks") or []
    failing = [c for c in checks if c.get("status") == "fail"]
    unassessable = [c for c in checks if c.get("status") == "not_assessable"]
    print(f"Checks: {len(checks)} run, {len(failing)} failing, "
          f"{len(unassessable)} not assessable", file=out)
    for c in failing:
        print(f"  FAIL {c.get('rule')}: {c.get('message')}", file=out)
    warnings = record.get("warnings") or []
    if warnings:
        print(f"Parse warnings: {len(warnings)}", file=out)
        for w in warnings:
            print(f"  {w.get('code')}: {w.get('message')}", file=out)


def main(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from .pipeline import parse_file

    out = out or sys.stdout
    err = err or sys.stderr
    src = Path(args.file)
    reports_dir = Path(getattr(args, "reports", None) or "reports")
    try:
        if src.is_file() and src.stat().st_size > MAX_BYTES:
            print(f"error: {src}: cannot be read as a report: over the "
                  f"{MAX_BYTES // (1024 * 1024)} MB limit for a report", file=err)
            return EXIT_UNREADABLE
        # Read once: the bytes hashed are the bytes filed, even if the source changes meanwhile.
        data = src.read_bytes()
    except OSError as exc:
        print(f"error: {src}: cannot be read: {exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    sha = hashlib.sha256(data).hexdigest()

    existing = find_duplicate(sha, reports_dir)
    if existing is not None:
        print(f"error: {src} is already in the archive as {existing} (same SHA-256 {sha[:12]}…)",
              file=err)
        return EXIT_DUPLICATE

    try:
        added = added_date(args)
    except ValueError:
        print(f"error: --date {args.date!r} is not a date (YYYY-MM-DD)", file=err)
        return EXIT_UNKNOWN_META
    sidecar = make_sidecar(args, added)
    try:
        record = parse_file(src, sidecar)
    except ReportError as exc:
        print(f"error: {src}: cannot be read as a report: {exc.reason}", file=err)
        return EXIT_UNREADABLE
    except Exception as exc:  # noqa: BLE001 - a parser bug must not leave the user with a traceback only
        print(f"error: {src}: the parser failed on this file ({type(exc).__name__}: {exc}); "
              "nothing was filed", file=err)
        return EXIT_UNREADABLE

    describe(record, out)
    meta = record["meta"]
    missing = missing_meta(meta)
    if missing:
        print(f"error: {src}: not filed, unknown {', '.join(missing)}; pass it as a flag",
              file=err)
        return EXIT_UNKNOWN_META

    place = placement(meta, extension_for(src, (meta.get("source") or {}).get("format")),
                      reports_dir, sha)
    write_atomically(place, data, sidecar_yaml(sidecar))
    print(f"Filed: {place.report}", file=out)
    print(f"Sidecar: {place.sidecar}", file=out)
    if not args.url:
        print("Note: no --url given; add the address where the report was published as "
              f"source_url in {place.sidecar.name}", file=out)
    return EXIT_OK

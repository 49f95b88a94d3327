"""Bad files in the reports folder never break the build (one build for the module).

The seeds are built together with: a zero-byte file, binary junk named .txt, a GBK-encoded
text report (read, not refused), a truncated, an encrypted and an image-only (scanned) PDF,
a 50 MB file, a report with no tables and a report with every number missing.  Each ends
either in ``unreadable`` with a reason, or published (with warnings / a status saying what
is missing); the seeds are all published; no byte of the reports folder changes.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import shutil
from pathlib import Path

import pytest

from tests.test_build import REPORTS, SEEDS, run_build

REPO = Path(__file__).resolve().parent.parent
GENERATED = REPO / "tests" / "fixtures" / "generated"
HONGZE = GENERATED / "hongze_2021.txt"
BAD = "青海省/坏文件/2021"

NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


def _tree_hashes(root: Path) -> dict[str, tuple[int, str]]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            out[p.relative_to(root).as_posix()] = (p.stat().st_mtime_ns, h.hexdigest())
    return out


def _without_tables(text: str) -> str:
    """The Hongze report with every tab-separated (table) line removed."""
    return "\n".join(line for line in text.splitlines() if "\t" not in line) + "\n"


def _without_numbers(text: str) -> str:
    """The Hongze report with every table cell that is a number blanked."""
    out = []
    for line in text.splitlines():
        if "\t" in line:
            line = "\t".join("" if NUMBER.match(c) else c for c in line.split("\t"))
        out.append(line)
    return "\n".join(out) + "\n"


def _encrypted_pdf(source: Path) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(source))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    # RC4 needs no crypto library; a user password means no one can open it without it
    writer.encrypt(user_password="secret-user", owner_password="secret-owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _image_only_pdf() -> bytes:
    """A one-page 'scan': a picture of text, no text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(img)
    for y in range(40, 760, 24):
        draw.rectangle((40, y, 40 + (y * 7) % 500, y + 10), fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=72)
    return buf.getvalue()


# file name -> what must become of it: ("unreadable", code) or ("published", status set)
EXPECTED = {
    "空文件.txt": ("unreadable", {"empty"}),
    "二进制垃圾.txt": ("unreadable", {"binary", "undecodable", "not_a_report"}),
    "截断.pdf": ("unreadable", {"corrupt"}),
    "加密.pdf": ("unreadable", {"encrypted"}),
    "超大文件.txt": ("unreadable", {"too_large"}),
    "扫描件.pdf": ("published", {"no_text_layer"}),
    "洪泽区人民政府GBK.txt": ("published", {"ok"}),
    "无表格.txt": ("published", {"no_tables"}),
    "无数字.txt": ("published", {"ok", "partial"}),
}


def make_bad_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    hongze = HONGZE.read_text(encoding="utf-8")
    (folder / "空文件.txt").write_bytes(b"")
    rng = random.Random(20211231)
    (folder / "二进制垃圾.txt").write_bytes(bytes(rng.randrange(256) for _ in range(64 * 1024)))
    pdf = (GENERATED / "seed_000.pdf").read_bytes()
    (folder / "截断.pdf").write_bytes(pdf[: len(pdf) // 2])
    (folder / "加密.pdf").write_bytes(_encrypted_pdf(GENERATED / "seed_000.pdf"))
    (folder / "扫描件.pdf").write_bytes(_image_only_pdf())
    with open(folder / "超大文件.txt", "wb") as fh:
        line = ("政府信息公开工作年度报告" * 8 + "\n").encode("utf-8")
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    (folder / "洪泽区人民政府GBK.txt").write_bytes(hongze.encode("gbk"))
    (folder / "无表格.txt").write_text(_without_tables(hongze), encoding="utf-8")
    (folder / "无数字.txt").write_text(_without_numbers(hongze), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("bad-files")
    reports = root / "reports"
    shutil.copytree(REPORTS, reports)
    make_bad_files(reports / BAD)
    before = _tree_hashes(reports)
    proc = run_build(reports, root / "site", root / "work")
    after = _tree_hashes(reports)
    site = root / "site"
    report = json.loads((site / "build-report.json").read_text(encoding="utf-8")) \
        if (site / "build-report.json").is_file() else None
    return {"proc": proc, "site": site, "report": report, "before": before, "after": after}


def _leaves(table: object) -> list:
    """Every cell value of a (nested) table dict."""
    if isinstance(table, dict):
        return [v for child in table.values() for v in _leaves(child)]
    return [table]


def _records(site: Path) -> dict[str, dict]:
    out = {}
    for path in sorted((site / "data" / "r").rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        out[record["meta"]["source"]["file"]] = record
    return out


def test_build_succeeds(built):
    assert built["proc"].returncode == 0, built["proc"].stdout + built["proc"].stderr
    assert built["report"] is not None


def test_reports_folder_is_untouched(built):
    assert built["before"] == built["after"]


def test_every_seed_is_still_published(built):
    published = {p["file"] for p in built["report"]["published"]}
    assert set(SEEDS.values()) <= published


def test_each_bad_file_has_its_outcome_and_a_reason(built):
    report = built["report"]
    unreadable = {u["file"]: u for u in report["unreadable"]}
    published = {p["file"]: p for p in report["published"]}
    wrong = {}
    for name, (fate, accepted) in EXPECTED.items():
        rel = f"{BAD}/{name}"
        if fate == "unreadable":
            item = unreadable.get(rel)
            if item is None or item["code"] not in accepted or len(item["reason"].strip()) < 4:
                wrong[name] = item or published.get(rel)
        else:
            item = published.get(rel)
            if item is None or item["status"] not in accepted:
                wrong[name] = item or unreadable.get(rel)
    assert wrong == {}
    # every file of the folder is accounted for exactly once
    accounted = [u["file"] for u in report["unreadable"]] + [p["file"] for p in report["published"]] \
        + [d["file"] for d in report["duplicates"]]
    assert sorted(accounted) == sorted(accounted_set := set(accounted)) and len(accounted_set) == \
        report["totals"]["files"] == len(SEEDS) + len(EXPECTED)


def test_reasons_name_the_problem(built):
    unreadable = {u["file"].rsplit("/", 1)[-1]: u["reason"] for u in built["report"]["unreadable"]}
    assert "0 bytes" in unreadable["空文件.txt"] or "空" in unreadable["空文件.txt"]
    assert "encrypt" in unreadable["加密.pdf"].lower() or "加密" in unreadable["加密.pdf"]
    assert "MB" in unreadable["超大文件.txt"]
    assert "truncated" in unreadable["截断.pdf"] or "damaged" in unreadable["截断.pdf"] \
        or "损坏" in unreadable["截断.pdf"]
    # no absolute path of the build machine in a published message
    for reason in unreadable.values():
        assert "/tmp/" not in reason and str(REPO) not in reason


def test_build_report_page_lists_the_unreadable_files(built):
    import html

    text = html.unescape((built["site"] / "build-report" / "index.html").read_text(encoding="utf-8"))
    for name, (fate, _) in EXPECTED.items():
        if fate == "unreadable":
            assert f"{BAD}/{name}" in text, name
    # the scan is published but listed as incomplete, with the reason
    assert f"{BAD}/扫描件.pdf" in text and "OCR" in text


def test_gbk_report_is_read_correctly(built):
    record = _records(built["site"])[f"{BAD}/洪泽区人民政府GBK.txt"]
    # written out from tests/fixtures/generated/hongze_2021.txt
    # the title names 洪泽区人民政府, the signature 淮安市洪泽区人民政府
    assert record["meta"]["agency"] in ("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert record["meta"]["year"] == 2021
    assert record["tables"]["T3"]["new_received"]["total"] == 98
    assert record["tables"]["T3"]["new_received"]["natural_person"] == 86
    assert record["tables"]["T4"]["review"]["total"] == 8
    assert "先审查、后公开" in record["sections"]["overview"]
    assert any("gb" in w["message"].lower() for w in record["warnings"] if w["code"] == "reader")
    # ... and reads exactly as the UTF-8 original does
    from build_tools.pipeline import parse_file

    utf8 = parse_file(HONGZE)
    assert record["tables"] == utf8["tables"] and record["sections"] == utf8["sections"]
    assert record["checks"] == utf8["checks"]


def test_report_without_tables_keeps_its_text_and_says_so(built):
    record = _records(built["site"])[f"{BAD}/无表格.txt"]
    assert record["status"] == "no_tables"
    assert {w["code"] for w in record["warnings"]} & {"no_tables", "tables_not_parsed", "table_missing"}
    assert "先审查、后公开" in record["sections"]["overview"]
    assert all(c["status"] != "pass" or c["rule"] == "narrative_vs_table" for c in record["checks"]) \
        and not any(c["status"] == "pass" and c["rule"].startswith(("t3", "t4")) for c in record["checks"])


def test_report_with_every_number_missing_passes_no_check(built):
    record = _records(built["site"])[f"{BAD}/无数字.txt"]
    values = _leaves(record["tables"].get("T3")) + _leaves(record["tables"].get("T4"))
    assert len(values) > 100 and all(v is None for v in values)
    # nothing to add up: no arithmetic rule may pass on blanks
    table_checks = [c for c in record["checks"] if c["rule"].startswith(("t3", "t4"))]
    assert table_checks and all(c["status"] != "pass" for c in table_checks), table_checks

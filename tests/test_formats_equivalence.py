"""Every published format of a report yields the record of its text version.

The fixtures (tests/fixtures/generated, made by generate.py) carry the same words and
numbers in .txt, .pdf (LibreOffice, ruled tables, T3 across a page break), .docx (merged
cells), .html (site chrome, rowspan/colspan, GBK) and .doc.  Each file is parsed under a
neutral name (``report.<ext>``, no sidecar), so the metadata comes from the document alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.pipeline import parse_file

GEN = Path(__file__).parent / "fixtures" / "generated"
HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))

META_KEYS = ("agency", "agency_kind", "region", "year", "published", "template")

REPORTS = ("hongze_2021", "tongren_2020", "seed_000", "seed_001", "seed_002", "seed_003",
           "seed_004")
VARIANTS = [(r, f"{r}.{ext}") for r in REPORTS for ext in ("pdf", "docx", "html")] + [
    ("hongze_2021", "hongze_2021_gbk.html"),
    ("tongren_2020", "tongren_2020_gbk_nometa.html"),
    ("tongren_2020", "tongren_2020.doc"),
    # Tables printed without rules: only the text layout (tab-separated cells) to go on.
    ("tongren_2020", "tongren_2020_unruled.pdf"),
    # Encrypted with an owner password only (anyone may open it), and a PDF named .txt.
    ("tongren_2020", "broken/owner_only.pdf"),
    ("tongren_2020", "broken/pdf_named.txt"),
]

_cache: dict[str, dict] = {}


def parse_neutral(name: str, tmp_root: Path) -> dict:
    """Parse a fixture copied to ``report.<ext>`` (no agency or year in the name)."""
    if name not in _cache:
        src = GEN / name
        d = tmp_root / name.replace(".", "_").replace("/", "_")
        d.mkdir(parents=True, exist_ok=True)
        dest = d / ("report" + src.suffix)
        shutil.copyfile(src, dest)
        _cache[name] = parse_file(dest)
    return _cache[name]


@pytest.fixture(scope="module")
def tmp_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("neutral")


def meta(record: dict) -> dict:
    return {k: record["meta"][k] for k in META_KEYS}


@pytest.mark.parametrize("report,variant", VARIANTS, ids=[v for _, v in VARIANTS])
def test_format_gives_the_text_versions_record(report, variant, tmp_root):
    if variant.endswith(".doc") and not HAS_SOFFICE:
        pytest.skip("LibreOffice not installed (.doc needs it)")
    base = parse_neutral(f"{report}.txt", tmp_root)
    rec = parse_neutral(variant, tmp_root)
    assert rec["status"] == base["status"]
    assert meta(rec) == meta(base)
    assert rec["tables"] == base["tables"]


# Expected metadata, written out from the reports' title blocks and signatures.
HONGZE_META = {"agency": ("洪泽区人民政府", "淮安市洪泽区人民政府"), "region": ["江苏省", "淮安市", "洪泽区"],
               "year": 2021, "published": "2022-01-25", "template": "2021"}
TONGREN_META = {"agency": ("同仁市人民政府",), "region": ["青海省", "黄南藏族自治州", "同仁市"],
                "year": 2020, "published": "2021-01-28", "template": "2019"}
META_CASES = [(f, HONGZE_META) for f in ("hongze_2021.txt", "hongze_2021.pdf", "hongze_2021.docx",
                                         "hongze_2021.html", "hongze_2021_gbk.html")] + \
             [(f, TONGREN_META) for f in ("tongren_2020.txt", "tongren_2020.pdf",
                                          "tongren_2020.docx", "tongren_2020.html",
                                          "tongren_2020_gbk_nometa.html")]


@pytest.mark.parametrize("variant,expected", META_CASES, ids=[f for f, _ in META_CASES])
def test_metadata_from_the_document_alone(variant, expected, tmp_root):
    m = parse_neutral(variant, tmp_root)["meta"]
    # The title names 洪泽区人民政府 and the signature 淮安市洪泽区人民政府: either is right.
    assert m["agency"] in expected["agency"]
    assert {k: m[k] for k in expected if k != "agency"} == \
        {k: v for k, v in expected.items() if k != "agency"}


# Cells written out from the tables in generate.py (洪泽区 2021, 同仁市 2020).
HONGZE_CELLS = {
    "T2.normative_documents.issued": 12, "T2.normative_documents.repealed": 3,
    "T2.normative_documents.in_force": 45, "T2.licensing.decisions": 3562,
    "T2.fees.amount": 1286.35,
    "T3.new_received.total": 98, "T3.new_received.natural_person": 86,
    "T3.carried_over.commercial": 1, "T3.granted.total": 46,
    "T3.denied.prohibited_by_law.total": 1, "T3.denied.security_stability.total": None,
    "T3.denied.enforcement_files.natural_person": None,
    "T3.unable.not_held.social_welfare": 1, "T3.unable.not_held.total": 22,
    "T3.other.no_correction.natural_person": 1, "T3.other.unpaid_fee.total": 0,
    "T3.total_processed.total": 100, "T3.carried_forward.total": 2,
    "T4.review.upheld": 5, "T4.review.total": 8, "T4.litigation_direct.other": 1,
    "T4.litigation_after_review.pending": 1, "T4.litigation_after_review.total": 2,
}
TONGREN_CELLS = {
    "T2.normative_documents.made": 5, "T2.normative_documents.total_published": 31,
    "T2.licensing.previous_items": 126, "T2.licensing.change": 4,
    "T2.licensing.decisions": 2315, "T2.other_services.change": -2,
    "T2.fees.change": -1, "T2.procurement.items": 43, "T2.procurement.amount": 2856.4,
    "T3.new_received.total": 14, "T3.unable.not_held.commercial": 1,
    "T3.other_total.total": 0, "T3.total_processed.natural_person": 12,
    "T3.carried_forward.total": 1, "T4.review.upheld": 1, "T4.review.total": 1,
}
CELL_CASES = [(f, HONGZE_CELLS) for f in ("hongze_2021.txt", "hongze_2021.pdf", "hongze_2021.docx",
                                          "hongze_2021.html")] + \
             [(f, TONGREN_CELLS) for f in ("tongren_2020.txt", "tongren_2020.pdf",
                                           "tongren_2020.docx", "tongren_2020.html")]


def cell(record: dict, path: str):
    node = record["tables"]
    for part in path.split("."):
        if node is None:
            return "missing"
        node = node[part]
    return node


@pytest.mark.parametrize("variant,expected", CELL_CASES, ids=[f for f, _ in CELL_CASES])
def test_hand_checked_cells(variant, expected, tmp_root):
    rec = parse_neutral(variant, tmp_root)
    assert {p: cell(rec, p) for p in expected} == expected

"""Files that cannot be read give a clear ReadError or a problem status, never numbers.

Fixtures in tests/fixtures/generated/broken (made by generate.py): a scan (pages rendered
to images and wrapped into a PDF, no text layer), a PDF encrypted with a user password,
one with only an owner password (readable), the first 60 % of a PDF, a PDF named .txt,
a saved error page named .pdf and a fake .docx.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.errors import ReadError, ReportError
from build_tools.pipeline import parse_file
from build_tools.readers import read
from build_tools.record import iter_cells

BROKEN = Path(__file__).parent / "fixtures" / "generated" / "broken"


def test_scan_without_text_layer_is_a_status_not_a_crash():
    doc = read(BROKEN / "scan.pdf")
    assert doc.status == "no_text_layer"
    assert doc.warnings == ["no text layer, needs OCR"]
    assert doc.rows == []
    assert doc.pages == 2


def test_scan_record_has_no_numbers():
    rec = parse_file(BROKEN / "scan.pdf")
    assert rec["status"] == "no_text_layer"
    assert rec["tables"] == {"T2": None, "T3": None, "T4": None}
    assert list(iter_cells(rec)) == []
    assert any("OCR" in w["message"] for w in rec["warnings"])


def test_encrypted_pdf_names_the_problem():
    with pytest.raises(ReadError) as err:
        read(BROKEN / "encrypted.pdf")
    assert err.value.code == "encrypted"
    assert "encrypted" in err.value.reason
    assert "encrypted.pdf" in str(err.value)


def test_pdf_with_owner_password_only_reads_normally():
    doc = read(BROKEN / "owner_only.pdf")
    assert doc.status == "ok"
    assert any(r.cells[:1] == ("一、本年新收政府信息公开申请数量",) for r in doc.rows)


def test_truncated_pdf_is_corrupt():
    with pytest.raises(ReadError) as err:
        read(BROKEN / "truncated.pdf")
    assert err.value.code == "corrupt"
    assert "truncated.pdf" in str(err.value)


def test_damaged_pdf_body_is_corrupt(tmp_path):
    # Header and end marker intact, everything between replaced by junk.
    p = tmp_path / "damaged.pdf"
    p.write_bytes(b"%PDF-1.7\n" + b"\x00garbage\xff" * 500 + b"\n%%EOF\n")
    with pytest.raises(ReadError) as err:
        read(p)
    assert err.value.code == "corrupt"


def test_pdf_named_txt_is_read_as_pdf():
    doc = read(BROKEN / "pdf_named.txt")
    assert doc.format == "pdf"
    assert any(r.source == "table" for r in doc.rows)


def test_junk_named_pdf_is_a_clear_error():
    with pytest.raises(ReadError) as err:
        read(BROKEN / "junk.pdf")
    assert err.value.code == "not_pdf"
    assert "not a PDF" in err.value.reason


def test_fake_docx_is_a_clear_error():
    with pytest.raises(ReadError) as err:
        read(BROKEN / "junk.docx")
    assert err.value.code == "corrupt"


def test_pipeline_raises_report_errors_naming_the_file(tmp_path):
    for name in ("encrypted.pdf", "truncated.pdf", "junk.pdf"):
        dest = tmp_path / name
        shutil.copyfile(BROKEN / name, dest)
        with pytest.raises(ReportError) as err:
            parse_file(dest)
        assert err.value.path == str(dest)


def test_html_without_article_text(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>x</title><script>var a=1;</script></head><body>"
                 "<nav><a href='/'>首页</a></nav></body></html>", encoding="utf-8")
    with pytest.raises(ReadError) as err:
        read(p)
    assert err.value.code == "no_text"


def test_scanned_page_inside_a_text_pdf_is_reported():
    doc = read(BROKEN / "mixed_scan.pdf")
    assert doc.status == "ok" and doc.pages == 4
    assert doc.warnings == ["page(s) 4 have no text layer (scanned?); their content is missing"]
    assert {r.page for r in doc.rows} == {1, 2, 3}

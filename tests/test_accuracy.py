"""Parser accuracy on generated reports it has never seen: no wrong number, no false alarm.

Reports are generated (``build_tools.synth``, layout variants) as web pages (UTF-8 and GBK),
Word files and text extractions, parsed from the file alone and compared cell by cell with what was printed
(``benchmarks/accuracy.py`` ``score``).  A cell may come out null only with a warning
naming it; every planted fault that the printed cells show must be flagged.  The PDF run
needs LibreOffice and is skipped cleanly without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import accuracy
from build_tools import synth


def _check(fmt: str, variant: str, per: int, seed: int, tmp_path: Path) -> accuracy.Score:
    s = accuracy.run(fmt, variant, per, seed, tmp_path)
    assert s.errors == 0, s.details
    assert s.wrong == 0, s.details
    assert s.false_alarms == 0, s.details
    assert s.flagged == s.planted, s.details
    assert s.meta_right == s.meta_total, s.details
    assert s.region_wrong == 0, s.details
    return s


@pytest.mark.parametrize("fmt,variant", [
    ("html", "mixed"), ("html_gbk", "mixed"), ("docx", "mixed"),
    ("html", "unruled_blank"), ("html", "page_break"), ("docx", "collapsed_other"),
    ("txt_layout", "mixed"), ("txt_layout", "worst"),
])
def test_no_wrong_cell_and_no_false_alarm(fmt, variant, tmp_path):
    s = _check(fmt, variant, 8, 20, tmp_path)
    assert s.reports == 8 and s.right > 1000


def test_text_files_as_written_by_the_archive_generator(tmp_path):
    s = _check("txt", "plain", 12, 5, tmp_path)
    assert s.null_warned == 0        # tab-separated text keeps every cell's position


def test_region_from_the_text_alone_is_never_a_wrong_place(tmp_path):
    # No sidecar, no filing path: only the agency's name and the report's own words.  A
    # county name several cities share (城中区, 江北区) may stay unknown, never be misplaced.
    s = accuracy.run("txt", "plain", 80, 9, tmp_path)
    assert s.reports == 80 and s.region_wrong == 0, s.details
    assert s.region_right >= 0.9 * s.reports, (s.region_right, s.region_unknown)


def test_unruled_blank_cells_come_out_null_with_a_warning(tmp_path):
    s = _check("docx", "unruled_blank", 6, 3, tmp_path)
    assert s.right > 0
    # docx keeps cell structure even without rules: nothing is unknown there
    assert s.null_warned == 0
    h = _check("html", "unruled_blank", 6, 3, tmp_path / "h")
    assert h.null_warned > 0         # a text layout hides where blank cells were


def test_planted_faults_are_present_in_the_sample():
    specs = accuracy.pick_specs(8, 20)
    assert {"balance", "narrative", "t4_total"} <= {f for s in specs for f in s.flaws}
    assert {s.template for s in specs} == {"2019", "2021"}


def test_committed_pdfs(tmp_path):
    # PDFs made by LibreOffice (benchmarks/accuracy.py --write-fixtures): T3 across a page
    # break, a table without rules and blank cells, a mixture, everything at once.
    from build_tools.pipeline import parse_file

    specs = accuracy.load_fixture_specs()
    assert set(specs) == {f"{v}.pdf" for v in accuracy.FIXTURE_VARIANTS}
    total = accuracy.Score()
    for name, spec in specs.items():
        total.add(accuracy.score(parse_file(accuracy.FIXTURES / name), spec, name))
    assert total.wrong == 0 and total.false_alarms == 0, total.details
    assert total.flagged == total.planted and total.meta_right == total.meta_total, total.details
    assert total.null_warned > 0          # the unruled reports hide some cells
    assert {f for s in specs.values() for f in s.flaws} >= {"t4_total", "narrative", "balance"}


@pytest.mark.slow
@pytest.mark.skipif(synth.soffice() is None, reason="PDF generation needs LibreOffice (soffice)")
@pytest.mark.parametrize("variant", ["unruled_blank", "page_break", "mixed"])
def test_pdf(variant, tmp_path):
    _check("pdf", variant, 4, 20, tmp_path)

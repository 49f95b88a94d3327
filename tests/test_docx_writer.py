"""The one Word writer (build_tools/docx_writer.py) behind the synthetic archive and the
committed fixtures: what it writes, that our Word reader reads it back, and that the
committed fixtures are still what tests/fixtures/generate.py makes with it."""

from __future__ import annotations

import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import pytest

from build_tools import docx_writer, synth
from build_tools.readers import read

FIXTURES = Path(__file__).parent / "fixtures"


C, B = synth.LCell, synth.Block   # any cell and block of the writer's protocol


BLOCKS = (
    B("title", "某县人民政府2021年政府信息公开工作年度报告"),
    B("furniture", "- 1 -"),
    B("heading", "一、总体情况"),
    B("para", "本年度**主动公开**政府信息1234条。"),
    B("pagebreak"),
    B("table", rows=((C("信息内容", rowspan=2), C("本年新制作数量"), C("现行有效件数")),
                     (C("商业\n企业"), C("5")),
                     (C("规章"), C(""), C("3")))),
    B("sign", "某县人民政府"),
    B("sign", "2022年1月20日"),
)


def _members(data: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {m: z.read(m) for m in z.namelist()}


def test_our_word_reader_reads_back_what_the_writer_laid_out(tmp_path):
    f = tmp_path / "r.docx"
    f.write_bytes(docx_writer.docx_bytes(BLOCKS, running_head="页眉文字"))
    doc = read(f)
    assert doc.format == "docx" and doc.status == "ok"
    texts = [r.text for r in doc.rows]
    # the title first, the furniture block and the running head nowhere in the body
    assert texts[0] == "某县人民政府2021年政府信息公开工作年度报告"
    assert "- 1 -" not in texts and "页眉文字" not in texts
    assert "本年度主动公开政府信息1234条。" in texts       # bold marks become runs, not text
    table = [r.cells for r in doc.rows if r.source == "table"]
    # a rowspan's text in its first position only; a line broken inside a cell (商业／企业)
    # reads as one label, as in a real Word table
    assert table[0][0] == "信息内容" and table[1][0] == ""
    assert table[1][1:] == ("商业企业", "5")
    assert table[2] == ("规章", "", "3")
    assert texts[-2:] == ["某县人民政府", "2022年1月20日"]


def test_signature_is_set_off_by_one_blank_line_and_bold_marks_are_runs():
    import docx

    d = docx.Document(io.BytesIO(docx_writer.docx_bytes(BLOCKS)))
    paras = [p.text for p in d.paragraphs]
    i = paras.index("某县人民政府")
    assert paras[i - 1] == "" and paras[i + 1] == "2022年1月20日"
    assert paras.count("") == 2                          # that blank line and the page break
    body = next(p for p in d.paragraphs if p.text.startswith("本年度"))
    assert [(r.text, bool(r.bold)) for r in body.runs] == [
        ("本年度", False), ("主动公开", True), ("政府信息1234条。", False)]
    assert [r.text for r in d.sections[0].footer.paragraphs[0].runs][0] == "- "


def test_equal_blocks_give_equal_bytes_and_no_clock_in_the_file():
    one = docx_writer.docx_bytes(BLOCKS, author="a")
    assert one == docx_writer.docx_bytes(BLOCKS, author="a")
    for info in zipfile.ZipFile(io.BytesIO(one)).infolist():
        assert info.date_time == (2024, 1, 1, 0, 0, 0), info.filename
    assert b"2024-01-01T00:00:00Z" in _members(one)["docProps/core.xml"]


def test_an_unknown_block_kind_is_refused_not_dropped():
    with pytest.raises(ValueError, match="footnote"):
        docx_writer.docx_bytes([B("footnote", "x")])


def test_unruled_tables_have_no_grid_style():
    ruled = _members(docx_writer.docx_bytes(BLOCKS))["word/document.xml"]
    bare = _members(docx_writer.docx_bytes(BLOCKS, ruled=False))["word/document.xml"]
    assert b"TableGrid" in ruled and b"TableGrid" not in bare


def test_synth_word_files_come_from_the_shared_writer():
    spec = synth.with_variant(synth.plan(5, seed=3)[0], "unruled")
    mine = docx_writer.docx_bytes(synth.layout_blocks(spec), ruled=False,
                                  running_head=f"{spec.agency}{spec.year}年政府信息公开工作年度报告")
    assert synth.docx_bytes(spec) == mine


@pytest.fixture(scope="module")
def generate():
    """tests/fixtures/generate.py as a module (it is a script, not a package member)."""
    spec = importlib.util.spec_from_file_location("fixtures_generate", FIXTURES / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod                  # its dataclasses look their module up
    try:
        spec.loader.exec_module(mod)
        yield mod
    finally:
        del sys.modules[spec.name]


@pytest.mark.parametrize("name", sorted(f.stem for f in (FIXTURES / "generated").glob("*.docx")))
def test_committed_word_fixtures_are_what_generate_py_writes(name, generate, tmp_path):
    # The PDFs and the .doc are LibreOffice's renderings of these files; if the writer
    # changed what it writes, the committed fixtures would no longer be reproducible.
    gen = generate
    reports = {r.name: r for r in (gen.hongze_2021(), gen.tongren_2020())}
    for seed in sorted(gen.SEEDS.glob("*.txt")):
        rep = gen.seed_report(seed)
        reports[rep.name] = rep
    gen.write_docx(reports[name], tmp_path / f"{name}.docx")
    committed = _members((FIXTURES / "generated" / f"{name}.docx").read_bytes())
    assert _members((tmp_path / f"{name}.docx").read_bytes()) == committed

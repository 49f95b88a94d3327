"""The archive generator: deterministic, realistic layout, chains that the indexes can use."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import defaultdict
from pathlib import Path


from build_tools import synth
from build_tools.record import T3_COLUMNS

REPO = Path(__file__).resolve().parents[1]


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_cli_writes_count_files_deterministically(tmp_path: Path):
    def run(out: Path, seed: str) -> None:
        subprocess.run([sys.executable, "-m", "build_tools.synth", "--count", "25", "--out",
                        str(out), "--seed", seed], cwd=REPO, check=True, capture_output=True)

    run(tmp_path / "a", "5")
    run(tmp_path / "b", "5")
    run(tmp_path / "c", "6")
    a = _tree(tmp_path / "a")
    assert a == _tree(tmp_path / "b")
    assert a != _tree(tmp_path / "c")
    reports = [p for p in a if p.endswith(".txt")]
    assert len(reports) == 25 and len(a) == 50          # every report has its .yml sidecar
    for rel in reports:
        parts = rel.split("/")
        # <省>/<市>/[<县区>/]<year>/<agency>.txt
        assert len(parts) in (4, 5) and parts[0].endswith("省") and parts[-2].isdigit()


def test_archive_shape():
    specs = synth.plan(400, seed=1)
    assert len(specs) == 400
    by_body = defaultdict(list)
    for s in specs:
        by_body[(tuple(s.region), s.agency)].append(s)
    assert {s.region[0] for s in specs} >= {"青海省", "江苏省", "浙江省", "四川省", "广东省"}
    assert {s.kind for s in specs} == {"government", "department"}
    assert {s.template for s in specs} == {"2019", "2021"}
    assert all(s.template == ("2021" if s.year >= 2021 else "2019") for s in specs)
    assert sum(1 for v in by_body.values() if len(v) >= 3) > 20
    assert {f for s in specs for f in s.flaws} == set(synth.FLAWS)
    assert {"blank_zeros", "typos", "split_labels", "split_lines"} <= {m for s in specs for m in s.mess}
    # last year's 结转下年度 is this year's 上年结转, unless the report is a planted fault
    for chain in by_body.values():
        chain.sort(key=lambda s: s.year)
        for prev, cur in zip(chain, chain[1:]):
            assert cur.year == prev.year + 1
            if "carryover" not in cur.flaws:
                for col in T3_COLUMNS[:-1]:
                    assert (cur.t3["carried_over"][col] or 0) == (prev.t3["carried_forward"][col] or 0)


def test_unflawed_tables_add_up():
    for s in synth.plan(200, seed=3):
        t3 = s.t3
        for col in T3_COLUMNS:
            lhs = (t3["new_received"][col] or 0) + (t3["carried_over"][col] or 0)
            rhs = (t3["total_processed"][col] or 0) + (t3["carried_forward"][col] or 0)
            if "balance" not in s.flaws:
                assert lhs == rhs, (s.relpath, col)
        if "t4_total" not in s.flaws:
            for g in s.t4.values():
                assert g["total"] == g["upheld"] + g["corrected"] + g["other"] + g["pending"]
        if "balance" in s.flaws:
            assert (t3["new_received"]["total"] or 0) + (t3["carried_over"]["total"] or 0) != \
                (t3["total_processed"]["total"] or 0) + (t3["carried_forward"]["total"] or 0)


def test_text_follows_the_template_layout():
    specs = synth.plan(60, seed=4)
    s2021 = next(s for s in specs if s.template == "2021")
    text = synth.render_text(s2021)
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                    "六、其他需要报告的事项"):
        assert heading in text
    assert "本年制发件数" in text and "（七）总计" in text
    new_row = next(line for line in text.splitlines() if line.startswith("一、本年新收"))
    cells = new_row.rstrip("\t").split("\t")
    assert cells[2:] == [str(s2021.t3["new_received"][c]) if s2021.t3["new_received"][c] is not None
                         else "" for c in T3_COLUMNS]
    s2019 = next(s for s in specs if s.template == "2019")
    assert "本年新制作数量" in synth.render_text(s2019)
    assert "3.其他" not in synth.render_text(s2019)       # 2019: （六）其他处理 is one row


def test_prose_is_as_long_as_real_reports_and_names_only_its_own_places():
    # The seeds run to 2,861–6,903 characters, most of it prose.  Reports of three
    # sentences would flatter every page-size, parse and search benchmark.
    specs = synth.plan(200)
    lengths = {kind: [len(synth.render_text(s)) for s in specs if s.kind == kind]
               for kind in ("government", "department")}
    for kind, values in lengths.items():
        assert values and all(2400 <= n <= 8000 for n in values), (kind, min(values), max(values))
    mean = {kind: sum(v) / len(v) for kind, v in lengths.items()}
    assert mean["government"] > mean["department"]

    # a place the body does not belong to would teach the region reader the wrong thing
    every_place = {name for prov, cities in synth.PLACES.items()
                   for name in (prov, *cities, *(c for cs in cities.values() for c in cs))}
    for spec in specs[:60]:
        prose = synth.narrative(spec)
        text = "".join(prose.preamble + prose.overview + prose.problems + prose.other)
        foreign = {p for p in every_place - set(spec.region) if p in text}
        assert not foreign, (spec.agency, foreign)
        # the same words in every format
        layout = synth.layout_text(spec)
        assert all(paragraph in layout for paragraph in prose.overview + prose.problems)
        # the narrative quotes the table's count of requests (rule 6)
        assert synth._applied_sentence(spec) in text
    # and, as four of the five seeds do, how they ended, 不予公开 included
    told = [s for s in specs if "不予公开" in "".join(synth.narrative(s).overview)]
    assert len(told) > len(specs) / 2


def test_generated_files_parse_back_to_what_was_generated(tmp_path: Path):
    """The parser reads every cell and the metadata of generated files, and the checks fire
    exactly on the planted faults (rule 5 through the indexes' cross-year check)."""
    from build_tools import indexes, metadata, pipeline
    from build_tools.record import iter_cells

    specs = synth.generate(40, tmp_path, seed=1)
    records = []
    for spec in specs:
        path = tmp_path / spec.relpath
        record = pipeline.parse_file(path, metadata.load_sidecar(path))
        truth = synth.to_record(spec)
        for key in ("agency", "agency_kind", "region", "year", "template", "published"):
            assert record["meta"][key] == truth["meta"][key], (spec.relpath, key)
        assert dict(iter_cells(record)) == dict(iter_cells(truth)), spec.relpath
        failed = {c["rule"] for c in record["checks"] if c["status"] == "fail"}
        if not spec.flaws:
            assert failed == set(), spec.relpath
        if "balance" in spec.flaws:
            assert "t3_balance" in failed
        records.append(record)
    indexes.enrich(records)
    carry_fail = sorted(r["meta"]["source"]["file"] for r in records for c in r["checks"]
                        if c["rule"] == "cross_year_carryover" and c["status"] == "fail")
    expected = []
    for spec in specs:
        if "carryover" in spec.flaws:
            prev = [s for s in specs if s.agency == spec.agency and s.region == spec.region
                    and s.year == spec.year - 1]
            if prev:
                expected += [str(tmp_path / spec.relpath), str(tmp_path / prev[0].relpath)]
    assert expected and carry_fail == sorted(expected)


def test_mixed_archive_draws_every_format_with_layout_mess():
    specs = synth.plan(400, seed=3)
    pairs = synth.mixed_formats(specs, seed=3)
    assert [s.agency for s, _ in pairs] == [s.agency for s in specs]
    counts = {}
    for _, fmt in pairs:
        counts[fmt] = counts.get(fmt, 0) + 1
    # every format of FORMAT_MIX is drawn, text the most (45 %)
    assert set(counts) == {"txt", "html", "html_gbk", "docx", "pdf", "txt_layout"}
    assert max(counts, key=counts.get) == "txt"
    # published formats carry layout mess (a page break, vertical labels …); plain text
    # files are the plan's reports as they are
    layout_only = {"page_break", "vertical_label", "unruled", "narrow", "t4_header3"}
    assert any(set(s.mess) & layout_only for s, f in pairs if f != "txt")
    assert all(s is plain for (s, f), plain in zip(pairs, specs) if f == "txt")
    again = synth.mixed_formats(synth.plan(400, seed=3), seed=3)
    assert [f for _, f in again] == [f for _, f in pairs]

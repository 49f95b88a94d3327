"""Open data: CSV (with BOM), gzip'd long cells table and records, per-report JSON,
Frictionless data package."""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from build_tools import indexes, opendata, urls
from build_tools.record import empty_t2, empty_t3, empty_t4, iter_cells, new_record, set_path


def _record(agency: str, year: int, region: list[str], sha: str, template: str = "2021") -> dict:
    r = new_record()
    r["meta"].update(agency=agency, agency_kind="government", region=region, year=year,
                     template=template, published=f"{year + 1}-01-17",
                     title=f"{agency}{year}年政府信息公开工作年度报告")
    r["meta"]["source"].update(file=f"/somewhere/reports/{agency}.txt", format="txt",
                               sha256=sha * 64)
    r["tables"] = {"T2": empty_t2(template), "T3": empty_t3(template), "T4": empty_t4()}
    return r


@pytest.fixture()
def records() -> list[dict]:
    # seed 001-like: 同仁市 2021, 行政事业性收费 603.474 万元, T3 zeros, review blank, suits 0
    a = _record("同仁市人民政府", 2021, ["青海省", "黄南藏族自治州", "同仁市"], "a")
    set_path(a, "T2.fees.amount", 603.474)
    set_path(a, "T2.licensing.decisions", 496)
    for row in ("new_received", "carried_over", "total_processed", "carried_forward"):
        set_path(a, f"T3.{row}.total", 0)
        set_path(a, f"T3.{row}.natural_person", 0)
    for g in ("litigation_direct", "litigation_after_review"):
        for c in ("upheld", "corrected", "other", "pending", "total"):
            set_path(a, f"T4.{g}.{c}", 0)
    # 乐都区 2022: 本年新收 5 (自然人 5), 予以公开 5 (only 总计 printed), 总计 5
    b = _record("海东市乐都区人民政府", 2022, ["青海省", "海东市", "乐都区"], "b")
    set_path(b, "T3.new_received.natural_person", 5)
    set_path(b, "T3.new_received.total", 5)
    set_path(b, "T3.granted.total", 5)
    set_path(b, "T3.total_processed.total", 5)
    b["checks"].append({"rule": "t3_row_sum", "status": "fail",
                        "cells": ["T3.granted.total"], "message": "…"})
    return [b, a]


def _csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def _gunzip_text(data: bytes) -> str:
    assert isinstance(data, bytes)
    return gzip.decompress(data).decode("utf-8")


def _write(files: list[tuple[str, str | bytes]], root: Path) -> None:
    for rel, content in files:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")


def test_archive_csv_one_row_per_report_with_every_cell(records):
    files = dict(opendata.files(records))
    rows = _csv(files["data/archive.csv"])
    assert [r["agency"] for r in rows] == ["同仁市人民政府", "海东市乐都区人民政府"]  # by year
    tongren, ledu = rows
    assert tongren["region"] == "青海省/黄南藏族自治州/同仁市" and tongren["county"] == "同仁市"
    assert tongren["T2.fees.amount"] == "603.474"
    assert tongren["T2.licensing.decisions"] == "496"
    # blank stays blank, 0 stays 0
    assert tongren["T4.review.total"] == "" and tongren["T4.litigation_direct.total"] == "0"
    assert tongren["T3.new_received.commercial"] == ""
    assert tongren["source_file"] == "同仁市人民政府.txt"     # no build-machine path
    assert ledu["requests_received"] == "5" and ledu["disclosure_rate"] == "1"
    assert ledu["natural_person_share"] == "1"
    assert ledu["checks_failed"] == "1"
    assert ledu["report"] == urls.report_slug(records[0]) + "/"
    assert ledu["record_json"] == urls.record_json_path(records[0])
    # a column for every cell of both templates: 2019-only cells exist, empty here
    assert ledu["T2.procurement.amount"] == ""
    assert "T3.other.no_correction.legal_service" in ledu


def test_open_data_lists_reports_in_the_order_the_pages_list_them():
    # regions whose "/"-joined text sorts otherwise than the path itself ("-" and " " sort
    # before "/"), a blank region part and a missing year: the rows still follow the pages
    recs = [_record("乙机关", 2021, ["青海省", "海东市"], "1"),
            _record("甲机关", 2021, ["青海省-西宁"], "2"),
            _record("丙机关", 2021, ["青海省", "", "乐都区"], "3"),
            _record("丁机关", 2021, ["青海省 海北"], "4"),
            _record("戊机关", 2020, ["青海省"], "5")]
    recs[4]["meta"]["year"] = None
    files = dict(opendata.files(recs))
    rows = _csv(files["data/archive.csv"])
    assert [r["report"] for r in rows] == [
        urls.report_slug(r) + "/" for r in sorted(recs, key=indexes.report_order)]
    lines = _gunzip_text(files[f"data/{opendata.RECORDS_FILE}"]).splitlines()
    assert [json.loads(line)["meta"]["agency"] for line in lines] == [r["agency"] for r in rows]


def test_archive_csv_keeps_line_breaks_inside_one_field_and_neutralizes_formulas(records):
    # a lone carriage return would end the row for a CSV reader unless the field is quoted
    records[1]["meta"]["title"] = "第一行\r第二行\n第三行"
    records[0]["meta"]["agency"] = "=HYPERLINK(\"http://x\")"
    rows = _csv(dict(opendata.files(records))["data/archive.csv"])
    assert len(rows) == 2
    assert rows[0]["title"] == "第一行\r第二行\n第三行"
    assert rows[1]["agency"] == "'=HYPERLINK(\"http://x\")"


def test_cells_long_form_is_gzip_per_year(records):
    files = dict(opendata.files(records))
    assert "data/cells/2021.csv" not in files
    rows_2021 = _csv(_gunzip_text(files["data/cells/2021.csv.gz"]))
    rows_2022 = _csv(_gunzip_text(files["data/cells/2022.csv.gz"]))
    # 2021 template: T2 10 cells + T3 26 rows x 7 columns + T4 15 cells = 207 per report
    assert len(rows_2021) == len(rows_2022) == 207
    fee = [r for r in rows_2021 if r["path"] == "T2.fees.amount"]
    assert fee == [{"report": urls.report_slug(records[1]) + "/", "year": "2021",
                    "path": "T2.fees.amount", "table": "T2",
                    "label": "行政事业性收费 本年收费金额", "value": "603.474", "unit": "万元"}]
    nat = [r for r in rows_2022 if r["path"] == "T3.new_received.natural_person"]
    assert nat[0]["value"] == "5" and nat[0]["label"] == "一、本年新收政府信息公开申请数量｜自然人"
    review = [r for r in rows_2021 if r["path"] == "T4.review.total"]
    assert review[0]["value"] == ""                      # blank, not 0


def test_cells_round_trip_through_pandas(records):
    files = dict(opendata.files(records))
    for record in records:
        year = record["meta"]["year"]
        frame = pd.read_csv(io.BytesIO(files[f"data/cells/{year}.csv.gz"]), compression="gzip",
                            encoding="utf-8-sig")
        assert list(frame.columns) == ["report", "year", "path", "table", "label", "value", "unit"]
        mine = frame[frame["report"] == urls.report_slug(record) + "/"]
        read_back = dict(zip(mine["path"], mine["value"]))
        expected = dict(iter_cells(record))
        assert read_back.keys() == expected.keys()
        for path, value in expected.items():
            if value is None:
                assert math.isnan(read_back[path]), path       # blank comes back blank
            else:
                assert read_back[path] == pytest.approx(value), path
    tongren = pd.read_csv(io.BytesIO(files["data/cells/2021.csv.gz"]), compression="gzip",
                          encoding="utf-8-sig").set_index("path")["value"]
    assert tongren["T4.litigation_direct.total"] == 0           # 0 stays 0
    assert math.isnan(tongren["T4.review.total"])               # blank stays blank
    assert tongren["T2.fees.amount"] == pytest.approx(603.474)


def test_json_files_hold_whole_records_minified(records):
    files = dict(opendata.files(records))
    assert "data/records.json" not in files
    lines = _gunzip_text(files["data/records.jsonl.gz"]).splitlines()
    all_records = [json.loads(line) for line in lines]
    assert [r["meta"]["agency"] for r in all_records] == ["同仁市人民政府", "海东市乐都区人民政府"]
    assert "同仁市" in lines[0]                          # UTF-8, not \\u escapes
    own_text = files[urls.record_json_path(records[0])]
    assert isinstance(own_text, str)
    assert own_text.count("\n") == 1 and own_text.endswith("}\n")   # no indentation
    own = json.loads(own_text)
    assert own["meta"]["agency"] == "海东市乐都区人民政府"
    assert own["tables"]["T3"]["granted"]["total"] == 5
    assert own["tables"]["T3"]["granted"]["natural_person"] is None
    # the whole record: checks, sections, warnings and all, as the records file has it
    assert own["checks"] == [{"rule": "t3_row_sum", "status": "fail",
                              "cells": ["T3.granted.total"], "message": "…"}]
    assert own == json.loads(json.dumps(records[0]))
    assert own == all_records[1]


def test_output_is_deterministic_and_gzip_has_no_name_or_time(records):
    first = opendata.files(records)
    assert first == opendata.files(list(reversed(copy.deepcopy(records))))
    gz = [(rel, content) for rel, content in first if rel.endswith(".gz")]
    assert [rel for rel, _ in gz] == ["data/cells/2021.csv.gz", "data/cells/2022.csv.gz",
                                      "data/records.jsonl.gz"]
    for rel, content in gz:
        assert content[:3] == b"\x1f\x8b\x08", rel          # gzip, deflate
        assert content[3] == 0, rel                          # FLG: no FNAME, no FCOMMENT, no FEXTRA
        assert content[4:8] == b"\0\0\0\0", rel              # MTIME 0
    assert all(isinstance(c, str) for rel, c in first if not rel.endswith(".gz"))


def test_record_cells_walks_like_iter_cells(records):
    old = _record("某县人民政府", 2020, ["某省", "某市", "某县"], "c", template="2019")
    set_path(old, "T2.procurement.amount", 12.5)
    set_path(old, "T3.new_received.total", 0)
    # no template known: every registry field is walked (both templates' cells) ...
    no_template = _record("某局", 2021, ["某省"], "d", template="2019")
    no_template["meta"]["template"] = None
    no_template["tables"]["T2"] = empty_t2(None)  # type: ignore[arg-type]
    no_template["tables"]["T3"] = empty_t3(None)  # type: ignore[arg-type]
    no_t3 = copy.deepcopy(records[0])
    no_t3["tables"]["T3"] = None
    blank_rows = copy.deepcopy(records[0])
    blank_rows["tables"]["T3"]["denied"] = None
    for r in records + [old, no_template, no_t3, blank_rows]:
        assert opendata.record_cells(r) == list(iter_cells(r))
    assert len(opendata.record_cells(no_template)) > len(opendata.record_cells(records[0]))
    # ... and a cell the tables lack is an error in both, not a silent blank
    mismatched = copy.deepcopy(records[1])
    mismatched["meta"]["template"] = None
    with pytest.raises(KeyError):
        list(iter_cells(mismatched))
    with pytest.raises(KeyError):
        opendata.record_cells(mismatched)
    assert ("T2.procurement.amount", 12.5) in opendata.record_cells(old)
    assert ("T3.denied.state_secret.total", None) in opendata.record_cells(blank_rows)


def test_datapackage_validates_with_frictionless(records, tmp_path: Path):
    frictionless = pytest.importorskip("frictionless")
    _write(opendata.files(records), tmp_path)
    package = json.loads((tmp_path / "data/datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    # descriptions come from the field registry, with the unit
    assert fields["T3.new_received.total"]["description"] == "一、本年新收政府信息公开申请数量｜总计（单位：件）"
    assert fields["T2.fees.amount"]["description"] == "行政事业性收费 本年收费金额（单位：万元）"
    assert [(r["path"], r.get("compression")) for r in package["resources"]] == [
        ("archive.csv", None), ("cells/2021.csv.gz", "gz"), ("cells/2022.csv.gz", "gz"),
        ("records.jsonl.gz", "gz")]
    report = frictionless.validate(tmp_path / "data/datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # frictionless read inside the gzip: every cell row of both years was checked
    rows = {t.name: t.stats.get("rows") for t in report.tasks}
    assert rows["cells-2021"] == rows["cells-2022"] == 207 and rows["archive"] == 2
    # and it would notice a broken file: a text where a number belongs, inside the gzip
    cells = tmp_path / "data/cells/2021.csv.gz"
    text = gzip.decompress(cells.read_bytes()).decode("utf-8")
    bad = text.replace(",603.474,", ",六百,")
    assert bad != text
    cells.write_bytes(gzip.compress(bad.encode("utf-8"), mtime=0))
    broken = frictionless.validate(tmp_path / "data/datapackage.json")
    assert not broken.valid
    assert [e[:2] for e in broken.flatten(["type", "fieldName"])] == [["type-error", "value"]]


def test_data_page_links_every_download(records):
    files = opendata.files(records)
    page = opendata.data_page_markdown(records, files)
    for href in ("archive.csv", "records.jsonl.gz", "datapackage.json",
                 "cells/2021.csv.gz", "cells/2022.csv.gz"):
        assert f'<a href="{href}">' in page, href
        assert f"data/{href}" in dict(files)
    assert "全部 2 份报告" in page
    assert "records.json\"" not in page and "2021.csv\"" not in page
    size = len(dict(files)["data/archive.csv"].encode("utf-8"))
    item = next(line for line in page.splitlines() if 'href="archive.csv"' in line)
    assert f"</a>（{round(size / 1000)} KB）：" in item


def _four_groups(records: list[dict]) -> list[dict]:
    """The fixture's two reports plus one more of each one's year and province: groups
    (2021, 青海省) and (2022, 青海省), and one of 2022 in another province."""
    c = _record("海东市平安区人民政府", 2022, ["青海省", "海东市", "平安区"], "c")
    set_path(c, "T3.new_received.total", 7)
    d = _record("西宁市城西区人民政府", 2021, ["青海省", "西宁市", "城西区"], "d")
    e = _record("三台县人民政府", 2022, ["四川省", "绵阳市", "三台县"], "e")
    set_path(e, "T3.new_received.total", 12)
    return records + [c, d, e]


def test_parts_cache_gives_the_same_files_and_recomputes_only_a_changed_group(
        records, tmp_path, monkeypatch):
    recs = _four_groups(records)
    fresh = opendata.files(recs)
    made: list[list[str]] = []
    real = opendata.group_parts

    def counted(group, lines):
        made.append([r["meta"]["agency"] for r in group])
        return real(group, lines)

    monkeypatch.setattr(opendata, "group_parts", counted)
    assert opendata.files(recs, opendata.PartsCache(tmp_path)) == fresh
    assert len(made) == 3                      # (2021, 青海省), (2022, 四川省), (2022, 青海省)
    made.clear()
    assert opendata.files(recs, opendata.PartsCache(tmp_path)) == fresh
    assert made == []                          # all from the cache, same bytes

    # one more 2022 report of 四川省: only that group is made again
    f = _record("绵阳市人民政府", 2022, ["四川省", "绵阳市"], "f")
    set_path(f, "T3.new_received.total", 40)
    grown = opendata.files(recs + [f], opendata.PartsCache(tmp_path))
    assert made == [["绵阳市人民政府", "三台县人民政府"]]
    assert grown == opendata.files(recs + [f])

    # the whole text of a file made of cached gzip members is the one file's text
    text = _gunzip_text(dict(grown)["data/cells/2022.csv.gz"])
    assert text.count("\ufeff") == 1 and text.startswith("\ufeffreport,year,path")
    agencies = {json.loads(x)["meta"]["agency"]
                for x in _gunzip_text(dict(grown)["data/records.jsonl.gz"]).splitlines()}
    assert agencies == {r["meta"]["agency"] for r in recs + [f]}
    frame = pd.read_csv(io.BytesIO(dict(grown)["data/cells/2022.csv.gz"]),
                        compression="gzip", encoding="utf-8-sig")
    assert set(frame["year"]) == {2022}
    assert frame[frame["path"] == "T3.new_received.total"]["value"].tolist() == [40, 12, 5, 7]


def test_parts_cache_is_not_used_by_other_code_and_prunes_what_a_build_left(
        records, tmp_path, monkeypatch):
    recs = _four_groups(records)
    opendata.files(recs, opendata.PartsCache(tmp_path))
    assert len(list(tmp_path.glob("*/*"))) == 3
    made = []
    real = opendata.group_parts
    monkeypatch.setattr(opendata, "group_parts", lambda g, l: made.append(1) or real(g, l))
    monkeypatch.setattr(opendata, "parts_digest", lambda: "another version of the code")
    cache = opendata.PartsCache(tmp_path)
    opendata.files(recs, cache)
    assert len(made) == 3                      # nothing reused across code versions
    cache.prune()
    assert len(list(tmp_path.glob("*/*"))) == 3   # the old version's entries are gone
    # a damaged entry is a miss, never half a hit
    entry = next(tmp_path.glob("*/*"))
    (entry / "cells.gz").unlink()
    expected = opendata.files(recs)
    made.clear()
    assert opendata.files(recs, opendata.PartsCache(tmp_path)) == expected
    assert len(made) == 1

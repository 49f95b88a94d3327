"""Open data: CSV (with BOM), long cells table, JSON records, Frictionless data package."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from build_tools import indexes, opendata, urls
from build_tools.record import empty_t2, empty_t3, empty_t4, new_record, set_path


def _record(agency: str, year: int, region: list[str], sha: str) -> dict:
    r = new_record()
    r["meta"].update(agency=agency, agency_kind="government", region=region, year=year,
                     template="2021", published=f"{year + 1}-01-17",
                     title=f"{agency}{year}年政府信息公开工作年度报告")
    r["meta"]["source"].update(file=f"/somewhere/reports/{agency}.txt", format="txt",
                               sha256=sha * 64)
    r["tables"] = {"T2": empty_t2("2021"), "T3": empty_t3("2021"), "T4": empty_t4()}
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
    return list(csv.DictReader(io.StringIO(text[1:])))


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
    # a column for every cell of both templates: 2019-only cells exist, empty here
    assert ledu["T2.procurement.amount"] == ""
    assert "T3.other.no_correction.legal_service" in ledu


def test_cells_csv_long_form(records):
    files = dict(opendata.files(records))
    rows_2021 = _csv(files["data/cells/2021.csv"])
    rows_2022 = _csv(files["data/cells/2022.csv"])
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


def test_json_files(records):
    files = dict(opendata.files(records))
    all_records = json.loads(files["data/records.json"])
    assert [r["meta"]["agency"] for r in all_records] == ["同仁市人民政府", "海东市乐都区人民政府"]
    own = json.loads(files[urls.record_json_path(records[0])])
    assert own["meta"]["agency"] == "海东市乐都区人民政府"
    assert own["tables"]["T3"]["granted"]["total"] == 5
    assert own["tables"]["T3"]["granted"]["natural_person"] is None
    assert "同仁市" in files["data/records.json"]   # UTF-8, not \\u escapes


def test_output_is_deterministic(records):
    assert opendata.files(records) == opendata.files(list(reversed(records)))


def test_datapackage_validates_with_frictionless(records, tmp_path: Path):
    frictionless = pytest.importorskip("frictionless")
    indexes.write_indexes(records, tmp_path)
    package = json.loads((tmp_path / "data/datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    # descriptions come from the field registry, with the unit
    assert fields["T3.new_received.total"]["description"] == "一、本年新收政府信息公开申请数量｜总计（单位：件）"
    assert fields["T2.fees.amount"]["description"] == "行政事业性收费 本年收费金额（单位：万元）"
    report = frictionless.validate(tmp_path / "data/datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # and it would notice a broken file: a text where a number belongs
    assert [r["path"] for r in package["resources"]] == [
        "archive.csv", "cells/2021.csv", "cells/2022.csv"]
    cells = tmp_path / "data/cells/2021.csv"
    bad = cells.read_text(encoding="utf-8-sig").replace(",603.474,", ",六百,")
    assert bad != cells.read_text(encoding="utf-8-sig")
    cells.write_text("\ufeff" + bad, encoding="utf-8")
    assert not frictionless.validate(tmp_path / "data/datapackage.json").valid

"""Metadata from the text, the sidecar, and their provenance."""

from __future__ import annotations

import pytest

from build_tools.document import Document
from build_tools.errors import ReportError
from build_tools.metadata import (agency_kind, apply_sidecar, load_sidecar, parse_date, pick_agency,
                                  region_from_name)
from build_tools.pipeline import parse_document
from build_tools.readers.text import text_to_rows
from build_tools.record import new_record
from conftest import SEEDS_DIR


def doc_of(text: str) -> Document:
    return Document(path="synthetic.txt", format="txt", sha256="0" * 64, rows=text_to_rows(text, "txt"))


def test_parse_date_forms():
    assert parse_date("2022年1月17日") == "2022-01-17"
    assert parse_date("2022 年 2 月 7 日") == "2022-02-07"
    assert parse_date("2023-1-5") == "2023-01-05"
    assert parse_date("二〇二二年一月十七日") == "2022-01-17"
    assert parse_date("二〇二二年十二月三十一日") == "2022-12-31"
    assert parse_date("2022年2月30日") is None
    assert parse_date("无") is None


def test_agency_kind_and_fullest_name():
    assert agency_kind("同仁市人民政府") == "government"
    assert agency_kind("海东市市直机关事务管理局") == "department"
    assert agency_kind("某某市人民政府办公室") == "department"
    assert agency_kind(None) is None
    assert pick_agency(["乐都区人民政府", "海东市乐都区人民政府", "乐都区人民政府"]) == "海东市乐都区人民政府"
    assert pick_agency([]) is None


def test_region_through_gazetteer():
    assert region_from_name("同仁市人民政府") == ("青海省", "黄南藏族自治州", "同仁市")
    assert region_from_name("洪泽区人民政府") == ("江苏省", "淮安市", "洪泽区")
    assert region_from_name("海东市人民政府") == ("青海省", "海东市")
    assert region_from_name("海东市市直机关事务管理局") == ("青海省", "海东市")   # department: parent's region
    assert region_from_name(None) == ()


def test_region_of_a_city_department_whose_name_is_one_dictionary_word():
    # The segmenter's dictionary holds 广州市公安局 / 北京市人民政府 / 云南省公安厅 as single
    # words, which hid the place name: the leading place name is asked on its own.
    assert region_from_name("广州市公安局") == ("广东省", "广州市")
    assert region_from_name("武汉市公安局") == ("湖北省", "武汉市")
    assert region_from_name("深圳市公安局") == ("广东省", "深圳市")
    assert region_from_name("北京市人民政府") == ("北京市",)
    assert region_from_name("上海市人民政府办公厅") == ("上海市",)
    assert region_from_name("大连市人民政府") == ("辽宁省", "大连市")
    assert region_from_name("云南省公安厅") == ("云南省",)
    assert region_from_name("内蒙古自治区人民政府") == ("内蒙古自治区",)
    assert region_from_name("广东省广州市公安局") == ("广东省", "广州市")
    assert region_from_name("上海市浦东新区公安局") == ("上海市", "浦东新区")
    assert region_from_name("南京市公安局") == ("江苏省", "南京市")       # worked before: still does


def test_region_of_counties_whose_names_look_like_words():
    assert region_from_name("荆州市公安县人民政府") == ("湖北省", "荆州市", "公安县")
    assert region_from_name("公安县公安局") == ("湖北省", "荆州市", "公安县")
    assert region_from_name("资源县人民政府") == ("广西壮族自治区", "桂林市", "资源县")
    assert region_from_name("资源县自然资源局") == ("广西壮族自治区", "桂林市", "资源县")
    assert region_from_name("阳泉市郊区人民政府") == ("山西省", "阳泉市", "郊区")
    assert region_from_name("阳泉市城区财政局") == ("山西省", "阳泉市", "城区")
    assert region_from_name("攀枝花市东区人民政府") == ("四川省", "攀枝花市", "东区")
    assert region_from_name("济南市市中区人民政府") == ("山东省", "济南市", "市中区")
    assert region_from_name("鄂温克族自治旗人民政府") == ("内蒙古自治区", "呼伦贝尔市", "鄂温克族自治旗")
    assert region_from_name("兴安盟公安局") == ("内蒙古自治区", "兴安盟")
    assert region_from_name("延边朝鲜族自治州财政局") == ("吉林省", "延边朝鲜族自治州")



def test_region_of_short_forms_of_autonomous_divisions():
    # as agencies name themselves: the nationalities and 自治 left out
    assert region_from_name("黄南州人民政府") == ("青海省", "黄南藏族自治州")
    assert region_from_name("海西州财政局") == ("青海省", "海西蒙古族藏族自治州")
    assert region_from_name("互助县教育局") == ("青海省", "海东市", "互助土族自治县")
    assert region_from_name("海东市互助县教育局") == ("青海省", "海东市", "互助土族自治县")
    assert region_from_name("大通县人民政府") == ("青海省", "西宁市", "大通回族土族自治县")
    assert region_from_name("循化县人民政府") == ("青海省", "海东市", "循化撒拉族自治县")
    assert region_from_name("恩施州教育局") == ("湖北省", "恩施土家族苗族自治州")
    assert region_from_name("长阳县人民政府") == ("湖北省", "宜昌市", "长阳土家族自治县")
    assert region_from_name("湘西州民政局") == ("湖南省", "湘西土家族苗族自治州")
    assert region_from_name("凉山州人民政府") == ("四川省", "凉山彝族自治州")
    # the full names still resolve as before
    assert region_from_name("互助土族自治县教育局") == ("青海省", "海东市", "互助土族自治县")


def test_short_forms_are_expanded_only_where_they_name_one_place():
    from build_tools.metadata import full_place_names

    assert full_place_names("黄南州同仁市人民政府") == "黄南藏族自治州同仁市人民政府"
    # the full name is left as it is, and so is text without a short form
    assert full_place_names("黄南藏族自治州人民政府") == "黄南藏族自治州人民政府"
    assert full_place_names("海东市乐都区人民政府") == "海东市乐都区人民政府"



def test_short_place_names_as_people_write_them():
    from build_tools.metadata import short_place_names
    from build_tools.search import name_characters, record_names

    assert short_place_names("黄南藏族自治州体育局") == "黄南州体育局"
    assert short_place_names("海西蒙古族藏族自治州") == "海西州"
    assert short_place_names("伊犁哈萨克自治州") == "伊犁州"             # 哈萨克 without 族
    assert short_place_names("青海省海东市互助土族自治县") == "青海省海东市互助县"
    assert short_place_names("鄂温克族自治旗") == "鄂温克族自治旗"        # no stem left: kept
    assert short_place_names("海东市乐都区") == "海东市乐都区"
    # the hidden search words of a report hold the short forms too, a word per character,
    # names set apart by 、
    words = name_characters(record_names({"meta": {"region": ["青海省", "黄南藏族自治州", "同仁市"],
                                                   "agency": "黄南藏族自治州体育局"}}))
    assert all(len(w) == 1 for w in words.split())
    assert words.replace(" ", "").split("、") == [
        "青海省", "黄南藏族自治州", "同仁市", "青海省黄南藏族自治州同仁市", "黄南藏族自治州体育局",
        "黄南州", "青海省黄南州同仁市", "黄南州体育局"]


def test_reader_forms_of_a_body_name():
    from build_tools.search import reader_forms

    assert reader_forms("城东区人民政府") == ["城东区政府"]
    assert reader_forms("黄南藏族自治州人民政府") == ["黄南州人民政府", "黄南藏族自治州政府",
                                                    "黄南州政府"]
    assert reader_forms("海东市财政局") == []

def test_region_from_text_reads_short_forms():
    from build_tools.metadata import region_from_text

    assert region_from_text("黄南州政务公开工作持续推进。依托黄南州人民政府网站公开信息。") == (
        "青海省", "黄南藏族自治州")

def test_region_of_department_words_after_the_place():
    # 市场 / 城市 / 城区 in a department's name are not places of their own.
    assert region_from_name("广州市市场监督管理局") == ("广东省", "广州市")
    assert region_from_name("郑州市城市管理局") == ("河南省", "郑州市")
    assert region_from_name("广州市城区管理办公室") == ("广东省", "广州市")   # 城区 is in 阳泉市, not 广州市
    assert region_from_name("武汉市人力资源和社会保障局") == ("湖北省", "武汉市")


def test_region_of_a_name_that_does_not_start_with_a_place():
    assert region_from_name("国家税务总局广州市税务局") == ("广东省", "广州市")
    assert region_from_name("某某局") == ()
    # 红旗 is only the short form of 红旗区 (新乡市); 红旗渠 is a canal, not that district.
    assert region_from_name("红旗渠灌区管理局") == ()


def test_region_of_an_ambiguous_county_is_unknown_not_partial():
    # 城中区 is a district of 西宁市 and of 柳州市; a bare ("城中区",) would pass for a
    # province and keep the filing path from giving the real region.
    assert region_from_name("城中区交通运输局") == ()
    assert region_from_name("鼓楼区人民政府") == ()          # 南京市, 福州市, 徐州市, 开封市


def _report_naming_xining(agency: str) -> str:
    """A report by ``agency`` whose text keeps naming 西宁市 (three times)."""
    return (f"{agency}2022年政府信息公开工作年度报告\n\n一、总体情况\n\n"
            "2022年，在西宁市委市政府的领导下，推进政务公开。\n"
            "通过西宁市政府门户网站公开信息。\n依托《西宁市人民政府公报》发布文件。\n\n"
            f"{agency}\n2023年1月20日\n")


def test_ambiguous_county_resolved_by_the_city_the_report_keeps_naming():
    meta_record = parse_document(doc_of(_report_naming_xining("城中区交通运输局")), None)
    assert meta_record["meta"]["agency"] == "城中区交通运输局"
    assert meta_record["meta"]["region"] == ["青海省", "西宁市", "城中区"]
    assert meta_record["meta"]["provenance"]["region"] == "text"
    assert any(w["code"] == "region_from_text" for w in meta_record["warnings"])


def test_ambiguous_county_not_forced_into_a_city_it_is_not_in():
    record = parse_document(doc_of(_report_naming_xining("市中区教育局")), None)
    assert record["meta"]["agency"] == "市中区教育局"
    assert record["meta"]["region"] == []                   # 西宁市 has no 市中区
    assert record["meta"]["provenance"]["region"] == "missing"


def test_ambiguous_county_takes_the_filing_path():
    from build_tools.metadata import apply_filing_path

    record = parse_document(doc_of("鼓楼区人民政府2022年政府信息公开工作年度报告\n\n一、总体情况\n\n正文。\n"),
                            None)
    assert record["meta"]["region"] == []
    apply_filing_path(record, "江苏省/南京市/鼓楼区/2022/鼓楼区人民政府.txt")
    assert record["meta"]["region"] == ["江苏省", "南京市", "鼓楼区"]
    assert record["meta"]["provenance"]["region"] == "path"


def test_title_block_and_signature():
    text = ("某某市某某区人民政府文件\n\n某某区人民政府2022年政府信息公开工作年度报告\n\n一、总体情况\n\n正文。\n\n"
            "洪泽区人民政府\n2023年1月5日\n")
    rec = parse_document(doc_of(text), None)
    meta = rec["meta"]
    assert meta["title"] == "某某区人民政府2022年政府信息公开工作年度报告"
    assert meta["year"] == 2022 and meta["published"] == "2023-01-05"
    assert meta["agency"] == "某某市某某区人民政府"        # fullest of letterhead and title
    assert meta["provenance"]["published"] == "text"


def test_year_from_body_when_title_has_none():
    rec = parse_document(doc_of("一、总体情况\n\n本年度报告统计期限自2021年1月1日起至2021年12月31日止。\n"), None)
    assert rec["meta"]["year"] == 2021
    assert rec["meta"]["provenance"]["agency"] == "missing"


def test_load_sidecar(tmp_path):
    report = tmp_path / "某局.txt"
    report.write_text("报告", encoding="utf-8")
    assert load_sidecar(report) is None
    (tmp_path / "某局.yml").write_text("source_url: null\nagency: 某局\nregion: 青海省/海东市\n",
                                        encoding="utf-8")
    assert load_sidecar(report) == {"source_url": None, "agency": "某局", "region": "青海省/海东市"}


def test_bad_sidecar_names_the_file(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("报告", encoding="utf-8")
    (tmp_path / "r.yml").write_text("agency: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        load_sidecar(report)
    assert err.value.path.endswith("r.yml") and "YAML" in err.value.reason
    (tmp_path / "r.yml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ReportError):
        load_sidecar(report)


def test_apply_sidecar_fills_gaps_and_overrides_with_provenance():
    rec = new_record()
    rec["meta"].update(year=2021, published="2022-01-17")
    rec["meta"]["provenance"].update(year="text", published="text", agency="missing")
    apply_sidecar(rec, {"agency": "海东市人民政府", "year": 2022, "source_url": None,
                        "note": "网址未知"})
    meta = rec["meta"]
    assert meta["agency"] == "海东市人民政府" and meta["provenance"]["agency"] == "sidecar"
    assert meta["region"] == ["青海省", "海东市"] and meta["provenance"]["region"] == "sidecar"
    assert meta["agency_kind"] == "government"
    assert meta["year"] == 2022 and meta["provenance"]["year"] == "sidecar"       # override
    assert meta["published"] == "2022-01-17" and meta["provenance"]["published"] == "text"
    assert meta["source"]["url"] is None and meta["provenance"]["source_url"] == "missing"
    assert meta["note"] == "网址未知"


def test_sidecar_region_list_and_template_override():
    rec = new_record()
    apply_sidecar(rec, {"region": ["江苏省", "淮安市", "洪泽区"], "template": 2019,
                        "source_url": "https://example.gov.cn/r.html"})
    assert rec["meta"]["region"] == ["江苏省", "淮安市", "洪泽区"]
    assert rec["meta"]["template"] == "2019" and rec["meta"]["provenance"]["template"] == "sidecar"
    assert rec["meta"]["source"]["url"] == "https://example.gov.cn/r.html"


def test_filed_seeds_have_sidecars_without_invented_urls():
    reports = sorted(p for p in SEEDS_DIR.rglob("*") if p.suffix in (".txt", ".md"))
    assert len(reports) == 5
    for report in reports:
        sidecar = load_sidecar(report)
        assert sidecar is not None, report
        assert sidecar["source_url"] is None and sidecar["note"], report
        # filed as reports/<省>/<市>/[<县区>/]<year>/<agency>.<ext>
        rel = report.relative_to(SEEDS_DIR).parts
        assert rel[-2].isdigit() and len(rel) in (4, 5)


def test_filing_path_agrees_with_the_parsed_record():
    from conftest import SEED_FILES, seed_record

    for number, rel in SEED_FILES.items():
        meta = seed_record(number)["meta"]
        *region, year, name = rel.split("/")
        assert meta["region"] == region, number
        assert meta["year"] == int(year), number
        assert meta["agency"] == name.rsplit(".", 1)[0], number


def test_agency_after_the_year_in_the_title():
    rec = parse_document(doc_of("2022年度某某县交通运输局政府信息公开工作年度报告\n\n一、总体情况\n\n正文。\n"), None)
    assert rec["meta"]["agency"] == "某某县交通运输局"
    assert rec["meta"]["agency_kind"] == "department" and rec["meta"]["year"] == 2022


def test_region_from_text_when_the_agency_is_never_named():
    # Seed 000 never names its agency, but keeps naming its city (海东市政府门户网, 海东市人民政府公报).
    from build_tools.pipeline import parse_file

    record = parse_file(SEEDS_DIR / "青海省/海东市/2021/海东市人民政府.txt", sidecar=None)
    assert record["meta"]["agency"] is None
    assert record["meta"]["region"] == ["青海省", "海东市"]
    assert record["meta"]["provenance"]["region"] == "text"
    assert any(w["code"] == "region_from_text" for w in record["warnings"])
    # once the sidecar names the agency, the region follows it and the guess is withdrawn
    with_sidecar = parse_file(SEEDS_DIR / "青海省/海东市/2021/海东市人民政府.txt",
                              sidecar={"agency": "海东市人民政府"})
    assert with_sidecar["meta"]["region"] == ["青海省", "海东市"]
    assert not any(w["code"] == "region_from_text" for w in with_sidecar["warnings"])


def test_region_from_text_needs_repeated_mentions():
    from build_tools.metadata import region_from_text

    assert region_from_text("本年度报告通过南京市政府网站公开。") == ()
    assert region_from_text("淮安市洪泽区持续推进。洪泽区政务公开工作。依托洪泽区政府网站。") == (
        "江苏省", "淮安市", "洪泽区")
    assert region_from_text("") == ()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>1</script>",
                                 "ftp://example.org/x", "http://exa mple.org/"])
def test_sidecar_source_url_must_be_a_web_address(url):
    record = new_record()
    apply_sidecar(record, {"source_url": url})
    assert record["meta"]["source"]["url"] is None
    assert [w["code"] for w in record["warnings"]] == ["bad_source_url"]


def test_sidecar_source_url_kept_when_it_is_one():
    record = new_record()
    apply_sidecar(record, {"source_url": "https://www.haidong.gov.cn/xxgk/2022/1.html"})
    assert record["meta"]["source"]["url"] == "https://www.haidong.gov.cn/xxgk/2022/1.html"
    assert record["meta"]["provenance"]["source_url"] == "sidecar"


def test_filing_path_fills_only_what_is_missing():
    from build_tools.metadata import apply_filing_path

    record = new_record()
    apply_filing_path(record, "青海省/海东市/乐都区/2022/扫描件.pdf")
    assert record["meta"]["year"] == 2022 and record["meta"]["provenance"]["year"] == "path"
    assert record["meta"]["region"] == ["青海省", "海东市", "乐都区"]
    assert record["meta"]["provenance"]["region"] == "path"

    known = new_record()
    known["meta"].update(year=2021, region=["江苏省", "淮安市", "洪泽区"])
    apply_filing_path(known, "青海省/海东市/2022/x.txt")
    assert known["meta"]["year"] == 2021 and known["meta"]["region"] == ["江苏省", "淮安市", "洪泽区"]

    elsewhere = new_record()
    apply_filing_path(elsewhere, "incoming/scan.pdf")      # not the archive's convention
    assert elsewhere["meta"]["year"] is None and elsewhere["meta"]["region"] == []


def test_a_scanned_pdf_in_the_archive_keeps_its_place_and_year(tmp_path):
    import shutil

    from build_tools import build
    from conftest import REPO_ROOT

    folder = tmp_path / "青海省" / "海东市" / "2022"
    folder.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "tests/fixtures/generated/broken/scan.pdf", folder / "scan.pdf")
    [out] = build.parse_reports(tmp_path, [folder.relative_to(tmp_path) / "scan.pdf"], None, 1)
    assert out.record["status"] == "no_text_layer"
    assert out.record["meta"]["year"] == 2022
    assert out.record["meta"]["region"] == ["青海省", "海东市"]


def _readings_through_transform(texts: list[str]) -> list[tuple]:
    """The readings of ``cpca.transform``'s DataFrame rows, as the parser took them before
    it called transform's steps itself."""
    import cpca

    from build_tools import metadata

    frame = cpca.transform(texts, open_warning=False)
    return [tuple(metadata.reading_of(row, row.get("识别状态"))) for _, row in frame.iterrows()]


def test_gazetteer_reads_what_cpca_transform_reads():
    """``metadata._gazetteer`` calls the steps of ``cpca.transform`` without its
    DataFrame: on agency names, their place prefixes, ambiguous and contradictory names
    and the sentences of every seed report, the readings must be transform's."""
    from build_tools import metadata

    names = ["同仁市人民政府", "海东市乐都区人民政府", "城中区人民政府", "市中区财政局",
             "广州市公安局", "阳泉市城区财政局", "广州市城区", "荆州市公安县人民政府",
             "国家税务总局广州市税务局", "民和回族土族自治县教育局", "", "某某单位", "北京市"]
    names += [p for n in list(names) for p in metadata._place_prefixes(n)]
    sentences = []
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        sentences += [s for s in metadata._SENTENCE_END.split(seed.read_text(encoding="utf-8"))
                      if s.strip()][:80]
    texts = names + sentences
    got = [tuple(r) for r in metadata._gazetteer(texts)]
    assert got == _readings_through_transform(texts)
    assert any(contradictory for _, _, contradictory in got)   # the status is really read
    assert sum(1 for path, _, _ in got if len(path) >= 2) > 20

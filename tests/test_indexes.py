"""Comparison indexes: headline figures, cross-year check (rule 5), and the generated pages.

Expected numbers are worked out by hand from the cells written in each test (or, for the
seed-like record, from seed 000's printed tables), never read back from the code.
"""

from __future__ import annotations

import html as html_lib
import json
import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from build_tools import headline, indexes, quality, synth, urls
from build_tools.record import empty_t2, empty_t3, empty_t4, new_record, set_path

REPO = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- helpers

def make(agency: str, region: list[str], year: int, kind: str = "government", *,
         new: int | None = 0, over: int | None = 0, granted: int | None = 0,
         partial: int | None = 0, processed: int | None = 0, forward: int | None = 0,
         natural: int | None = None, review: tuple = (None,) * 5,
         direct: tuple = (None,) * 5, after: tuple = (None,) * 5, sha: str | None = None) -> dict:
    """A record with the T3 总计 column and T4 filled as given (everything else blank)."""
    r = new_record()
    r["meta"].update(agency=agency, agency_kind=kind, region=list(region), year=year,
                     template="2021" if year >= 2021 else "2019")
    r["meta"]["source"]["sha256"] = sha or urls.short_hash(agency, str(year), "/".join(region), length=64)
    tpl = r["meta"]["template"]
    r["tables"] = {"T2": empty_t2(tpl), "T3": empty_t3(tpl), "T4": empty_t4()}
    for row, value in (("new_received", new), ("carried_over", over), ("granted", granted),
                       ("partially_granted", partial), ("total_processed", processed),
                       ("carried_forward", forward)):
        set_path(r, f"T3.{row}.total", value)
    set_path(r, "T3.new_received.natural_person", natural)
    for group, values in (("review", review), ("litigation_direct", direct),
                          ("litigation_after_review", after)):
        for col, v in zip(("upheld", "corrected", "other", "pending", "total"), values):
            set_path(r, f"T4.{group}.{col}", v)
    return r


def fail_check(rule: str, cells: list[str], message: str) -> dict:
    return {"rule": rule, "status": "fail", "cells": cells, "message": message}


def build_site(records: list[dict], tmp: Path) -> Path:
    """enrich + stub report pages + write_indexes + a strict MkDocs build; returns the site."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = tmp / "docs"
    shutil.copytree(REPO / "docs", docs)
    for name in ("index.md", "about.md", "build-report.md"):
        if not (docs / name).exists():
            (docs / name).write_text("# 页面\n", encoding="utf-8")
    indexes.enrich(records)
    for r in records:   # the site helper renders these; a stub is enough for links to resolve
        page = docs / (urls.report_slug(r) + ".md")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("# 报告\n", encoding="utf-8")
    indexes.write_indexes(records, docs)
    cfg = load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(docs),
                      site_dir=str(tmp / "site"), strict=True)
    build(cfg)   # strict: any warning raises
    return tmp / "site"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src", "data-src"):
            if a.get(key):
                self.targets.append(a[key])


def broken_links(site: Path, page: Path) -> list[str]:
    """Relative links of a built page that lead to no file of the site."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    bad = []
    for t in parser.targets:
        parts = urlsplit(t)
        if parts.scheme or parts.netloc or t.startswith("#") or not parts.path:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            bad.append(t)
    return bad


# ----------------------------------------------------------------------------- headline

def test_headline_figures_of_seed_000_tables():
    # seed 000 (海东市人民政府 2021): 本年新收 110, 予以公开 34, 部分公开 1, （七）总计 109;
    # 复议 6/5/2/1/14; 直接起诉 -/-/2/1/3; 复议后起诉 -/2/-/-/2.
    r = make("海东市人民政府", ["青海省", "海东市"], 2021, new=110, over=None, granted=34,
             partial=1, processed=109, forward=1, natural=110,
             review=(6, 5, 2, 1, 14), direct=(None, None, 2, 1, 3), after=(None, 2, None, None, 2))
    f = headline.figures(r)
    assert f["requests_received"] == 110
    assert f["requests_handled"] == 109
    assert f["disclosure_rate"] == pytest.approx(35 / 109)
    assert f["review_total"] == 14
    assert f["litigation_total"] == 5
    assert f["review_corrected_rate"] == pytest.approx(5 / 13)          # 5 / (14 - 1)
    assert f["litigation_corrected_rate"] == pytest.approx(2 / 4)       # 2 / (5 - 1)
    assert f["natural_person_share"] == pytest.approx(1.0)
    assert headline.format_value("disclosure_rate", f["disclosure_rate"]) == "32.1%"
    # the parser says the applicant columns are scrambled (the narrative says 自然人 104):
    # the 自然人 share is then not assessable, while the 总计-based figures stand
    r["warnings"].append({"code": "t3_columns_untrusted", "message": "…",
                          "cells": ["T3.new_received.natural_person", "T3.new_received.other_org"]})
    f = headline.figures(r)
    assert f["natural_person_share"] is None and f["requests_received"] == 110


def test_headline_figures_not_assessable():
    # seed 003-like: every T3/T4 cell blank
    blank = make("海东市市直机关事务管理局", ["青海省", "海东市"], 2021, "department",
                 new=None, over=None, granted=None, partial=None, processed=None, forward=None)
    f = headline.figures(blank)
    assert all(v is None for v in f.values()), f
    # nothing handled: no 公开率 (not 0%); reviews printed as 0: 总计 0 but no 纠错率
    zero = make("同仁市人民政府", ["青海省", "黄南藏族自治州", "同仁市"], 2021,
                review=(0, 0, 0, 0, 0), direct=(0, 0, 0, 0, 0), after=(0, 0, 0, 0, 0))
    f = headline.figures(zero)
    assert f["requests_received"] == 0 and f["disclosure_rate"] is None
    assert f["review_total"] == 0 and f["review_corrected_rate"] is None
    no_tables = new_record()
    assert set(headline.figures(no_tables).values()) == {None}
    assert list(headline.figures(no_tables)) == list(headline.FIGURE_KEYS)


# ----------------------------------------------------------------------------- rule 5

def test_cross_year_carryover_fails_on_both_reports():
    # 2019: 结转下年度 3; 2020: 上年结转 5 -> disagree by 2
    y2019 = make("城东区人民政府", ["青海省", "西宁市", "城东区"], 2019, new=10, processed=7,
                 granted=7, forward=3)
    y2020 = make("城东区人民政府", ["青海省", "西宁市", "城东区"], 2020, new=39, over=5,
                 granted=30, partial=2, processed=32, forward=0)
    indexes.enrich([y2020, y2019])
    (old,) = [c for c in y2019["checks"] if c["rule"] == "cross_year_carryover"]
    (new,) = [c for c in y2020["checks"] if c["rule"] == "cross_year_carryover"]
    assert old["status"] == new["status"] == "fail"
    assert old["cells"] == ["T3.carried_forward.total"]
    assert new["cells"] == ["T3.carried_over.total"]
    for c in (old, new):
        assert "2019" in c["message"] and "2020" in c["message"]
        assert "5" in c["message"] and "3" in c["message"] and "相差2件" in c["message"]
    assert new["other"]["slug"] == urls.report_slug(y2019)
    ctx = y2020["context"]
    assert ctx["previous"] == {"year": 2019, "slug": urls.report_slug(y2019),
                               "agency": "城东区人民政府"}
    assert ctx["next"] is None and y2019["context"]["next"]["year"] == 2020
    assert ctx["change"]["requests_received"] == {"label": "本年新收申请", "previous": 10,
                                                 "current": 39, "delta": 29}
    assert ctx["change"]["disclosure_rate"]["delta"] == pytest.approx(32 / 32 - 7 / 7)


def test_cross_year_pass_gap_and_identity():
    region = ["江苏省", "淮安市", "洪泽区"]
    a = make("洪泽区人民政府", region, 2021, new=4, processed=2, granted=2, forward=2)
    b = make("洪泽区人民政府", region, 2022, new=1, over=2, processed=3, granted=3)
    gap = make("洪泽区人民政府", region, 2024, new=1, over=9, processed=10, granted=10)
    # same name, other region: another body, never compared with the ones above
    other = make("洪泽区人民政府", ["江苏省", "淮安市"], 2023, over=7, processed=7, granted=7)
    records = [gap, b, other, a]
    indexes.enrich(records)
    indexes.enrich(records)   # again: nothing duplicated
    (ca,) = [c for c in a["checks"] if c["rule"] == "cross_year_carryover"]
    (cb,) = [c for c in b["checks"] if c["rule"] == "cross_year_carryover"]
    assert ca["status"] == cb["status"] == "pass"
    # 2022 -> 2024 skips a year: rule 5 does not apply, but 2022 is still the previous report
    assert not [c for c in gap["checks"] if c["rule"] == "cross_year_carryover"]
    assert gap["context"]["previous"]["year"] == 2022
    assert other["context"] == {"previous": None, "next": None, "change": {}}
    assert not other["checks"]


def test_cross_year_blank_cells_count_as_zero_but_both_blank_is_not_assessable():
    region = ["青海省", "海东市"]
    a = make("海东市市直机关事务管理局", region, 2021, "department", forward=None)
    b = make("海东市市直机关事务管理局", region, 2022, "department", over=None)
    indexes.enrich([a, b])
    assert [c["status"] for c in b["checks"]] == ["not_assessable"]
    c = make("海东市市直机关事务管理局", region, 2023, "department", over=4)
    indexes.enrich([a, b, c])
    assert [x["status"] for x in c["checks"]] == ["fail"]   # blank (0) last year vs 4


# ----------------------------------------------------------------------------- pages

PAYLOAD = '<script>window.pwned=1</script>[x](javascript:alert(1))'


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[dict]]:
    # a generated archive of many bodies and years, read by the real parser
    from build_tools import metadata, pipeline

    reports = tmp_path_factory.mktemp("reports")
    records = [pipeline.parse_file(reports / s.relpath, metadata.load_sidecar(reports / s.relpath))
               for s in synth.generate(90, reports, seed=7)]
    region = ["青海省", "海东市", "乐都区"]
    records += [
        make("海东市乐都区人民政府", region, 2021, new=3, processed=3, granted=3),
        make("海东市乐都区人民政府", region, 2022, new=5, over=0, granted=5, processed=5),
        make("乐都区教育局", region, 2022, "department", new=2, processed=2, granted=1),
        make("乐都区" + PAYLOAD, region, 2022, "department", new=1, processed=1, granted=1),
    ]
    records[-3]["checks"].append(fail_check(
        "t3_balance", ["T3.new_received.total", "T3.total_processed.total"],
        "总计列：本年新收 5 + 上年结转 0 = 5，但办理结果总计 5 + 结转下年度 1 = 6，相差 1。"))
    records[-3]["tables"]["T3"]["carried_forward"]["total"] = 1
    tmp = tmp_path_factory.mktemp("indexes")
    return build_site(records, tmp), records


def _html(site: Path, page_dir: str) -> str:
    return (site / page_dir / "index.html").read_text(encoding="utf-8")


def _text(site: Path, page_dir: str) -> str:
    """The page with character references resolved (report text is written as &#NN;)."""
    return html_lib.unescape(_html(site, page_dir))


def test_every_region_year_and_agency_has_a_page(site):
    root, records = site
    for reg in indexes.region_paths(records):
        assert (root / urls.region_slug(reg) / "index.html").is_file(), reg
    assert len(indexes.region_paths(records)) > 10
    for year in {r["meta"]["year"] for r in records}:
        assert (root / urls.year_slug(year) / "index.html").is_file(), year
    for r in records:
        assert (root / urls.agency_slug(r) / "index.html").is_file()
        assert (root / urls.record_json_path(r)).is_file()
    for page in ("regions", "years", "agencies", "quality", "data"):
        assert (root / page / "index.html").is_file()


def test_generated_links_all_resolve(site):
    root, _ = site
    pages = [p for d in ("regions", "years", "agencies", "quality", "data")
             for p in (root / d).rglob("index.html")]
    assert len(pages) > 50
    for page in pages:
        assert broken_links(root, page) == [], page


def test_region_page_lists_bodies_and_departments(site):
    root, records = site
    html = _html(root, urls.region_slug(["青海省", "海东市", "乐都区"]))
    assert "海东市乐都区人民政府" in html and "乐都区教育局" in html
    # the department row says it is a department; the government row says government
    row = re.search(r"<tr>(?:(?!</tr>).)*乐都区教育局(?:(?!</tr>).)*</tr>", html).group(0)
    assert "<td>部门</td>" in row
    row = re.search(r"<tr>(?:(?!</tr>).)*海东市乐都区人民政府(?:(?!</tr>).)*2022(?:(?!</tr>).)*</tr>",
                    html).group(0)
    assert "<td>政府</td>" in row and 'data-sort="5.0"' in row   # 本年新收 5
    assert '<table data-archive-sortable="true"' in html
    assert 'class="archive-chart" data-src="trend.json"' in html
    # the province page summarises its cities instead of listing every report below it
    prov = _html(root, urls.region_slug(["青海省"]))
    assert 'href="%E6%B5%B7%E4%B8%9C%E5%B8%82/"' in prov        # 海东市/
    assert "乐都区教育局" not in prov


def _list_pages(root: Path, page_dir: str) -> list[str]:
    """The HTML of a list page and of its numbered pages (page.2, page.3, …) in order."""
    first = root / page_dir
    rest = sorted(first.glob("page.*/index.html"), key=lambda p: int(p.parent.name[5:]))
    return [(first / "index.html").read_text("utf-8")] + [p.read_text("utf-8") for p in rest]


def test_year_page_has_a_row_per_province_and_their_pages_list_every_report(site):
    root, records = site
    html = _html(root, urls.year_slug(2022))
    provinces = {r["meta"]["region"][0] for r in records if r["meta"]["year"] == 2022}
    assert len(provinces) > 1
    for prov in provinces:
        assert f'href="{quote(urls.region_part(prov))}/"' in html
    for r in records:
        if r["meta"]["year"] == 2022:
            pages = "".join(_list_pages(root, f"years/2022/{r['meta']['region'][0]}"))
            assert quote(urls.report_slug(r)) + "/" in pages, r["meta"]["agency"]
    assert 'data-src="ranking.json"' in html and (root / "years/2022/ranking.json").is_file()
    index = _html(root, "years")
    for year in {r["meta"]["year"] for r in records}:
        assert f'href="{year}/"' in index


def test_agency_page_shows_years_and_change(site):
    root, records = site
    html = _html(root, urls.agency_slug(records[-4]))   # 海东市乐都区人民政府 2021, 2022
    assert "2021" in html and "2022" in html
    assert "逐年变化" in html and "+2" in html           # 本年新收 3 -> 5


def test_quality_page_names_rule_report_and_cells(site):
    root, records = site
    summary = _text(root, "quality")
    assert "规则1" in summary and "按省份汇总" in summary
    # records[-3] (海东市乐都区人民政府 2022) fails rule 1: on the list of rule 1 in 青海省
    html = _text(root, quality.detail_dir("t3_balance", "青海省"))
    assert "一、本年新收政府信息公开申请数量｜总计" in html and "T3.new_received.total" in html
    assert "../../../" + urls.report_slug(records[-3]) + "/" in unquote(html)
    # the generated archive (seed 7) plants carry-over faults, e.g. 吴中区教育局 2021 vs 2020:
    # listed under 规则5 in 江苏省, on both years' reports
    section = _text(root, quality.detail_dir("cross_year_carryover", "江苏省"))
    assert "规则5" in section
    assert "吴中区教育局" in section and "2020" in section and "2021" in section


def test_report_text_is_inert_on_every_page(site):
    root, _ = site
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>window.pwned" not in text, page
        assert 'href="javascript:' not in text, page


def test_new_region_year_and_body_appear_without_code_change(tmp_path):
    records = [make("同仁市人民政府", ["青海省", "黄南藏族自治州", "同仁市"], 2021),
               make("昆明市人民政府", ["云南省", "昆明市"], 2031, new=2, processed=2, granted=2)]
    unknown = new_record()          # a scan with nothing readable: no agency, region or year
    unknown["status"] = "no_text_layer"
    unknown["meta"]["source"]["sha256"] = "f" * 64
    records.append(unknown)
    root = build_site(records, tmp_path)
    assert unknown["context"] == {"previous": None, "next": None, "change": {}}
    assert "地区未知的报告" in _html(root, "regions")
    assert "云南省" in _html(root, "regions")
    assert (root / "regions/云南省/昆明市/index.html").is_file()
    assert 'href="2031/"' in _html(root, "years")
    assert "云南省" in _html(root, "agencies")
    assert "昆明市人民政府" in _html(root, "agencies/regions/云南省")
    assert "地区未知的机关" in _html(root, "agencies")


def test_deterministic_output(tmp_path):
    def run(sub: str) -> dict[str, bytes]:
        recs = [synth.to_record(s) for s in synth.plan(30, seed=2)]
        indexes.enrich(recs)
        out = tmp_path / sub
        indexes.write_indexes(list(reversed(recs)) if sub == "b" else recs, out)
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert run("a") == run("b")


def test_chart_data_and_pooled_rates(tmp_path):
    import json

    region = ["青海省", "海东市", "乐都区"]
    records = [
        make("海东市乐都区人民政府", region, 2021, new=3, processed=3, granted=3),
        make("海东市乐都区人民政府", region, 2022, new=5, granted=5, processed=5,
             review=(1, 1, 0, 0, 2)),
        make("乐都区教育局", region, 2022, "department", new=2, processed=2, granted=1,
             review=(0, 1, 0, 1, 2)),
    ]
    indexes.enrich(records)
    indexes.write_indexes(records, tmp_path)
    trend = json.loads((tmp_path / urls.region_slug(region) / "trend.json").read_text("utf-8"))
    assert trend["xAxis"][0]["data"] == ["2021", "2022"]
    # pyecharts writes line points as [x, y]
    series = {s["name"]: [p[1] if isinstance(p, list) else p for p in s["data"]]
              for s in trend["series"]}
    assert series["本年新收申请"] == [3, 7]          # 2022: 5 + 2
    assert series["办理结果总计"] == [3, 7]
    assert series["行政复议"] == [None, 4]           # 2021: no review cells printed
    assert trend["tooltip"]["renderMode"] == "richText"
    ranking = json.loads((tmp_path / "years/2022/ranking.json").read_text("utf-8"))
    # largest last: ECharts draws the first category at the bottom of a horizontal bar chart
    assert ranking["yAxis"][0]["data"] == ["乐都区教育局", "海东市乐都区人民政府"]
    assert ranking["series"][0]["data"] == [2, 5]
    page = html_lib.unescape((tmp_path / "years/index.md").read_text("utf-8"))
    row_2022 = re.search(r"<tr><td><a [^>]*>2022年</a></td>.*?</tr>", page).group(0)
    assert "85.7%" in row_2022            # 公开率 pooled: (5 + 1) / (5 + 2), not mean of rates
    assert "66.7%" in row_2022            # 复议纠错率 pooled: (1 + 1) / (2 + 2 - 1)


# ----------------------------------------------------------------------------- page layout

def _row(md: str, label: str) -> list[str]:
    """Text of each cell of the first table row whose first cell reads ``label``."""
    for tr in re.findall(r"<tr>.*?</tr>", md):
        cells = [html_lib.unescape(re.sub(r"<[^>]+>", "", td))
                 for td in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


def _small_archive() -> list[dict]:
    qh, hd, ld, xn = ("青海省",), ("青海省", "海东市"), ("青海省", "海东市", "乐都区"), ("青海省", "西宁市")
    return [
        make("海东市人民政府", list(hd), 2021, new=10, processed=10, granted=10),
        make("海东市人民政府", list(hd), 2022, new=20, processed=20, granted=20),
        make("乐都区人民政府", list(ld), 2022, new=3, processed=3, granted=3),
        make("乐都区教育局", list(ld), 2022, "department", new=2, processed=2, granted=2),
        make("西宁市人民政府", list(xn), 2022, new=7, processed=7, granted=7),
        make("淮安市人民政府", ["江苏省", "淮安市"], 2021, new=4, processed=4, granted=4),
    ] + [make("青海省人民政府", list(qh), 2021, new=50, processed=50, granted=50)]


def test_region_pages_list_own_reports_and_one_row_per_child(tmp_path):
    indexes.write_indexes(_small_archive(), tmp_path)

    def md(page_dir: str) -> str:
        return (tmp_path / page_dir / "index.md").read_text("utf-8")

    prov = md("regions/青海省")
    # 海东市: 3 bodies (海东市人民政府, 乐都区人民政府, 乐都区教育局), 4 reports, of them 3 in
    # 2022 (the newest year under 青海省) with 20 + 3 + 2 = 25 new requests
    assert _row(prov, "海东市")[:5] == ["海东市", "3", "4", "3", "25"]
    assert _row(prov, "西宁市")[:5] == ["西宁市", "1", "1", "1", "7"]
    assert "2022年报告数" in prov
    # own level only: the province's own government, not the cities' bodies
    assert "青海省人民政府" in prov and "乐都区教育局" not in prov and "西宁市人民政府" not in prov
    # a province's years lead to its reports of that year
    assert 'href="../../years/2021/%E9%9D%92%E6%B5%B7%E7%9C%81/"' in prov
    city = md("regions/青海省/海东市")
    assert "海东市人民政府" in city and "乐都区教育局" not in city
    assert _row(city, "乐都区")[:5] == ["乐都区", "2", "2", "2", "5"]
    county = md("regions/青海省/海东市/乐都区")
    assert "乐都区人民政府" in county and "乐都区教育局" in county
    assert "## 下级地区" not in county
    west = md("regions/青海省/西宁市")
    assert "西宁市人民政府" in west
    root = md("regions")
    assert _row(root, "青海省")[:3] == ["青海省", "5", "6"]
    assert 'href="../years/2021/"' in root


def test_year_pages_by_province_and_agencies_by_province(tmp_path):
    indexes.write_indexes(_small_archive(), tmp_path)

    def md(page_dir: str) -> str:
        return (tmp_path / page_dir / "index.md").read_text("utf-8")

    y2022 = md("years/2022")
    # 青海省 2022: 4 bodies, 4 reports, 20 + 3 + 2 + 7 = 32 new requests
    assert _row(y2022, "青海省")[:4] == ["青海省", "4", "4", "32"]
    assert "江苏省" not in y2022                       # no report of 2022
    assert not (tmp_path / "years/2022/江苏省").exists()
    y2021 = md("years/2021")
    assert _row(y2021, "江苏省")[:4] == ["江苏省", "1", "1", "4"]
    page = md("years/2022/青海省")
    for name in ("海东市人民政府", "乐都区人民政府", "乐都区教育局", "西宁市人民政府"):
        assert name in page
    assert "淮安市人民政府" not in page and "青海省人民政府" not in page   # other province / year
    assert _row(page, "乐都区教育局")[1:3] == ["部门", "海东市／乐都区"]      # region below 青海省
    ranking = json.loads((tmp_path / "years/2022/青海省/ranking.json").read_text("utf-8"))
    assert ranking["yAxis"][0]["data"] == ["乐都区教育局", "乐都区人民政府", "西宁市人民政府",
                                           "海东市人民政府"]
    agencies = md("agencies")
    # 青海省: 海东市人民政府, 乐都区人民政府, 乐都区教育局, 西宁市人民政府, 青海省人民政府
    assert _row(agencies, "青海省") == ["青海省", "5", "4", "1", "6"]
    assert _row(agencies, "江苏省") == ["江苏省", "1", "1", "0", "1"]
    assert "乐都区教育局" not in agencies
    qh = md("agencies/regions/青海省")
    assert _row(qh, "乐都区教育局")[:4] == ["乐都区教育局", "部门", "海东市／乐都区", "2022"]
    assert _row(qh, "青海省人民政府")[2] == "本级"
    agency = md(urls.agency_slug(_small_archive()[3]))
    assert 'href="../regions/%E9%9D%92%E6%B5%B7%E7%9C%81/"' in agency    # 青海省的机关


def test_chunk_spans_keep_order_and_budget():
    assert indexes.chunk_spans([], 10, 10) == [(0, 0)]
    assert indexes.chunk_spans([4, 4, 4], 100, 100) == [(0, 3)]
    # first page has room for 5 (shares it with other content), later pages for 10
    assert indexes.chunk_spans([3, 3, 3, 3, 3, 3], 5, 10) == [(0, 1), (1, 4), (4, 6)]
    # an item over budget still gets a page of its own
    assert indexes.chunk_spans([20, 1, 1], 10, 10) == [(0, 1), (1, 3)]
    assert urls.page_dirs("years/2021/青海省", 3) == [
        "years/2021/青海省", "years/2021/青海省/page.2", "years/2021/青海省/page.3"]


def test_long_lists_go_on_numbered_pages_that_link_each_other(tmp_path, monkeypatch):
    # 30 bodies of one city in one year, and 20 reports with no region: with a budget of a
    # few rows per page, each list spreads over several pages
    city = ["江苏省", "南京市"]
    records = [make(f"南京市第{i:02d}局", city, 2022, "department", new=i, processed=i, granted=i)
               for i in range(30)]
    records += [make(f"无地区机关{i:02d}", [], 2022, new=1, processed=1, granted=1) for i in range(20)]
    monkeypatch.setattr(indexes, "PAGE_BUDGET", 4000)
    root = build_site(records, tmp_path)
    for page_dir, names in (("years/2022/江苏省", [f"南京市第{i:02d}局" for i in range(30)]),
                            (urls.region_slug(city), [f"南京市第{i:02d}局" for i in range(30)]),
                            ("agencies/regions/江苏省", [f"南京市第{i:02d}局" for i in range(30)]),
                            ("regions", [f"无地区机关{i:02d}" for i in range(20)]),
                            ("years/2022", [f"无地区机关{i:02d}" for i in range(20)]),
                            ("agencies", [f"无地区机关{i:02d}" for i in range(20)])):
        pages = _list_pages(root, page_dir)
        assert len(pages) >= 2, page_dir
        # every name on exactly one page, in order (agency name order here); the list is
        # each page's last table (page 1 of a year also ranks the top 20 above it)
        tables = [page[page.rindex("<table"):] for page in pages]
        found = [n for table in tables for n in names if f">{n}</a>" in table]
        assert sorted(found) == names and found == names, page_dir
        for k, page in enumerate(pages, 1):
            assert f"<strong>第{k}页</strong>" in page
            assert f"共 {len(pages)} 页" in page
        for k in range(2, len(pages) + 1):
            assert f'href="page.{k}/"' in pages[0]
            assert f"（第{k}页）" in pages[k - 1]
    generated = [p for d in ("regions", "years", "agencies") for p in (root / d).rglob("index.html")]
    for page in generated:
        assert broken_links(root, page) == [], page


def test_writer_writes_only_changed_files_and_takes_bytes(tmp_path):
    import os

    w = indexes._Writer(tmp_path)
    w.add("a/index.md", "# 甲\n")
    w.add("data/x.gz", b"\x1f\x8b\x00binary")
    assert w.flush() == {"a/index.md", "data/x.gz"}
    assert (tmp_path / "a/index.md").read_text("utf-8") == "# 甲\n"
    assert (tmp_path / "data/x.gz").read_bytes() == b"\x1f\x8b\x00binary"
    old = 1_000_000_000
    for rel in ("a/index.md", "data/x.gz"):
        os.utime(tmp_path / rel, (old, old))
    w = indexes._Writer(tmp_path)
    w.add("a/index.md", "# 甲\n")               # same bytes: left alone
    w.add("data/x.gz", b"\x1f\x8b\x00changed")  # same length would not do: new bytes written
    w.add("b.md", "新")
    assert w.flush() == {"a/index.md", "data/x.gz", "b.md"}
    assert (tmp_path / "a/index.md").stat().st_mtime == old
    assert (tmp_path / "data/x.gz").stat().st_mtime != old
    assert (tmp_path / "data/x.gz").read_bytes() == b"\x1f\x8b\x00changed"
    w = indexes._Writer(tmp_path)
    w.add("../escape.md", "x")
    with pytest.raises(ValueError):
        w.flush()


def test_write_indexes_returns_what_it_made_and_rewrites_nothing_unchanged(tmp_path):
    records = _small_archive()
    made = indexes.write_indexes(records, tmp_path)
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert made == on_disk
    assert {"regions/index.md", "years/2022/青海省/index.md", "agencies/regions/江苏省/index.md",
            "data/index.md"} <= made
    stamp = {rel: (tmp_path / rel).stat().st_mtime_ns for rel in made}
    assert indexes.write_indexes(records, tmp_path) == made
    assert {rel: (tmp_path / rel).stat().st_mtime_ns for rel in made} == stamp


# ----------------------------------------------------------------------------- scale

PAGE_LIMIT = 200_000   # bytes of Markdown per generated page (issue 5: < 300 KB of HTML)


def _clones(count: int) -> list[dict]:
    """``count`` cheap records: seed 001 (no failing check) refiled under the bodies of the
    generator's 8 provinces, each body over all 6 years, with new requests varied so the
    rankings have an order.  Tables and checks are shared between clones, read-only."""
    import random

    from tests.conftest import seed_record

    seed = seed_record("001")
    t3 = seed["tables"]["T3"]
    out = []
    for body in synth.bodies(random.Random(0), more=True):
        for year in synth.YEARS:
            if len(out) == count:
                return out
            n = len(out)
            meta = {**seed["meta"], "agency": body.agency, "agency_kind": body.kind,
                    "region": list(body.region), "year": year,
                    "source": {**seed["meta"]["source"],
                               "sha256": urls.short_hash(str(n), length=64)}}
            tables = {**seed["tables"],
                      "T3": {**t3, "new_received": {**t3["new_received"], "total": n * 37 % 211}}}
            out.append({**seed, "meta": meta, "tables": tables, "checks": list(seed["checks"])})
    return out


@pytest.mark.slow
def test_index_pages_stay_small_at_10000_reports(tmp_path, monkeypatch):
    records = _clones(10_000)
    assert len(records) == 10_000
    assert len({r["meta"]["region"][0] for r in records}) == 8
    indexes.enrich(records)
    # open data has its own tests and would write ~300 MB here; this test is about pages
    monkeypatch.setattr(indexes.opendata, "files", lambda records, cache=None: [])
    made = indexes.write_indexes(records, tmp_path)
    pages = sorted(rel for rel in made if rel.endswith(".md"))
    sizes = {rel: (tmp_path / rel).stat().st_size for rel in pages}
    assert max(sizes.values()) <= PAGE_LIMIT, max(sizes.items(), key=lambda kv: kv[1])
    # the lists that outgrow one page did split (so the limit above held by paging)
    assert any("/page." in rel for rel in pages)
    for year in synth.YEARS:
        for prov in {r["meta"]["region"][0] for r in records}:
            assert f"years/{year}/{urls.region_part(prov)}/index.md" in made
    # every link of every region, year and agency page leads to a generated file or page
    # (or to a report page, which the site build renders from the same records)
    reports = {urls.report_slug(r) for r in records}
    listed: set[str] = set()
    for rel in pages:
        if not rel.startswith(("regions/", "years/", "agencies/")):
            continue
        page_dir = posixpath.dirname(rel)
        for target in re.findall(r'(?:href|data-src)="([^"#]*)"', (tmp_path / rel).read_text("utf-8")):
            path = posixpath.normpath(posixpath.join(page_dir, unquote(target)))
            ok = (path in reports or f"{path}/index.md" in made or path in made)
            assert ok, (rel, target)
            if path in reports:
                listed.add(path)
    assert listed == reports   # and every report is listed somewhere


@pytest.mark.parametrize("by_year", [
    {2021: {"requests_received": 0, "requests_handled": 3, "review_total": 0, "litigation_total": 0},
     2022: {"requests_received": 6, "requests_handled": 6, "review_total": 1, "litigation_total": 0}},
    {2019: dict.fromkeys(indexes.COUNT_KEYS), 2024: dict.fromkeys(indexes.COUNT_KEYS, 2.5)},
    {2023: {"requests_received": 12, "requests_handled": None, "review_total": 0,
            "litigation_total": 4}},
])
def test_trend_chart_is_what_pyecharts_makes_for_the_same_data(by_year):
    # the fast path fills in a skeleton made once; it must equal building each with pyecharts
    title = '<img src=x onerror="alert(1)"> 海东市市直机关事务管理局 历年趋势'
    slow = indexes._chart_json(indexes._trend_line(by_year, title))
    assert indexes.trend_chart(by_year, title) == slow
    options = json.loads(slow)
    assert options["xAxis"][0]["data"] == [str(y) for y in sorted(by_year)]
    assert options["title"][0]["text"] == title
    assert [s["name"] for s in options["series"]] == ["本年新收申请", "办理结果总计", "行政复议", "行政诉讼"]

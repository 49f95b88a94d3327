"""Comparison indexes: headline figures, cross-year check (rule 5), and the generated pages.

Expected numbers are worked out by hand from the cells written in each test (or, for the
seed-like record, from seed 000's printed tables), never read back from the code.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from build_tools import headline, indexes, synth, urls
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
    # the province page counts everything below it, with the sub-region table
    prov = _html(root, urls.region_slug(["青海省"]))
    assert "海东市" in prov and "乐都区教育局" in prov


def test_year_page_ranks_and_lists_every_report(site):
    root, records = site
    html = _html(root, urls.year_slug(2022))
    for r in records:
        if r["meta"]["year"] == 2022 and "<" not in r["meta"]["agency"]:
            assert r["meta"]["agency"] in html
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
    html = _text(root, "quality")
    assert "规则1" in html
    assert "一、本年新收政府信息公开申请数量｜总计" in html and "T3.new_received.total" in html
    slug = urls.report_slug(records[-3])
    assert "../" + "/".join(part for part in slug.split("/")) in unquote(html)
    # the generated archive (seed 7) plants carry-over faults, e.g. 吴中区教育局 2021 vs 2020:
    # they show up under 规则5, on both years' reports
    section = html[re.search(r"<h3[^>]*>规则5", html).start():]
    section = section[:section.index("</table>")]
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
    assert "昆明市人民政府" in _html(root, "agencies")


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

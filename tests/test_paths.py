"""Names from reports become safe, stable, unique paths; a build writes only where told.

Agency names, regions and years come from untrusted report text and sidecars: slashes,
``..``, spaces, 300-character names, characters illegal in file names (``<>:"\\|?*``),
NUL, newlines, bidi controls, names that differ only in such characters.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from itertools import combinations
from pathlib import Path
from urllib.parse import unquote

import pytest

from build_tools import urls
from tests.test_build import REPORTS

REPO = Path(__file__).resolve().parent.parent
HONGZE = REPO / "tests" / "fixtures" / "generated" / "hongze_2021.txt"

HOSTILE_NAMES = [
    "海东市/乐都区人民政府", "海东市\\乐都区人民政府", "../../etc/passwd", "..", ".", "/",
    "海东市 乐都区 人民政府", "海东市乐都区人民政府", "长" * 300,
    "长" * 299 + "短", '乐都<>:"\\|?*局', '乐都<>:"|?*局', "乐都局", "乐都\x00局", "乐都\n局",
    "乐都\r\n局", "乐都:局", "乐都?局", "乐都*局", "乐都|局", "乐都\t局", "ＡＢＣ局", "ABC局",
    "\u202e局都乐", "局\u200b", "CON", "nul", "-局-", "_局_", "局.", ".局", "~局", "$HOME局",
    "%2e%2e%2f局", "乐都局" + "\u0301", "",
]

# A path segment a file system and a URL both take as-is: no separators, no dot segments,
# nothing a shell, Windows or a browser would read specially.
SAFE_SEGMENT = re.compile(r"^[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff][0-9A-Za-z\u3400-\u9fff\uf900-\ufaff_-]*$")


def record(agency: str | None, region: list[str] | None = None, year: object = 2021,
           sha: str | None = None) -> dict:
    sha = sha or hashlib.sha256(repr((agency, region, year)).encode()).hexdigest()
    return {"meta": {"agency": agency, "region": region or [], "year": year,
                     "source": {"sha256": sha}}}


def assert_safe(path: str) -> None:
    assert path == path.strip() and not path.startswith("/") and not path.endswith("/"), path
    for seg in path.split("/"):
        assert SAFE_SEGMENT.match(seg), (path, seg)
        # file names are limited to 255 bytes; leave room for ".json" / "index.html"
        assert len(seg.encode("utf-8")) <= 200, (path, len(seg.encode("utf-8")))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_report_and_agency_slugs_are_safe(name):
    r = record(name, ["青海省", name or "海东市"], year=2021)
    assert_safe(urls.report_slug(r))
    assert_safe(urls.agency_slug(r))
    assert_safe(urls.record_json_path(r)[: -len(".json")])


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_region_and_year_slugs_are_safe(name):
    assert_safe(urls.region_slug(["青海省", name]))
    assert_safe(urls.region_slug([name]))
    assert_safe(urls.year_slug(name))


def test_hostile_years_stay_inside_their_folder():
    for year in ("../../..", "2021/../../x", "2021\x00", None, "", 2021.0, -1):
        slug = urls.report_slug(record("乐都局", year=year))
        assert_safe(slug)
        assert slug.startswith("r/") and slug.count("/") == 2, slug


def test_slugs_are_stable_across_processes():
    # same input, same slug, also in another interpreter with another hash seed
    names = HOSTILE_NAMES[:12]
    here = [(urls.report_slug(record(n, ["青海省", n])), urls.agency_slug(record(n, ["青海省", n])),
             urls.region_slug(["青海省", n])) for n in names]
    assert here == [(urls.report_slug(record(n, ["青海省", n])), urls.agency_slug(record(n, ["青海省", n])),
                     urls.region_slug(["青海省", n])) for n in names]
    code = ("import json,sys,hashlib; from build_tools import urls; from tests.test_paths import record, HOSTILE_NAMES;"
            "ns=HOSTILE_NAMES[:12];"
            "print(json.dumps([(urls.report_slug(record(n,['青海省',n])),urls.agency_slug(record(n,['青海省',n])),"
            "urls.region_slug(['青海省',n])) for n in ns]))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                         text=True, check=True).stdout
    assert [tuple(x) for x in json.loads(out)] == here


def test_different_reports_get_different_pages():
    # every pair of distinct files (distinct bytes) by distinct or look-alike names
    records = [record(n, ["青海省"], sha=hashlib.sha256(f"file {i}".encode()).hexdigest())
               for i, n in enumerate(HOSTILE_NAMES)]
    slugs = [urls.report_slug(r) for r in records]
    assert len(set(slugs)) == len(slugs)


def test_agencies_differing_only_in_unsafe_characters_get_different_pages():
    bodies = [record(n, ["青海省", "海东市"]) for n in HOSTILE_NAMES]
    slugs = [urls.agency_slug(r) for r in bodies]
    clashes = [(a["meta"]["agency"], b["meta"]["agency"]) for (a, sa), (b, sb)
               in combinations(zip(bodies, slugs), 2) if sa == sb]
    assert clashes == []


def test_agency_with_a_slash_is_not_another_region_s_agency():
    a = record("乐都区", ["青海省", "海东市"])
    b = record("海东市/乐都区", ["青海省"])
    assert urls.agency_key(a) != urls.agency_key(b)
    assert urls.agency_slug(a) != urls.agency_slug(b)


def test_regions_differing_only_in_unsafe_characters_get_different_pages():
    regions = [["青海省", n] for n in HOSTILE_NAMES if n]
    slugs = [urls.region_slug(r) for r in regions]
    clashes = [(a[1], b[1]) for (a, sa), (b, sb) in combinations(zip(regions, slugs), 2) if sa == sb]
    assert clashes == []


def test_plain_chinese_names_keep_readable_addresses():
    assert urls.region_slug(["青海省", "海东市", "乐都区"]) == "regions/青海省/海东市/乐都区"
    assert urls.report_slug(record("海东市乐都区人民政府", year=2022, sha="5db58810" + "0" * 56)) \
        == "r/2022/海东市乐都区人民政府-5db58810"


# ----------------------------------------------------------------- a whole build
# (file name, sidecar agency, sidecar region): names that are legal on Linux but hostile
BUILD_CASES = [
    ("斜杠.txt", "海东市/乐都区人民政府", ["青海省", "海东市"]),
    ("点点.txt", "../../../../escaped", ["青海省", "..", "../.."]),
    ('非法<>:"|?*字符.txt', '乐都<>:"|?*局', ["青海省", '海东<>:"|?*市']),
    ("换行\n文件.txt", "乐都\n局", ["青海省", "海东\n市"]),
    ("空 格 .txt", "海东市 乐都区 人民政府", ["青海省", "海 东 市"]),
    ("长名.txt", "长" * 300, ["青海省", "长" * 300]),
    ("长名2.txt", "长" * 299 + "短", ["青海省", "长" * 299 + "短"]),
    ('<img src=x onerror="window.__pwned=1">.txt', "乐都<script>局", ["青海省"]),
]


def _snapshot(root: Path, skip: set[str]) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            continue
        out[rel.as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("paths")
    reports = root / "reports"
    shutil.copytree(REPORTS, reports)
    folder = reports / "青海省" / "路径测试" / "2021"
    folder.mkdir(parents=True)
    text = HONGZE.read_text(encoding="utf-8")
    for i, (name, agency, region) in enumerate(BUILD_CASES):
        # distinct bytes per file, so each is its own report
        (folder / name).write_text(text + f"\n附注{i}\n", encoding="utf-8")
        sidecar = {"agency": agency, "region": region, "year": 2021}
        (folder / name).with_suffix(".yml").write_text(json.dumps(sidecar, ensure_ascii=False),
                                                       encoding="utf-8")
    (root / "tmp").mkdir()
    before = _snapshot(root, {"site", "work", "tmp"})
    env = dict(os.environ, TMPDIR=str(root / "tmp"))
    proc = subprocess.run(
        [sys.executable, "-m", "build_tools", "build", "--reports", str(reports),
         "--site-dir", str(root / "site"), "--work-dir", str(root / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=600, env=env)
    after = _snapshot(root, {"site", "work", "tmp"})
    return {"root": root, "proc": proc, "before": before, "after": after,
            "site": root / "site", "work": root / "work"}


def test_build_succeeds_with_hostile_names(built):
    assert built["proc"].returncode == 0, built["proc"].stdout + built["proc"].stderr


def test_build_writes_nothing_outside_site_and_work(built):
    # the reports folder unchanged, no stray file beside it
    assert built["before"] == built["after"]


def test_build_leaves_no_temporary_files(built):
    assert sorted(p.name for p in (built["root"] / "tmp").iterdir()) == []


def test_every_generated_path_is_safe(built):
    site = built["site"]
    for folder in ("r", "agencies", "regions", "years", "data/r", "files/r"):
        base = site / folder
        if not base.exists():
            continue
        for p in base.rglob("*"):
            rel = p.relative_to(site).as_posix()
            for seg in rel.split("/"):
                stem = seg.rsplit(".", 1)[0] if p.is_file() else seg
                assert stem and ".." not in seg and "\n" not in seg and "\x00" not in seg, rel
                assert not set(seg) & set('<>:"\\|?*'), rel
                assert len(seg.encode("utf-8")) <= 255, rel


def test_every_hostile_report_is_published_on_its_own_page(built):
    report = json.loads((built["site"] / "build-report.json").read_text(encoding="utf-8"))
    mine = [p for p in report["published"] if p["file"].startswith("青海省/路径测试/")]
    assert len(mine) == len(BUILD_CASES), report["unreadable"]
    assert len({p["slug"] for p in mine}) == len(BUILD_CASES)
    for p in mine:
        assert (built["site"] / p["slug"] / "index.html").is_file()
        assert_safe(p["slug"])


def test_hostile_file_names_are_text_in_the_build_report(built):
    page = (built["site"] / "build-report" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "<script>局" not in page
    assert '<img src=x onerror="window.__pwned=1">.txt' in html.unescape(page)


def test_every_report_is_listed_on_its_region_page(built):
    report = json.loads((built["site"] / "build-report.json").read_text(encoding="utf-8"))
    missing = []
    for p in report["published"]:
        page = built["site"] / urls.region_slug(p["region"]) / "index.html"
        text = page.read_text(encoding="utf-8") if page.is_file() else ""
        if p["slug"].rsplit("/", 1)[-1] not in unquote(html.unescape(text)):
            missing.append(p["file"])
    assert missing == []


def test_no_report_is_in_the_navigation(built):
    # Issue 5: a nav listing every report repeats on every page (325 MB for 1,000); the
    # reports are reached through the region and year index pages instead.
    report = json.loads((built["site"] / "build-report.json").read_text(encoding="utf-8"))
    assert len(report["published"]) > 5
    for p in report["published"][:3] + [{"slug": ""}]:
        page = built["site"] / p["slug"] / "index.html"
        text = page.read_text(encoding="utf-8")
        navs = re.findall(r'<nav class="md-(?:tabs|nav md-nav--primary)".*?</nav>', text, re.S)
        assert navs, page
        hrefs = [unquote(h) for nav in navs for h in re.findall(r'href="([^"]*)"', nav)]
        assert hrefs and not [h for h in hrefs if "/r/" in f"/{h.lstrip('./')}"], page
        assert any("regions/" in h for h in hrefs) and any("years/" in h for h in hrefs)

"""Original files linked where the reports folder is published (``build --originals-url``).

An archive whose originals outgrow its host (Pages publishes 1 GB at most; real PDFs are
hundreds of KB each) keeps them elsewhere: each report page links its original at that
address plus the file's path inside the reports folder, and the site carries no copy.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from build_tools import site_size
from tests.browser import chromium, open_page, serve
from tests.test_build import REPORTS, SEEDS, page_dir, run_build

ORIGINALS = "https://originals.example/archive/reports/"
# A name with characters that mean something in a URL or in HTML.
ODD_REL = '青海省/西宁市/城东区/2020/城东区 #1?&"<b>.txt'
SEED_REL = SEEDS[("城东区人民政府", 2020)]


def _reports(root: Path) -> Path:
    reports = root / "reports"
    shutil.copytree(REPORTS, reports)
    odd = reports / ODD_REL
    # other bytes than the seed's, or it would be a duplicate and get no page of its own
    odd.write_text((REPORTS / SEED_REL).read_text(encoding="utf-8") + "\n附：更正版。\n",
                   encoding="utf-8")
    sidecar = (REPORTS / SEED_REL).with_suffix(".yml").read_text(encoding="utf-8")
    odd.with_suffix(".yml").write_text(sidecar.replace("城东区人民政府", "城东区人民政府办公室"),
                                       encoding="utf-8")
    return reports


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("linked")
    reports = _reports(root)
    proc = run_build(reports, root / "site", root / "work", "--originals-url", ORIGINALS,
                     "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return reports, root / "site"


class _Links(HTMLParser):
    """The 原始文件 link of a report page: its attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict, str]] = []
        self._after_label = False
        self._open: dict | None = None

    def handle_data(self, data):
        if self._open is not None:
            self.found.append((self._open, data))
            self._open = None
        self._after_label = data.endswith("原始文件：")

    def handle_starttag(self, tag, attrs):
        if tag == "a" and self._after_label:
            self._open = dict(attrs)
        self._after_label = False


def original_links(page: Path) -> list[tuple[dict, str]]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def _report_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "r").rglob("index.html"))


def test_no_original_is_copied_into_the_site(linked):
    _, site = linked
    assert not (site / "files").exists()
    assert dict(site_size.measure(site).parts).get("原始文件", 0) == 0


def test_each_page_links_its_own_original_where_the_reports_are_published(linked):
    reports, site = linked
    pages = _report_pages(site)
    assert len(pages) == len(SEEDS) + 1
    targets = set()
    for page in pages:
        (attrs, text), = original_links(page)
        href = attrs["href"]
        assert href.startswith(ORIGINALS), href
        rel = unquote(href[len(ORIGINALS):])
        assert (reports / rel).is_file(), rel            # the address names a real file
        assert href == ORIGINALS + quote(rel, safe="/")
        assert text == Path(rel).name
        assert attrs.get("rel") == "noopener noreferrer" and "download" not in attrs
        targets.add(rel)
    assert targets == {*SEEDS.values(), ODD_REL}
    odd = next(p for p in pages if "城东区 #1" in p.read_text(encoding="utf-8"))
    html = odd.read_text(encoding="utf-8")
    assert "%20%231%3F%26%22%3Cb%3E.txt" in html           # every odd character encoded
    assert '城东区 #1?&amp;"&lt;b&gt;.txt</a>' in html      # and the name shown inert


@pytest.mark.browser
def test_the_link_a_reader_follows_is_the_file_in_the_reports_folder(linked):
    _, site = linked
    page = page_dir(site, "海东市人民政府", 2021)
    with serve(site) as base, chromium() as browser:
        opened = open_page(browser, base + page.relative_to(site).as_posix() + "/")
        link = opened.page.locator("a", has_text="海东市人民政府.txt")
        assert link.count() == 1
        assert link.get_attribute("href") == ORIGINALS + quote(SEEDS[("海东市人民政府", 2021)])
        assert opened.errors == []


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_switching_either_way_gives_the_bytes_of_a_clean_build(linked, tmp_path):
    reports, site = linked
    work, rebuilt = tmp_path / "work", tmp_path / "site"
    assert run_build(reports, rebuilt, work).returncode == 0            # copies first
    assert (rebuilt / "files").is_dir()
    assert run_build(reports, rebuilt, work, "--originals-url", ORIGINALS).returncode == 0
    assert _files(rebuilt) == _files(site)                              # = a clean linked build
    assert run_build(reports, rebuilt, work).returncode == 0            # and back
    clean = tmp_path / "clean"
    assert run_build(reports, clean, tmp_path / "clean-work").returncode == 0
    assert _files(rebuilt) == _files(clean)


@pytest.mark.parametrize("address", ["javascript:alert(1)", "/reports/", "ftp://x.example/r/",
                                     "https://x.example/a b/", "https://x.example/r/?raw=1"])
def test_an_address_that_is_not_a_web_folder_is_refused(address, tmp_path):
    proc = run_build(REPORTS, tmp_path / "site", tmp_path / "work", "--originals-url", address)
    assert proc.returncode == 2
    assert "--originals-url" in proc.stderr and repr(address) in proc.stderr
    assert not (tmp_path / "site").exists()

"""Two builds of the same inputs produce the same bytes (different folders, cold and warm cache)."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from tests.test_build import REPORTS, run_build

pytestmark = pytest.mark.slow


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        proc = run_build(REPORTS, root / "site", root / "work")
        assert proc.returncode == 0, proc.stderr
    # a third build reuses a's warm record cache and must still match
    proc = run_build(REPORTS, tmp_path / "c-site", a / "work")
    assert proc.returncode == 0, proc.stderr

    ta, tb, tc = tree(a / "site"), tree(b / "site"), tree(tmp_path / "c-site")
    assert len(ta) > 50
    assert sorted(ta) == sorted(tb) == sorted(tc)
    differ = [k for k in ta if not (ta[k] == tb[k] == tc[k])]
    assert differ == []
    # the sitemap carries a date: the latest publication date of the reports (seed 002 is
    # signed 2023年1月17日), not the clock
    sitemap = (a / "site" / "sitemap.xml").read_text(encoding="utf-8")
    dates = set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap))
    assert dates == {"2023-01-17"}
    with gzip.open(a / "site" / "sitemap.xml.gz") as fh:
        assert fh.read().decode("utf-8") == sitemap

"""Shared test helpers: where the repository and the filed seed reports are.

Other test modules may import ``REPO_ROOT``/``SEEDS_DIR`` or use the fixtures of the
same names.  ``seed_record(name)`` parses a filed seed (with its sidecar) once per run.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO_ROOT / "reports"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# The five seeds as filed (region/year/agency), by their number in the shared seed set.
SEED_FILES = {
    "000": "青海省/海东市/2021/海东市人民政府.txt",
    "001": "青海省/黄南藏族自治州/同仁市/2021/同仁市人民政府.md",
    "002": "青海省/海东市/乐都区/2022/海东市乐都区人民政府.txt",
    "003": "青海省/海东市/2021/海东市市直机关事务管理局.txt",
    "004": "青海省/西宁市/城东区/2020/城东区人民政府.txt",
}


def seed_path(number: str) -> Path:
    return SEEDS_DIR / SEED_FILES[number]


@functools.cache
def _parse_seed(number: str, with_sidecar: bool) -> dict:
    from build_tools.metadata import load_sidecar
    from build_tools.pipeline import parse_file

    path = seed_path(number)
    return parse_file(path, load_sidecar(path) if with_sidecar else None)


def seed_record(number: str, with_sidecar: bool = True) -> dict:
    """The parsed record of a filed seed (cached: treat it as read-only)."""
    return _parse_seed(number, with_sidecar)


# ----------------------------------------------------------- readers of a record (no expected values)
N = None  # a blank cell in the source, written short so expected rows line up


def t3row(record: dict, key: str) -> list:
    """The seven T3 cells of one row, in printed column order."""
    from build_tools.record import T3_COLUMNS, get_path

    return [get_path(record, f"T3.{key}.{c}") for c in T3_COLUMNS]


def t4group(record: dict, group: str) -> list:
    from build_tools.record import get_path

    return [get_path(record, f"T4.{group}.{c}") for c in ("upheld", "corrected", "other", "pending", "total")]


def checks_of(record: dict, rule: str) -> list[dict]:
    return [c for c in record["checks"] if c["rule"] == rule]


def statuses(record: dict, rule: str) -> set[str]:
    return {c["status"] for c in checks_of(record, rule)}


def warnings_of(record: dict, code: str) -> list[dict]:
    return [w for w in record["warnings"] if w["code"] == code]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(name="REPO_ROOT", scope="session")
def _repo_root_fixture() -> Path:
    return REPO_ROOT


@pytest.fixture(name="SEEDS_DIR", scope="session")
def _seeds_dir_fixture() -> Path:
    return SEEDS_DIR


def find_row(doc, first_cells: tuple[str, ...]):
    """The first row of a Document whose leading cells are ``first_cells`` (reader tests)."""
    for r in doc.rows:
        if r.cells[: len(first_cells)] == first_cells:
            return r
    raise AssertionError(f"no row starting with {first_cells}")


@pytest.fixture(scope="session")
def payload_archive(tmp_path_factory) -> Path:
    """The filed seeds plus the hostile payload reports (tests/test_injection.py), built
    once per run: the injection tests and the site-wide browser tests look at the same
    site.  Returns the folder holding ``reports/``, ``site/`` and ``work/``."""
    import shutil

    from tests.test_build import REPORTS, run_build
    from tests.test_injection import add_payload_reports

    root = tmp_path_factory.mktemp("payload-archive")
    reports = root / "reports"
    shutil.copytree(REPORTS, reports)
    add_payload_reports(reports)
    proc = run_build(reports, root / "site", root / "work")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root

"""``python -m build_tools add``: filing, sidecar, refusals, no partial writes."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from pathlib import Path

import pytest
import yaml

from build_tools import add
from build_tools.cli import make_parser

SEEDS = Path(__file__).resolve().parents[1] / "tests/fixtures/seeds"
if not SEEDS.is_dir():  # the shared originals, when the fixtures copy is not there
    SEEDS = Path("/work/shared/seeds")
TONGREN = next(SEEDS.glob("001_*.txt"))      # 同仁市人民政府 2021, dated 2022年1月17日
CHENGDONG = next(SEEDS.glob("004_*.txt"))    # 城东区人民政府 2020, 39+5 ≠ 32+0


def run_add(reports: Path, *argv: str, date: str | None = "2024-05-06") -> tuple[int, str, str]:
    args = make_parser().parse_args(["add", *argv, "--reports", str(reports)])
    args.date = date
    out, err = io.StringIO(), io.StringIO()
    code = add.main(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) \
        if root.exists() else []


def test_files_report_with_sidecar_and_prints_what_it_inferred(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    code, out, err = run_add(reports, str(TONGREN), "--url", "https://www.tongren.gov.cn/a.html",
                             "--region", "青海省/黄南藏族自治州/同仁市")
    assert code == 0, err
    report = reports / "青海省/黄南藏族自治州/同仁市/2021/同仁市人民政府.txt"
    assert files_under(reports) == [
        "青海省/黄南藏族自治州/同仁市/2021/同仁市人民政府.txt",
        "青海省/黄南藏族自治州/同仁市/2021/同仁市人民政府.yml"]
    assert report.read_bytes() == TONGREN.read_bytes()
    sidecar = yaml.safe_load(report.with_suffix(".yml").read_text(encoding="utf-8"))
    assert sidecar == {"source_url": "https://www.tongren.gov.cn/a.html",
                       "region": ["青海省", "黄南藏族自治州", "同仁市"],
                       "added": dt.date(2024, 5, 6)}
    assert "同仁市人民政府" in out
    assert "2021" in out and "2022-01-17" in out
    assert "Checks:" in out


def test_failing_checks_are_listed_with_their_messages(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    code, out, err = run_add(reports, str(CHENGDONG), "--region", "青海省/西宁市/城东区")
    assert code == 0, err
    assert (reports / "青海省/西宁市/城东区/2020/城东区人民政府.txt").is_file()
    fail_lines = [ln for ln in out.splitlines() if ln.strip().startswith("FAIL ")]
    assert fail_lines, out
    assert all(len(ln.split(":", 1)[1].strip()) > 0 for ln in fail_lines)  # each has a message


def test_refuses_a_file_already_in_the_archive(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    assert run_add(reports, str(TONGREN), "--region", "青海省/黄南藏族自治州/同仁市")[0] == 0
    before = files_under(reports)
    renamed = tmp_path / "copy-under-another-name.txt"
    shutil.copy(TONGREN, renamed)
    code, out, err = run_add(reports, str(renamed), "--agency", "别的名字")
    assert code == 1
    assert "青海省/黄南藏族自治州/同仁市/2021/同仁市人民政府.txt" in err
    assert files_under(reports) == before


def test_refuses_unreadable_files_with_the_reason_and_writes_nothing(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = run_add(reports, str(empty), "--region", "青海省/海东市", "--year", "2021",
                           "--agency", "某局")
    assert code == 2 and "empty" in err
    odd = tmp_path / "report.xyz"
    odd.write_bytes("2021年政府信息公开工作年度报告".encode("utf-8"))
    code, _, err = run_add(reports, str(odd))
    assert code == 2 and ".xyz" in err
    code, _, err = run_add(reports, str(tmp_path / "missing.pdf"))
    assert code == 2 and "missing.pdf" in err
    assert files_under(reports) == []


def test_refuses_when_region_is_unknown_and_no_flag_gives_it(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    bare = tmp_path / "bare.txt"
    bare.write_text("年度报告\n\n一、总体情况\n\n无\n", encoding="utf-8")
    code, _, err = run_add(reports, str(bare))
    assert code == 3
    assert "--region" in err and "--agency" in err
    assert files_under(reports) == []


def test_flags_cannot_climb_out_of_the_reports_folder(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    code, _, err = run_add(reports, str(TONGREN), "--agency", "../../evil/x",
                           "--region", "../../../tmp/青海省")
    assert code == 0, err
    written = [p.resolve() for p in reports.rglob("*") if p.is_file()]
    assert len(written) == 2
    assert all(reports.resolve() in p.parents for p in written)
    assert not (tmp_path / "evil").exists()


def test_same_agency_and_year_with_different_bytes_keeps_both(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    region = ("--region", "青海省/黄南藏族自治州/同仁市")
    assert run_add(reports, str(TONGREN), *region)[0] == 0
    corrected = tmp_path / "corrected.txt"
    corrected.write_bytes(TONGREN.read_bytes() + "\n（更正版）\n".encode("utf-8"))
    assert run_add(reports, str(corrected), *region)[0] == 0
    names = [Path(p).name for p in files_under(reports)]
    import hashlib
    short = hashlib.sha256(corrected.read_bytes()).hexdigest()[:8]
    assert names == sorted(["同仁市人民政府.txt", "同仁市人民政府.yml",
                            f"同仁市人民政府-{short}.txt", f"同仁市人民政府-{short}.yml"])
    first = reports / "青海省/黄南藏族自治州/同仁市/2021/同仁市人民政府.txt"
    assert first.read_bytes() == TONGREN.read_bytes()  # the first one was not overwritten


def test_no_partial_files_when_the_sidecar_cannot_be_written(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    place = add.Placement(tmp_path / "r/2021/a.txt", tmp_path / "r/2021/a.yml")
    real_replace = os.replace

    def failing_replace(src: str, dst: str) -> None:
        if str(dst).endswith(".yml"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(add.os, "replace", failing_replace)
    with pytest.raises(OSError):
        add.write_atomically(place, b"report", "added: 2024-05-06\n")
    assert files_under(tmp_path / "r") == []


def test_extension_follows_the_bytes_not_the_name() -> None:
    assert add.extension_for(Path("a.txt"), "pdf") == ".pdf"
    assert add.extension_for(Path("a.HTM"), "html") == ".htm"
    assert add.extension_for(Path("a.docx"), "docx") == ".docx"


def test_region_flag_accepts_common_separators() -> None:
    assert add.split_region("青海省/海东市/乐都区") == ["青海省", "海东市", "乐都区"]
    assert add.split_region("青海省 > 海东市") == ["青海省", "海东市"]
    assert add.split_region(None) == []


def test_a_parser_crash_is_reported_and_nothing_is_filed(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import build_tools.pipeline

    def crash(path: Path, sidecar: dict | None = None) -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr(build_tools.pipeline, "parse_file", crash)
    reports = tmp_path / "reports"
    code, _, err = run_add(reports, str(TONGREN), "--region", "青海省/黄南藏族自治州/同仁市")
    assert code == 2 and "RuntimeError: boom" in err
    assert files_under(reports) == []


def test_sidecar_records_a_missing_url_as_null(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    code, out, _ = run_add(reports, str(TONGREN), "--region", "青海省/黄南藏族自治州/同仁市",
                           date="2023-12-31")
    assert code == 0 and "no --url" in out
    sidecar = reports / "青海省/黄南藏族自治州/同仁市/2021/同仁市人民政府.yml"
    assert yaml.safe_load(sidecar.read_text(encoding="utf-8")) == {
        "source_url": None, "region": ["青海省", "黄南藏族自治州", "同仁市"],
        "added": dt.date(2023, 12, 31)}

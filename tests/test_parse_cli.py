"""``python -m build_tools parse FILE``: UTF-8 JSON on stdout, exit 2 with one line
naming the file when the file cannot be read."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO_ROOT, seed_path


def parse(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "build_tools", "parse", str(path)], cwd=REPO_ROOT,
                          capture_output=True, timeout=120)


def test_prints_utf8_json_of_the_record():
    result = parse(seed_path("004"))
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    out = result.stdout.decode("utf-8")
    assert "城东区人民政府" in out and "\\u" not in out          # not \u-escaped
    record = json.loads(out)
    assert record["meta"]["template"] == "2019"
    assert record["meta"]["source"]["url"] is None               # sidecar not used by `parse`
    assert any(c["rule"] == "t3_balance" and c["status"] == "fail" for c in record["checks"])


def test_parse_uses_only_the_file_itself():
    record = json.loads(parse(seed_path("000")).stdout.decode("utf-8"))
    assert record["meta"]["agency"] is None                       # the sidecar would say 海东市人民政府
    assert record["meta"]["provenance"]["agency"] == "missing"


def _one_line_error(result, path) -> str:
    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.decode("utf-8").strip().splitlines()
    assert len(lines) == 1, lines
    assert str(path) in lines[0]
    return lines[0]


def test_empty_file_exits_2_naming_it(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty" in _one_line_error(parse(path), path)


def test_binary_junk_named_txt_exits_2(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 20)
    _one_line_error(parse(path), path)
    path2 = tmp_path / "junk2.txt"
    path2.write_bytes(bytes((i * 37 + 128) % 128 + 128 for i in range(5000)))   # no NUL bytes
    _one_line_error(parse(path2), path2)


def test_gbk_text_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("某某县人民政府2021年政府信息公开工作年度报告\n\n一、总体情况\n\n全年工作有序开展，成效明显。\n"
                     .encode("gb18030"))
    result = parse(path)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    record = json.loads(result.stdout.decode("utf-8"))
    assert record["meta"]["agency"] == "某某县人民政府"
    assert "全年工作有序开展" in record["sections"]["overview"]

"""Fetch the third-party browser assets the site serves itself (no CDN at view time).

    python -m build_tools.vendor_assets

ECharts comes from the npm registry (``npm pack echarts@VERSION``): the tarball's
``package/dist/echarts.min.js`` and ``package/LICENSE`` are copied to
``docs/assets/vendor/echarts/``. The version matches the one pyecharts 2.1 targets
(its ONLINE_HOST is ``assets.pyecharts.org/assets/v6/``), so the options pyecharts emits are
understood by the script in the browser. The copied files are committed; this script only
documents and repeats how they were obtained.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ECHARTS_VERSION = "6.0.0"
VENDOR_DIR = Path(__file__).resolve().parent.parent / "docs" / "assets" / "vendor" / "echarts"
WANTED = {"package/dist/echarts.min.js": "echarts.min.js", "package/LICENSE": "LICENSE"}


def fetch_echarts(version: str = ECHARTS_VERSION, dest: Path = VENDOR_DIR) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"echarts@{version}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        tarball = next(Path(tmp).glob("echarts-*.tgz"))
        with tarfile.open(tarball) as tar:
            for member, name in WANTED.items():
                src = tar.extractfile(member)
                if src is None:
                    raise SystemExit(f"{member} missing from {tarball.name}")
                (dest / name).write_bytes(src.read())
    (dest / "VERSION").write_text(f"echarts {version} (npm pack echarts@{version})\n",
                                  encoding="utf-8")


if __name__ == "__main__":
    fetch_echarts(sys.argv[1] if len(sys.argv) > 1 else ECHARTS_VERSION)

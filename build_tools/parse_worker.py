"""The parse workers' start-up, and a worker started before the build has imported the rest.

A parse worker spends most of a second getting ready before its first report: jieba loads
its dictionary for the gazetteer (a 9 MB cache file, 0.6 s).
When a rebuild has one new report to parse, that second is most of the parse stage, and
the build would only start the worker after importing its page, chart and site modules
and hashing every report.  ``start_warm`` starts one worker at once, from the command
line before those imports (``cli.cmd_build``), and the build hands it the one new report
if there is exactly one (``build.parse_all``).

This module imports nothing of the build's own, so forking from it is cheap.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import os
import tempfile
import traceback
from pathlib import Path


def use_temp_dir(path: str) -> None:
    """Worker start-up: temporary files (jieba's dictionary cache, which the gazetteer
    builds on first use) go into the build's work folder, never the system's."""
    os.makedirs(path, exist_ok=True)
    tempfile.tempdir = path
    os.environ["TMPDIR"] = path


def parse_task(path_str: str) -> dict:
    """Parse one file (runs in a worker process). Never raises."""
    from . import metadata, pipeline
    from .errors import ReportError

    path = Path(path_str)
    try:
        sidecar = metadata.load_sidecar(path)
        return {"record": pipeline.parse_file(path, sidecar)}
    except ReportError as exc:
        result = {"error": {"code": exc.code, "reason": exc.reason}}
        return result if exc.cacheable else {**result, "uncacheable": True}
    except Exception as exc:  # noqa: BLE001 - one report's bug must not stop the build
        where = traceback.extract_tb(exc.__traceback__)[-1:]
        at = f" ({Path(where[0].filename).name}:{where[0].lineno})" if where else ""
        return {"error": {"code": "parser_crash", "reason": f"解析程序出错：{type(exc).__name__}: {exc}{at}"},
                "uncacheable": True}


def crashed() -> dict:
    """The result of a file whose worker process died."""
    return {"error": {"code": "parser_crash", "reason": "解析进程异常退出（可能是内存不足或解析库崩溃）"},
            "uncacheable": True}


def _ready(path: str) -> None:
    use_temp_dir(path)
    importlib.import_module(f"{__package__}.pipeline")   # what parse_task needs
    from . import metadata

    metadata.warm_gazetteer()


def start_warm(temp_dir: Path) -> cf.ProcessPoolExecutor | None:
    """One parse worker, getting ready in the background; None when ``temp_dir`` does not
    exist yet (a first build parses everything, with a pool of every core) or the worker
    cannot be started."""
    if not Path(temp_dir).is_dir():
        return None
    try:
        pool = cf.ProcessPoolExecutor(max_workers=1, initializer=_ready,
                                      initargs=(str(temp_dir),))
        pool.submit(int)   # the process starts on the first task
    except (OSError, RuntimeError):
        return None
    return pool

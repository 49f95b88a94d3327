"""Shared helpers for browser tests: serve a built site over HTTP, drive Debian's Chromium.

``serve(folder)`` (from benchmarks/search_probe.py) gives the base URL of a threaded HTTP server on
127.0.0.1 (a random free port); ``launch_chromium(p)`` starts the system Chromium through
Playwright, never a downloaded browser.  ``open_page`` collects console errors and page
errors so a test can assert a page ran clean.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

# One HTTP server and one Chromium launch for tests and the search benchmark alike.
from benchmarks.search_probe import CHROMIUM, serve  # noqa: F401 - re-exported for tests
from benchmarks.search_probe import launch as launch_chromium


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")


@contextmanager
def chromium() -> Iterator[Any]:
    """``with chromium() as browser:`` — Playwright started and stopped around the browser."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OpenedPage:
    page: Any
    errors: list[str] = field(default_factory=list)   # console errors and uncaught exceptions
    failed_requests: list[str] = field(default_factory=list)


def open_page(browser: Any, url: str, width: int = 1280, height: int = 900) -> OpenedPage:
    """Load ``url`` in a fresh page and wait for the network to settle."""
    page = browser.new_page(viewport={"width": width, "height": height})
    opened = OpenedPage(page)
    page.on("console", lambda m: opened.errors.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: opened.failed_requests.append(r.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return opened

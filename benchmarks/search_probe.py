"""Drive the header search box of a built site in headless Chromium and measure one query.

    python -m benchmarks.search_probe SITE_DIR 行政复议 [海东市 ...]

For each query, on a fresh page (empty cache): open the home page, click the search box,
type the query and wait for the first result.  Reported per query: the bytes of every
response body fetched from opening the box to the first result (the Pagefind bundle,
its WebAssembly, index chunks and result fragments; the home page itself is not counted),
the milliseconds from typing to the first result, the number of results and their links.
Uses Debian's /usr/bin/chromium through Playwright; never downloads a browser.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-gpu"]
RESULT = ".md-search-result__item a.md-search-result__link"


@dataclass
class Probe:
    query: str
    bytes: int                     # response bodies fetched for the search
    requests: int
    ms_to_first_result: float
    results: int                   # the count the search box announces
    hrefs: list[str] = field(default_factory=list)   # decoded links of the shown results
    largest: list[tuple[str, int]] = field(default_factory=list)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path, prefix: str = "") -> Iterator[str]:
    """Serve ``folder`` at ``http://127.0.0.1:PORT/<prefix>`` (a sub-path like GitHub Pages')."""
    if prefix:
        root = folder.parent / f".serve-{folder.name}"
        root.mkdir(exist_ok=True)
        link = root / prefix.strip("/")
        if not link.exists():
            link.symlink_to(folder.resolve(), target_is_directory=True)
        directory = root
    else:
        directory = folder
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{prefix.strip('/') + '/' if prefix else ''}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# Timed in the page, from just before the query is typed to the first animation frame
# after a result link is in the DOM (the frame that paints it).  Waiting for the selector
# from Python instead adds the polling of Playwright's wait, which backs off to 500 ms
# between looks: a result shown 450 ms after typing was reported at about 900 ms.
_WATCH_FOR_RESULT = """(selector) => {
  window.__probeShownAt = undefined;
  const seen = () => {
    if (!document.querySelector(selector)) return false;
    requestAnimationFrame(() => { window.__probeShownAt = performance.now(); });
    return true;
  };
  if (!seen()) {
    const watch = new MutationObserver(() => { if (seen()) watch.disconnect(); });
    watch.observe(document.body, { childList: true, subtree: true });
  }
  window.__probeTypedAt = performance.now();
}"""


def run_query(browser: Any, url: str, query: str, timeout_ms: int = 30_000) -> Probe:
    """One cold query on a fresh browser context (nothing cached)."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        responses: list[Any] = []
        page.on("response", lambda r: responses.append(r))
        box = page.locator("input.md-search__input")
        box.click()
        page.evaluate(_WATCH_FOR_RESULT, RESULT)
        box.fill(query)
        page.wait_for_function("() => window.__probeShownAt !== undefined", timeout=timeout_ms)
        elapsed = page.evaluate("() => window.__probeShownAt - window.__probeTypedAt")
        page.wait_for_load_state("networkidle")
        meta = page.locator("[data-archive-search-meta]").inner_text()
        hrefs = page.eval_on_selector_all(RESULT, "els => els.map(a => a.href)")
        sizes = []
        for r in responses:
            try:
                sizes.append((r.url, len(r.body())))
            except Exception:  # noqa: BLE001 - a redirect or aborted request has no body
                sizes.append((r.url, 0))
        digits = "".join(c for c in meta if c.isdigit())
        return Probe(query=query, bytes=sum(n for _, n in sizes), requests=len(sizes),
                     ms_to_first_result=round(elapsed, 1),
                     results=int(digits) if digits else len(hrefs),
                     hrefs=[unquote(h) for h in hrefs],
                     largest=sorted(((unquote(u.rsplit("/", 1)[-1]), n) for u, n in sizes),
                                    key=lambda x: -x[1])[:5])
    finally:
        context.close()


def probe_site(site: Path, queries: list[str], prefix: str = "") -> list[Probe]:
    from playwright.sync_api import sync_playwright

    with serve(site, prefix) as url, sync_playwright() as p:
        browser = launch(p)
        try:
            return [run_query(browser, url, q) for q in queries]
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.search_probe", description=__doc__)
    ap.add_argument("site", type=Path)
    ap.add_argument("queries", nargs="+")
    ap.add_argument("--prefix", default="", help="serve the site under this sub-path")
    args = ap.parse_args(argv)
    for pr in probe_site(args.site, args.queries, args.prefix):
        d = asdict(pr)
        d["hrefs"] = d["hrefs"][:5]
        json.dump(d, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

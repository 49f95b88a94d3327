"""Across years: neighbours in time, year-over-year change, and rule 5 (跨年度结转核对).

A body (机关) is identified by ``urls.agency_key`` (region path + name), so the same name in
two regions stays two bodies.  Everything here works on whatever records exist: a new year
or a new body joins its chain with no code change.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from . import headline, urls
from .domain import load_yaml
from .record import get_path, year_of

RULE_ID = "cross_year_carryover"
CARRIED_OVER = "T3.carried_over.total"        # 二、上年结转 (this year)
CARRIED_FORWARD = "T3.carried_forward.total"  # 四、结转下年度继续办理 (last year)


def chains(records: Iterable[dict]) -> dict[str, list[dict]]:
    """Records of each body with a known year, oldest first (ties broken by page address)."""
    by_agency: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if year_of(r) is not None:
            by_agency[urls.agency_key(r)].append(r)
    return {k: sorted(v, key=lambda r: (year_of(r), urls.report_slug(r)))
            for k, v in sorted(by_agency.items())}


def _ref(record: dict | None) -> dict | None:
    if record is None:
        return None
    return {"year": year_of(record), "slug": urls.report_slug(record),
            "agency": record["meta"].get("agency")}


def change(previous: dict, current: dict) -> dict[str, dict[str, Any]]:
    """Headline figures of both years and their difference, where both are known."""
    before, after = headline.figures(previous), headline.figures(current)
    out: dict[str, dict[str, Any]] = {}
    for f in headline.FIGURES:
        x, y = before[f.key], after[f.key]
        out[f.key] = {"label": f.label_zh, "previous": x, "current": y,
                      "delta": (y - x) if x is not None and y is not None else None}
    return out


def _t3_cell(record: dict, path: str) -> tuple[bool, Any]:
    """(table present, value) — a missing T3 makes the rule not assessable at all."""
    if record["tables"].get("T3") is None:
        return False, None
    return True, get_path(record, path)


def _fmt(v: Any) -> str:
    return "空白" if v is None else headline.format_value("requests_received", v)


def carryover_checks(previous: dict, current: dict) -> tuple[dict, dict] | None:
    """Rule 5 for two consecutive years of one body: (check for last year, check for this year).

    Blank counts as 0, as in the other rules; when both cells are blank there is nothing to
    compare and the result is not_assessable.  None when either report has no T3 table.
    """
    ok_prev, forward = _t3_cell(previous, CARRIED_FORWARD)
    ok_cur, over = _t3_cell(current, CARRIED_OVER)
    if not (ok_prev and ok_cur):
        return None
    py, cy = year_of(previous), year_of(current)
    texts = load_yaml("rules.yml")[RULE_ID]
    if forward is None and over is None:
        status = "not_assessable"
        text = texts["blank"].format(year=cy, prev_year=py)
    else:
        a, b = forward or 0, over or 0
        status = "pass" if a == b else "fail"
        text = texts[status].format(year=cy, prev_year=py, over=_fmt(over),
                                    forward=_fmt(forward), diff=_fmt(abs(b - a)))
    base = {"rule": RULE_ID, "status": status, "message": text}
    for_prev = dict(base, cells=[CARRIED_FORWARD],
                    other={"year": cy, "slug": urls.report_slug(current), "cell": CARRIED_OVER})
    for_cur = dict(base, cells=[CARRIED_OVER],
                   other={"year": py, "slug": urls.report_slug(previous), "cell": CARRIED_FORWARD})
    return for_prev, for_cur


def enrich(records: list[dict]) -> None:
    """Add rule-5 checks and ``record["context"]`` to every record, in place.

    Safe to call again on the same records (e.g. records from a cache): earlier cross-year
    checks are removed first, so nothing is duplicated.
    """
    for r in records:
        r["checks"] = [c for c in r.get("checks", []) if c.get("rule") != RULE_ID]
        r["context"] = {"previous": None, "next": None, "change": {}}
    for chain in chains(records).values():
        for i, current in enumerate(chain):
            previous = _nearest(chain, i, -1)
            following = _nearest(chain, i, +1)
            current["context"] = {
                "previous": _ref(previous), "next": _ref(following),
                "change": change(previous, current) if previous is not None else {},
            }
            if previous is not None and year_of(previous) == year_of(current) - 1:
                pair = carryover_checks(previous, current)
                if pair is not None:
                    previous["checks"].append(pair[0])
                    current["checks"].append(pair[1])


def _nearest(chain: list[dict], i: int, step: int) -> dict | None:
    """The closest record of another year in direction ``step`` (a year may hold two files)."""
    year = year_of(chain[i])
    j = i + step
    while 0 <= j < len(chain):
        if year_of(chain[j]) != year:
            # with duplicates in that year, take the first of them in page-address order
            if step < 0:
                while j - 1 >= 0 and year_of(chain[j - 1]) == year_of(chain[j]):
                    j -= 1
            return chain[j]
        j += step
    return None

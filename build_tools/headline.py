"""Headline figures of one report, shared by the report page and every comparison index.

One function, ``figures(record)``, so a report page, a region table, a year ranking and
the open-data CSV can never disagree on what 公开率 or 纠错率 means.  A figure is None
when the report does not allow it to be assessed (table missing, cell blank, or a
denominator of zero); it is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .record import get_path


@dataclass(frozen=True)
class Figure:
    key: str
    label_zh: str
    kind: str           # "count" (件) or "rate" (a share between 0 and 1)
    description_zh: str


# Definitions follow REPORT_FORMAT.md "Derived figures worth publishing".
FIGURES: tuple[Figure, ...] = (
    Figure("requests_received", "本年新收申请", "count",
           "表三“一、本年新收政府信息公开申请数量”总计列"),
    Figure("requests_handled", "办理结果总计", "count",
           "表三“三、本年度办理结果（七）总计”总计列"),
    Figure("disclosure_rate", "公开率", "rate",
           "（予以公开 + 部分公开）÷ 办理结果总计，总计列"),
    Figure("review_total", "行政复议", "count",
           "表四行政复议“总计”"),
    Figure("litigation_total", "行政诉讼", "count",
           "表四行政诉讼“总计”：未经复议直接起诉 + 复议后起诉"),
    Figure("review_corrected_rate", "复议纠错率", "rate",
           "行政复议 结果纠正 ÷（总计 − 尚未审结）"),
    Figure("litigation_corrected_rate", "诉讼纠错率", "rate",
           "行政诉讼两组合计 结果纠正 ÷（总计 − 尚未审结）"),
    Figure("natural_person_share", "自然人申请占比", "rate",
           "本年新收申请中自然人提出的比例"),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)
FIGURE_BY_KEY = {f.key: f for f in FIGURES}


# Parser warnings that say a cell's printed value cannot be trusted (e.g. seed 000's
# scrambled applicant columns, where only the 总计 column is reliable): a figure read from
# such a cell is not assessable rather than confidently wrong.
UNTRUSTED_WARNING_CODES = frozenset({"t3_columns_untrusted"})


def untrusted_cells(record: dict) -> set[str]:
    return {cell for w in record.get("warnings", []) if w.get("code") in UNTRUSTED_WARNING_CODES
            for cell in w.get("cells", [])}


def _cell(record: dict, path: str) -> Any:
    try:
        return get_path(record, path)
    except (KeyError, TypeError):
        return None


def _sum_blank_as_zero(values: list[Any]) -> float | int | None:
    """Sum with blanks as 0, as the checks count them; None only when every cell is blank."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _ratio(numerator: float | int | None, denominator: float | int | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def _corrected_rate(record: dict, groups: tuple[str, ...]) -> float | None:
    """结果纠正 / (总计 − 尚未审结) over the given T4 groups; the printed 总计 is used."""
    if record["tables"].get("T4") is None:
        return None
    totals = [_cell(record, f"T4.{g}.total") for g in groups]
    if all(t is None for t in totals):
        return None
    corrected = _sum_blank_as_zero([_cell(record, f"T4.{g}.corrected") for g in groups]) or 0
    pending = _sum_blank_as_zero([_cell(record, f"T4.{g}.pending") for g in groups]) or 0
    total = _sum_blank_as_zero(totals) or 0
    return _ratio(corrected, total - pending)


def figures(record: dict) -> dict[str, float | int | None]:
    """Headline figures of a record, keyed as ``FIGURES``; rates are shares in [0, 1]."""
    t3 = record["tables"].get("T3") is not None
    received = _cell(record, "T3.new_received.total") if t3 else None
    handled = _cell(record, "T3.total_processed.total") if t3 else None
    disclosed = None
    if t3 and handled is not None:
        disclosed = _sum_blank_as_zero([_cell(record, "T3.granted.total"),
                                        _cell(record, "T3.partially_granted.total")])
    natural = _cell(record, "T3.new_received.natural_person") if t3 else None
    if "T3.new_received.natural_person" in untrusted_cells(record):
        natural = None
    t4 = record["tables"].get("T4") is not None
    review_total = _cell(record, "T4.review.total") if t4 else None
    litigation_total = None
    if t4:
        litigation_total = _sum_blank_as_zero([_cell(record, "T4.litigation_direct.total"),
                                               _cell(record, "T4.litigation_after_review.total")])
    return {
        "requests_received": received,
        "requests_handled": handled,
        "disclosure_rate": _ratio(disclosed if disclosed is not None else 0, handled)
        if handled is not None else None,
        "review_total": review_total,
        "litigation_total": litigation_total,
        "review_corrected_rate": _corrected_rate(record, ("review",)),
        "litigation_corrected_rate": _corrected_rate(
            record, ("litigation_direct", "litigation_after_review")),
        "natural_person_share": _ratio(natural, received) if natural is not None else None,
    }


def format_value(key: str, value: float | int | None) -> str:
    """Display text of a figure: counts as printed, rates as a percentage; blank when None."""
    if value is None:
        return ""
    if FIGURE_BY_KEY[key].kind == "rate":
        return f"{value * 100:.1f}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def format_change(key: str, delta: float | int | None) -> str:
    """Display text of a year-over-year change: +3 件, −2.5 个百分点."""
    if delta is None:
        return ""
    if FIGURE_BY_KEY[key].kind == "rate":
        return f"{delta * 100:+.1f} 个百分点"
    text = format_value("requests_received", abs(delta))
    return ("+" if delta >= 0 else "−") + text


def pooled_corrected_rate(records: list[dict], groups: tuple[str, ...]) -> float | None:
    """纠错率 over many reports: all 结果纠正 ÷ all (总计 − 尚未审结), not a mean of rates."""
    corrected = decided = 0
    seen = False
    for r in records:
        if r["tables"].get("T4") is None:
            continue
        totals = [_cell(r, f"T4.{g}.total") for g in groups]
        if all(t is None for t in totals):
            continue
        seen = True
        corrected += _sum_blank_as_zero([_cell(r, f"T4.{g}.corrected") for g in groups]) or 0
        decided += ((_sum_blank_as_zero(totals) or 0)
                    - (_sum_blank_as_zero([_cell(r, f"T4.{g}.pending") for g in groups]) or 0))
    return _ratio(corrected, decided) if seen else None

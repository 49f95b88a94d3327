"""T2/T3/T4 as HTML tables laid out like the national template, with its Chinese labels.

Tables are emitted as our own raw HTML blocks (rowspan/colspan headers, grouped rows),
because Markdown tables cannot express the template's grouped labels.  Every label comes
from the field registry (``domain/fields.csv``) or ``record.py`` constants, every value
through ``escape.number``: a blank source cell stays blank, a 0 stays 0.

The markup is as lean as HTML allows, because Python-Markdown and MkDocs each parse every
tag of a raw block on every page (most of a site build's time): the end tags HTML makes
optional (``</td>``, ``</th>``, ``</tr>``, ``</thead>`` before ``<tbody>``, ``</tbody>``) are
left out (a block still ends at its outer ``</div>``), and cells carry no attribute but
what the browser needs.  A cell a failing check names is marked by class ``cell-fail``.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

from .. import record as rec
from . import escape

# Template headings that are not cells, hence not in the registry.
T3_OUTCOMES_HEADING = "三、本年度办理结果"
T3_APPLICANTS_HEADING = "申请人情况"
T3_ORGANIZATIONS_HEADING = "法人或其他组织"
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T4_LITIGATION_HEADING = "行政诉讼"


def clean_label(label_zh: str) -> str:
    """A registry label without the registry's own English annotation in parentheses."""
    return label_zh.split(" (", 1)[0].strip()


def field_label(path: str) -> str | None:
    """Chinese label of a dotted cell path (``T3.granted.total`` -> ``（一）予以公开 / 总计``)."""
    table, _, rest = path.partition(".")
    for f in rec.fields():
        if f.table != table:
            continue
        if rest == f.key:
            return clean_label(f.label_zh)
        if table == "T3" and rest.startswith(f.key + "."):
            col = rest[len(f.key) + 1:]
            if col in rec.T3_COLUMN_LABELS_ZH:
                return f"{clean_label(f.label_zh)} / {rec.T3_COLUMN_LABELS_ZH[col]}"
    return None


def cell_label(path: str) -> str:
    """Label for a cell named by a check; tolerates a year or other prefix (``2020:T3...``)."""
    label = field_label(path)
    if label is None and ":" in path:
        prefix, _, rest = path.rpartition(":")
        inner = field_label(rest)
        if inner is not None:
            label = f"{prefix} {inner}"
    return label or path


def safe_value(record: dict, path: str) -> object:
    """A cell's value, or None when the record lacks it (a partial table is still shown)."""
    try:
        return rec.get_path(record, path)
    except (KeyError, TypeError, AttributeError):
        return None


def _td(value: object, path: str, marked: set[str]) -> str:
    cls = ' class="cell-fail"' if path in marked else ""
    return f"<td{cls}>{escape.html_text(escape.number(value))}"


def _wrap(kind: str, caption: str, rows: list[str]) -> str:
    body = "\n".join(rows)
    return (f'<div class="archive-table archive-{kind}">\n<table class="archive-grid">\n'
            f"<caption>{escape.html_text(caption)}</caption>\n{body}\n</table>\n</div>")


# ---------------------------------------------------------------- T2
@functools.cache
def t2_print_order() -> dict[str, list[str]]:
    """template -> T2 keys in printed order, from the parser's ``domain/t2_rows.csv``.

    The registry lists shared cells first (行政许可 处理决定数量 …), which is not the order
    either template prints; t2_rows.csv gives each template's rows and columns in order.
    """
    order: dict[str, list[str]] = {}
    try:
        with open(rec.DOMAIN_DIR / "t2_rows.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for template in rec.TEMPLATES:
                    for col in (row.get(f"columns_{template}") or "").split():
                        order.setdefault(template, []).append(f"{row['row']}.{col}")
    except OSError:
        pass
    return order


def _t2_fields(template: str | None) -> list[rec.Field]:
    fields = list(rec.fields_for("T2", template))
    order = t2_print_order().get(str(template))
    if order:
        rank = {key: i for i, key in enumerate(order)}
        fields.sort(key=lambda f: rank.get(f.key, len(rank)))
    return fields


def render_t2(record: dict, marked: set[str] = frozenset()) -> str:
    """T2 as 项目 | 指标（单位） | 数值, one group of rows per item (规章, 行政许可, …)."""
    t2 = record["tables"].get("T2")
    if t2 is None:
        return ""
    template = record["meta"].get("template")
    groups: dict[str, list[rec.Field]] = {}
    for f in _t2_fields(template):
        groups.setdefault(f.key.split(".", 1)[0], []).append(f)
    rows = ["<thead><tr><th>项目<th>指标（单位）<th>数值", "<tbody>"]
    for fields in groups.values():
        for i, f in enumerate(fields):
            item, _, measure = clean_label(f.label_zh).partition(" ")
            span = f' rowspan="{len(fields)}"' if len(fields) > 1 else ""
            head = (f'<th scope="rowgroup"{span}>{escape.html_text(item)}' if i == 0 else "")
            label = measure or item
            if f.unit:
                label += f"（{f.unit}）"
            value = safe_value(record, f.path)
            rows.append(f'<tr>{head}<th scope="row">{escape.html_text(label)}'
                        f"{_td(value, f.path, marked)}")
    return _wrap("t2", "主动公开政府信息情况", rows)


# ---------------------------------------------------------------- T3
@dataclass(frozen=True)
class T3Row:
    key: str          # registry key, e.g. "denied.state_secret"
    top: str | None   # 一、… / 二、… / 四、… for rows outside 三、本年度办理结果
    group: str | None  # （一）予以公开, （三）不予公开 …
    item: str | None  # 1.属于国家秘密 …


def _t3_row(f: rec.Field) -> T3Row:
    label = clean_label(f.label_zh)
    if not label.startswith("（"):
        return T3Row(f.key, label, None, None)
    group, _, item = label.partition(" ")
    return T3Row(f.key, None, group, item or None)


def _has_values(t3: dict, key: str) -> bool:
    node = t3
    for part in key.split("."):
        node = (node or {}).get(part) if isinstance(node, dict) else None
    return isinstance(node, dict) and any(v is not None for v in node.values())


def t3_rows(record: dict) -> list[T3Row]:
    """The T3 rows to show, in template order.

    （六）其他处理 is printed either as three sub-rows (2021 template) or as one row (2019
    template, and many 2021 reports that collapse it): show whichever the report filled,
    the template's own form when it filled neither.
    """
    t3 = record["tables"].get("T3") or {}
    template = record["meta"].get("template")
    rows = [_t3_row(f) for f in rec.fields_for("T3", template)]
    subs = [r for r in rows if r.key.startswith("other.")]
    has_subs = any(_has_values(t3, r.key) for r in subs)
    has_total = _has_values(t3, "other_total")
    if not subs:
        keep_subs, keep_total = False, True
    elif has_subs or has_total:
        keep_subs, keep_total = has_subs, has_total
    else:
        keep_subs, keep_total = True, False
    return [r for r in rows
            if not (r in subs and not keep_subs) and not (r.key == "other_total" and not keep_total)]


def _t3_value(t3: dict, key: str, col: str) -> object:
    node = t3
    for part in key.split("."):
        node = (node or {}).get(part) if isinstance(node, dict) else None
    return node.get(col) if isinstance(node, dict) else None


def render_t3(record: dict, marked: set[str] = frozenset()) -> str:
    t3 = record["tables"].get("T3")
    if t3 is None:
        return ""
    cols = rec.T3_COLUMNS
    lab = rec.T3_COLUMN_LABELS_ZH
    org_cols = [c for c in rec.T3_APPLICANT_COLUMNS if c != "natural_person"]
    head = [
        "<thead>",
        f'<tr><th rowspan="3" colspan="3" class="corner">{escape.html_text(T3_CORNER)}'
        f'<th colspan="{len(cols)}">{T3_APPLICANTS_HEADING}',
        f'<tr><th rowspan="2">{lab["natural_person"]}'
        f'<th colspan="{len(org_cols)}">{T3_ORGANIZATIONS_HEADING}'
        f'<th rowspan="2">{lab["total"]}',
        "<tr>" + "".join(f"<th>{lab[c]}" for c in org_cols),
    ]
    rows = t3_rows(record)
    outcome_rows = [r for r in rows if r.top is None]
    body = ["<tbody>"]
    first_outcome = True
    for i, r in enumerate(rows):
        cells = "".join(_td(_t3_value(t3, r.key, c), f"T3.{r.key}.{c}", marked) for c in cols)
        if r.top is not None:
            body.append(f'<tr><th colspan="3" scope="row">{escape.html_text(r.top)}{cells}')
            continue
        lead = ""
        if first_outcome:
            lead += (f'<th rowspan="{len(outcome_rows)}" scope="rowgroup" class="vertical">'
                     f"{T3_OUTCOMES_HEADING}")
            first_outcome = False
        if r.item is None:
            lead += f'<th colspan="2" scope="row">{escape.html_text(r.group)}'
        else:
            prev = rows[i - 1] if i else None
            if prev is None or prev.group != r.group or prev.item is None:
                span = sum(1 for x in outcome_rows if x.group == r.group and x.item is not None)
                lead += f'<th rowspan="{span}" scope="rowgroup">{escape.html_text(r.group)}'
            lead += f'<th scope="row">{escape.html_text(r.item)}'
        body.append(f"<tr>{lead}{cells}")
    return _wrap("t3", "收到和处理政府信息公开申请情况", head + body)


# ---------------------------------------------------------------- T4
def render_t4(record: dict, marked: set[str] = frozenset()) -> str:
    t4 = record["tables"].get("T4")
    if t4 is None:
        return ""
    glab = rec.T4_GROUP_LABELS_ZH
    n = len(rec.T4_COLUMNS)
    lit_groups = [g for g in rec.T4_GROUPS if glab[g].startswith(T4_LITIGATION_HEADING)]
    review_groups = [g for g in rec.T4_GROUPS if g not in lit_groups]
    head = ["<thead><tr>"]
    head += [f'<th colspan="{n}" rowspan="2">{escape.html_text(glab[g])}' for g in review_groups]
    head.append(f'<th colspan="{n * len(lit_groups)}">{T4_LITIGATION_HEADING}')
    head.append("<tr>" + "".join(
        f'<th colspan="{n}">{escape.html_text(glab[g].split(" ", 1)[-1])}' for g in lit_groups))
    head.append("<tr>" + "".join(
        f"<th>{rec.T4_COLUMN_LABELS_ZH[c]}" for g in rec.T4_GROUPS for c in rec.T4_COLUMNS))
    # Review first, then the litigation groups: the printed order of the template.
    order = review_groups + lit_groups
    cells = "".join(_td((t4.get(g) or {}).get(c), f"T4.{g}.{c}", marked)
                    for g in order for c in rec.T4_COLUMNS)
    body = ["<tbody>", f"<tr>{cells}"]
    return _wrap("t4", "政府信息公开行政复议、行政诉讼情况", head + body)

"""Generate an archive of realistic annual-report files for tests and benchmarks.

    python -m build_tools.synth --count N --out DIR [--seed S] [--manifest FILE]

Writes ``DIR/<省>/<市>/[<县区>/]<year>/<agency>.txt`` (+ a ``.yml`` sidecar with the region,
as ``build_tools add`` would), in the national templates as the seeds print them: the 2021
template for 2021 and later, the 2019 template for 2019–2020.  Bodies are real places in
several provinces (governments and their departments), each reporting for several
consecutive years, with last year's 结转下年度 carried into this year's 上年结转, so the
cross-year check has something to bite on.  Their prose is as long as the seeds'
(``narrative``, worded from ``domain/synth_narrative.yml``).  Some reports carry
deliberate faults and mess, recorded per report in the manifest: a broken request
balance, a carry-over that does not match last year, a 行政复议 总计 printed as 0, a
narrative figure that contradicts the table, blank cells instead of 0, label typos,
labels split over lines.

Deterministic: the same ``--count`` and ``--seed`` give the same bytes.  Rendering is
separate from planning (``plan`` -> ``ReportSpec`` -> a writer from ``WRITERS``): besides
the text layout of the seeds, a spec can be written as a Word file (``docx``, real merged
cells, running head, ``- N -`` footer), a saved web page (``html``, ``html_gbk``: site
chrome around the article) or a PDF (``pdf``: the Word file through LibreOffice headless;
needs ``soffice``).  ``--variant`` (``VARIANTS``) prints the layout mess of real
publications in those formats (T3 across a page break, vertical labels, header line
breaks, typos, a three-row T4 header, tables without rules, wrapped numbers, full-width
digits, 元, blank cells, the collapsed （六） row); ``to_record`` gives the truth, which
``benchmarks/accuracy.py`` compares with the parser's reading.  PDF bytes carry
LibreOffice's own timestamps: their text and tables are deterministic, their bytes not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import docx_writer
from .domain import load_yaml
from .record import (T3_COLUMNS, T4_COLUMNS, T4_GROUPS, empty_t2, empty_t3, empty_t4,
                     fields_for, new_record, set_path, t3_row_keys)

# Real places: province -> city -> counties/districts (a small, fixed slice of the gazetteer).
PLACES: dict[str, dict[str, tuple[str, ...]]] = {
    "青海省": {"西宁市": ("城东区", "城中区", "城西区", "城北区", "湟中区"),
              "海东市": ("乐都区", "平安区", "民和回族土族自治县", "互助土族自治县"),
              "黄南藏族自治州": ("同仁市", "尖扎县", "泽库县")},
    "江苏省": {"淮安市": ("洪泽区", "清江浦区", "淮阴区", "涟水县"),
              "南京市": ("玄武区", "秦淮区", "鼓楼区", "江宁区"),
              "苏州市": ("姑苏区", "吴中区", "昆山市", "常熟市")},
    "浙江省": {"杭州市": ("上城区", "拱墅区", "余杭区", "桐庐县"),
              "宁波市": ("海曙区", "江北区", "慈溪市", "象山县")},
    "四川省": {"成都市": ("锦江区", "武侯区", "双流区", "都江堰市"),
              "绵阳市": ("涪城区", "游仙区", "江油市", "三台县")},
    "广东省": {"广州市": ("越秀区", "天河区", "番禺区", "从化区"),
              "深圳市": ("福田区", "南山区", "宝安区", "龙岗区")},
}
# More real places, used only when an archive larger than PLACES can hold is asked for
# (a national-scale benchmark), so smaller archives stay byte-identical.
MORE_PLACES: dict[str, dict[str, tuple[str, ...]]] = {
    "山东省": {"济南市": ("历下区", "市中区", "槐荫区", "天桥区", "历城区"),
              "青岛市": ("市南区", "市北区", "黄岛区", "崂山区", "李沧区"),
              "烟台市": ("芝罘区", "福山区", "牟平区", "莱山区")},
    "湖北省": {"武汉市": ("江岸区", "江汉区", "硚口区", "汉阳区", "武昌区"),
              "宜昌市": ("西陵区", "伍家岗区", "点军区", "夷陵区")},
    "河南省": {"郑州市": ("中原区", "二七区", "金水区", "惠济区", "新郑市"),
              "洛阳市": ("老城区", "西工区", "涧西区", "偃师区")},
}
CITY_DEPARTMENTS = ("教育局", "公安局", "民政局", "自然资源和规划局", "生态环境局",
                    "住房和城乡建设局", "交通运输局", "卫生健康委员会", "市场监督管理局",
                    "人力资源和社会保障局", "机关事务管理局", "农业农村局", "财政局", "司法局",
                    "水利局", "商务局", "文化广电和旅游局", "应急管理局", "审计局", "统计局",
                    "医疗保障局", "退役军人事务局", "城市管理局", "发展和改革委员会",
                    "科学技术局", "工业和信息化局", "林业和草原局", "体育局")
COUNTY_DEPARTMENTS = ("教育局", "民政局", "自然资源局", "住房和城乡建设局", "卫生健康局",
                      "市场监督管理局", "财政局", "司法局", "水利局", "农业农村局", "交通运输局",
                      "人力资源和社会保障局", "应急管理局", "审计局", "统计局", "医疗保障局",
                      "文化和旅游局", "生态环境分局", "城市管理局", "发展和改革局")
YEARS = tuple(range(2019, 2025))
FLAWS = ("balance", "carryover", "t4_total", "narrative")

T3_LABELS: dict[str, tuple[str, ...]] = {
    "new_received": ("一、本年新收政府信息公开申请数量", ""),
    "carried_over": ("二、上年结转政府信息公开申请数量", ""),
    "granted": ("三、本年度办理结果", "（一）予以公开"),
    "partially_granted": ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "denied.state_secret": ("", "（三）不予公开", "1.属于国家秘密"),
    "denied.prohibited_by_law": ("", "", "2.其他法律行政法规禁止公开"),
    "denied.security_stability": ("", "", "3.危及“三安全一稳定”"),
    "denied.third_party_rights": ("", "", "4.保护第三方合法权益"),
    "denied.internal_affairs": ("", "", "5.属于三类内部事务信息"),
    "denied.process_information": ("", "", "6.属于四类过程性信息"),
    "denied.enforcement_files": ("", "", "7.属于行政执法案卷"),
    "denied.administrative_query": ("", "", "8.属于行政查询事项"),
    "unable.not_held": ("", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unable.needs_creation": ("", "", "2.没有现成信息需要另行制作"),
    "unable.unclear_after_correction": ("", "", "3.补正后申请内容仍不明确"),
    "not_processed.petition": ("", "（五）不予处理", "1.信访举报投诉类申请"),
    "not_processed.repeated": ("", "", "2.重复申请"),
    "not_processed.publication": ("", "", "3.要求提供公开出版物"),
    "not_processed.excessive": ("", "", "4.无正当理由大量反复申请"),
    "not_processed.confirmation": ("", "", "5.要求行政机关确认或重新出具已获取信息"),
    "other.no_correction": ("", "（六）其他处理",
                            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other.unpaid_fee": ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other.other": ("", "", "3.其他"),
    "other_total": ("", "（六）其他处理", ""),
    "total_processed": ("", "（七）总计", ""),
    "carried_forward": ("四、结转下年度继续办理", "", ""),
}
# Misspellings and breaks seen in real reports (REPORT_FORMAT "Cells"), applied at random.
TYPOS = {"2.其他法律行政法规禁止公开": "2.其他法律行政止公开",
         "3.补正后申请内容仍不明确": "3.补正后申请内容仍不 明确",
         "本年废止件数": "本年度止件数"}
OUTCOME_KEYS_2021 = tuple(k for k in t3_row_keys("2021")
                          if k not in ("new_received", "carried_over", "total_processed",
                                       "carried_forward", "other_total"))
OUTCOME_KEYS_2019 = tuple(k for k in t3_row_keys("2019")
                          if k not in ("new_received", "carried_over", "total_processed",
                                       "carried_forward"))


@dataclass
class ReportSpec:
    """One report as printed: the cells (None = blank), its metadata and its faults."""

    agency: str
    kind: str                       # government | department
    region: list[str]
    year: int
    template: str
    published: str
    t2: dict[str, Any]
    t3: dict[str, dict[str, Any]]   # row key -> column -> value
    t4: dict[str, dict[str, Any]]
    flaws: list[str] = field(default_factory=list)
    mess: list[str] = field(default_factory=list)
    narrative_received: int | None = None

    @property
    def relpath(self) -> str:
        return "/".join(self.region + [str(self.year), self.agency + ".txt"])


@dataclass
class _Body:
    agency: str
    kind: str
    region: list[str]
    scale: int          # typical requests per year


def bodies(rng: random.Random, more: bool = False) -> list[_Body]:
    """Every reporting body of the slice, in a fixed, shuffled order."""
    out: list[_Body] = []
    places = {**PLACES, **MORE_PLACES} if more else PLACES
    for prov, cities in places.items():
        for city, counties in cities.items():
            out.append(_Body(f"{city}人民政府", "government", [prov, city], 120))
            for d in CITY_DEPARTMENTS:
                out.append(_Body(f"{city}{d}", "department", [prov, city], 15))
            for county in counties:
                out.append(_Body(f"{county}人民政府", "government", [prov, city, county], 40))
                for d in COUNTY_DEPARTMENTS:
                    out.append(_Body(f"{county}{d}", "department", [prov, city, county], 4))
    rng.shuffle(out)
    return out


def _split(rng: random.Random, total: int, parts: int, weights: list[float]) -> list[int]:
    """``total`` spread over ``parts`` buckets by weight, summing exactly to ``total``."""
    out = [0] * parts
    for _ in range(total):
        out[rng.choices(range(parts), weights=weights)[0]] += 1
    return out


def _t2(rng: random.Random, template: str, scale: int) -> dict[str, Any]:
    t2: dict[str, Any] = {}
    for f in fields_for("T2", template):
        if f.unit == "万元":
            t2[f.key] = round(rng.uniform(0, 50 * scale), 3)
        elif f.key.endswith("change"):
            t2[f.key] = rng.choice([0, 0, 0, 1, -1, 2])
        else:
            t2[f.key] = rng.randint(0, 10 * scale) if "decisions" in f.key or "items" in f.key \
                else rng.randint(0, 5)
    return t2


def _t3(rng: random.Random, template: str, scale: int,
        carried: dict[str, int]) -> dict[str, dict[str, Any]]:
    outcomes = OUTCOME_KEYS_2021 if template == "2021" else OUTCOME_KEYS_2019
    weights = [30, 8] + [1] * (len(outcomes) - 2)
    weights[outcomes.index("unable.not_held")] = 10
    weights[outcomes.index("not_processed.petition")] = 6
    total_new = max(0, int(rng.expovariate(1 / scale))) if rng.random() > 0.15 else 0
    applicants = _split(rng, total_new, 6, [80, 8, 1, 1, 4, 6])
    rows: dict[str, dict[str, Any]] = {k: {} for k in t3_row_keys(template)}
    for ci, col in enumerate(T3_COLUMNS[:-1]):
        new = applicants[ci]
        over = carried.get(col, 0)
        avail = new + over
        forward = rng.randint(0, min(avail, 3)) if avail and rng.random() < 0.3 else 0
        done = avail - forward
        split = _split(rng, done, len(outcomes), weights)
        rows["new_received"][col] = new
        rows["carried_over"][col] = over
        for key, n in zip(outcomes, split):
            rows[key][col] = n
        rows["total_processed"][col] = done
        rows["carried_forward"][col] = forward
    if template == "2021":
        for col in T3_COLUMNS[:-1]:
            rows["other_total"][col] = None
    for key, row in rows.items():
        present = [v for k, v in row.items() if v is not None]
        row["total"] = sum(present) if present else None
    return rows


def _t4(rng: random.Random, scale: int) -> dict[str, dict[str, Any]]:
    t4 = {}
    for g in T4_GROUPS:
        n = int(rng.expovariate(1 / max(scale / 20, 0.3))) if rng.random() < 0.6 else 0
        upheld, corrected, other, pending = _split(rng, n, 4, [6, 1, 2, 1])
        t4[g] = {"upheld": upheld, "corrected": corrected, "other": other,
                 "pending": pending, "total": n}
    return t4


def _blank_zeros(table: dict[str, dict[str, Any]]) -> None:
    """Print 0 as a blank cell, as many departments with nothing to report do."""
    for row in table.values():
        for k, v in row.items():
            if v == 0:
                row[k] = None


def plan(count: int, seed: int = 0) -> list[ReportSpec]:
    """``count`` report specs: whole bodies, each over consecutive years, in a fixed order.

    Series get longer as ``count`` grows relative to the number of bodies, so a large
    archive still has every body over several years (at most every year in ``YEARS``).
    """
    rng = random.Random(seed)
    pool = bodies(rng)
    more = count > len(pool) * len(YEARS)
    if more:
        rng = random.Random(seed)
        pool = bodies(rng, more=True)
    need = count / len(pool)
    lo = min(len(YEARS), max(2, round(need) - 1) + more)
    hi = min(len(YEARS), max(lo, 4, round(need) + 1 + more))
    specs: list[ReportSpec] = []
    for body in pool:
        if len(specs) >= count:
            break
        span = rng.randint(lo, hi)
        start = rng.choice(YEARS[: len(YEARS) - span + 1])
        specs.extend(_series(rng, body, start, span)[: count - len(specs)])
    return specs


def _series(rng: random.Random, body: _Body, start: int, span: int) -> list[ReportSpec]:
    out = []
    carried: dict[str, int] = {}
    for year in range(start, start + span):
        template = "2021" if year >= 2021 else "2019"
        t3 = _t3(rng, template, body.scale, carried)
        carried = {c: t3["carried_forward"][c] for c in T3_COLUMNS[:-1]}
        spec = ReportSpec(
            agency=body.agency, kind=body.kind, region=list(body.region), year=year,
            template=template,
            published=f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}",
            t2=_t2(rng, template, body.scale), t3=t3, t4=_t4(rng, body.scale))
        spec.narrative_received = t3["new_received"]["total"]
        _add_faults(rng, spec)
        out.append(spec)
    return out


def _add_faults(rng: random.Random, spec: ReportSpec) -> None:
    roll = rng.random()
    if roll < 0.06:
        spec.flaws.append("balance")
        spec.t3["total_processed"]["total"] = (spec.t3["total_processed"]["total"] or 0) + \
            rng.randint(1, 9)
    elif roll < 0.12 and spec.t3["carried_over"]["total"] is not None:
        spec.flaws.append("carryover")
        # more carried in than last year carried out, handled this year: only rule 5 breaks
        k = rng.randint(1, 4)
        for row in ("carried_over", "granted", "total_processed"):
            spec.t3[row]["natural_person"] += k
            spec.t3[row]["total"] += k
    elif roll < 0.16 and spec.t4["review"]["total"]:
        spec.flaws.append("t4_total")
        spec.t4["review"]["total"] = 0
    elif roll < 0.19:
        spec.flaws.append("narrative")
        spec.narrative_received = (spec.narrative_received or 0) + rng.randint(1, 20)
    if spec.kind == "department" and spec.t3["new_received"]["total"] == 0 \
            and not spec.flaws and rng.random() < 0.5:
        spec.mess.append("blank_zeros")
        _blank_zeros(spec.t3)
    if rng.random() < 0.3:
        spec.mess.append("typos")
    if rng.random() < 0.3:
        spec.mess.append("split_labels")
    if spec.template == "2021" and rng.random() < 0.3:
        spec.mess.append("split_lines")


# ----------------------------------------------------------------------------- records

def to_record(spec: ReportSpec) -> dict:
    """The record a perfect parser would make of the spec's file (no checks run)."""
    r = new_record()
    meta = r["meta"]
    meta.update(agency=spec.agency, agency_kind=spec.kind, region=list(spec.region),
                year=spec.year, published=spec.published, template=spec.template,
                title=f"{spec.agency}{spec.year}年政府信息公开工作年度报告")
    meta["source"].update(file=spec.relpath, format="txt",
                          sha256=_sha(render_text(spec)))
    r["tables"] = {"T2": empty_t2(spec.template), "T3": empty_t3(spec.template),
                   "T4": empty_t4()}
    for key, value in spec.t2.items():
        set_path(r, f"T2.{key}", value)
    for row, cols in spec.t3.items():
        for col, value in cols.items():
            set_path(r, f"T3.{row}.{col}", value)
    for g, cols in spec.t4.items():
        for col, value in cols.items():
            set_path(r, f"T4.{g}.{col}", value)
    return r


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- text writer

def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".")
    return str(v)


def _label(text: str, spec: ReportSpec, rng: random.Random) -> str:
    if "typos" in spec.mess and text in TYPOS and rng.random() < 0.7:
        text = TYPOS[text]
    if "split_labels" in spec.mess and len(text) > 10 and rng.random() < 0.4:
        cut = rng.randint(4, len(text) - 3)
        text = text[:cut] + " " + text[cut:]
    return text


def _t2_lines(spec: ReportSpec, rng: random.Random) -> list[str]:
    t = spec.t2
    if spec.template == "2021":
        return [
            "第二十条第（一）项\t\t\t",
            f"信息内容\t本年制发件数\t{_label('本年废止件数', spec, rng)}\t现行有效件数",
            f"规章\t{_num(t['regulations.issued'])}\t{_num(t['regulations.repealed'])}\t"
            f"{_num(t['regulations.in_force'])}",
            f"行政规范性文件\t{_num(t['normative_documents.issued'])}\t"
            f"{_num(t['normative_documents.repealed'])}\t{_num(t['normative_documents.in_force'])}",
            "第二十条第（五）项\t\t\t", "信息内容\t本年处理决定数量\t\t",
            f"行政许可\t{_num(t['licensing.decisions'])}\t\t",
            "第二十条第（六）项\t\t\t", "信息内容\t本年处理决定数量\t\t",
            f"行政处罚\t{_num(t['punishment.decisions'])}\t\t",
            f"行政强制\t{_num(t['coercion.decisions'])}\t\t",
            "第二十条第（八）项\t\t\t", "信息内容\t本年收费金额（单位：万元）\t\t",
            f"行政事业性收费\t{_num(t['fees.amount'])}\t\t",
        ]
    return [
        "第二十条第（一）项\t\t\t", "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
        f"规章\t{_num(t['regulations.made'])}\t{_num(t['regulations.published'])}\t"
        f"{_num(t['regulations.total_published'])}",
        f"规范性文件\t{_num(t['normative_documents.made'])}\t"
        f"{_num(t['normative_documents.published'])}\t{_num(t['normative_documents.total_published'])}",
        "第二十条第（五）项\t\t\t", "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
        f"行政许可\t{_num(t['licensing.previous_items'])}\t{_num(t['licensing.change'])}\t"
        f"{_num(t['licensing.decisions'])}",
        f"其他对外管理服务事项\t{_num(t['other_services.previous_items'])}\t"
        f"{_num(t['other_services.change'])}\t{_num(t['other_services.decisions'])}",
        "第二十条第（六）项\t\t\t", "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
        f"行政处罚\t{_num(t['punishment.previous_items'])}\t{_num(t['punishment.change'])}\t"
        f"{_num(t['punishment.decisions'])}",
        f"行政强制\t{_num(t['coercion.previous_items'])}\t{_num(t['coercion.change'])}\t"
        f"{_num(t['coercion.decisions'])}",
        "第二十条第（八）项\t\t\t", "信息内容\t上一年项目数量\t本年增/减\t",
        f"行政事业性收费\t{_num(t['fees.previous_items'])}\t{_num(t['fees.change'])}\t",
        "第二十条第（九）项\t\t\t", "信息内容\t采购项目数量\t采购总金额\t",
        f"政府集中采购\t{_num(t['procurement.items'])}\t{_num(t['procurement.amount'])}\t",
    ]


def _t3_lines(spec: ReportSpec, rng: random.Random) -> list[str]:
    lines = [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t申请人情况\t\t\t\t\t\t总计\t",
        "\t\t自然人\t法人或其他组织\t\t\t\t\t\t",
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t",
    ]
    for key in t3_row_keys(spec.template):
        row = spec.t3[key]
        if spec.template == "2021" and key == "other_total":
            continue
        labels = [_label(x, spec, rng) for x in T3_LABELS[key]]
        values = [_num(row[c]) for c in T3_COLUMNS]
        tail = ""
        if "split_lines" in spec.mess and key.startswith("other.") and len(labels[-1]) > 20:
            # a long label wrapped by the PDF-to-text step: its end lands on the next line
            labels[-1], tail = labels[-1][:-3], labels[-1][-3:]
        lines.append("\t".join(labels + values) + "\t")
        if tail:
            lines.append("\t\t" + tail + "\t" * 8)
    return lines


def _t4_lines(spec: ReportSpec) -> list[str]:
    values = [_num(spec.t4[g][c]) for g in T4_GROUPS for c in T4_COLUMNS]
    return [
        "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
        "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
        "\t".join(values),
    ]


def _applied_sentence(spec: ReportSpec) -> str:
    """The narrative's count of requests (rule 6 compares it with T3), in every format."""
    received = spec.narrative_received
    return (f"{spec.year}年，全年共收到政府信息公开申请{received}件，均已按时答复。"
            if received else f"{spec.year}年，本机关未收到政府信息公开申请。")


# ----------------------------------------------------------------------------- narrative

@dataclass(frozen=True)
class Narrative:
    """The prose of one report, paragraph by paragraph, the same in every format.

    ``overview`` and ``problems`` mix sub-heads (（一）主动公开) with paragraphs, as
    printed; a sub-head is sometimes run into its paragraph (（一）主动公开。全年…)."""

    preamble: tuple[str, ...]
    overview: tuple[str, ...]
    problems: tuple[str, ...]
    other: tuple[str, ...]


def _filler(spec: ReportSpec, rng: random.Random, bank: dict,
            self_name: str) -> Callable[[str], str]:
    """Fills a template's slots for this report; the drawn slots afresh at each use."""
    city = spec.region[1] if len(spec.region) > 1 else spec.region[0]
    fixed = {"year": str(spec.year), "next_year": str(spec.year + 1), "agency": spec.agency,
             "province": spec.region[0], "city": city, "self": self_name}
    drawn: dict[str, Callable[[], str]] = {
        "n": lambda: str(rng.randint(1, 60)),
        "big": lambda: str(rng.randint(100, 6000)),
        "doc": lambda: f"{city[0]}政办函〔{spec.year + 1}〕{rng.randint(1, 60)}号",
        "area": lambda: rng.choice(bank["areas"]),
        "platform": lambda: rng.choice(bank["platforms"]),
        "office": lambda: rng.choice(bank["offices"]),
        "street": lambda: rng.choice(bank["streets"]),
        "phone": lambda: f"0{rng.randint(100, 999)}-{rng.randint(2000000, 8999999)}",
    }

    def slot(m: re.Match) -> str:
        name = m.group(1)
        return fixed[name] if name in fixed else drawn[name]()

    return lambda template: re.sub(r"\{(\w+)\}", slot, template)


def _draw(rng: random.Random, templates: list[str], k: int) -> list[str]:
    return rng.sample(templates, min(k, len(templates)))


def _ordinals(items: list[str]) -> str:
    """一是……；二是……。"""
    return "；".join(f"{'一二三四五六'[i]}是{t}" for i, t in enumerate(items)) + "。"


def _outcome_sentences(spec: ReportSpec, rng: random.Random) -> list[str]:
    """How the requests ended, as most real reports tell it (four of the five seeds
    write 不予公开 in their prose), from the table's own totals so rule 6 agrees."""
    if not spec.narrative_received or rng.random() < 0.2:
        return []

    def total(prefix: str) -> int:
        return sum(cols.get("total") or 0 for row, cols in spec.t3.items()
                   if row == prefix or row.startswith(prefix + "."))

    return [f"在办理的申请中，予以公开{total('granted')}件，部分公开{total('partially_granted')}件，"
            f"不予公开{total('denied')}件，因本机关不掌握等原因无法提供{total('unable')}件。"]


def narrative(spec: ReportSpec) -> Narrative:
    """Prose of a real report's length (the seeds run to 2,900–6,900 characters;
    governments write more than their departments), drawn from
    ``domain/synth_narrative.yml``.  The figures it shares with the tables (requests
    received and how they ended, 行政复议) come from the spec."""
    bank = load_yaml("synth_narrative.yml")
    rng = random.Random(f"{spec.agency}|{spec.year}|narrative")
    self_name = rng.choice(bank["self_names"][spec.kind])
    fill = _filler(spec, rng, bank, self_name)
    scale = 3 if spec.kind == "government" else 1

    preamble = [fill(rng.choice(bank["preamble"]))]
    if rng.random() < 0.5:
        preamble.append(bank["outline"][0])
    preamble.append(fill(rng.choice(bank["period"])))
    if rng.random() < 0.7:
        preamble.append(fill(rng.choice(bank["contact"])))

    overview = ["".join(fill(t) for t in _draw(rng, bank["opening"], rng.randint(2, 3) + scale))]
    parts = (("active_heads", "active"), ("request_heads", "request"),
             ("management_heads", "management"), ("platform_heads", "platform"),
             ("oversight_heads", "oversight"))
    for heads, body in parts:
        head = rng.choice(bank[heads])
        sentences = [fill(t) for t in _draw(rng, bank[body], rng.randint(1, 3) + scale)]
        if body == "request":
            sentences[:0] = [_applied_sentence(spec)] + _outcome_sentences(spec, rng)
        paragraphs = [sentences] if len(sentences) < 3 or rng.random() < 0.5 else \
            [sentences[:2], sentences[2:]]
        if rng.random() < 0.5:
            overview.append(f"{head}。" + "".join(paragraphs[0]))
        else:
            overview += [head, "".join(paragraphs[0])]
        overview += ["".join(p) for p in paragraphs[1:]]

    review = spec.t4["review"]["total"]
    problems = [rng.choice(bank["problem_heads"]),
                _ordinals(_draw(rng, bank["problems"], rng.randint(2, 3))),
                rng.choice(bank["remedy_heads"]),
                f"下一步，{self_name}将"
                + _ordinals([fill(t) for t in _draw(rng, bank["remedies"], rng.randint(2, 2 + scale))])]
    if review:
        problems.append(f"全年因政府信息公开引起行政复议{review}件。")
    other = [fill(t) for t in _draw(rng, bank["other"], rng.randint(1, 1 + scale))]
    return Narrative(tuple(preamble), tuple(overview), tuple(problems), tuple(other))


def render_text(spec: ReportSpec) -> str:
    """The report as a text file in the layout of the seeds (tabs between table cells)."""
    rng = random.Random(f"{spec.agency}|{spec.year}")  # mess is stable per report
    y = spec.year
    prose = narrative(spec)
    lines = [
        "", spec.agency, "",
        f"{spec.agency}{y}年政府信息公开工作年度报告", "",
        *prose.preamble, "",
        "一、总体情况", "",
        *prose.overview,
        "", "二、主动公开政府信息情况", "",
        *_t2_lines(spec, rng),
        "", "三、收到和处理政府信息公开申请情况", "",
        *_t3_lines(spec, rng),
        "", "四、政府信息公开行政复议、行政诉讼情况", "",
        *_t4_lines(spec),
        "", "五、存在的主要问题及改进情况", "",
        *prose.problems,
        "", "六、其他需要报告的事项", "", *prose.other,
        "", spec.agency, "",
        f"{int(spec.published[:4])}年{int(spec.published[5:7])}月{int(spec.published[8:10])}日", "",
    ]
    return "\n".join(lines)


def sidecar_text(spec: ReportSpec) -> str:
    region = ", ".join(spec.region)
    return (f"source_url: null\nnote: 合成报告，用于测试和性能基准（build_tools.synth 生成），并非真实发布的文件\n"
            f"region: [{region}]\n")


Writer = Callable[[ReportSpec, Path], list[Path]]


def write_txt(spec: ReportSpec, out: Path) -> list[Path]:
    path = out / spec.relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_text(spec), encoding="utf-8", newline="\n")
    side = path.with_suffix(".yml")
    side.write_text(sidecar_text(spec), encoding="utf-8", newline="\n")
    return [path, side]




# ----------------------------------------------------------------------------- layout variants
#
# Published reports are PDFs, Word files and web pages, and their tables carry the mess of
# real publishing (REPORT_FORMAT "Cells").  A spec is first laid out as format-neutral
# blocks (headings, paragraphs, tables whose cells carry rowspan/colspan); each writer
# (docx, html, pdf) prints those blocks.  The layout mess is named in ``spec.mess``:
#
#   page_break      T3 broken across a page: no repeated header, the part on the new page
#                   starts with a blank-labelled row; page number and running head between
#   vertical_label  三、本年度办理结果 printed one character per line
#   header_breaks   header cells with line breaks (商业\n企业)
#   typos           label typos (其他法律行政止公开, 本年度止件数, 补正后申请内容仍不 明确)
#   t4_header3      T4 with a three-row header (行政诉讼 over its two groups)
#   unruled         tables without rules (only the text layout to go on)
#   narrow          narrow value columns: numbers wrap inside their cell
#   fullwidth       full-width digits (１２)
#   yuan            money in 元 instead of 万元
#   blank_zeros     0 printed as a blank cell
#   collapsed_other （六）其他处理 as one row in a 2021-template table
#
# The 2019 template comes from the year (2019, 2020).

LAYOUT_MESS = ("page_break", "vertical_label", "header_breaks", "typos", "t4_header3",
               "unruled", "narrow", "fullwidth", "yuan", "blank_zeros", "collapsed_other")
# Named sets of mess, for benchmarks and tests: each variant one kind of mess, "mixed" a
# deterministic random mixture per report.
VARIANTS: dict[str, tuple[str, ...]] = {
    "plain": (),
    "page_break": ("page_break",),
    "vertical_label": ("vertical_label", "header_breaks"),
    "typos": ("typos",),
    "t4_header3": ("t4_header3",),
    "unruled": ("unruled",),
    "unruled_blank": ("unruled", "blank_zeros"),
    "unruled_page_break": ("unruled", "page_break", "vertical_label"),
    # everything a text layout can hide at once
    "worst": ("unruled", "page_break", "vertical_label", "header_breaks", "typos",
              "fullwidth", "blank_zeros"),
    "narrow": ("narrow",),
    "fullwidth": ("fullwidth",),
    "yuan": ("yuan",),
    "blank_zeros": ("blank_zeros",),
    "collapsed_other": ("collapsed_other",),
    "mixed": (),
}
# Mess a "mixed" report may draw (unruled stays a variant of its own: it changes what
# a reader can know, which the other kinds of mess do not).
_MIXABLE = ("page_break", "vertical_label", "header_breaks", "typos", "t4_header3",
            "narrow", "fullwidth", "yuan", "blank_zeros", "collapsed_other")


def with_variant(spec: ReportSpec, variant: str) -> ReportSpec:
    """A copy of ``spec`` carrying the layout mess of ``variant``; the truth (cells) is
    changed where the mess changes what is printed (blanks for 0, one （六） row)."""
    import copy

    out = copy.deepcopy(spec)
    if variant == "mixed":
        rng = random.Random(f"mixed|{spec.agency}|{spec.year}")
        mess = [m for m in _MIXABLE if rng.random() < 0.3]
        if len(mess) < 2:
            mess = sorted(rng.sample(_MIXABLE, 2), key=_MIXABLE.index)
    else:
        mess = list(VARIANTS[variant])
    out.mess = [m for m in out.mess if m not in ("typos", "blank_zeros")] + mess
    if "blank_zeros" in mess:
        _blank_zeros(out.t3)
        _blank_zeros(out.t4)
        out.t2 = {k: (None if v == 0 else v) for k, v in out.t2.items()}
    if "collapsed_other" in mess and out.template == "2021":
        other = out.t3["other_total"]
        for col in T3_COLUMNS:
            parts = [out.t3[k][col] for k in ("other.no_correction", "other.unpaid_fee", "other.other")]
            other[col] = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
            for k in ("other.no_correction", "other.unpaid_fee", "other.other"):
                out.t3[k][col] = None
    return out


@dataclass(frozen=True)
class LCell:
    """A table cell as laid out: its text (``\\n`` where the cell breaks a line) and spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Block:
    kind: str                                  # title | heading | para | table | furniture | pagebreak | sign
    text: str = ""
    rows: tuple[tuple[LCell, ...], ...] = ()
    widths_cm: tuple[float, ...] = ()


_FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def _cellnum(v: Any, spec: ReportSpec, money: bool = False) -> str:
    if v is None:
        return ""
    if money and "yuan" in spec.mess:
        from decimal import Decimal

        text = format(Decimal(str(v)) * 10000, "f")
        text = (text.rstrip("0").rstrip(".") if "." in text else text) + "元"
    else:
        text = _num(v)
        if money and spec.year % 2:
            text += "万元"           # some reports repeat the unit in the cell
    if "fullwidth" in spec.mess:
        text = text.translate(_FULLWIDTH)
    if "narrow" in spec.mess and len(text) >= 3:
        text = text[: len(text) // 2] + "\n" + text[len(text) // 2:]
    return text


def _lbl(text: str, spec: ReportSpec) -> str:
    if "typos" in spec.mess and text in TYPOS:
        return TYPOS[text]
    return text


def _hdr(text: str, spec: ReportSpec) -> str:
    """A header cell, wrapped by hand where the template's narrow columns wrap it."""
    if "header_breaks" in spec.mess and len(text) >= 4:
        return text[: len(text) // 2] + "\n" + text[len(text) // 2:]
    return text


def _t2_block(spec: ReportSpec) -> Block:
    C, n = LCell, lambda k, m=False: _cellnum(spec.t2[k], spec, m)
    rows: list[tuple[LCell, ...]]
    if spec.template == "2021":
        rows = [
            (C("第二十条第（一）项", 1, 4),),
            (C("信息内容"), C("本年制发件数"), C(_lbl("本年废止件数", spec)), C("现行有效件数")),
            (C("规章"), C(n("regulations.issued")), C(n("regulations.repealed")), C(n("regulations.in_force"))),
            (C("行政规范性文件"), C(n("normative_documents.issued")), C(n("normative_documents.repealed")),
             C(n("normative_documents.in_force"))),
            (C("第二十条第（五）项", 1, 4),),
            (C("信息内容"), C("本年处理决定数量", 1, 3)),
            (C("行政许可"), C(n("licensing.decisions"), 1, 3)),
            (C("第二十条第（六）项", 1, 4),),
            (C("信息内容"), C("本年处理决定数量", 1, 3)),
            (C("行政处罚"), C(n("punishment.decisions"), 1, 3)),
            (C("行政强制"), C(n("coercion.decisions"), 1, 3)),
            (C("第二十条第（八）项", 1, 4),),
            (C("信息内容"), C("本年收费金额（单位：万元）" if "yuan" not in spec.mess else "本年收费金额", 1, 3)),
            (C("行政事业性收费"), C(n("fees.amount", True), 1, 3)),
        ]
    else:
        rows = [
            (C("第二十条第（一）项", 1, 4),),
            (C("信息内容"), C("本年新制作数量"), C("本年新公开数量"), C("对外公开总数量")),
            (C("规章"), C(n("regulations.made")), C(n("regulations.published")), C(n("regulations.total_published"))),
            (C("规范性文件"), C(n("normative_documents.made")), C(n("normative_documents.published")),
             C(n("normative_documents.total_published"))),
            (C("第二十条第（五）项", 1, 4),),
            (C("信息内容"), C("上一年项目数量"), C("本年增/减"), C("处理决定数量")),
            (C("行政许可"), C(n("licensing.previous_items")), C(n("licensing.change")), C(n("licensing.decisions"))),
            (C("其他对外管理服务事项"), C(n("other_services.previous_items")), C(n("other_services.change")),
             C(n("other_services.decisions"))),
            (C("第二十条第（六）项", 1, 4),),
            (C("信息内容"), C("上一年项目数量"), C("本年增/减"), C("处理决定数量")),
            (C("行政处罚"), C(n("punishment.previous_items")), C(n("punishment.change")), C(n("punishment.decisions"))),
            (C("行政强制"), C(n("coercion.previous_items")), C(n("coercion.change")), C(n("coercion.decisions"))),
            (C("第二十条第（八）项", 1, 4),),
            (C("信息内容"), C("上一年项目数量"), C("本年增/减", 1, 2)),
            (C("行政事业性收费"), C(n("fees.previous_items")), C(n("fees.change"), 1, 2)),
            (C("第二十条第（九）项", 1, 4),),
            (C("信息内容"), C("采购项目数量"), C("采购总金额", 1, 2)),
            (C("政府集中采购"), C(n("procurement.items")), C(n("procurement.amount", True), 1, 2)),
        ]
    return Block("table", rows=tuple(rows), widths_cm=(4.6, 3.6, 3.6, 3.6))


def _t3_plan(spec: ReportSpec) -> list[tuple[str, str, str | None]]:
    """(row key, group label, item label) of the outcome rows as printed."""
    keys = [k for k in t3_row_keys(spec.template)
            if k not in ("new_received", "carried_over", "carried_forward")]
    collapsed = spec.template == "2019" or "collapsed_other" in spec.mess
    keys = [k for k in keys if not (k.startswith("other.") and collapsed)
            and not (k == "other_total" and not collapsed)]
    out = []
    for k in keys:
        labels = T3_LABELS[k]
        group = labels[1]
        item = labels[2] if len(labels) > 2 and labels[2] else None
        out.append((k, group, item))
    return out


def _t3_blocks(spec: ReportSpec, rng: random.Random) -> list[Block]:
    C = LCell
    vals = lambda key: tuple(C(_cellnum(spec.t3[key][c], spec)) for c in T3_COLUMNS)  # noqa: E731
    h = lambda s: _hdr(s, spec)  # noqa: E731
    header = [
        (C("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), C("申请人情况", 1, 7)),
        (C(h("自然人"), 2, 1), C("法人或其他组织", 1, 5), C("总计", 2, 1)),
        (C(h("商业企业")), C(h("科研机构")), C(h("社会公益组织")), C(h("法律服务机构")), C("其他")),
    ]
    body = [
        (C(T3_LABELS["new_received"][0], 1, 3), *vals("new_received")),
        (C(T3_LABELS["carried_over"][0], 1, 3), *vals("carried_over")),
    ]
    plan_rows = _t3_plan(spec)
    outcome_label = "三、本年度办理结果"
    if "vertical_label" in spec.mess:
        outcome_label = "\n".join(outcome_label)
    outcome: list[list[LCell]] = []
    for i, (key, group, item) in enumerate(plan_rows):
        cells: list[LCell] = []
        if group:
            size = 1
            while item and i + size < len(plan_rows) and not plan_rows[i + size][1]:
                size += 1
            cells.append(C(_lbl(group, spec), 1, 2) if item is None else C(_lbl(group, spec), size, 1))
        if item is not None:
            cells.append(C(_lbl(item, spec)))
        outcome.append(cells + list(vals(key)))
    tail = [(C(T3_LABELS["carried_forward"][0], 1, 3), *vals("carried_forward"))]
    widths = (0.6, 1.7, 4.0) + ((0.75,) * 7 if "narrow" in spec.mess else (1.3,) * 7)
    if "page_break" not in spec.mess:
        outcome[0].insert(0, C(outcome_label, len(outcome), 1))
        rows = header + body + [tuple(r) for r in outcome] + tail
        return [Block("table", rows=tuple(rows), widths_cm=widths)]
    # Break inside the outcome rows, never on a group's first row, so the first row on
    # the new page has blank group and outcome labels (their merged cells span the break).
    inner = [i for i, (_, g, it) in enumerate(plan_rows) if not g and it]
    cut = rng.choice(inner)
    first = [list(r) for r in outcome[:cut]]
    second = [list(r) for r in outcome[cut:]]
    start = max(i for i in range(cut) if plan_rows[i][1])
    first[start][0] = C(first[start][0].text, cut - start, 1)
    rest = 1
    while cut + rest < len(plan_rows) and not plan_rows[cut + rest][1]:
        rest += 1
    second[0].insert(0, C("", rest, 1))
    first[0].insert(0, C(outcome_label, len(first), 1))
    second[0].insert(0, C("", len(second), 1))
    part1 = header + body + [tuple(r) for r in first]
    part2 = [tuple(r) for r in second] + tail
    return [Block("table", rows=tuple(part1), widths_cm=widths),
            Block("pagebreak"),
            Block("table", rows=tuple(part2), widths_cm=widths)]


def _t4_block(spec: ReportSpec) -> Block:
    C = LCell
    five = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    five_cells = tuple(C(_hdr(x, spec)) for x in five)
    values = tuple(C(_cellnum(spec.t4[g][c], spec)) for g in T4_GROUPS for c in T4_COLUMNS)
    if "t4_header3" in spec.mess:
        rows = (
            (C("行政复议", 1, 5), C("行政诉讼", 1, 10)),
            (*(C(_hdr(x, spec), 2, 1) for x in five), C("未经复议直接起诉", 1, 5), C("复议后起诉", 1, 5)),
            five_cells + five_cells,
            values,
        )
    else:
        rows = (
            (C("行政复议", 1, 5), C("行政诉讼（未经复议直接起诉）", 1, 5), C("行政诉讼（复议后起诉）", 1, 5)),
            five_cells * 3,
            values,
        )
    return Block("table", rows=rows, widths_cm=(1.04,) * 15)


def layout_blocks(spec: ReportSpec) -> list[Block]:
    """The report as blocks, the same words and numbers as ``render_text``."""
    rng = random.Random(f"{spec.agency}|{spec.year}|layout")
    y = spec.year
    prose = narrative(spec)
    blocks = [
        Block("title", f"{spec.agency}{y}年政府信息公开工作年度报告"),
        *(Block("para", p) for p in prose.preamble),
        Block("heading", "一、总体情况"),
        *(Block("para", p) for p in prose.overview),
        Block("heading", "二、主动公开政府信息情况"),
        _t2_block(spec),
        Block("heading", "三、收到和处理政府信息公开申请情况"),
        *_t3_blocks(spec, rng),
        Block("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        _t4_block(spec),
        Block("heading", "五、存在的主要问题及改进情况"),
        *(Block("para", p) for p in prose.problems),
        Block("heading", "六、其他需要报告的事项"),
        *(Block("para", p) for p in prose.other),
        Block("sign", spec.agency),
        Block("sign", f"{int(spec.published[:4])}年{int(spec.published[5:7])}月{int(spec.published[8:10])}日"),
    ]
    return blocks


def _path_for(spec: ReportSpec, ext: str) -> str:
    return "/".join(spec.region + [str(spec.year), f"{spec.agency}.{ext}"])


def _place(spec: ReportSpec, out: Path, ext: str, data: bytes) -> list[Path]:
    """Write a report file and its ``.yml`` sidecar (as ``build_tools add`` would)."""
    path = out / _path_for(spec, ext)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    side = path.with_suffix(".yml")
    side.write_text(sidecar_text(spec), encoding="utf-8", newline="\n")
    return [path, side]


# ----------------------------------------------------------------------------- docx writer

def docx_bytes(spec: ReportSpec) -> bytes:
    """The report as a Word file (``build_tools.docx_writer``, the fixtures' writer too)."""
    return docx_writer.docx_bytes(layout_blocks(spec), ruled="unruled" not in spec.mess,
                                  running_head=f"{spec.agency}{spec.year}年政府信息公开工作年度报告")


def write_docx(spec: ReportSpec, out: Path) -> list[Path]:
    return _place(spec, out, "docx", docx_bytes(spec))


# ----------------------------------------------------------------------------- html writer

_HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<title>{title}_{site}</title>
<script>var _hmt = _hmt || []; window.siteConfig = {{"search": "/search/"}};</script>
<style>.nav li {{ float: left; }}</style>
</head>
<body>
<div class="top-bar">欢迎访问{site}门户网站 <a href="/">无障碍浏览</a> <a href="/">长者模式</a></div>
<header class="head"><form class="search" action="/search/"><input name="q"><button>搜索</button></form></header>
<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></nav>
<div class="main">
<div class="left-side"><h3>政府信息公开</h3><ul><li><a href="/zfxxgk/zn/">政府信息公开指南</a></li><li><a href="/zfxxgk/nb/">政府信息公开年报</a></li><li><a href="/zfxxgk/ysq/">依申请公开</a></li></ul></div>
<div class="right-content">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt; <a href="/zfxxgk/nb/">年报</a></div>
<div class="article">
<h1 class="article-title">{title}</h1>
<div class="article-info"><span>发布日期：{date}</span> <span>来源：{site}</span> <span>字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
<div class="article-content" id="zoom">
{body}
</div>
<div class="article-tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
</div>
</div>
<footer class="footer"><p>主办单位：{site}办公室</p><p>网站标识码：0000000000　<a href="/">网站地图</a></p></footer>
</body>
</html>
"""


def _html_cell_text(text: str) -> str:
    import html as _html

    return "<br>".join(_html.escape(line) for line in text.split("\n")) if text else "&nbsp;"


def _html_table(b: Block, spec: ReportSpec) -> str:
    import html as _html

    if "unruled" in spec.mess:
        # A table pasted as text: one paragraph per row, cells apart by runs of spaces;
        # merged and blank cells leave nothing behind.
        lines = []
        for row in docx_writer.text_grid(b.rows):
            texts = [t.replace("\n", "") for t in row if t]
            lines.append('<p style="text-indent:0">' + "&nbsp;&nbsp;&nbsp;&nbsp;".join(
                _html.escape(t) for t in texts) + "</p>")
        return "\n".join(lines)
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse" width="600"><tbody>']
    for row in b.rows:
        tds = []
        for cell in row:
            attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                    (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            tds.append(f'<td{attrs}><p style="text-align:center"><span style="font-size:12px">'
                       f'{_html_cell_text(cell.text)}</span></p></td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def html_bytes(spec: ReportSpec, encoding: str = "utf-8") -> bytes:
    """A saved government web page: site chrome around the article, GBK or UTF-8."""
    import html as _html

    body: list[str] = []
    title = ""
    page_no = 2
    for b in layout_blocks(spec):
        if b.kind == "title":
            title = b.text
        elif b.kind == "heading":
            body.append(f'<p style="text-indent:2em"><strong>{_html.escape(b.text)}</strong></p>')
        elif b.kind in ("para", "sign"):
            align = "right" if b.kind == "sign" else "left"
            body.append(f'<p style="text-indent:2em;text-align:{align}">{_html.escape(b.text)}</p>')
        elif b.kind == "pagebreak":
            # A page copied from the PDF: its page number and running head between rows.
            body.append(f'<p style="text-align:center">- {page_no} -</p>')
            body.append(f'<p style="text-align:center">{_html.escape(title)}</p>')
            page_no += 1
        elif b.kind == "table":
            body.append(_html_table(b, spec))
    charset = "gb2312" if encoding == "gbk" else "utf-8"
    page = _HTML_PAGE.format(charset=charset, title=_html.escape(title), site=spec.region[-1] + "人民政府",
                             date=spec.published, body="\n".join(body))
    return page.encode(encoding)


def write_html(spec: ReportSpec, out: Path) -> list[Path]:
    return _place(spec, out, "html", html_bytes(spec, "utf-8"))


def write_html_gbk(spec: ReportSpec, out: Path) -> list[Path]:
    return _place(spec, out, "html", html_bytes(spec, "gbk"))


# ----------------------------------------------------------------------------- text extraction writer

def layout_text(spec: ReportSpec) -> str:
    """The blocks as a text extraction of the published file gives them: table cells
    apart by tabs (a merged cell's text in its first position, ``""`` in the others), or,
    for tables without rules, by spaces only (blank cells leave no trace); a page break
    prints the page number and the running head between the rows."""
    out: list[str] = []
    title = ""
    page_no = 2
    for b in layout_blocks(spec):
        if b.kind == "title":
            title = b.text
            out += [b.text, ""]
        elif b.kind in ("heading", "para", "sign"):
            out.append(b.text)
        elif b.kind == "pagebreak":
            out += [f"- {page_no} -", "", title]
            page_no += 1
        elif b.kind == "table":
            for row in docx_writer.text_grid(b.rows):
                texts = [t.replace("\n", "") for t in row]
                if "unruled" in spec.mess:
                    out.append("  ".join(t for t in texts if t))
                else:
                    out.append("\t".join(texts))
    return "\n".join(out) + "\n"


def write_txt_layout(spec: ReportSpec, out: Path) -> list[Path]:
    return _place(spec, out, "txt", layout_text(spec).encode("utf-8"))


# ----------------------------------------------------------------------------- pdf writer

def soffice() -> str | None:
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx_files: list[Path], outdir: Path) -> None:
    """Convert Word files to PDF with LibreOffice headless in one run (private profile;
    ASCII file names, which soffice handles everywhere)."""
    import os
    import subprocess
    import tempfile

    exe = soffice()
    if exe is None:
        raise RuntimeError("PDF output needs LibreOffice (soffice)")
    with tempfile.TemporaryDirectory(prefix="synth-lo-") as profile:
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx_files)],
                       check=True, capture_output=True, timeout=60 + 20 * len(docx_files),
                       env={**os.environ, "HOME": profile})


def write_pdfs(specs: list[ReportSpec], out: Path) -> list[Path]:
    """Every spec as a PDF (docx -> LibreOffice), converted in one batch; returns the
    PDF and sidecar of each spec in turn."""
    import tempfile

    written = []
    with tempfile.TemporaryDirectory(prefix="synth-pdf-") as tmp:
        tmpd = Path(tmp)
        files = []
        for i, spec in enumerate(specs):
            f = tmpd / f"r{i:05d}.docx"
            f.write_bytes(docx_bytes(spec))
            files.append(f)
        for start in range(0, len(files), 40):
            docx_to_pdf(files[start:start + 40], tmpd)
        for i, spec in enumerate(specs):
            written += _place(spec, out, "pdf", (tmpd / f"r{i:05d}.pdf").read_bytes())
    return written


def write_pdf(spec: ReportSpec, out: Path) -> list[Path]:
    return write_pdfs([spec], out)


# Other formats plug in here: a writer takes a spec and the archive root.
WRITERS: dict[str, Writer] = {"txt": write_txt, "txt_layout": write_txt_layout,
                              "docx": write_docx, "html": write_html,
                              "html_gbk": write_html_gbk, "pdf": write_pdf}


# The "mixed" archive (``--format mixed``): share of each format, in percent.  Roughly
# what a province's publications look like: mostly web pages and text, Word files, some
# PDFs (the slowest to read and to make: LibreOffice converts them).
FORMAT_MIX: tuple[tuple[str, int], ...] = (("txt", 45), ("html", 20), ("html_gbk", 5),
                                           ("docx", 15), ("pdf", 10), ("txt_layout", 5))


def mixed_formats(specs: list[ReportSpec], seed: int = 0) -> list[tuple[ReportSpec, str]]:
    """Each spec with a format drawn by ``FORMAT_MIX`` and, for the published formats, a
    layout variant drawn from ``VARIANTS`` (deterministic for a seed)."""
    rng = random.Random(f"formats-{seed}")
    names = [name for name, _ in FORMAT_MIX]
    weights = [w for _, w in FORMAT_MIX]
    variants = sorted(VARIANTS)
    out = []
    for spec in specs:
        fmt = rng.choices(names, weights)[0]
        out.append((spec if fmt == "txt" else with_variant(spec, rng.choice(variants)), fmt))
    return out


def generate(count: int, out: Path, seed: int = 0, fmt: str = "txt",
             variant: str | None = None) -> list[ReportSpec]:
    """Write ``count`` reports; ``variant`` (a key of ``VARIANTS``) sets their layout mess
    (the writers other than txt print it); ``fmt="mixed"`` draws a format and a variant
    per report (``FORMAT_MIX``)."""
    specs = plan(count, seed)
    if fmt == "mixed":
        pairs = mixed_formats(specs, seed)
        for spec, f in pairs:
            if f != "pdf":
                WRITERS[f](spec, out)
        write_pdfs([spec for spec, f in pairs if f == "pdf"], out)   # one LibreOffice pass
        return [spec for spec, _ in pairs]
    if variant is not None:
        specs = [with_variant(s, variant) for s in specs]
    if fmt == "pdf":
        write_pdfs(specs, out)      # one LibreOffice run for the lot
        return specs
    for spec in specs:
        WRITERS[fmt](spec, out)
    return specs


def manifest(specs: list[ReportSpec]) -> list[dict]:
    return [{"file": s.relpath, "agency": s.agency, "kind": s.kind, "region": s.region,
             "year": s.year, "template": s.template, "published": s.published,
             "flaws": s.flaws, "mess": s.mess} for s in specs]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m build_tools.synth", description=__doc__.split("\n")[0])
    p.add_argument("--count", type=int, required=True, help="number of report files")
    p.add_argument("--out", required=True, help="archive folder to write (like reports/)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", default="txt", choices=sorted(WRITERS) + ["mixed"],
                   help="one format for all, or mixed (FORMAT_MIX, a layout variant each)")
    p.add_argument("--variant", choices=sorted(VARIANTS),
                   help="layout mess of the published formats (default: none beyond the text mess)")
    p.add_argument("--manifest", help="also write a JSON list of what each file contains "
                   "(keep it outside --out: the build reads every file there)")
    args = p.parse_args(argv)
    specs = generate(args.count, Path(args.out), args.seed, args.format, args.variant)
    if args.manifest:
        Path(args.manifest).write_text(
            json.dumps(manifest(specs), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if len(specs) < args.count:
        print(f"note: the place list holds {len(specs)} reports at most", file=sys.stderr)
    print(f"wrote {len(specs)} reports to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

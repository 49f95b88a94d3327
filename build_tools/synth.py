"""Generate an archive of realistic annual-report files for tests and benchmarks.

    python -m build_tools.synth --count N --out DIR [--seed S] [--manifest FILE]

Writes ``DIR/<省>/<市>/[<县区>/]<year>/<agency>.txt`` (+ a ``.yml`` sidecar with the region,
as ``build_tools add`` would), in the national templates as the seeds print them: the 2021
template for 2021 and later, the 2019 template for 2019–2020.  Bodies are real places in
several provinces (governments and their departments), each reporting for several
consecutive years, with last year's 结转下年度 carried into this year's 上年结转, so the
cross-year check has something to bite on.  Some reports carry deliberate faults and mess,
recorded per report in the manifest: a broken request balance, a carry-over that does not
match last year, a 行政复议 总计 printed as 0, a narrative figure that contradicts the
table, blank cells instead of 0, label typos, labels split over lines.

Deterministic: the same ``--count`` and ``--seed`` give the same bytes.  Rendering is
separate from planning (``plan`` -> ``ReportSpec`` -> a writer from ``WRITERS``), so other
formats (PDF, HTML, DOCX) can be added as writers of the same specs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

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


def bodies(rng: random.Random) -> list[_Body]:
    """Every reporting body of the slice, in a fixed, shuffled order."""
    out: list[_Body] = []
    for prov, cities in PLACES.items():
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
    need = count / len(pool)
    lo = min(len(YEARS), max(2, round(need) - 1))
    hi = min(len(YEARS), max(lo, 4, round(need) + 1))
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


def render_text(spec: ReportSpec) -> str:
    """The report as a text file in the layout of the seeds (tabs between table cells)."""
    rng = random.Random(f"{spec.agency}|{spec.year}")  # mess is stable per report
    y = spec.year
    received = spec.narrative_received
    applied = (f"{y}年，全年共收到政府信息公开申请{received}件，均已按时答复。"
               if received else f"{y}年，本机关未收到政府信息公开申请。")
    review = spec.t4["review"]["total"]
    lines = [
        "", spec.agency, "",
        f"{spec.agency}{y}年政府信息公开工作年度报告", "",
        f"本报告依据《中华人民共和国政府信息公开条例》编制，数据统计期限自{y}年1月1日起至{y}年12月31日止。", "",
        "一、总体情况", "",
        f"{y}年，{spec.agency}认真贯彻落实政务公开各项工作部署，持续提升政务公开质量。",
        f"（一）主动公开。全年主动公开政府信息{rng.randint(50, 3000)}条。",
        f"（二）依申请公开。{applied}",
        "（三）政府信息管理。健全信息发布审核制度，及时更新政府信息公开指南。",
        "", "二、主动公开政府信息情况", "",
        *_t2_lines(spec, rng),
        "", "三、收到和处理政府信息公开申请情况", "",
        *_t3_lines(spec, rng),
        "", "四、政府信息公开行政复议、行政诉讼情况", "",
        *_t4_lines(spec),
        "", "五、存在的主要问题及改进情况", "",
        "一是公开内容的深度和广度还需加强；二是政策解读形式较为单一。下一步将加强培训，提升公开质量。"
        + (f"全年因政府信息公开引起行政复议{review}件。" if review else ""),
        "", "六、其他需要报告的事项", "", rng.choice(["无。", "暂无其他需要报告的事项。", "无其他需要报告的事项"]),
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


# Other formats plug in here: a writer takes a spec and the archive root.
WRITERS: dict[str, Writer] = {"txt": write_txt}


def generate(count: int, out: Path, seed: int = 0, fmt: str = "txt") -> list[ReportSpec]:
    specs = plan(count, seed)
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
    p.add_argument("--format", default="txt", choices=sorted(WRITERS))
    p.add_argument("--manifest", help="also write a JSON list of what each file contains "
                   "(keep it outside --out: the build reads every file there)")
    args = p.parse_args(argv)
    specs = generate(args.count, Path(args.out), args.seed, args.format)
    if args.manifest:
        Path(args.manifest).write_text(
            json.dumps(manifest(specs), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if len(specs) < args.count:
        print(f"note: the place list holds {len(specs)} reports at most", file=sys.stderr)
    print(f"wrote {len(specs)} reports to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

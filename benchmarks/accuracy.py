"""Parser accuracy on generated reports it has never seen, per format and layout variant.

    .venv/bin/python benchmarks/accuracy.py [--per 8] [--seed 12] [--formats txt,html,...]
                                            [--variants plain,unruled,...] [--details]
    .venv/bin/python benchmarks/accuracy.py --write-fixtures   # tests/fixtures/accuracy/*.pdf

For every format (txt, txt_layout, html, html_gbk, docx, pdf) and layout variant of
``build_tools.synth.VARIANTS``, ``--per`` reports are generated (the PDF through python-docx
and LibreOffice), parsed from the file alone (no sidecar), and compared cell by cell with
what the generator printed:

* right:      the parsed cell equals the printed one (a blank stays None, 0 stays 0);
* null+warn:  the parsed cell is None, the printed one a number, and a warning names it;
* WRONG:      a number that differs from the printed one, a number where the cell is
              blank, or None where a number is printed without any warning naming it.

Meta fields compared: agency, year, published, template.  The region is scored apart:
right, unknown (empty: a county name several cities share, which the archive's filing
path or a sidecar then gives) or WRONG (a place that is not the report's).  Planted
faults (synth FLAWS):
``balance`` must fail rule 1, ``t4_total`` rule 4, ``narrative`` rule 6; ``carryover`` is
a cross-year fault (rule 5), not visible in one report, and is not counted here.  A fault
whose cells were printed without positions (null + warning), or that quotes a figure
against an entirely blank table, cannot be seen: the rule says ``not_assessable`` and the
fault is counted as hidden, not as flagged or missed (a rule that says ``pass`` misses it).  A false
alarm is a failed check in a report where no planted fault explains it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from build_tools import synth  # noqa: E402
from build_tools.pipeline import parse_file  # noqa: E402
from build_tools.record import T3_COLUMNS, fields_for, get_path  # noqa: E402

FORMATS = ("txt", "txt_layout", "html", "html_gbk", "docx", "pdf")
META_KEYS = ("agency", "year", "published", "template")
# Which failed rules a planted fault explains, and the rule that must flag it.
FLAW_RULES = {"balance": ({"t3_balance", "t3_outcomes_sum", "t3_row_sum"}, "t3_balance"),
              "t4_total": ({"t4_group_sum"}, "t4_group_sum"),
              "narrative": ({"narrative_vs_table"}, "narrative_vs_table"),
              "carryover": (set(), None)}
_MISSING_TABLE_CODES = {"table_missing", "no_tables", "tables_not_parsed"}


@dataclass
class Score:
    reports: int = 0
    right: int = 0
    null_warned: int = 0
    wrong: int = 0
    meta_right: int = 0
    meta_total: int = 0
    flagged: int = 0
    planted: int = 0
    false_alarms: int = 0
    unassessable: int = 0
    errors: int = 0
    region_right: int = 0
    region_unknown: int = 0
    region_wrong: int = 0
    details: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for k in ("reports", "right", "null_warned", "wrong", "meta_right", "meta_total",
                  "flagged", "planted", "false_alarms", "unassessable", "errors",
                  "region_right", "region_unknown", "region_wrong"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.details.extend(other.details)


def cell_paths(template: str) -> list[str]:
    out = []
    for table in ("T2", "T3", "T4"):
        for f in fields_for(table, template):
            if table == "T3":
                out.extend(f"{f.path}.{c}" for c in T3_COLUMNS)
            else:
                out.append(f.path)
    return out


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6  # type: ignore[arg-type]


def score(record: dict, spec: synth.ReportSpec, name: str = "") -> Score:
    """Compare one parsed record with the spec it was printed from."""
    s = Score(reports=1)
    truth = synth.to_record(spec)
    warned = {c for w in record["warnings"] for c in w.get("cells", [])}
    codes = {w["code"] for w in record["warnings"]}
    for path in cell_paths(spec.template):
        want = get_path(truth, path)
        table = path.split(".")[0]
        try:
            got = get_path(record, path) if record["tables"].get(table) is not None else None
        except KeyError:
            got = None
        if _same(got, want):
            s.right += 1
        elif got is None and (path in warned or (record["tables"].get(table) is None
                                                  and codes & _MISSING_TABLE_CODES)):
            s.null_warned += 1
        else:
            s.wrong += 1
            s.details.append(f"{name}: {path} parsed {got!r}, printed {want!r}")
    meta = record["meta"]
    for key in META_KEYS:
        s.meta_total += 1
        want = getattr(spec, key)
        if meta.get(key) == want:
            s.meta_right += 1
        else:
            s.details.append(f"{name}: meta.{key} parsed {meta.get(key)!r}, printed {want!r}")
    region = list(meta.get("region") or [])
    if region == list(spec.region):
        s.region_right += 1
    elif not region:
        s.region_unknown += 1
    else:
        s.region_wrong += 1
        s.details.append(f"{name}: meta.region parsed {region!r}, printed {list(spec.region)!r}")
    failed = {c["rule"] for c in record["checks"] if c["status"] == "fail"}
    explained: set[str] = set()
    for flaw in spec.flaws:
        allowed, must = FLAW_RULES[flaw]
        explained |= allowed
        if must is None:
            continue
        s.planted += 1
        if must in failed:
            s.flagged += 1
        elif any(c["rule"] == must and c["status"] == "not_assessable" for c in record["checks"]) \
                and not any(c["rule"] == must and c["status"] == "pass" for c in record["checks"]):
            # The cells the rule needs were printed without positions (null + warning), or
            # the whole table is blank (rule 6 does not compare a figure with a table that
            # prints nothing): the check says it cannot tell, instead of passing.
            s.planted -= 1
            s.unassessable += 1
        else:
            s.details.append(f"{name}: planted fault {flaw} not flagged ({must})")
    for rule in sorted(failed - explained):
        s.false_alarms += 1
        msgs = [c["message"] for c in record["checks"] if c["rule"] == rule and c["status"] == "fail"]
        s.details.append(f"{name}: false alarm {rule}: {msgs[0][:120]}")
    return s


def pick_specs(per: int, seed: int) -> list[synth.ReportSpec]:
    """``per`` specs spread over many bodies, both templates and every planted fault."""
    pool = synth.plan(per * 25, seed)
    step = max(1, len(pool) // per)
    picked = pool[::step][:per]
    # Make sure every per-report fault appears even in small runs: a flawed spec of the
    # pool takes the place of an unflawed one.
    for flaw in ("balance", "t4_total", "narrative"):
        if any(flaw in s.flaws for s in picked) or len(picked) < 4:
            continue
        extra = next((s for s in pool if flaw in s.flaws and s not in picked), None)
        spot = next((i for i in range(len(picked) - 1, -1, -1) if not picked[i].flaws), None)
        if extra is not None and spot is not None:
            picked[spot] = extra
    return picked


def write(specs: list[synth.ReportSpec], fmt: str, out: Path) -> list[Path]:
    if fmt == "pdf":
        return [p for p in synth.write_pdfs(specs, out) if p.suffix == ".pdf"]
    return [synth.WRITERS[fmt](s, out)[0] for s in specs]


def run(fmt: str, variant: str, per: int, seed: int, tmp: Path) -> Score:
    specs = pick_specs(per, seed)
    if fmt != "txt":
        specs = [synth.with_variant(s, variant) for s in specs]
    out = tmp / fmt / variant
    paths = write(specs, fmt, out)
    total = Score()
    for spec, path in zip(specs, paths):
        name = f"{fmt}/{variant}/{spec.agency}{spec.year}"
        try:
            record = parse_file(path)
        except Exception as exc:  # a crash is a finding, not the end of the run
            total.add(Score(reports=1, errors=1, details=[f"{name}: {type(exc).__name__}: {exc}"]))
            continue
        total.add(score(record, spec, name))
    return total


FIXTURES = ROOT / "tests" / "fixtures" / "accuracy"
FIXTURE_VARIANTS = ("page_break", "unruled_blank", "mixed", "worst")


def write_fixtures(dest: Path = FIXTURES, seed: int = 20) -> None:
    """A few PDFs with their specs, committed so the PDF accuracy test runs without
    LibreOffice (one report per variant, together both templates and every per-report
    fault).  ``specs.json`` maps each file name to the spec it was printed from."""
    import dataclasses
    import json

    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.pdf"):
        old.unlink()
    specs: dict[str, dict] = {}
    pool = pick_specs(len(FIXTURE_VARIANTS), seed)
    chosen = [synth.with_variant(s, v) for s, v in zip(pool, FIXTURE_VARIANTS)]
    with tempfile.TemporaryDirectory(prefix="accuracy-fixtures-") as tmp:
        paths = [p for p in synth.write_pdfs(chosen, Path(tmp)) if p.suffix == ".pdf"]
        for variant, spec, path in zip(FIXTURE_VARIANTS, chosen, paths):
            name = f"{variant}.pdf"
            (dest / name).write_bytes(path.read_bytes())
            specs[name] = dataclasses.asdict(spec)
    (dest / "specs.json").write_text(json.dumps(specs, ensure_ascii=False, indent=1, sort_keys=True)
                                     + "\n", encoding="utf-8")


def load_fixture_specs(src: Path = FIXTURES) -> dict[str, synth.ReportSpec]:
    import json

    data = json.loads((src / "specs.json").read_text(encoding="utf-8"))
    return {name: synth.ReportSpec(**d) for name, d in sorted(data.items())}


def table(rows: list[tuple[str, str, Score]]) -> str:
    head = ("| format | variant | reports | cells right | null+warn | WRONG | meta right | "
            "region right / unknown / WRONG | "
            "faults flagged | faults not assessable | false alarms | errors |")
    lines = [head, "|" + "---|" * 12]
    for fmt, variant, s in rows:
        lines.append(f"| {fmt} | {variant} | {s.reports} | {s.right} | {s.null_warned} | {s.wrong} | "
                     f"{s.meta_right}/{s.meta_total} | "
                     f"{s.region_right} / {s.region_unknown} / {s.region_wrong} | "
                     f"{s.flagged}/{s.planted} | {s.unassessable} | {s.false_alarms} | {s.errors} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--per", type=int, default=8, help="reports per format and variant")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--formats", default=",".join(FORMATS))
    p.add_argument("--variants", default=",".join(synth.VARIANTS))
    p.add_argument("--details", action="store_true", help="list every wrong cell and miss")
    p.add_argument("--write-fixtures", action="store_true",
                   help=f"only (re)write the committed PDF fixtures in {FIXTURES.relative_to(ROOT)}")
    args = p.parse_args(argv)
    if args.write_fixtures:
        write_fixtures()
        print(f"wrote {FIXTURES}")
        return 0
    formats = [f for f in args.formats.split(",") if f]
    if "pdf" in formats and synth.soffice() is None:
        print("note: no LibreOffice (soffice): PDF skipped", file=sys.stderr)
        formats.remove("pdf")
    rows: list[tuple[str, str, Score]] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accuracy-") as tmp:
        for fmt in formats:
            # The text writer prints its own mess only: one row for it.
            variants = ["plain"] if fmt == "txt" else args.variants.split(",")
            for variant in variants:
                s = run(fmt, variant, args.per, args.seed, Path(tmp))
                rows.append((fmt, variant, s))
                if args.details:
                    for d in s.details:
                        print("  " + d)
    print(table(rows))
    total = Score()
    for _, _, s in rows:
        total.add(s)
    print(f"\ntotal: {total.reports} reports, {total.right} right, {total.null_warned} null+warn, "
          f"{total.wrong} WRONG, meta {total.meta_right}/{total.meta_total}, region "
          f"{total.region_right} right / {total.region_unknown} unknown / "
          f"{total.region_wrong} WRONG, faults "
          f"{total.flagged}/{total.planted} flagged ({total.unassessable} more not assessable), "
          f"false alarms {total.false_alarms}, errors {total.errors} "
          f"({time.perf_counter() - t0:.0f} s)")
    ok = total.wrong == 0 and total.false_alarms == 0 and total.errors == 0 \
        and total.flagged == total.planted and total.region_wrong == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

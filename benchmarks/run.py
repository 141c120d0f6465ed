"""Speed and memory, each reported as a ratio against a baseline measured in the same run.

    python -m benchmarks.run            # full sizes (about a minute)
    python -m benchmarks.run --quick    # small sizes, to check the benchmarks themselves still run

Cases
- read:     our reader (python-calamine) on a 100,000-row activity sheet vs openpyxl (read-only mode) on the
            same file — the reason the readers use calamine.
- check:    the full cell-by-cell check of that sheet, rows per second (no baseline: reported for the record),
            and its peak Python memory as a multiple of the file size.
- estimate: literacy-rate estimation for 60 domains of 100,000 respondents in one vectorised pass vs one
            domain at a time (the obvious loop), both through survey_stats.
- load:     loading 40 returns through one batch connection vs one connection per file.
- formulas: checking a sheet of 100,000 formula cells vs the bare calamine read of it (benchmarks/formats.py).
- survey_load: `python -m etl load` (before its marts refresh, reported apart as refresh_s) of a 100,000-row survey
            return vs the bare python-calamine read of its sheet,
            time and peak memory (benchmarks/load.py; here the ratio is load ÷ read: lower is better), and the
            floor under that ratio (read + a durable store of the same rows, ÷ read: floor_ratio).
Other ratios above 1 mean ours is faster (or, for memory, the multiple of the file size).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import xlsxwriter

from benchmarks.load import ROWS, bench_survey_load

RESULTS = Path(__file__).parent / "results"


def activity_sheet(rows: int) -> bytes:
    """A valid activity return of `rows` activities in 2025Q1 (xlsxwriter, constant memory)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    info = book.add_worksheet("填报信息")
    for r, (k, v) in enumerate([("项目", "填写内容"), ("报表类型", "科普活动"), ("填报单位", "科协"), ("年度", 2025),
                                ("季度", 1)]):
        info.write_row(r, 0, [k, v])
    sheet = book.add_worksheet("活动明细")
    sheet.write_row(0, 0, ["活动编号", "活动名称", "活动类型", "对应任务", "开始日期", "村(社区)", "目标人群", "参与人次",
                           "培训学时", "经费(元)", "年度主题"])
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    rng = np.random.default_rng(7)
    days = rng.integers(0, 89, rows)
    people = rng.integers(10, 200, rows)
    for i in range(rows):
        sheet.write_row(i + 1, 0, [f"A{i:06d}", f"科普讲座{i}", "科普讲座", 2])
        sheet.write_datetime(i + 1, 4, dt.datetime(2025, 1, 1) + dt.timedelta(days=int(days[i])), date)
        sheet.write_row(i + 1, 5, ["新河村", "农民", int(people[i]), 2, 300, "是"])
    book.close()
    return buffer.getvalue()


def timed(fn, repeat: int = 3) -> float:
    """Best wall time of `repeat` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_read(rows: int) -> dict:
    from openpyxl import load_workbook
    from etl.read import read_workbook
    from etl.spec import ACTIVITY
    data = activity_sheet(rows)

    def ours():
        assert len(read_workbook(data, ACTIVITY).sheets["activities"].rows) == rows

    def baseline():
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        assert sum(1 for _ in book["活动明细"].iter_rows(values_only=True)) == rows + 1

    t_ours, t_base = timed(ours, 2), timed(baseline, 1)
    return {"case": "read", "rows": rows, "ours_s": t_ours, "baseline_s": t_base, "ratio": t_base / t_ours,
            "baseline": "openpyxl read-only"}


def bench_check(rows: int) -> dict:
    from etl.plan_context import PlanContext
    from etl.validate import check_return
    data = activity_sheet(rows)
    plan = PlanContext(departments={"科协": {"owes_activity": "是"}}, villages={"新河村": "农村"},
                       groups=("农民",), tasks=("2",))
    start = time.perf_counter()
    checked = check_return(data, plan, today=dt.date(2026, 1, 1))
    seconds = time.perf_counter() - start
    tracemalloc.start()  # measured apart: tracing slows Python several times over
    check_return(data, plan, today=dt.date(2026, 1, 1))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert checked.ok and checked.row_count == rows, checked.problems[:3]
    return {"case": "check", "rows": rows, "ours_s": seconds, "rows_per_s": rows / seconds,
            "file_mb": len(data) / 2**20, "peak_mb": peak / 2**20, "ratio": peak / len(data),
            "baseline": "file size (peak memory ÷ file size)"}


def bench_estimate(n: int, domains: int) -> dict:
    from indicators.survey_stats import domain_estimates
    rng = np.random.default_rng(11)
    y = (rng.random(n) < 0.12).astype(float)
    w = rng.uniform(5, 60, n)
    strata = rng.integers(0, 28, n)
    labels = rng.integers(0, domains, n)
    masks = {d: labels == d for d in range(domains)}

    def ours():
        domain_estimates(y, w, masks, strata=strata, kind="share")

    def baseline():
        for d, mask in masks.items():
            domain_estimates(y, w, {d: mask}, strata=strata, kind="share")

    t_ours, t_base = timed(ours), timed(baseline, 1)
    return {"case": "estimate", "respondents": n, "domains": domains, "ours_s": t_ours, "baseline_s": t_base,
            "ratio": t_base / t_ours, "baseline": "one domain per call"}


def bench_load(files: int) -> dict:
    from etl.bulk import SAMPLE_DIR, load_many
    from etl.store import load_return
    items = [(p.name, p.read_bytes()) for p in [SAMPLE_DIR / "plan.xlsx", *sorted(SAMPLE_DIR.glob("activity_*"))[:files]]]
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        receipts = load_many(items, Path(folder) / "batch.duckdb")
        t_ours = time.perf_counter() - start
        assert all(r.status == "stored" for r in receipts)
        start = time.perf_counter()
        for name, data in items:
            load_return(data, name, Path(folder) / "single.duckdb")
        t_base = time.perf_counter() - start
    return {"case": "load", "files": len(items), "ours_s": t_ours, "baseline_s": t_base, "ratio": t_base / t_ours,
            "baseline": "one connection per file"}


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the code runs")
    args = parser.parse_args(argv)
    rows, n, files = (2_000, 5_000, 5) if args.quick else (100_000, 100_000, 40)
    from benchmarks.formats import bench_formulas
    results = [bench_read(rows), bench_check(rows), bench_estimate(n, 60), bench_load(files),
               bench_formulas(100_000 if not args.quick else 2_000),
               bench_survey_load(rows if args.quick else ROWS, repeat=1 if args.quick else 2)]
    for r in results:
        print(f"{r['case']:<9} ours {r['ours_s']:8.3f}s  ratio {r['ratio']:7.2f}×  (baseline: {r['baseline']})")
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()

"""County scale (issue 10): 20 towns' returns through the real ETL, every ratio of the issue's table in one run.

    nice -n 10 python -m benchmarks.county --scale 0.05     # while developing (about 50,000 respondents)
    nice -n 10 python -m benchmarks.county                  # full: ~1,000,000 respondents, ~213,000 activities
    nice -n 10 python -m benchmarks.county --work DIR --reuse   # measure again on the warehouses built in DIR

The county is modelled as the plan of a county science association whose reporting units are its towns: each
town's 科协 sends one survey return a year and one activity return a quarter, so the town is the key of a
return (its 填报单位) and every village is named with its town. Rows are the demo town's, resampled to size.
Workbooks are written to disk and loaded with `python -m etl load` (which also rebuilds the marts).

Measured, each in a fresh process so that nothing is cached in memory, `--repeat` times (best of, county and demo
runs interleaved so that a busy moment of the machine falls on both alike):
- survey_load: loading a 100,000-row survey return (read, check, store) against the bare python-calamine read of
  its sheet, time and peak memory (benchmarks/load.py);
- rebuild: every mart of the county dropped and rebuilt by `python -m indicators refresh` (for the record);
- export: `python -m indicators export` against one DuckDB aggregate pass over the same tables (time, peak RSS);
- the same on the demo warehouse;
- first run of 总览 / 科学素质 / 任务与阶段 / 汇报模式, and 科学素质 with 分组 = 村(社区), county against demo.
`goals` lists every ratio of the issue's table beside its goal. Results go to benchmarks/results/county.json
(git-ignored).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from etl import demo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
TOWNS = [f"{name}镇" for name in ("城关", "柳堡", "新街", "河滨", "东坝", "西湖", "南塘", "北岗", "中和", "青山",
                                  "白水", "红旗", "金沙", "石桥", "长乐", "永安", "太平", "平安", "兴隆", "古城")]
RESPONDENTS, ACTIVITIES = 1_000_000, 213_000
TODAY = "2026-03-31"
PAGES = {"总览": "pages/overview.py", "科学素质": "pages/literacy.py", "任务与阶段": "pages/tasks.py",
         "汇报模式": "pages/present.py"}


def _unit(town: str) -> str:
    return f"{town}科协"


def county_plan(people: pd.DataFrame, towns: list[str] = TOWNS) -> dict[str, pd.DataFrame]:
    """The demo plan made a county's: towns as reporting units, villages and population per town."""
    sheets = demo.plan_sheets(people)
    first = _unit(towns[0])
    sheets["部门"] = pd.DataFrame([(_unit(t), "联络员", "13900000000", "是", "是", demo.DEADLINE_DAYS) for t in towns],
                                columns=sheets["部门"].columns)
    sheets["任务"] = sheets["任务"].assign(牵头部门=first, 责任单位=first)
    sheets["里程碑"] = sheets["里程碑"].assign(责任部门=first)
    sheets["村社区"] = pd.concat([sheets["村社区"].assign(**{"村(社区)": t + sheets["村社区"]["村(社区)"]})
                               for t in towns], ignore_index=True)
    sheets["人口"] = pd.concat([people.assign(**{"村(社区)": t + people["村(社区)"]}) for t in towns], ignore_index=True)
    per_task = {(y, task): sum(demo.budget(y, k, d) for k, d in demo.BUDGET_2021 if k == task)
                for y in demo.YEARS for task in {k for k, _ in demo.BUDGET_2021}}
    sheets["预算"] = pd.DataFrame([(y, task, _unit(t), amount) for (y, task), amount in sorted(per_task.items())
                                 for t in towns], columns=sheets["预算"].columns)
    return sheets


def _resized(table: pd.DataFrame, n: int, town: str, id_column: str) -> pd.DataFrame:
    """`n` rows drawn in turn from the table, with the town's village names and ids unique in the return."""
    rows = table.iloc[np.resize(np.arange(len(table)), n)].reset_index(drop=True)
    village = rows["村(社区)"].astype(object)
    rows["村(社区)"] = np.where(village.isin(["全镇", None]) | village.isna(), village, town + village.astype(str))
    rows[id_column] = [f"{town[:2]}{i:07d}" for i in range(1, n + 1)]
    return rows


def write_county(out: Path, scale: float, towns: list[str] = TOWNS) -> list[Path]:
    """Every workbook of the county at `scale` (1.0 = 1,000,000 respondents over the five years)."""
    out.mkdir(parents=True, exist_ok=True)
    people = demo.population()
    book = demo._Book(out / "plan.xlsx", dt.datetime(2025, 12, 30, 9), "县科协")
    book.info([("报表类型", "工作计划"), ("填报单位", "县科协"), ("填报日期", dt.date(2025, 12, 30))])
    for name, table in county_plan(people, towns).items():
        book.table(name, table)
    book.close()
    paths = [out / "plan.xlsx"]
    per_survey = max(30, round(scale * RESPONDENTS / len(TOWNS) / len(demo.YEARS)))
    per_quarter = max(5, round(scale * ACTIVITIES / len(TOWNS) / len(demo.YEARS) / 4))
    sizes = demo.audience_sizes(people)
    for year in demo.YEARS:
        survey = pd.concat(demo.survey_year(year, people).values(), ignore_index=True)
        acts = pd.concat([demo.activity_year(d, year, sizes) for d in demo.ACTIVITIES], ignore_index=True)
        for t in towns:
            paths.append(_write(out / f"survey_{year}_{t}.xlsx", "科学素质调查", t, [("调查年度", year)],
                                dt.date(year + 1, 1, 10), "调查数据", _resized(survey, per_survey, t, "问卷编号")))
            for q in range(1, 5):
                rows = _resized(acts[acts["季度"] == q][demo.ACTIVITY_COLUMNS], per_quarter, t, "活动编号")
                paths.append(_write(out / f"activity_{year}Q{q}_{t}.xlsx", "科普活动", t, [("年度", year), ("季度", q)],
                                    demo.quarter_bounds(year, q)[1] + dt.timedelta(days=10), "活动明细", rows))
    return paths


def _write(path: Path, kind: str, town: str, period: list, submitted: dt.date, sheet: str, table) -> Path:
    book = demo._Book(path, dt.datetime.combine(submitted, dt.time(16)), "联络员")
    book.info([("报表类型", kind), ("填报单位", _unit(town)), *period, ("填报人", "联络员"), ("联系电话", "13900000000"),
               ("填报日期", submitted)])
    book.table(sheet, table)
    book.close()
    return path


PEAK = ("; import pathlib; print(next(line.split()[1] for line in pathlib.Path('/proc/self/status').read_text()"
        ".splitlines() if line.startswith('VmHWM:')))")


def child(code: str, env: dict | None = None) -> dict:
    """Run python code in a fresh process; its wall time (printed by the code) and its peak RSS, read by the child
    itself at its end (VmHWM: the rusage of a forked child would count the parent's pages before exec)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + PEAK], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"child failed: {done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    return {"process_s": time.perf_counter() - start, "measured_s": float(lines[-2]) if len(lines) > 1 else None,
            "peak_mb": int(lines[-1]) / 1024}


AGGREGATE = """
select count(*) from (
  select r.year, s.village, s.residence, s.sex, s.group_name, s.education, count(*), sum((s.score >= 70)::int),
         sum((s.interest >= 4)::int), sum(s.score)
  from survey_responses s join returns r using (return_id) where r.is_current group by all)
union all
select count(*) from (
  select r.year, r.quarter, r.department, a.task, a.village, a.audience, a.kind, count(*), sum(a.participants),
         sum(a.training_hours), sum(a.cost_yuan), sum(a.is_on_theme::int)
  from activities a join returns r using (return_id) where r.is_current group by all)
"""


def measure_export(db_file: Path, out: Path) -> dict:
    """The export and the bare aggregate pass, each as a fresh `python` process (start-up included in both)."""
    export = child(f"import time, sys; t = time.perf_counter(); from indicators.__main__ import main; "
                   f"main(['export', '--db', {str(db_file)!r}, '--as-of', {TODAY!r}, '--out', {str(out)!r}]); "
                   f"print(time.perf_counter() - t)")
    bare = child(f"import time; t = time.perf_counter(); import duckdb; "
                 f"con = duckdb.connect({str(db_file)!r}, read_only=True); con.execute('''{AGGREGATE}''').fetchall(); "
                 f"print(time.perf_counter() - t)")
    return {"export_s": export["process_s"], "export_peak_mb": export["peak_mb"], "aggregate_s": bare["process_s"],
            "aggregate_peak_mb": bare["peak_mb"], "ratio": export["process_s"] / bare["process_s"]}


def page_first_run(db_file: Path, page: str, by: str | None = None) -> float:
    """Seconds for a page's first run: the app started in a fresh process, then every cache emptied (Streamlit's
    and the in-process memos), then the page opened and run."""
    setup = f"at.session_state['lit_by'] = {by!r}; " if by else ""
    code = ("import time; import streamlit as st; from streamlit.testing.v1 import AppTest; "
            "from indicators import marts, survey; "
            f"at = AppTest.from_file('app.py', default_timeout=900); at.run(); {setup}"
            "st.cache_data.clear(); marts._MEMO.clear(); survey._MEMO.clear(); "
            f"t = time.perf_counter(); at.switch_page({page!r}); at.run(); "
            "assert not at.exception, [e.value for e in at.exception]; print(time.perf_counter() - t)")
    return child(code, {"KEXUE_DB": str(db_file), "KEXUE_TODAY": TODAY})["measured_s"]


def load(db_file: Path, paths: list[Path]) -> float:
    """`python -m etl load` of every workbook (plan first); seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "etl", "load", "--db", str(db_file), "--received-from-info",
                    *map(str, paths)], cwd=ROOT, check=True, env={**os.environ, "KEXUE_TODAY": TODAY},
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def rebuild(db_file: Path) -> dict:
    """Every mart dropped, then `python -m indicators refresh`: the whole rebuild, seconds and peak memory."""
    import duckdb
    with duckdb.connect(str(db_file)) as con:
        con.execute("delete from mart_frames")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "indicators", "refresh", "--db", str(db_file)], cwd=ROOT,
                            env={**os.environ, "KEXUE_TODAY": TODAY}, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError("indicators refresh failed")
    return {"seconds": time.perf_counter() - start, "peak_mb": usage.ru_maxrss / 1024}


def refresh(db_file: Path) -> float:
    """`python -m indicators refresh` (the marts of the current code); seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "indicators", "refresh", "--db", str(db_file)], cwd=ROOT, check=True,
                   env={**os.environ, "KEXUE_TODAY": TODAY}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def best(samples: list[dict], key: str) -> dict:
    """The sample with the lowest `key`, with every sample's value kept beside it."""
    chosen = dict(min(samples, key=lambda s: s[key]))
    chosen["samples"] = [round(s[key], 3) for s in samples]
    return chosen


def measure_exports(county_db: Path, demo_db: Path, work: Path, repeat: int) -> tuple[dict, dict]:
    """Best of `repeat` exports (and aggregate passes) of each warehouse, interleaved."""
    county, town = [], []
    for _ in range(repeat):
        county.append(measure_export(county_db, work / "county.json"))
        town.append(measure_export(demo_db, work / "demo.json"))
    return best(county, "ratio"), best(town, "ratio")


PAGE_RUNS = [*PAGES.items(), ("科学素质 分组=村(社区)", "pages/literacy.py")]


def measure_pages(county_db: Path, demo_db: Path, repeat: int, only: tuple[str, ...] | None = None) -> dict:
    """Best of `repeat` first runs of each page (or of those labelled in `only`) on each warehouse, interleaved."""
    pages = {}
    for label, page in [(label, page) for label, page in PAGE_RUNS if only is None or label in only]:
        by = "村(社区)" if "分组" in label else None
        county, town = [], []
        for _ in range(repeat):
            county.append(page_first_run(county_db, page, by))
            town.append(page_first_run(demo_db, page, by))
        pages[label] = {"county_s": min(county), "demo_s": min(town), "ratio": min(county) / min(town),
                        "county_samples": [round(x, 3) for x in county], "demo_samples": [round(x, 3) for x in town]}
    return pages


def goals(result: dict) -> list[dict]:
    """Every ratio of the issue's table beside its goal."""
    rows = []
    if "survey_load" in result:
        load = result["survey_load"]
        what = f"{load['rows']:,}行调查表入库 ÷ calamine读取"
        rows += [(f"{what}（时间）", load["ratio"], 1.3), (f"{what}（峰值内存）", load["memory_ratio"], 3.0)]
    rows += [("县级导出 ÷ 一次DuckDB聚合（时间）", result["export"]["ratio"], 5.0),
             ("县级导出峰值内存（MB）", result["export"]["export_peak_mb"], 500.0),
             ("演示数据导出 ÷ 一次DuckDB聚合（时间）", result["demo_export"]["ratio"], 5.0)]
    rows += [(f"{label}首次打开：县级 ÷ 演示", page["ratio"], 2.0) for label, page in result["pages"].items()]
    return [{"measure": m, "value": round(v, 3), "goal": g, "met": v <= g} for m, v, g in rows]


def run(scale: float, work: Path, reuse: bool = False, repeat: int = 3, load_rows: int = 99_999,
        towns: int = len(TOWNS), pages: tuple[str, ...] | None = None) -> dict:
    """Build both warehouses (or reuse those in `work`, marts rebuilt) and measure every ratio."""
    county_db, demo_db = work / "county.duckdb", work / "demo.duckdb"
    if reuse and county_db.exists() and demo_db.exists():
        result = {"scale": scale, "reused": True, "refresh_s": refresh(county_db), "demo_refresh_s": refresh(demo_db)}
    else:
        t = time.perf_counter()
        paths = write_county(work / "county", scale, TOWNS[:towns])
        written = time.perf_counter() - t
        result = {"scale": scale, "files": len(paths), "write_s": written, "load_s": load(county_db, paths),
                  "demo_load_s": load(demo_db, sorted((ROOT / "data" / "sample").glob("*.xlsx")))}
    import duckdb
    with duckdb.connect(str(county_db), read_only=True) as con:
        result["respondents"] = con.execute("select count(*) from survey_responses").fetchone()[0]
        result["activities"] = con.execute("select count(*) from activities").fetchone()[0]
    result["rebuild"] = rebuild(county_db)  # for the record (no goal): what a first export of new data costs
    if load_rows:
        from benchmarks.load import bench_survey_load
        result["survey_load"] = bench_survey_load(load_rows, repeat)
    result["export"], result["demo_export"] = measure_exports(county_db, demo_db, work, repeat)
    result["pages"] = measure_pages(county_db, demo_db, repeat, pages)
    result["goals"] = goals(result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.county")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 respondents (0.05 while developing)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the workbooks and warehouses")
    parser.add_argument("--reuse", action="store_true", help="measure the warehouses already in --work again")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (the best counts)")
    parser.add_argument("--load-rows", type=int, default=99_999, help="rows of the survey_load case (0: skip it)")
    parser.add_argument("--towns", type=int, default=len(TOWNS), help="towns of the county (the rows per town follow "
                        "--scale; fewer towns only to check that the benchmark runs)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="county_") as tmp:
        result = run(args.scale, args.work or Path(tmp), args.reuse, args.repeat, args.load_rows, args.towns)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "county.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    for goal in result["goals"]:
        print(f"{'达到' if goal['met'] else '未达到'}  {goal['measure']}：{goal['value']:g}（目标 ≤ {goal['goal']:g}）")
    if "survey_load" in result:  # what the load ratio cannot go below (benchmarks/load.py, "floor")
        load = result["survey_load"]
        print(f"下限  读取 + 同样的行直接写入DuckDB ÷ 读取：{load['floor_ratio']:.3g}（读取{load['baseline_s']:.2f}秒，"
              f"写入{load['floor_store_s']:.2f}秒；另有安全检查{load['floor_proof_s']:.2f}秒，部分与读取并行）")
    return 0


if __name__ == "__main__":
    sys.exit(main())

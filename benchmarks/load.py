"""Loading one large survey return, against the bare python-calamine read of the same sheet.

    python -m benchmarks.load            # 99,999 respondents (the sheet's 100,000-row limit with its header)
    python -m benchmarks.load --rows 5000

The return is written to disk first. Each measurement runs in a fresh Python process, after its imports:
- read: python-calamine opens the file and reads the 调查数据 sheet into Python lists (the least any loader does);
- load: what `python -m etl load FILE --db DB` does before its marts refresh — `etl.bulk.load_many` as the command
  line calls it: open the warehouse and read the plan, read, check, archive and store the return — into a warehouse
  that already holds the demo plan;
- refresh: the marts refresh the command line runs after that load (indicators/marts_refresh.refresh_file), in
  the same process, timed on its own and reported beside the load (`refresh_s`, `refresh_ratio`), not hidden;
- floor: what no load that keeps this product's guarantees can skip, beyond the read, each timed alone in a fresh
  process: a durable store of the rows the load stored, handed to DuckDB ready-made as Arrow (typed and raw
  layers, one transaction, the connection closed so the data reach the file), and the package's safety proof
  (etl.limits.check_limits: sizes, CRCs, every cell inside the grid limit; in a load, part of it runs while
  calamine parses, so it is reported beside the floor, not in it). `floor_ratio` = (read + store) ÷ read: the
  least the load ratio can be with python-calamine's read, before one cell is checked.
Time is the best wall time of `repeat` runs (and the best CPU time of the process, all threads, which a busy
machine disturbs less); memory is the peak resident set size the step adds to its process (Linux: the high-water
mark is reset after the imports through /proc/self/clear_refs). Each is reported as a ratio load ÷ read, measured in
the same run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xlsxwriter

ROWS = 99_999
SHEET = "调查数据"
HEADER = ["问卷编号", "调查日期", "村(社区)", "城乡", "性别", "年龄", "文化程度", "重点人群", "科学知识", "科学方法",
          "科学精神与思想", "应用科学能力", "总分", "科学兴趣"]
VILLAGES = (("柳堡社区", "城镇"), ("新街社区", "城镇"), ("河滨社区", "城镇"), ("工业园社区", "城镇"), ("新河村", "农村"),
            ("东庄村", "农村"), ("西湖村", "农村"), ("王集村", "农村"), ("李桥村", "农村"), ("张圩村", "农村"))
EDUCATION = ("小学及以下", "初中", "高中(含中专)", "大专", "本科及以上")
GROUPS = ("农民", "城镇劳动人口", "领导干部和公务员", "其他")
# Every MESSY-th row is typed the way some departments type: 男性, full-width digits, dates as Chinese text.
MESSY = 500


def survey_return(path: Path, rows: int = ROWS, year: int = 2025) -> Path:
    """Write a valid survey return of `rows` respondents of 科协 for `year` (shared strings, as Excel saves)."""
    book = xlsxwriter.Workbook(str(path))  # shared strings, as Excel writes them
    info = book.add_worksheet("填报信息")
    for r, (k, v) in enumerate([("字段", "内容"), ("报表类型", "科学素质调查"), ("填报单位", "科协"), ("调查年度", year),
                                ("填报人", "周海燕")]):
        info.write_row(r, 0, [k, v])
    sheet = book.add_worksheet(SHEET)
    sheet.write_row(0, 0, HEADER)
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    rng = np.random.default_rng(2025)
    village = rng.integers(0, len(VILLAGES), rows)
    age = rng.integers(6, 90, rows)
    days = rng.integers(0, 300, rows)
    dims = np.round(rng.uniform(0, 1, (rows, 4)) * [40, 20, 20, 20], 1)
    education = rng.integers(0, len(EDUCATION), rows)
    group = rng.integers(0, len(GROUPS), rows)
    interest = rng.integers(1, 6, rows)
    sex = rng.integers(0, 2, rows)
    start = dt.datetime(year, 1, 1)
    for i in range(rows):
        row = i + 1
        messy = i % MESSY == MESSY - 1
        name, residence = VILLAGES[village[i]]
        adult = age[i] >= 18
        sheet.write_string(row, 0, f"KX{year}-{i + 1:06d}")
        day = start + dt.timedelta(days=int(days[i]))
        if messy:
            sheet.write_string(row, 1, f"{day.year}年{day.month}月{day.day}日")
        else:
            sheet.write_datetime(row, 1, day, date)
        sheet.write_row(row, 2, [name, residence, ("男", "女")[sex[i]] + ("性" if messy else "")])
        if messy:
            sheet.write_string(row, 5, str(int(age[i])).translate(str.maketrans("0123456789", "０１２３４５６７８９")))
        else:
            sheet.write_number(row, 5, int(age[i]))
        if adult:
            sheet.write_string(row, 6, EDUCATION[education[i]])
        sheet.write_string(row, 7, GROUPS[group[i]] if adult else "未成年人")
        sheet.write_row(row, 8, [*map(float, dims[i]), round(float(dims[i].sum()), 1), int(interest[i])])
    book.close()
    return Path(path)


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def measure(step: str, path: Path, db_file: Path | None, plan_db: Path | None = None) -> dict:
    """Run one step in this process after its imports: wall seconds and the peak RSS it adds (bytes)."""
    import python_calamine
    refresh = None
    if step == "load":
        from etl import bulk, columns, rules, store, validate  # noqa: F401 - imported before the peak is reset
        from indicators import marts_refresh

        def run():  # as etl.__main__._load calls it (the CLI reads the file's bytes first)
            receipts = bulk.load_many([(path.name, path.read_bytes())], db_file, user="benchmark")
            if [r.status for r in receipts] != ["stored"]:
                raise SystemExit("load refused the benchmark return:\n" + "\n".join(r.to_text() for r in receipts)[:3000])

        def refresh():  # what the CLI runs after a load that stored something
            marts_refresh.refresh_file(db_file)
    elif step == "floor":
        return measure_floor(path, db_file, plan_db)
    else:
        def run():
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            rows = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
            assert len(rows) > 1
    exact = _reset_peak()
    base = _rss_kb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _rss_kb("VmHWM") - base if exact else _rss_kb("VmHWM")
    result = {"step": step, "seconds": seconds, "cpu_seconds": cpu, "peak_bytes": peak * 1024, "peak_exact": exact}
    if refresh is not None:
        exact = _reset_peak()
        base = _rss_kb("VmRSS")
        start, cpu = time.perf_counter(), time.process_time()
        refresh()
        result.update(refresh_seconds=time.perf_counter() - start, refresh_cpu_seconds=time.process_time() - cpu,
                      refresh_peak_bytes=(_rss_kb("VmHWM") - base if exact else _rss_kb("VmHWM")) * 1024)
    return result


def measure_floor(path: Path, loaded_db: Path, plan_db: Path) -> dict:
    """The safety proof alone, and a durable store of the rows `loaded_db`'s survey return holds (ready-made Arrow
    tables, into a copy of the plan-only warehouse `plan_db`): wall seconds of each."""
    import duckdb

    from etl import limits
    data = path.read_bytes()
    start = time.perf_counter()
    problems = limits.check_limits(data, path.name)
    proof = time.perf_counter() - start
    assert not [p for p in problems if p.severity == "error"], problems
    with duckdb.connect(str(loaded_db), read_only=True) as source:
        last = "(select max(return_id) from returns where kind = 'survey')"
        _typed = source.sql(f"select * from survey_responses where return_id = {last}").to_arrow_table()  # noqa: F841
        _raw = source.sql(f"select * from raw_rows where return_id = {last}").to_arrow_table()  # noqa: F841
    target = loaded_db.with_name("floor.duckdb")
    shutil.copy(plan_db, target)
    con = duckdb.connect(str(target))
    start = time.perf_counter()
    con.execute("begin transaction")
    con.execute("insert into survey_responses select * from _typed")
    con.execute("insert into raw_rows select * from _raw")
    con.execute("commit")
    con.close()
    return {"step": "floor", "proof_seconds": proof, "store_seconds": time.perf_counter() - start}


def _in_subprocess(step: str, path: Path, db_file: Path | None, plan_db: Path | None = None) -> dict:
    args = [sys.executable, "-m", "benchmarks.load", "--measure", step, "--file", str(path)]
    if db_file is not None:
        args += ["--db", str(db_file)]
    if plan_db is not None:
        args += ["--plan-db", str(plan_db)]
    done = subprocess.run(args, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _plan_warehouse(folder: Path) -> Path:
    from etl.bulk import SAMPLE_DIR
    from etl.store import load_return
    db_file = folder / "plan.duckdb"
    receipt = load_return((SAMPLE_DIR / "plan.xlsx").read_bytes(), "plan.xlsx", db_file)
    assert receipt.status == "stored", receipt.to_text()
    return db_file


def bench_survey_load(rows: int = ROWS, repeat: int = 2) -> dict:
    """Time and peak memory of loading a `rows`-respondent survey return, against the bare read of its sheet."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = survey_return(folder / "survey_2025_科协.xlsx", rows)
        plan_db = _plan_warehouse(folder)
        reads, loads, floors = [], [], []
        for attempt in range(repeat):
            reads.append(_in_subprocess("read", path, None))
            run_dir = folder / f"run{attempt}"
            run_dir.mkdir()
            db_file = run_dir / "warehouse.duckdb"
            shutil.copy(plan_db, db_file)
            loads.append(_in_subprocess("load", path, db_file))
            floors.append(_in_subprocess("floor", path, db_file, plan_db))
        read = {key: min(r[key] for r in reads) for key in ("seconds", "cpu_seconds", "peak_bytes")}
        load = {key: min(r[key] for r in loads) for key in ("seconds", "cpu_seconds", "peak_bytes", "refresh_seconds",
                                                             "refresh_cpu_seconds", "refresh_peak_bytes")}
        proof, store = (min(f[key] for f in floors) for key in ("proof_seconds", "store_seconds"))
        read_peak, load_peak = read["peak_bytes"], load["peak_bytes"]
        return {"case": "survey_load", "rows": rows, "file_mb": path.stat().st_size / 2**20,
                "ours_s": load["seconds"], "baseline_s": read["seconds"], "ratio": load["seconds"] / read["seconds"],
                "ours_cpu_s": load["cpu_seconds"], "baseline_cpu_s": read["cpu_seconds"],
                "cpu_ratio": load["cpu_seconds"] / read["cpu_seconds"],
                "load_peak_mb": load_peak / 2**20, "read_peak_mb": read_peak / 2**20,
                "memory_ratio": load_peak / read_peak, "peak_exact": loads[0]["peak_exact"],
                "refresh_s": load["refresh_seconds"], "refresh_ratio": load["refresh_seconds"] / read["seconds"],
                "refresh_cpu_s": load["refresh_cpu_seconds"], "refresh_peak_mb": load["refresh_peak_bytes"] / 2**20,
                "floor_proof_s": proof, "floor_store_s": store,
                "floor_ratio": (read["seconds"] + store) / read["seconds"],
                "baseline": "bare python-calamine read of the same sheet (ratio: load ÷ read; goal ≤ 1.3×, memory ≤ 3×)",
                "refresh": "the marts refresh `python -m etl load` runs after this load (indicators/), timed apart: "
                           "refresh_ratio = refresh ÷ read",
                "floor": "(read + durable store of the same rows from ready-made Arrow) ÷ read: the least a load "
                         "can be against this baseline before any cell is checked or proven safe (floor_proof_s)"}


def main(argv=None) -> dict | None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--measure", choices=["read", "load", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--plan-db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.file, args.db, args.plan_db)))
        return None
    result = bench_survey_load(args.rows, args.repeat)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return result


if __name__ == "__main__":
    main()

"""Workbook formats: the cost of checking a file before it is read, as a ratio against the bare read.

Case
- formulas: a sheet of 100,000 formula cells with saved values (10,000 rows × 10 columns, written by
            xlsxwriter). `ratio`: the file check (limits scan, then the reader: check_limits + check_return) ÷
            python-calamine reading the same sheet (open, then every cell); at most 2 is the target. Also
            reported: the limits scan alone (`scan_ratio`) and `python -m etl check` end to end, warehouse
            opening included (`etl_check_ratio`).
"""
from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

import xlsxwriter

FORMULA_WIDTH = 10


def formula_sheet(cells: int) -> bytes:
    """A workbook whose one sheet holds `cells` formulas, each with its saved value, as Excel keeps them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("公式")
    for row in range(cells // FORMULA_WIDTH):
        for column in range(FORMULA_WIDTH):
            sheet.write_formula(row, column, f"=ROW()*{column + 1}", None, (row + 1) * (column + 1))
    book.close()
    return buffer.getvalue()


def bench_formulas(cells: int, repeat: int = 3) -> dict:
    """`etl check` and the limits scan of a sheet of `cells` formulas vs the bare calamine read (best of
    `repeat`, taken in turns so that a busy machine slows all three alike)."""
    import python_calamine

    from etl.limits import check_limits
    from etl.store import load_return
    from etl.validate import check_return
    data = formula_sheet(cells)

    def bare():
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        assert len(book.get_sheet_by_name("公式").to_python(skip_empty_area=False)) == cells // FORMULA_WIDTH

    def scan():
        [problem] = check_limits(data)
        assert problem.code == "formula_cached" and f"有{cells}个单元格是公式" in problem.message

    def check():
        problems = check_limits(data)
        assert [p.code for p in problems] == ["formula_cached"]
        checked = check_return(data, None)
        assert [p.code for p in checked.problems] == ["missing_sheet"]

    with tempfile.TemporaryDirectory() as folder:
        def etl_check():
            receipt = load_return(data, "公式.xlsx", Path(folder) / "w.duckdb", dry_run=True)
            assert [p.code for p in receipt.problems] == ["formula_cached", "missing_sheet"], receipt.to_text()

        etl_check()  # the warehouse is created once, outside the timings
        best = {"bare": float("inf"), "check": float("inf"), "scan": float("inf"), "etl_check": float("inf")}
        for _ in range(repeat):
            for name, fn in (("bare", bare), ("check", check), ("scan", scan), ("etl_check", etl_check)):
                start = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - start)
    return {"case": "formulas", "cells": cells, "file_mb": len(data) / 2**20, "ours_s": best["check"],
            "baseline_s": best["bare"], "scan_s": best["scan"], "ratio": best["check"] / best["bare"],
            "scan_ratio": best["scan"] / best["bare"], "etl_check_s": best["etl_check"],
            "etl_check_ratio": best["etl_check"] / best["bare"],
            "baseline": "bare calamine read of the sheet (ratio = our check ÷ bare read; target ≤ 2)"}


if __name__ == "__main__":
    result = bench_formulas(100_000)
    print(f"formulas: bare read {result['baseline_s']:.3f}s; check {result['ours_s']:.3f}s ({result['ratio']:.2f}×), "
          f"scan {result['scan_s']:.3f}s ({result['scan_ratio']:.2f}×), etl check {result['etl_check_s']:.3f}s "
          f"({result['etl_check_ratio']:.2f}×)")

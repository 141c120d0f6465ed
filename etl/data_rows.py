"""Which rows under a sheet's header are data: blank spacer rows, total rows and signature lines are skipped.

    row 3  | 科普讲座进村 | 科普讲座 | 1,200 | ...             <- data: kept
    row 4  |            |          |       |                   <- blank: counted, skipped
    row 9  | 合计       |          | 8,765 |                   <- total row: noted, skipped
    row 11 | 填表人：张三   审核人：李四                         <- signature line: noted, skipped

Most rows of a large return are plainly data; those are found column by column (C functions over whole columns,
no Python step per cell) and kept without a look. Every other row gets the row-by-row look that defines the rules.
"""
from __future__ import annotations

from itertools import compress, repeat
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from etl.cells import is_blank
from etl.receipt import Problem, note

FOOTER_WORDS = ("填表人", "填报人", "审核人", "负责人", "制表人", "制表", "单位盖章", "盖章", "签字", "填表日期")
TOTAL_WORDS = ("合计", "总计", "小计")
FOOTER_MAX_CELLS = 4
_TOTAL_WORDS = frozenset(TOTAL_WORDS)
_NEVER_BLANK = {int, bool}  # with dates and times: cell types that are never blank (no str, None or NaN)


def data_rows(grid: list[list[Any]], start: int, name: str) -> tuple[list[tuple[int, list[Any]]], list[Problem]]:
    """(Excel row number, cells) of each data row of `grid` from index `start`, and the notes on rows skipped."""
    problems: list[Problem] = []
    keep = np.asarray(sure_data_rows(grid, start), dtype=bool)
    blank = 0
    for index in (np.flatnonzero(~keep) + start).tolist():
        cells, row_no = grid[index], index + 1
        texts = [str(c).strip() for c in cells if not is_blank(c)]
        if not texts:
            blank += 1
            continue
        if any(t.replace(" ", "").rstrip(":：") in TOTAL_WORDS for t in texts[:2]):
            problems.append(note("total_row", "合计行已跳过（不作为数据）", sheet=name, row=row_no, value=texts[0]))
            continue
        # A signature line holds a few cells (填表人：张三  审核人：李四  日期); a data row is fuller, even when an
        # activity is called 负责人培训班.
        if len(texts) <= FOOTER_MAX_CELLS and any(t.startswith(FOOTER_WORDS) for t in texts[:3]):
            problems.append(note("footer_row", "签字盖章行已跳过", sheet=name, row=row_no, value=texts[0]))
            continue
        keep[index - start] = True
    kept = (np.flatnonzero(keep) + start).tolist()
    rows = list(zip([i + 1 for i in kept], map(grid.__getitem__, kept)))  # the grid's own lists: nothing else holds them
    if blank and rows and rows[-1][0] > start:
        problems.append(note("blank_rows", f"空行{blank}行已跳过", sheet=name))
    return rows, problems


def sure_data_rows(grid: list[list[Any]], start: int) -> list[bool]:
    """For each row from `start`, True when the row-by-row look would surely keep it as data: its first two cells
    hold something that is not a total word, and so do three more (five filled cells: not a signature line)."""
    body = grid[start:]
    if not body or min(map(len, body)) < FOOTER_MAX_CELLS + 1:
        return [False] * len(body)
    sure = _filled(body, 0, totals=True) & _filled(body, 1, totals=True)
    # Three more filled columns, any of them: best those told without reading text (numbers, dates), as the first
    # and last rows suggest (the choice only saves time; _filled reads every cell of the columns chosen).
    first, last = body[0], body[-1]
    rest = sorted(range(2, min(map(len, body))), key=lambda j: isinstance(first[j], str) or isinstance(last[j], str))
    for index in rest[:FOOTER_MAX_CELLS + 1 - 2]:
        sure &= _filled(body, index)
    return sure.tolist()


def _filled(body: list[list[Any]], index: int, totals: bool = False) -> np.ndarray:
    """Per row: column `index` holds something (is_blank false); with `totals`, and its text is no total word."""
    cells = list(map(itemgetter(index), body))
    kinds = set(map(type, cells))
    filled = np.ones(len(cells), dtype=bool)
    if any(k not in _NEVER_BLANK and k.__module__ != "datetime" for k in kinds):
        filled = ~pd.isna(np.fromiter(cells, dtype=object, count=len(cells)))  # None and NaN are blank
    if str in kinds or any(issubclass(k, str) for k in kinds):
        is_text = np.fromiter(map(isinstance, cells, repeat(str)), dtype=bool, count=len(cells))
        texts = list(map(str.strip, compress(cells, is_text)))  # str(c).strip(), as the row-by-row look reads it
        ok = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) > 0
        if totals:
            keys = map(str.rstrip, map(str.replace, texts, repeat(" "), repeat("")), repeat(":："))
            ok &= ~np.fromiter(map(_TOTAL_WORDS.__contains__, keys), dtype=bool, count=len(texts))
        filled[is_text] = ok
    return filled

"""openpyxl (read-only) behind the few calls etl.read makes of a calamine workbook, for the well-formed packages
calamine cannot open (a workbook holding an Excel 4.0 macro sheet, for one).

The file has passed etl.limits first, so its sheets are inside the row and column limits; the sheet's
<dimension> is ignored here too (reset_dimensions), and the grid is cut at the limits all the same. Cells come
back as calamine gives them: '' for empty, numbers as float, a date without time as a date.
"""
from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass
from typing import Any

from etl.limits import MAX_COLUMNS, MAX_ROWS


@dataclass(frozen=True)
class SheetInfo:
    """A sheet's name and whether it is hidden (calamine's sheets_metadata, reduced to what etl.read uses)."""

    name: str
    hidden: bool


class OpenpyxlSheet:
    """One worksheet: its cells from A1 as a rectangular grid; merged ranges are not known in read-only mode."""

    merged_cell_ranges: list = []

    def __init__(self, sheet):
        self._sheet = sheet

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        """The sheet's cells as calamine's to_python(skip_empty_area=False) gives them."""
        self._sheet.reset_dimensions()
        grid = []
        for index, row in enumerate(self._sheet.iter_rows(values_only=True)):
            if index >= MAX_ROWS:
                break
            cells = [_value(v) for v in row[:MAX_COLUMNS]]
            while cells and cells[-1] == "":
                cells.pop()
            grid.append(cells)
        while grid and not grid[-1]:
            grid.pop()
        width = max((len(r) for r in grid), default=0)
        return [r + [""] * (width - len(r)) for r in grid]


class OpenpyxlBook:
    """A workbook opened with openpyxl, read-only and values only (formulas are never evaluated)."""

    def __init__(self, data: bytes):
        from openpyxl import load_workbook
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about parts it skips (macro sheets, extensions)
            self._book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        self.sheet_names = list(self._book.sheetnames)
        self.sheets_metadata = [SheetInfo(s.title, s.sheet_state != "visible") for s in self._book.worksheets]

    def get_sheet_by_name(self, name: str) -> OpenpyxlSheet:
        """The named sheet."""
        return OpenpyxlSheet(self._book[name])


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value

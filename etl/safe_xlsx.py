"""Writing .xlsx that is safe to open: no text is ever turned into a formula (CSV/formula injection)."""
from __future__ import annotations

import math
import numbers
from typing import IO

import pandas as pd
import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky_text(value) -> bool:
    """True for text that a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_csv_value(value):
    """A value for CSV: risky text gets a leading apostrophe so spreadsheets show it as text."""
    return "'" + value if is_risky_text(value) else value


def write_frames(target: str | IO[bytes], frames: dict[str, pd.DataFrame], widths: int = 16) -> None:
    """Write each DataFrame to its own sheet; every string is written as a string, never a formula."""
    workbook = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False, "in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    for name, frame in frames.items():
        sheet = workbook.add_worksheet(name[:31])
        for col, header in enumerate(frame.columns):
            sheet.write_string(0, col, str(header), bold)
            sheet.set_column(col, col, widths)
        for row_no, row in enumerate(frame.itertuples(index=False), start=1):
            for col, value in enumerate(row):
                _write(sheet, row_no, col, value)
        sheet.freeze_panes(1, 0)
    workbook.close()


def _write(sheet, row: int, col: int, value) -> None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否")
    elif isinstance(value, numbers.Real):
        sheet.write_number(row, col, float(value))
    else:
        sheet.write_string(row, col, str(value))

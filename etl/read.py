"""Reading a department's workbook with python-calamine into tables with Excel row numbers.

A data sheet as departments really send it:

    row 1  | 柳堡镇2025年第一季度科普活动统计表 |           |          |   <- title rows (0–3): noted, skipped
    row 2  | 活动名称 | 活动类型 | 参与人次(人) | ...         <- header: Chinese, English alias, unit or （）
    row 3  | 科普讲座进村 | 科普讲座 | 1,200 | ...             <- data rows, numbered as Excel shows them
    row 4  |            |          |       |                   <- blank spacer rows: skipped
    row 9  | 合计       |          | 8,765 |                   <- total row: noted, skipped
    row 11 | 填表人：张三   审核人：李四                         <- signature lines: noted, skipped
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from etl.cells import is_blank, match_header, normalize_header, parse_text
from etl.receipt import Problem, error, note, warning
from etl.spec import INFO_SHEET, Column, Sheet, WorkbookKind

HEADER_SCAN_ROWS = 10
FOOTER_WORDS = ("填表人", "填报人", "审核人", "负责人", "制表人", "制表", "单位盖章", "盖章", "签字", "填表日期")
TOTAL_WORDS = ("合计", "总计", "小计")


class UnreadableWorkbook(Exception):
    """The file is not a workbook this app can open; the message says why, in Chinese."""


@dataclass
class SheetTable:
    """A data sheet as read: the columns found, extra headers, data rows with Excel row numbers."""

    sheet: Sheet
    title: str
    header_row: int
    columns: dict[int, Column]
    extra: dict[int, str]
    rows: list[tuple[int, list[Any]]]
    hidden_rows: int = 0

    def cell(self, cells: list[Any], column: Column) -> Any:
        """The cell of `column` in one row, or None where the column is absent."""
        for index, col in self.columns.items():
            if col is column:
                return cells[index] if index < len(cells) else None
        return None

    def raw_record(self, cells: list[Any]) -> dict[str, str]:
        """Every cell of a row, keyed by its header as written, as text (for the raw layer)."""
        headers = {**{i: c.name for i, c in self.columns.items()}, **self.extra}
        return {headers[i]: ("" if is_blank(cells[i]) else str(cells[i]))
                for i in sorted(headers) if i < len(cells)}


@dataclass
class Workbook:
    """A workbook as read: its 填报信息 fields and its data sheets by alias."""

    info: dict[str, Any]
    info_rows: dict[str, int]
    sheets: dict[str, SheetTable]
    problems: list[Problem] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)


def open_workbook(data: bytes) -> python_calamine.CalamineWorkbook:
    """Open .xlsx bytes with calamine; unreadable files raise UnreadableWorkbook with a Chinese reason."""
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise UnreadableWorkbook("工作簿设有打开密码，无法读取。请取消密码后重新上传。") from exc
    except Exception as exc:  # calamine raises several types for damaged files
        raise UnreadableWorkbook(f"文件无法作为Excel工作簿打开（{type(exc).__name__}）。"
                                 "请用Excel另存为.xlsx后重新上传。") from exc


def find_sheet(names: list[str], wanted: Sheet) -> str | None:
    """The workbook's sheet named like `wanted` (Chinese or English, spaces and brackets folded)."""
    keys = {normalize_header(wanted.name), normalize_header(wanted.alias)}
    return next((n for n in names if normalize_header(n) in keys), None)


def read_info(book, name: str, kind_info: tuple[Column, ...]) -> tuple[dict, dict, list[Problem]]:
    """The 填报信息 sheet: one field a row, its name in the first non-empty cell, its value in the next."""
    info, where, problems = {}, {}, []
    for row_no, cells in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False), start=1):
        filled = [c for c in cells if not is_blank(c)]
        if len(filled) < 1:
            continue
        column = match_header(filled[0], kind_info)
        if column is None:
            continue
        if column.field in info:
            problems.append(error("duplicate_field", "填报信息中该项重复填写", sheet=INFO_SHEET.name,
                                  row=row_no, column=column.name))
            continue
        info[column.field] = filled[1] if len(filled) > 1 else None
        where[column.field] = row_no
    return info, where, problems


def read_report_type(data: bytes) -> str | None:
    """The 报表类型 written on the 填报信息 sheet, or None (used to pick the kind before reading)."""
    book = open_workbook(data)
    name = find_sheet(book.sheet_names, INFO_SHEET)
    if name is None:
        return None
    type_column = Column("报表类型", "report_type")
    info, _, _ = read_info(book, name, (type_column,))
    value = info.get("report_type")
    return None if is_blank(value) else parse_text(value).value


def read_workbook(data: bytes, kind: WorkbookKind, extra_columns: tuple[Column, ...] = ()) -> Workbook:
    """Read every sheet of `kind` from the bytes; structural problems (missing sheet or header) are errors."""
    book = open_workbook(data)
    names = list(book.sheet_names)
    problems: list[Problem] = []
    hidden = {m.name for m in book.sheets_metadata if str(m.visible) != str(m.visible.Visible)}
    info_name = find_sheet(names, INFO_SHEET)
    info, info_rows = {}, {}
    if info_name is None:
        problems.append(error("missing_sheet", "缺少工作表“填报信息”", sheet="填报信息",
                              expected="两列：项目名称、填写内容"))
    else:
        info, info_rows, found = read_info(book, info_name, kind.info)
        problems += found
    sheets = {}
    for sheet in kind.sheets:
        name = find_sheet(names, sheet)
        if name is None:
            if not sheet.optional:
                problems.append(error("missing_sheet", f"缺少工作表“{sheet.name}”", sheet=sheet.name))
            continue
        if name in hidden:
            problems.append(warning("hidden_sheet", "该工作表被隐藏，已照常读取", sheet=name))
        columns = sheet.columns + (extra_columns if sheet.alias in ("responses",) else ())
        table, found = read_table(book, name, Sheet(sheet.name, sheet.alias, columns, sheet.optional))
        problems += found
        if table is not None:
            sheets[sheet.alias] = table
    return Workbook(info, info_rows, sheets, problems, names)


def read_table(book, name: str, sheet: Sheet) -> tuple[SheetTable | None, list[Problem]]:
    """One data sheet: header row located under any title rows, footers and spacer rows dropped."""
    grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    problems: list[Problem] = []
    header_index, best = None, 0
    for index, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = sum(match_header(c, sheet.columns) is not None for c in cells if not is_blank(c))
        if hits > best and hits >= min(2, len(sheet.columns)):
            header_index, best = index, hits
            if hits >= len([c for c in cells if not is_blank(c)]) * 0.6:
                break
    if header_index is None:
        names = "、".join(c.name for c in sheet.columns if c.required)
        return None, [error("no_header", "找不到表头行（前10行中没有可识别的列名）", sheet=name,
                            expected=f"表头包含：{names}")]
    for index in range(header_index):
        if any(not is_blank(c) for c in grid[index]):
            problems.append(note("title_row", "表头上方的标题行已跳过", sheet=name, row=index + 1,
                                 value=_first_text(grid[index])))
    columns, extra = {}, {}
    for index, text in enumerate(grid[header_index]):
        if is_blank(text):
            continue
        column = match_header(text, sheet.columns)
        if column is None:
            extra[index] = str(text).strip()
        elif column in columns.values():
            problems.append(error("duplicate_column", "同一列出现两次", sheet=name, row=header_index + 1,
                                  column=column.name, value=str(text).strip()))
        else:
            columns[index] = column
            if normalize_header(text) != normalize_header(column.name):
                problems.append(note("header_alias", f"表头“{str(text).strip()}”按“{column.name}”读取",
                                     sheet=name, row=header_index + 1, column=column.name))
    for column in sheet.columns:
        if column.required and column not in columns.values():
            problems.append(error("missing_column", "缺少必填列", sheet=name, row=header_index + 1,
                                  column=column.name))
    rows, skipped = [], {"blank": 0}
    for index in range(header_index + 1, len(grid)):
        cells, row_no = grid[index], index + 1
        texts = [str(c).strip() for c in cells if not is_blank(c)]
        if not texts:
            skipped["blank"] += 1
            continue
        if any(t.replace(" ", "") in TOTAL_WORDS for t in texts[:2]):
            problems.append(note("total_row", "合计行已跳过（不作为数据）", sheet=name, row=row_no, value=texts[0]))
            continue
        if any(t.startswith(FOOTER_WORDS) for t in texts[:3]):
            problems.append(note("footer_row", "签字盖章行已跳过", sheet=name, row=row_no, value=texts[0]))
            continue
        rows.append((row_no, list(cells)))
    if skipped["blank"] and rows and rows[-1][0] > header_index + 1:
        problems.append(note("blank_rows", f"空行{skipped['blank']}行已跳过", sheet=name))
    return SheetTable(sheet, name, header_index + 1, columns, extra, rows), problems


def _first_text(cells: list[Any]) -> str:
    return next((str(c).strip() for c in cells if not is_blank(c)), "")

"""Reading a department's workbook with python-calamine into tables with Excel row numbers.

A data sheet as departments really send it:

    row 1  | 柳堡镇2025年第一季度科普活动统计表 |           |          |   <- title rows (0–3): noted, skipped
    row 2  | 活动名称 | 活动类型 | 参与人次(人) | ...         <- header: Chinese, English alias, unit or （）
    row 3  | 科普讲座进村 | 科普讲座 | 1,200 | ...             <- data rows, numbered as Excel shows them
    row 4  |            |          |       |                   <- blank spacer rows: skipped
    row 9  | 合计       |          | 8,765 |                   <- total row: noted, skipped
    row 11 | 填表人：张三   审核人：李四                         <- signature lines: noted, skipped

Hidden rows and columns are read as usual, with a warning (the office should know the return holds more than
its sender saw). A header on two rows (a group label merged over its sub-headers) is read as one header, and a
cell merged down over data rows counts for each of them. A sheet calamine cannot read is an `unreadable` error.
"""
from __future__ import annotations

import io
import zipfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from etl.cells import raw_text, unit_conflict, is_blank, match_header, normalize_header, parse_text
from etl import limits, sheet_cache
from etl.data_rows import data_rows
from etl.openpyxl_book import OpenpyxlBook, SheetInfo
from etl.package import STRICT_NAMESPACE, package_names, sheet_parts, workbook_part
from etl.receipt import Problem, error, note, warning
from etl.sheet_cache import OpenFailed
from etl.spec import INFO_SHEET, Column, Sheet, WorkbookKind

HEADER_SCAN_ROWS = 10


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
    _positions: dict | None = field(default=None, init=False, repr=False, compare=False)
    _headers: list | None = field(default=None, init=False, repr=False, compare=False)

    def cell(self, cells: list[Any], column: Column) -> Any:
        """The cell of `column` in one row, or None where the column is absent."""
        if self._positions is None:
            self._positions = {id(col): index for index, col in self.columns.items()}
        index = self._positions.get(id(column))
        return cells[index] if index is not None and index < len(cells) else None

    def raw_record(self, cells: list[Any]) -> dict[str, str]:
        """Every cell of a row, keyed by its header as written, as text (for the raw layer)."""
        if self._headers is None:
            headers = {**{i: c.name for i, c in self.columns.items()}, **self.extra}
            self._headers = [(i, headers[i]) for i in sorted(headers)]
        return {header: raw_text(cells[i]) for i, header in self._headers if i < len(cells)}


@dataclass
class Workbook:
    """A workbook as read: its 填报信息 fields and its data sheets by alias."""

    info: dict[str, Any]
    info_rows: dict[str, int]
    sheets: dict[str, SheetTable]
    problems: list[Problem] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)


def open_workbook(data: bytes):
    """Open workbook bytes (.xlsx/.xlsm/.xlsb/.xls/.ods) with calamine; a well-formed package calamine cannot
    open is read with openpyxl (read-only). Unreadable files raise UnreadableWorkbook with the reason in Chinese."""
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise UnreadableWorkbook("工作簿设有打开密码，无法读取。请取消密码后重新上传。") from exc
    except BaseException as exc:  # calamine raises several types, and a Rust panic (a BaseException)
        _reraise_interrupt(exc)
        failure = exc
    if data[:2] == b"PK":
        try:
            book = OpenpyxlBook(data)
            if book.sheet_names:  # openpyxl opens a Strict package as a workbook without sheets
                return book
        except Exception:  # openpyxl cannot read it either: the reason is told below
            pass
    raise UnreadableWorkbook(_unreadable_reason(data)) from failure


def _reraise_interrupt(exc: BaseException) -> None:
    """Ctrl-C and exit pass through; anything else a reader raises (a panic too) means: cannot read."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def _unreadable_reason(data: bytes) -> str:
    """Why neither reader opens the file, as the office can act on it."""
    save_as = "请在Excel中“另存为”Excel工作簿(.xlsx)后重新上传。"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        part = workbook_part(archive)
        head = archive.open(package_names(archive)[part]).read(4096) if part else b""
    except Exception:  # not a readable package: the generic reason below
        head = b""
    if STRICT_NAMESPACE in head:
        return "工作簿是Strict Open XML格式（“严格Open XML电子表格”），无法读取。" + save_as
    return "文件无法作为Excel工作簿打开，可能已损坏或不是Excel文件。" + save_as


def hidden_sheets(book) -> set[str]:
    """Names of the sheets the sender cannot see (hidden or very hidden)."""
    return {m.name for m in book.sheets_metadata
            if (m.hidden if isinstance(m, SheetInfo) else str(m.visible) != str(m.visible.Visible))}


def _sheet_rows(book, name: str, parsed: Future | None = None) -> tuple[Any, list[list[Any]]]:
    """The sheet and its cells from A1 (empty cells included); a damaged sheet raises UnreadableWorkbook.

    `parsed` is the same read made in the background (etl.sheet_cache); where it could not open the workbook,
    the sheet is read here."""
    try:
        if parsed is not None:
            try:
                return parsed.result()
            except OpenFailed:
                pass
        sheet = book.get_sheet_by_name(name)
        return sheet, sheet.to_python(skip_empty_area=False)
    except BaseException as exc:  # calamine raises XmlError, ZipError … for a damaged part, or panics
        _reraise_interrupt(exc)
        raise UnreadableWorkbook(f"工作表“{name}”无法读取，文件可能已损坏。"
                                 "请用Excel另存为Excel工作簿(.xlsx)后重新上传。") from exc


def find_sheet(names: list[str], wanted: Sheet) -> str | None:
    """The workbook's sheet named like `wanted` (Chinese or English, spaces and brackets folded)."""
    keys = {normalize_header(wanted.name), normalize_header(wanted.alias)}
    return next((n for n in names if normalize_header(n) in keys), None)


def read_info(book, name: str, kind_info: tuple[Column, ...]) -> tuple[dict, dict, list[Problem]]:
    """The 填报信息 sheet: one field a row, its name in the first non-empty cell, its value in the next."""
    info, where, problems = {}, {}, []
    for row_no, cells in enumerate(_sheet_rows(book, name)[1], start=1):
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


def read_workbook(data: bytes, kind: WorkbookKind, extra_columns: tuple[Column, ...] = (), book=None) -> Workbook:
    """Read every sheet of `kind` from the bytes (`book`: the same bytes already opened); structural problems
    (missing sheet or header) are errors."""
    book = open_workbook(data) if book is None else book
    shared = sheet_cache.shared_for(data)
    names = list(book.sheet_names)
    problems: list[Problem] = []
    hidden = hidden_sheets(book)
    info_name = find_sheet(names, INFO_SHEET)
    info, info_rows = {}, {}
    if info_name is None:
        problems.append(error("missing_sheet", "缺少工作表“填报信息”", sheet="填报信息",
                              expected="两列：项目名称、填写内容"))
    else:
        try:
            info, info_rows, found = read_info(book, info_name, kind.info)
            problems += found
        except UnreadableWorkbook as exc:
            problems.append(error("unreadable", str(exc), sheet=info_name))
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
        try:
            table, found = read_table(book, name, Sheet(sheet.name, sheet.alias, columns, sheet.optional),
                                      shared.take_parse(name) if shared is not None else None)
        except UnreadableWorkbook as exc:
            problems.append(error("unreadable", str(exc), sheet=name))
            continue
        problems += found
        if table is not None:
            problems += _hidden_cells(data, table)
            sheets[sheet.alias] = table
    return Workbook(info, info_rows, sheets, problems, names)


def _hidden_cells(data: bytes, table: SheetTable) -> list[Problem]:
    """Warnings for data rows and filled columns the sender cannot see (hidden or filtered out): they are read
    as usual, and the office should know that the return holds more than its sender saw."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        path = sheet_parts(archive).get(table.title)
        if not path or not path.lower().endswith(".xml"):  # .xlsb sheets are binary; .xls/.ods not a package
            return []
        shared = sheet_cache.shared_for(data)
        facts = shared.facts.get(path) if shared is not None else None  # the limits check's scan of this load
        if facts is None:
            facts = limits.scan_sheet(archive, path, table.title)
    except Exception:  # the file passed etl.limits; a part it cannot scan here only loses this warning
        return []
    problems = []
    hidden_rows = set(facts.hidden_rows)
    rows = [row_no for row_no, _ in table.rows if row_no in hidden_rows]
    table.hidden_rows = len(rows)
    if rows:
        shown = "、".join(map(str, rows[:10])) + ("等" if len(rows) > 10 else "")
        message = "该行被隐藏" if len(rows) == 1 else f"该行等{len(rows)}行被隐藏（第{shown}行）"
        problems.append(warning("hidden_rows", message + "，已照常读取", sheet=table.title, row=rows[0],
                                expected="如这些行不应上报，请删除后重新上传"))
    headers = {**{i: c.name for i, c in table.columns.items()}, **table.extra}
    columns = [headers[c - 1] for c in sorted(set(facts.hidden_columns)) if c - 1 in headers
               and any(c - 1 < len(cells) and not is_blank(cells[c - 1]) for _, cells in table.rows)]
    if columns:
        message = "该列被隐藏" if len(columns) == 1 else f"该列等{len(columns)}列被隐藏（「{'」「'.join(columns)}」）"
        problems.append(warning("hidden_columns", message + "，已照常读取", sheet=table.title, column=columns[0],
                                expected="如这些列不应上报，请删除后重新上传"))
    return problems


def read_table(book, name: str, sheet: Sheet, parsed: Future | None = None) -> tuple[SheetTable | None, list[Problem]]:
    """One data sheet: header row located under any title rows, footers and spacer rows dropped.

    A header written on two rows (a group label merged across its sub-headers, the other headers merged down)
    is read as one. A cell merged down over several data rows counts for each of them, as the sender sees it.
    `parsed`: the sheet's read made in the background (etl.sheet_cache)."""
    calamine_sheet, grid = _sheet_rows(book, name, parsed)
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
    header = list(grid[header_index])
    data_start = header_index + 1
    if data_start < len(grid) and _is_sub_header(header, grid[data_start], sheet.columns):
        for index, text in enumerate(grid[data_start]):
            if not is_blank(text):
                header[index] = text
        data_start += 1
        problems.append(note("two_row_header", f"表头占两行（第{header_index + 1}–{header_index + 2}行），已合并读取",
                             sheet=name, row=header_index + 1))
    columns, extra = {}, {}
    for index, text in enumerate(header):
        if is_blank(text):
            continue
        column = match_header(text, sheet.columns)
        other = unit_conflict(text, sheet.columns) if column is None else None
        if other is not None:
            problems.append(error("wrong_unit", "表头的单位与模板不同，无法按模板单位读取", sheet=name,
                                  row=header_index + 1, column=other.name, value=str(text).strip(),
                                  expected=f"“{other.name}”（请换算后填写）"))
        elif column is None:
            extra[index] = str(text).strip()
        elif column in columns.values():
            problems.append(error("duplicate_column", "同一列出现两次", sheet=name, row=header_index + 1,
                                  column=column.name, value=str(text).strip()))
        else:
            columns[index] = column
            if str(text) != column.name:
                shown = str(text).strip()
                message = (f"表头“{shown}”前后有空格，已按“{column.name}”读取" if shown == column.name
                           else f"表头“{shown}”按“{column.name}”读取")
                problems.append(note("header_alias", message,
                                     sheet=name, row=header_index + 1, column=column.name))
    for column in sheet.columns:
        if column.required and column not in columns.values():
            problems.append(error("missing_column", "缺少必填列", sheet=name, row=header_index + 1,
                                  column=column.name))
    problems += _fill_merged_down(grid, _merged_ranges(calamine_sheet), data_start, name,
                                  {**{i: c.name for i, c in columns.items()}, **extra})
    rows, skipped_notes = data_rows(grid, data_start, name)
    problems += skipped_notes
    return SheetTable(sheet, name, header_index + 1, columns, extra, rows), problems


def _is_sub_header(top: list[Any], below: list[Any], columns: tuple[Column, ...]) -> bool:
    """True when the row under the header holds only headers, each under an empty (merged) cell or a group label
    such as 参与情况 — the second row of a two-row header, not data."""
    filled = [(i, c) for i, c in enumerate(below) if not is_blank(c)]
    if not filled:
        return False
    for index, text in filled:
        if match_header(text, columns) is None:
            return False
        above = top[index] if index < len(top) else None
        if not is_blank(above) and match_header(above, columns) is not None:
            return False
    return True


def _merged_ranges(calamine_sheet) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    try:
        return list(calamine_sheet.merged_cell_ranges or [])
    except Exception:  # older calamine, or a sheet without merge information
        return []


def _fill_merged_down(grid: list[list[Any]], merged, data_start: int, name: str,
                      headers: dict[int, str]) -> list[Problem]:
    """Give each row under a cell merged down over data rows the merged cell's value (what the sender sees)."""
    filled = []
    for (top, left), (bottom, right) in merged:
        if top < data_start or bottom <= top or top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        if is_blank(value):
            continue
        for row in range(top + 1, min(bottom, len(grid) - 1) + 1):
            if left < len(grid[row]) and is_blank(grid[row][left]):
                grid[row][left] = value
        filled.append((top, left, bottom))
    if not filled:
        return []
    top, left, bottom = min(filled)
    return [note("merged_cells", f"合并单元格按合并区域首格的值读取（共{len(filled)}处，如第{top + 1}–{bottom + 1}行）",
                 sheet=name, row=top + 1, column=headers.get(left, ""))]


def _first_text(cells: list[Any]) -> str:
    return next((str(c).strip() for c in cells if not is_blank(c)), "")

"""Checking a return cell by cell against DATA.md and the current plan.

`check_return()` reads the bytes, parses every cell, applies the row rules of its kind and the cross-checks
against the 填报信息 sheet and the plan, and returns a `CheckedReturn`: typed records ready to store and every
problem found. Nothing here touches the database: the plan and the history arrive as plain data.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from etl.cells import CellError, display, is_blank, parse_cell, parse_text
from etl.columns import SPACES, SheetRows, check_sheet, invalid_message
from etl.plan_context import PlanContext
from etl.read import (UnreadableWorkbook, find_sheet, open_workbook, read_info, read_report_type,
                      read_table, read_workbook)
from etl.receipt import Problem, error, note, warning
from etl.spec import INFO_SHEET, KIND_BY_LABEL, KINDS, SURVEY, Column, WorkbookKind
from etl import rules


# Problems after which row rules would only repeat the same message on every row.
STRUCTURAL = ("missing_sheet", "no_header", "unreadable")


@dataclass
class CheckedReturn:
    """A return after checking: what it is, its typed records per sheet, and every problem."""

    kind: WorkbookKind | None
    info: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, SheetRows] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    info_rows: dict[str, int] = field(default_factory=dict)
    sheet_titles: dict[str, str] = field(default_factory=dict)

    def title(self, alias: str) -> str:
        """The sheet's name as the workbook spells it (a rule's message names the sheet the user sees)."""
        return self.sheet_titles.get(alias) or self.kind.sheet(alias).name

    @property
    def records(self) -> dict[str, list[dict]]:
        """Each sheet's typed rows as dicts (built anew on each call: change `tables`, not these)."""
        return {alias: rows.records() for alias, rows in self.tables.items()}

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def department(self) -> str | None:
        return self.info.get("department")

    @property
    def period(self) -> str | None:
        """'2025' (survey), '2025Q3' (activities, or a survey with 季度), 'plan'."""
        if self.kind is None:
            return None
        if self.kind.code == "plan":
            return "plan"
        year, quarter = self.info.get("year"), self.info.get("quarter")
        if year is None:
            return None
        return f"{year}Q{quarter}" if quarter else str(year)

    @property
    def row_count(self) -> int:
        return sum(len(r) for r in self.tables.values())


def detect_kind(data: bytes) -> WorkbookKind | None:
    """The workbook kind named by its 报表类型, or None."""
    label = read_report_type(data)
    return KIND_BY_LABEL.get(label.replace(" ", "")) if label else None


def _item_columns(book, plan: PlanContext | None) -> tuple[Column, ...]:
    """Item-answer columns (K01, M02 …) from the workbook's own 题库 and the plan's."""
    codes = [str(i["item"]) for i in plan.items] if plan is not None else []
    sheet = SURVEY.sheet("items")
    name = find_sheet(list(book.sheet_names), sheet)
    if name is not None:
        table, _ = read_table(book, name, sheet)
        if table is not None:
            item = sheet.column("item")
            codes += [parse_text(table.cell(cells, item)).value for _, cells in table.rows
                      if not is_blank(table.cell(cells, item))]
    return tuple(Column(code, f"item:{code}", "text") for code in dict.fromkeys(codes))


def _report_type(book) -> tuple[str | None, int | None, bool]:
    """(报表类型 as written, its row, whether the workbook has a 填报信息 sheet)."""
    name = find_sheet(list(book.sheet_names), INFO_SHEET)
    if name is None:
        return None, None, False
    info, rows, _ = read_info(book, name, (Column("报表类型", "report_type"),))
    value = info.get("report_type")
    return (None if is_blank(value) else parse_text(value).value), rows.get("report_type"), True


def check_return(data: bytes, plan: PlanContext | None, history=None,
                 today: dt.date | None = None, expected_kind: str | None = None) -> CheckedReturn:
    """Check a whole workbook; returns typed records and all problems (errors mean: do not store).

    `history(department, period)` returns that department's values of other periods ({"participants": array, …}) for outlier
    warnings; it is called only for an activity return whose department is known.
    """
    today = today or dt.date.today()
    try:
        book = open_workbook(data)  # opened once for the 报表类型 and the 题库
        label, label_row, has_info = _report_type(book)
    except UnreadableWorkbook as exc:
        return CheckedReturn(None, problems=[error("unreadable", str(exc))])
    labels = "、".join(k.label for k in KINDS.values())
    if not has_info:
        return CheckedReturn(None, problems=[error(
            "missing_sheet", "缺少工作表“填报信息”", sheet=INFO_SHEET.name,
            expected=f"两列：项目名称、填写内容；其中“报表类型”填写{labels}之一")])
    kind = KIND_BY_LABEL.get(label.replace(" ", "")) if label else None
    if kind is None:
        return CheckedReturn(None, problems=[error(
            "report_type", "无法识别报表类型" if label else "报表类型未填写", sheet=INFO_SHEET.name, row=label_row,
            column="报表类型", value=display(label) if label else "", expected=f"以下之一：{labels}")])
    if expected_kind and kind.code != expected_kind:
        return CheckedReturn(kind, problems=[error(
            "report_type", f"报表类型不符：此处需要“{KINDS[expected_kind].label}”", sheet=INFO_SHEET.name,
            column="报表类型", value=kind.label, expected=KINDS[expected_kind].label)])
    if kind.code != "plan" and plan is None:
        return CheckedReturn(kind, problems=[error(
            "no_plan", "尚未导入工作计划，无法核对部门、村(社区)、人群和任务", expected="先上传工作计划工作簿")])
    item_columns = _item_columns(book, plan) if kind.code == "survey" else ()
    book = read_workbook(data, kind, item_columns, book)
    result = CheckedReturn(kind, problems=list(book.problems))
    if kind.code == "plan":
        plan = PlanContext.empty()
    result.info = _parse_info(book.info, book.info_rows, kind, plan, result.problems)
    result.info_rows = dict(book.info_rows)
    notes: Counter = Counter()
    first_seen: dict = {}
    for alias in [s.alias for s in kind.sheets]:
        table = book.sheets.get(alias)
        if table is None:
            continue
        for header in table.extra.values():
            result.problems.append(warning("extra_column", "多余的列：已保存在原始记录中，不参与计算", sheet=table.title,
                                           row=table.header_row, column=header))
        result.sheet_titles[alias] = table.title
        allowed = {c.plan_values: plan.allowed(c.plan_values) for c in table.columns.values() if c.plan_values}
        result.tables[alias] = check_sheet(table, allowed, lambda column: _expected(column, plan), result.problems,
                                           notes, first_seen)
        if kind.code == "plan":
            plan = plan.extended(alias, result.tables[alias].records())
    _emit_notes(notes, first_seen, result.problems)
    if not any(p.code in STRUCTURAL for p in result.problems):
        department = result.info.get("department")
        earlier = history(department, result.period) if history and department and kind.code == "activity" else {}
        rules.apply(kind.code, result, plan, earlier, today)
    return result


def _parse_info(info: dict, rows: dict, kind: WorkbookKind, plan: PlanContext | None,
                problems: list[Problem]) -> dict:
    parsed = {}
    for column in kind.info:
        value, where = info.get(column.field), {"sheet": INFO_SHEET.name, "row": rows.get(column.field),
                                                 "column": column.name}
        if is_blank(value):
            if column.required:
                problems.append(error("required", "必填项为空", **where, expected=_expected(column, plan)))
            parsed[column.field] = None
            continue
        try:
            allowed = plan.allowed(column.plan_values) if plan and column.plan_values else ()
            parsed[column.field] = parse_cell(value, column, allowed).value
        except CellError as exc:
            problems.append(error("invalid", exc.message or invalid_message(column), **where, value=display(value),
                                  expected=exc.expected))
            parsed[column.field] = None
    if parsed.get("report_type") and parsed["report_type"].replace(" ", "") != kind.label:
        problems.append(error("report_type", "报表类型不符", sheet=INFO_SHEET.name, column="报表类型",
                              value=parsed["report_type"], expected=kind.label))
    return parsed


def _emit_notes(notes: Counter, first_seen: dict, problems: list[Problem]) -> None:
    """One note per (sheet, column, tolerated form), not one per cell: the office wants the pattern."""
    for (sheet, column, text), count in notes.items():
        problems.append(note("spaces" if text == SPACES else "tolerated", f"{text}（共{count}处）", sheet=sheet,
                             row=first_seen[(sheet, column, text)], column=column))


def _expected(column: Column, plan: PlanContext | None) -> str:
    if column.kind == "enum":
        return "以下之一：" + "、".join(column.allowed)
    if column.kind == "plan" and plan is not None:
        values = plan.allowed(column.plan_values) + column.extra_allowed
        return "以下之一：" + "、".join(values[:14]) + ("等" if len(values) > 14 else "")
    return column.help or {"date": "日期", "int": "整数", "number": "数字"}.get(column.kind, "非空内容")

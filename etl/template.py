"""Empty templates for the departments, with drop-down lists from the current plan and a 填报说明 sheet."""
from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from etl.plan_context import PlanContext
from etl.spec import INFO_SHEET, KINDS, Column, WorkbookKind

DATA_ROWS = 2000  # rows that carry the drop-down lists


def write_template(kind_code: str, plan: PlanContext | None, department: str | None = None) -> bytes:
    """An empty .xlsx of `kind_code` (survey / activity / plan) as the departments should fill it."""
    kind = KINDS[kind_code]
    plan = plan or PlanContext.empty()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": f"{kind.label}模板", "created": dt.datetime(2020, 1, 1)})
    head = book.add_format({"bold": True, "bg_color": "#DCE6F0", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    lists = book.add_worksheet("选项")
    _info_sheet(book, kind, plan, department, head)
    list_refs = _option_lists(lists, kind, plan)
    sheets = kind.sheets if kind.code == "plan" else [s for s in kind.sheets if not s.optional]
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        for col, column in enumerate(sheet.columns):
            ws.write_string(0, col, column.name, required if column.required else head)
            ws.set_column(col, col, max(10, len(column.name) * 2 + 2), date_fmt if column.kind == "date" else None)
            _validation(ws, col, column, list_refs)
        ws.freeze_panes(1, 0)
    _help_sheet(book, kind, plan, head)
    book.get_worksheet_by_name(INFO_SHEET.name).activate()
    lists.hide()
    book.close()
    return buffer.getvalue()


def _info_sheet(book, kind: WorkbookKind, plan: PlanContext, department: str | None, head) -> None:
    ws = book.add_worksheet(INFO_SHEET.name)
    ws.write_row(0, 0, ["项目", "填写内容"], head)
    ws.set_column(0, 1, 22)
    for row, column in enumerate(kind.info, start=1):
        ws.write_string(row, 0, column.name)
        if column.field == "report_type":
            ws.write_string(row, 1, kind.label)
        elif column.field == "department" and department:
            ws.write_string(row, 1, department)
        if column.field == "department" and plan.departments and kind.code != "plan":
            ws.data_validation(row, 1, row, 1, {"validate": "list", "source": "=选项!$A$2:$A$%d" % (len(plan.departments) + 1)})


def _option_lists(ws, kind: WorkbookKind, plan: PlanContext) -> dict[str, str]:
    """Write each plan list into a hidden sheet; returns list name → range reference."""
    lists = {"departments": list(plan.departments), "villages": list(plan.villages), "groups": list(plan.groups),
             "tasks": list(plan.tasks), "phases": list(plan.phases)}
    refs = {}
    for col, (name, values) in enumerate(lists.items()):
        ws.write_string(0, col, name)
        extra = {"villages": ["全镇"] if kind.code == "activity" else [],
                 "groups": ["社会公众"] if kind.code == "activity" else []}.get(name, [])
        for row, value in enumerate(values + extra, start=1):
            ws.write_string(row, col, value)
        if values:
            letter = chr(ord("A") + col)
            refs[name] = f"=选项!${letter}$2:${letter}${len(values) + len(extra) + 1}"
    return refs


def _validation(ws, col: int, column: Column, refs: dict[str, str]) -> None:
    options = None
    if column.kind == "enum":
        options = {"validate": "list", "source": list(column.allowed)}
    elif column.kind == "plan" and column.plan_values in refs:
        options = {"validate": "list", "source": refs[column.plan_values]}
    elif column.kind in ("int", "number") and column.min is not None:
        options = {"validate": "integer" if column.kind == "int" else "decimal",
                   "criteria": "between" if column.max is not None else ">=",
                   **({"minimum": column.min, "maximum": column.max} if column.max is not None else {"value": column.min})}
    elif column.kind == "date":
        options = {"validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1)}
    if options:
        options.update({"error_title": "输入有误", "error_message": column.help or f"请按“{column.name}”的要求填写",
                        "ignore_blank": True})
        ws.data_validation(1, col, DATA_ROWS, col, options)


def _help_sheet(book, kind: WorkbookKind, plan: PlanContext, head) -> None:
    ws = book.add_worksheet("填报说明")
    ws.write_row(0, 0, ["工作表", "列名", "英文列名", "类型", "是否必填", "填写要求"], head)
    ws.set_column(0, 4, 14)
    ws.set_column(5, 5, 70)
    kinds = {"text": "文字", "int": "整数", "number": "数字", "date": "日期", "enum": "选项", "plan": "选项（来自工作计划）"}
    row = 1
    for sheet in (s for s in kind.sheets):
        for column in sheet.columns:
            allowed = column.allowed or (plan.allowed(column.plan_values) + column.extra_allowed)
            rule = column.help or ("可选：" + "、".join(allowed[:20]) if allowed else "")
            ws.write_row(row, 0, [sheet.name, column.name, column.alias, kinds[column.kind],
                                  "必填" if column.required else "选填", rule])
            row += 1
    tips = ["表头可用中文或英文列名，列的顺序不限；多余的列会保留但不使用。",
            "日期可写2025-03-15、2025/3/15或2025年3月15日。数字不要带单位。",
            "一份报表有任何错误都不会入库，回执会列出每个问题所在的工作表、行、列。"]
    for tip in tips:
        ws.write_string(row + 1, 0, tip)
        row += 1

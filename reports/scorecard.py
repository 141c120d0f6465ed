"""The yearly 督促检查 scorecard (Excel): one row per department, values only (never a formula).

Figures and scores are indicators.inspection's; the weights and how each part is counted are written on the
sheet 评分说明 (they are set in one place: indicators.inspection.SCORE_WEIGHTS). Every text is written as a
string, so a department name such as `=cmd|' /C calc'!A0` stays text.
"""
from __future__ import annotations

import io
import math

import pandas as pd
import xlsxwriter

from charts import fmt
from indicators.inspection import SCORE_RULES, SCORE_WEIGHTS
from reports.docx_kit import clean

SHEET, RULES_SHEET = "督促检查记分卡", "评分说明"
HEADER_ROW = 3  # 0-based row of the column headers (title, note and a blank row above)
# (header, column of indicators.inspection.department_scorecard, kind, width)
COLUMNS = [("部门", "部门", "text", 16), ("联络员", "联络员", "text", 9), ("联系电话", "联系电话", "text", 13),
           ("应报报表（份）", "应报", "count", 8), ("按时（份）", "按时", "count", 7), ("逾期（份）", "逾期", "count", 7),
           ("未报（份）", "未报", "count", 7), ("空报（份）", "空报", "count", 7), ("未到期（份）", "未到期", "count", 7),
           ("到期里程碑（项）", "到期里程碑", "count", 9), ("已完成里程碑（项）", "已完成里程碑", "count", 9),
           ("科普活动（次）", "活动次数", "count", 8), ("报来活动的季度", "活动季度", "count", 8),
           ("经费支出（元）", "经费支出", "money", 12), ("预算（元）", "预算", "money", 12),
           ("待处理提醒（条）", "待处理提醒", "count", 9),
           *((f"{part}得分（满分{w}）", f"{part}得分", "part", 9) for part, w in SCORE_WEIGHTS.items()),
           ("总分（满分100）", "总分", "score", 9)]


def write(card: pd.DataFrame, year, as_of, town: str) -> bytes:
    """The scorecard of `card` (indicators.inspection.department_scorecard) as .xlsx bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False, "in_memory": True})
    base = {"font_name": "宋体", "font_size": 10, "valign": "top", "border": 1, "text_wrap": True}
    formats = {"text": book.add_format(base), "count": book.add_format({**base, "num_format": "#,##0"}),
               "money": book.add_format({**base, "num_format": "#,##0.00"}),
               "part": book.add_format({**base, "num_format": "0.0"}),
               "score": book.add_format({**base, "num_format": "0.0", "bold": True})}
    head = book.add_format({**base, "bold": True, "bg_color": "#E8EEF4", "align": "center", "valign": "vcenter"})
    title = book.add_format({"font_name": "黑体", "font_size": 16, "bold": True})
    note = book.add_format({"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet(SHEET)
    sheet.write_string(0, 0, clean(f"{town}科学素质工作{fmt.year(year)}督促检查记分卡（{fmt.as_of(as_of)}）"), title)
    sheet.merge_range(1, 0, 1, len(COLUMNS) - 1, "", note)
    weights = "、".join(f"{p}{w}分" for p, w in SCORE_WEIGHTS.items())
    sheet.write_string(1, 0, f"总分 = 各项得分之和（{weights}，满分100分）；各项计分办法见“{RULES_SHEET}”表。"
                             "数字为所选日期已收到的报表与工作计划中的里程碑、预算。", note)
    sheet.set_row(1, 30)
    sheet.set_row(HEADER_ROW, 42)
    for col, (header, _, kind, width) in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, col, header, head)
        sheet.set_column(col, col, width)
    for i, row in enumerate(card.to_dict("records"), start=HEADER_ROW + 1):
        for col, (_, key, kind, _) in enumerate(COLUMNS):
            _cell(sheet, i, col, row.get(key), kind, formats[kind])
        sheet.set_row(i, row_height(row))
    sheet.freeze_panes(HEADER_ROW + 1, 1)
    _print_setup(sheet, HEADER_ROW, len(COLUMNS), HEADER_ROW + len(card))
    _rules(book, head, formats["text"], title)
    book.close()
    return out.getvalue()


def row_height(row: dict) -> float:
    """Points a row needs for its wrapped text (Excel does not grow a row written by a program)."""
    lines = 1
    for _, key, kind, width in COLUMNS:
        if kind == "text" and row.get(key) is not None:
            chars = sum(2 if ord(c) > 0x2E80 else 1 for c in clean(row[key]))
            lines = max(lines, math.ceil(chars / (width - 1)))
    return 14.0 * lines


def _cell(sheet, row: int, col: int, value, kind: str, form) -> None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        sheet.write_string(row, col, "—", form)
    elif kind == "text":
        sheet.write_string(row, col, clean(value), form)
    elif kind in ("part", "score"):
        sheet.write_number(row, col, float(value), form)
    elif kind == "money":
        sheet.write_number(row, col, float(fmt.round_half_up(value, 2)), form)
    else:
        sheet.write_number(row, col, int(value), form)


def _print_setup(sheet, header_row: int, columns: int, last_row: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.repeat_columns(0)
    sheet.print_area(0, 0, last_row, columns - 1)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _rules(book, head, text, title) -> None:
    sheet = book.add_worksheet(RULES_SHEET)
    sheet.write_string(0, 0, "评分办法", title)
    for col, (header, width) in enumerate((("项目", 12), ("权重（分）", 10), ("计分办法", 80))):
        sheet.write_string(2, col, header, head)
        sheet.set_column(col, col, width)
    for i, (part, weight) in enumerate(SCORE_WEIGHTS.items(), start=3):
        sheet.write_string(i, 0, part, text)
        sheet.write_number(i, 1, weight, text)
        sheet.write_string(i, 2, SCORE_RULES[part], text)
    sheet.write_string(3 + len(SCORE_WEIGHTS), 0, "合计", head)
    sheet.write_number(3 + len(SCORE_WEIGHTS), 1, sum(SCORE_WEIGHTS.values()), head)
    sheet.freeze_panes(3, 0)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)

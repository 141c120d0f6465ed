"""The hand-out report is rendered by Jinja2 with autoescape: text from a workbook never becomes markup.

A plan whose milestone holds a script tag and whose department is named like a spreadsheet formula is loaded
through the ETL like any plan; the report shows both as text, in the overdue milestones and in who has not
reported, and the page holds no script.
"""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from charts import report
from etl import db
from etl.store import load_return
from tests.workbooks import PLAN_SHEETS
from reports.inputs import evaluation_at

SCRIPT = '<script>alert("x")</script>经费到位'
FORMULA = "=cmd|' /C calc'!A0"


def hostile_plan() -> bytes:
    """The test plan with 财政所 renamed to FORMULA everywhere and milestone M3's content replaced by SCRIPT."""
    def rename(rows):
        return [[FORMULA if cell == "财政所" else cell for cell in row] for row in rows]
    sheets = {name: rename(rows) for name, rows in PLAN_SHEETS.items() if name in ("任务", "部门", "里程碑", "预算")}
    sheets["里程碑"] = [[SCRIPT if cell == "经费到位" else cell for cell in row] for row in sheets["里程碑"]]
    book = Workbook()
    book.remove(book.active)
    for name, rows in {**PLAN_SHEETS, **sheets}.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == FORMULA:
                    cell.data_type = "s"  # typed in as text (as Excel stores '=…), not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_script_in_a_milestone_and_a_formula_as_a_department_are_shown_as_text(tmp_path):
    db_file = tmp_path / "w.duckdb"
    receipt = load_return(hostile_plan(), "plan.xlsx", db_file, today=dt.date(2026, 1, 1))
    assert receipt.status == "stored", receipt.to_text()
    with db.connect(db_file) as con:
        page = report.report_html(evaluation_at(con, dt.date(2025, 12, 31), town="示例镇"))
    # M3 (due 2024-06-30, 进行中) is overdue: its row, every cell escaped by hand here.
    assert ("<tr><td>M3</td><td>全面推进阶段</td><td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;经费到位</td>"
            "<td>=cmd|&#39; /C calc&#39;!A0</td><td>2024年6月30日</td></tr>") in page
    # The renamed department owes activity returns and has sent none: listed for 2025Q3, due 20 days after it.
    assert ("<tr><td>=cmd|&#39; /C calc&#39;!A0</td><td>科普活动</td><td>2025年10月20日</td><td>赵会计</td>"
            "<td>13800000004</td></tr>") in page
    assert "<script" not in page and "alert(\"x\")" not in page

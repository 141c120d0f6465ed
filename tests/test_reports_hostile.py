"""Hostile text from a workbook (`=cmd|`, `<script>`, a 200-character department name) comes out of every
document as plain text and does not break its layout; one page of each document is rendered to PNG."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from docx import Document
from docx.shared import Cm
from openpyxl import Workbook, load_workbook
from pptx import Presentation

from etl import bulk
from reports import docx_kit, documents
from tests.reports_render import render_first_page
from tests.workbooks import PLAN_SHEETS

FORMULA, SCRIPT, LONG = "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "长" * 200
HOSTILE = (FORMULA, SCRIPT, LONG)
AS_OF = dt.date(2021, 6, 30)


def _book(sheets: dict) -> bytes:
    """The workbook with text cells kept as text (openpyxl would make "=…" a formula)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cell in (c for r in ws.iter_rows() for c in r):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    header, *departments = PLAN_SHEETS["部门"]
    plan = {**PLAN_SHEETS,
            "部门": [header, *([name, "张三", "13800000009", "是", "是", 15] for name in HOSTILE), *departments],
            "任务": [PLAN_SHEETS["任务"][0], [1, "未成年人科学素质行动", f"{SCRIPT},{FORMULA}", None],
                   [2, "农民科学素质行动", LONG, None], [7, "经费投入", "财政所", None]]}
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    receipts = bulk.load_many([("plan.xlsx", _book(plan))], db_file=path)
    assert [r.status for r in receipts] == ["stored"], receipts[0].to_text()
    return path


def test_the_scorecard_writes_hostile_names_as_text_never_formulas(hostile_db):
    name, data = documents.inspection_scorecard(hostile_db, 2021, AS_OF)
    sheet = load_workbook(io.BytesIO(data))["督促检查记分卡"]
    names = {row[0].value: row[0] for row in sheet.iter_rows(min_row=5)}
    for text in HOSTILE:
        assert names[text].data_type == "s" and names[text].value == text
        assert names[text].alignment.wrap_text  # a long name wraps in its column instead of widening it
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet.column_dimensions["A"].width < 20
    render_first_page("hostile-scorecard.xlsx", data)


def test_the_report_prints_hostile_names_verbatim_in_fixed_width_tables(hostile_db):
    name, data = documents.evaluation_report(hostile_db, AS_OF)
    doc = Document(io.BytesIO(data))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {FORMULA, SCRIPT, LONG} <= cells and f"{SCRIPT}、{FORMULA}" in cells
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    for table in doc.tables:
        assert 'w:type="fixed"' in table._tbl.tblPr.xml
        assert sum(c.width for c in table.rows[0].cells) <= Cm(docx_kit.TEXT_WIDTH_CM) + Cm(0.05)
    render_first_page("hostile-report.docx", data)


def test_the_deck_keeps_hostile_names_inside_the_slide(hostile_db):
    name, data = documents.meeting_deck(hostile_db, AS_OF)
    prs = Presentation(io.BytesIO(data))
    text = "\n".join(s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame)
    assert SCRIPT in text and FORMULA in text and LONG in text
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height
    render_first_page("hostile-deck.pptx", data)


def test_control_characters_that_xml_cannot_hold_are_dropped():
    assert docx_kit.clean("甲\x00乙\x0b丙\t丁") == "甲乙丙\t丁"
    assert docx_kit.clean(None) == "—"


def test_the_bulletin_lists_hostile_departments_as_written(hostile_db):
    name, data = documents.quarterly_bulletin(hostile_db, "2021Q1", AS_OF)
    doc = Document(io.BytesIO(data))
    first_column = [row.cells[0].text for t in doc.tables for row in t.rows]
    assert {FORMULA, SCRIPT, LONG} <= set(first_column)
    render_first_page("hostile-bulletin.docx", data)

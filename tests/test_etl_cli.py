"""The command line, run as a user runs it: python -m etl load / check / template / history / restore."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from etl import db
from etl.spec import SURVEY
from etl.store import load_return
from tests.make_fixtures import TODAY, fixture_bytes
from tests.workbooks import activity, activity_book

REPO = Path(__file__).resolve().parents[1]
BAD_ACTIVITY = activity_book([activity(1, start=dt.date(2025, 2, 1), participants=-3)], year=2025)


def etl_cli(*args) -> subprocess.CompletedProcess:
    """`python -m etl …` from the repository root; stdout and stderr as text."""
    return subprocess.run([sys.executable, "-m", "etl", *map(str, args)], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def returns_of(db_file) -> list[tuple]:
    with db.connect(db_file) as con:
        return con.execute("select kind, department, period, version, is_current, received_on, is_backfilled,"
                           " uploaded_by from returns order by return_id").fetchall()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_load_stores_the_plan_first_and_exits_zero(tmp_path):
    db_file = tmp_path / "w.duckdb"
    # named so that name order would put the return first: the plan must still be loaded first
    files = [write(tmp_path, "a_科协一季度.xlsx", fixture_bytes("activity")), write(tmp_path, "z_计划.xlsx",
                                                                                  fixture_bytes("plan"))]
    done = etl_cli("load", *files, "--db", db_file, "--user", "办公室李", "--received-on", "2025-04-10")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("已入库") == 2
    assert returns_of(db_file) == [("plan", "镇科协", "plan", 1, True, dt.date(2025, 4, 10), True, "办公室李"),
                                   ("activity", "科协", "2025Q1", 1, True, dt.date(2025, 4, 10), True, "办公室李")]


def test_load_refused_exits_non_zero_and_prints_the_receipt(db_file, tmp_path):
    before = returns_of(db_file)
    done = etl_cli("load", write(tmp_path, "科协一季度.xlsx", BAD_ACTIVITY), "--db", db_file)
    assert done.returncode != 0
    assert "未入库（有错误）" in done.stdout
    assert "错误：【活动明细】第2行「参与人次」超出允许范围，填写的值“-3”，应为不小于0的整数" in done.stdout
    assert returns_of(db_file) == before


def test_check_prints_the_receipt_and_stores_nothing(db_file, tmp_path):
    before = returns_of(db_file)
    good = etl_cli("check", write(tmp_path, "好.xlsx", fixture_bytes("activity_title_rows")), "--db", db_file)
    bad = etl_cli("check", write(tmp_path, "坏.xlsx", BAD_ACTIVITY), "--db", db_file)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "检查通过（未入库）" in good.stdout
    assert "说明：【活动明细】第1行表头上方的标题行已跳过" in good.stdout
    assert bad.returncode != 0
    assert "【活动明细】第2行「参与人次」" in bad.stdout
    assert returns_of(db_file) == before
    assert not (db.archive_dir(db_file) / "refused").exists()


@pytest.fixture(scope="module")
def survey_template(planned, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("template") / "调查模板.xlsx"
    done = etl_cli("template", "survey", "--out", out, "--db", planned, "--department", "中小学")
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def list_values(book, formula: str) -> list[str]:
    """The values of a drop-down list: a literal "a,b" list or a range on another sheet."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, cells = formula.lstrip("=").split("!")
    return [row[0].value for row in book[sheet.strip("'")][cells.replace("$", "")]]


def drop_down(book, ws, column_name: str) -> list[str]:
    """The values offered under a header of `ws` (row 2 of that column)."""
    header = [c.value for c in ws[1]]
    cell = f"{chr(ord('A') + header.index(column_name))}2"
    [dv] = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref and dv.type == "list"]
    return list_values(book, dv.formula1)


def test_survey_template_has_the_spec_headers_and_the_plans_lists(survey_template):
    book = load_workbook(survey_template)
    ws = book["调查数据"]
    assert [c.value for c in ws[1]] == [c.name for c in SURVEY.sheet("responses").columns]
    assert drop_down(book, ws, "村(社区)") == ["柳堡社区", "新河村", "东庄村"]
    assert drop_down(book, ws, "重点人群") == ["未成年人", "农民", "城镇劳动人口", "领导干部和公务员", "其他"]
    assert drop_down(book, ws, "性别") == ["男", "女"]
    assert "填报说明" in book.sheetnames
    info = {row[0].value: row[1].value for row in book["填报信息"].iter_rows(min_row=2, max_col=2)}
    assert (info["报表类型"], info["填报单位"]) == ("科学素质调查", "中小学")


def test_survey_template_hides_its_lists_and_opens_on_the_info_sheet(survey_template):
    book = load_workbook(survey_template)
    assert book["选项"].sheet_state == "hidden"
    assert book.active.title == "填报信息"


def test_a_filled_in_template_loads_cleanly(survey_template, db_file, tmp_path):
    book = load_workbook(survey_template)
    values = {"调查年度": 2025, "填报人": "王老师", "联系电话": "13800000001", "填报日期": dt.date(2025, 11, 28)}
    for row in book["填报信息"].iter_rows(min_row=2, max_col=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    ws = book["调查数据"]
    header = [c.value for c in ws[1]]
    answers = [{"问卷编号": "M001", "调查日期": dt.date(2025, 10, 8), "村(社区)": "新河村", "城乡": "农村", "性别": "女",
                "年龄": 44, "文化程度": "初中", "重点人群": "农民", "总分": 66},
               {"问卷编号": "M002", "调查日期": dt.date(2025, 10, 8), "村(社区)": "柳堡社区", "城乡": "城镇", "性别": "男",
                "年龄": 12, "重点人群": "未成年人", "科学知识": 20, "科学方法": 10, "科学精神与思想": 10,
                "应用科学能力": 12}]
    for row_no, answer in enumerate(answers, start=2):
        for name, value in answer.items():
            ws.cell(row_no, header.index(name) + 1, value)
    filled = tmp_path / "中小学2025.xlsx"
    book.save(filled)
    done = etl_cli("load", filled, "--db", db_file)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已入库" in done.stdout and "错误0条" in done.stdout
    with db.connect(db_file) as con:
        rows = con.execute("select row_no, respondent_id, village, age, education, score from v_survey "
                           "order by row_no").fetchall()
    assert rows == [(2, "M001", "新河村", 44, "初中", 66.0), (3, "M002", "柳堡社区", 12, None, 52.0)]


def test_history_and_restore(db_file):
    first = load_return(fixture_bytes("activity"), "科协一季度.xlsx", db_file, today=TODAY)
    second = load_return(activity_book([activity(9, start=dt.date(2025, 3, 3))], year=2025), "科协一季度修改.xlsx",
                         db_file, today=TODAY, replace=True)
    listed = etl_cli("history", "--db", db_file)
    assert listed.returncode == 0
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "第1版 历史" in lines[str(first.return_id)] and "科协一季度.xlsx" in lines[str(first.return_id)]
    assert "第2版 当前" in lines[str(second.return_id)]
    done = etl_cli("restore", first.return_id, "--db", db_file, "--user", "办公室")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已恢复" in done.stdout and "第1版" in done.stdout
    assert [r[3:5] for r in returns_of(db_file) if r[0] == "activity"] == [(1, True), (2, False)]
    unknown = etl_cli("restore", 999, "--db", db_file)
    assert unknown.returncode != 0 and "没有编号为999的报表版本" in unknown.stderr

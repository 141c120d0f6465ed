"""Every error class of DATA.md refuses the whole return with the problem a user must see (sheet, Excel row,
column, value found, what is expected, in Chinese) and leaves the database exactly as it was; warnings store."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from etl import db
from etl.receipt import Problem, Receipt
from etl.store import load_return
from tests.make_fixtures import TODAY, table_snapshot
from tests.workbooks import ACTIVITY_HEADER, SURVEY_HEADER, activity, activity_book, info, respondent, survey_book, xlsx

D = dt.date
PLAN_DEPARTMENTS = "中小学、农业站、科协、财政所、劳动保障所、党政办"


def person(i: int, **cells) -> list:
    """A clean 2025 survey row (中小学's return; the plan fixture's villages and groups)."""
    return respondent(i, **{"surveyed_on": D(2025, 10, 1), **cells})


def survey(*rows, **options) -> bytes:
    return survey_book(list(rows), **{"year": 2025, **options})


def act(i: int, **cells) -> list:
    """A clean activity row of 科协's 2025 Q1 return."""
    return activity(i, **{"start": D(2025, 2, 1), **cells})


def activities(*rows, **options) -> bytes:
    return activity_book(list(rows), **{"year": 2025, "quarter": 1, **options})


def with_cells(row: list, header: list[str], cells: dict) -> list:
    """`row` with the cells of the named columns replaced."""
    row = list(row)
    for name, value in cells.items():
        row[header.index(name)] = value
    return row


def refused(data: bytes, db_file) -> Receipt:
    """Load `data`; check it was refused and that no table changed; return the receipt."""
    with db.connect(db_file) as con:
        before = table_snapshot(con)
    receipt = load_return(data, "return.xlsx", db_file, today=TODAY)
    assert receipt.status == "refused", receipt.to_text()
    with db.connect(db_file) as con:
        assert table_snapshot(con) == before
    return receipt


def stored(data: bytes, db_file) -> Receipt:
    receipt = load_return(data, "return.xlsx", db_file, today=TODAY)
    assert receipt.status == "stored", receipt.to_text()
    return receipt


def the_error(receipt: Receipt) -> Problem:
    assert len(receipt.errors) == 1, receipt.to_text()
    return receipt.errors[0]


# --- cells: type, allowed list, range, required -----------------------------------------------------------------

# The expected text of a whole-number cell is only checked to mention 整数 here: what it should say in full is
# test_wrong_type_in_a_whole_number_column_expects_the_range (a known bug).
@pytest.mark.parametrize("data, sheet, row, column, value, message, expected", [
    (lambda: survey(person(1), person(2, age="二十五")), "调查数据", 3, "年龄", "二十五", "不是有效整数", ""),
    (lambda: activities(act(1, participants=12.5)), "活动明细", 2, "参与人次", "12.5", "不是有效整数", "整数"),
    (lambda: activities(act(1), with_cells(act(2), ACTIVITY_HEADER, {"开始日期": "三月十五日"})),
     "活动明细", 3, "开始日期", "三月十五日", "不是有效日期", "日期，如2025-03-15"),
    (lambda: activities(with_cells(act(1), ACTIVITY_HEADER, {"经费(元)": "五百"})),
     "活动明细", 2, "经费(元)", "五百", "不是有效数字", "数字"),
], ids=["int", "fraction", "date", "number"])
def test_wrong_type(db_file, data, sheet, row, column, value, message, expected):
    p = the_error(refused(data(), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("invalid", sheet, row, column, value)
    assert p.message == message and expected in p.expected


def test_wrong_type_receipt_line_points_at_the_cell(db_file):
    p = the_error(refused(survey(person(1), person(2, age="二十五")), db_file))
    assert p.text.startswith("错误：【调查数据】第3行「年龄」不是有效整数，填写的值“二十五”")


def test_wrong_type_in_a_whole_number_column_expects_the_range(db_file):
    p = the_error(refused(survey(person(1), person(2, age="二十五")), db_file))
    assert p.expected == "6–100的整数"


@pytest.mark.parametrize("data, sheet, row, column, value, expected", [
    (lambda: activities(act(1, kind="讲座")), "活动明细", 2, "活动类型", "讲座",
     "以下之一：科普讲座、专题展览、科普竞赛、实用技术培训、科技周活动、科普日活动、青少年科技活动、科普宣传、经费拨付、其他"),
    (lambda: survey(person(1, age=16, education="硕士", group="未成年人")), "调查数据", 2, "文化程度", "硕士",
     "以下之一：小学及以下、初中、高中(含中专)、大专、本科及以上"),
    (lambda: survey(person(1, sex="未知")), "调查数据", 2, "性别", "未知", "以下之一：男、女"),
    (lambda: survey(person(1, residence="郊区")), "调查数据", 2, "城乡", "郊区", "以下之一：城镇、农村"),
], ids=["activity-kind", "education", "sex", "residence"])
def test_value_outside_the_allowed_list(db_file, data, sheet, row, column, value, expected):
    p = the_error(refused(data(), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value, p.expected) == ("invalid", sheet, row, column, value, expected)
    assert p.message == "不在允许的取值中"


@pytest.mark.parametrize("data, sheet, row, column, value, expected", [
    (lambda: survey(person(1), person(2, age=5)), "调查数据", 3, "年龄", "5", "6–100的整数"),
    (lambda: survey(person(1, age=101)), "调查数据", 2, "年龄", "101", "6–100的整数"),
    (lambda: survey(person(1, interest=6)), "调查数据", 2, "科学兴趣", "6", "1–5的整数"),
    (lambda: survey(with_cells(person(1), SURVEY_HEADER, {"总分": None}) + [0], header=SURVEY_HEADER + ["权重"]),
     "调查数据", 2, "权重", "0", "大于0的数"),
    (lambda: activities(act(1, participants=-3)), "活动明细", 2, "参与人次", "-3", "不小于0的整数"),
], ids=["age-low", "age-high", "interest", "weight", "participants"])
def test_value_outside_its_range(db_file, data, sheet, row, column, value, expected):
    p = the_error(refused(data(), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value, p.expected) == ("invalid", sheet, row, column, value, expected)


@pytest.mark.parametrize("data, column, value, expected", [
    (lambda: survey(person(1, dims=(45, 15, 15, 15))), "科学知识", "45", "0–40的数"),
    (lambda: survey(person(1, score=101, dims=(None,) * 4)), "总分", "101", "0–100的数"),
    (lambda: survey(person(1, age=30, education="硕士")), "文化程度", "硕士",
     "以下之一：小学及以下、初中、高中(含中专)、大专、本科及以上"),
], ids=["dimension", "score", "adult-education"])
def test_a_bad_cell_is_one_error(db_file, data, column, value, expected):
    p = the_error(refused(data(), db_file))
    assert (p.row, p.column, p.value, p.expected) == (2, column, value, expected)


@pytest.mark.parametrize("data, sheet, row, column, expected", [
    (lambda: survey(person(1), person(2, sex=None)), "调查数据", 3, "性别", "以下之一：男、女"),
    (lambda: survey(person(1, village=None)), "调查数据", 2, "村(社区)", "以下之一：柳堡社区、新河村、东庄村"),
    (lambda: activities(act(1, task=None)), "活动明细", 2, "对应任务", "以下之一：1、2、3、4、5、6、7"),
    (lambda: activities(act(1), with_cells(act(2), ACTIVITY_HEADER, {"活动名称": "  "})), "活动明细", 3, "活动名称",
     "非空内容"),
], ids=["sex", "village", "task", "name-only-spaces"])
def test_required_cell_empty(db_file, data, sheet, row, column, expected):
    p = the_error(refused(data(), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value, p.expected) == ("required", sheet, row, column, "", expected)
    assert p.message == "必填项为空"


@pytest.mark.parametrize("data, sheet, column, value", [
    (lambda: survey(person(1), person(1)), "调查数据", "问卷编号", "Q0001"),
    (lambda: activities(act(1), act(1)), "活动明细", "活动编号", "A001"),
    (lambda: activities(act(1), with_cells(act(2), ACTIVITY_HEADER, {"活动编号": "A001 "})), "活动明细", "活动编号", "A001"),
], ids=["respondent", "activity", "activity-trailing-space"])
def test_duplicate_id(db_file, data, sheet, column, value):
    p = the_error(refused(data(), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("duplicate_id", sheet, 3, column, value)
    assert p.message == "编号与第2行重复" and p.expected == "本表内唯一的编号"


# --- rows against the 填报信息 sheet ------------------------------------------------------------------------------

@pytest.mark.parametrize("start", [D(2024, 12, 31), D(2025, 4, 1)])
def test_date_outside_the_quarter(db_file, start):
    p = the_error(refused(activities(act(1), act(2, start=start)), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("outside_quarter", "活动明细", 3, "开始日期", start.isoformat())
    assert p.expected == "2025-01-01至2025-03-31之间"


def test_quarter_bounds_are_inclusive(db_file):
    stored(activities(act(1, start=D(2025, 1, 1)), act(2, start=D(2025, 3, 31))), db_file)


def test_end_before_start(db_file):
    row = with_cells(act(1, start=D(2025, 2, 10)), ACTIVITY_HEADER, {"结束日期": D(2025, 2, 8)})
    p = the_error(refused(activities(row), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("end_before_start", "活动明细", 2, "结束日期", "2025-02-08")
    assert p.expected == "不早于2025-02-10"


@pytest.mark.parametrize("score", [80, 75.6, 74.4])
def test_score_not_the_sum_of_the_dimensions(db_file, score):
    p = the_error(refused(survey(person(1, dims=(30, 15, 15, 15), score=score)), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("score_sum", "调查数据", 2, "总分", f"{score:g}")
    assert p.expected == "75（四个维度之和，误差±0.5）"


@pytest.mark.parametrize("score", [75.5, 74.5])
def test_score_within_half_a_point_of_the_sum_is_accepted(db_file, score):
    stored(survey(person(1, dims=(30, 15, 15, 15), score=score)), db_file)


@pytest.mark.parametrize("surveyed_on", [D(2024, 12, 31), D(2026, 1, 1)])
def test_survey_date_outside_the_survey_year(db_file, surveyed_on):
    p = the_error(refused(survey(person(1), person(2, surveyed_on=surveyed_on)), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("wrong_year", "调查数据", 3, "调查日期",
                                                           surveyed_on.isoformat())
    assert p.expected == "2025年内的日期"


def test_education_missing_for_an_adult(db_file):
    p = the_error(refused(survey(person(1, age=18, education=None)), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("required", "调查数据", 2, "文化程度", "")
    assert p.expected == "小学及以下、初中、高中(含中专)、大专、本科及以上之一"


def test_education_may_be_empty_under_18(db_file):
    stored(survey(person(1, age=17, education=None, group="未成年人")), db_file)


# --- against the plan -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [lambda: survey(person(1), department="宣传办"),
                                  lambda: activities(act(1), department="宣传办")], ids=["survey", "activity"])
def test_department_not_in_the_plan(db_file, data):
    p = the_error(refused(data(), db_file))
    # 填报信息: row 1 项目/填写内容, row 2 报表类型, row 3 填报单位
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("invalid", "填报信息", 3, "填报单位", "宣传办")
    assert p.expected == f"以下之一：{PLAN_DEPARTMENTS}"


@pytest.mark.parametrize("data, sheet, column, value, expected", [
    (lambda: survey(person(1, village="西湖村")), "调查数据", "村(社区)", "西湖村", "以下之一：柳堡社区、新河村、东庄村"),
    (lambda: activities(act(1, village="西湖村")), "活动明细", "村(社区)", "西湖村",
     "以下之一：柳堡社区、新河村、东庄村、全镇"),
    (lambda: survey(person(1, group="老年人")), "调查数据", "重点人群", "老年人",
     "以下之一：未成年人、农民、城镇劳动人口、领导干部和公务员、其他"),
    (lambda: survey(person(1, group="社会公众")), "调查数据", "重点人群", "社会公众",
     "以下之一：未成年人、农民、城镇劳动人口、领导干部和公务员、其他"),
    (lambda: activities(act(1, audience="老年人")), "活动明细", "目标人群", "老年人",
     "以下之一：未成年人、农民、城镇劳动人口、领导干部和公务员、其他、社会公众"),
    (lambda: activities(act(1, task=9)), "活动明细", "对应任务", "9", "计划中的任务编号：1、2、3、4、5、6、7"),
], ids=["survey-village", "activity-village", "survey-group", "survey-public", "activity-audience", "task"])
def test_village_group_or_task_not_in_the_plan(db_file, data, sheet, column, value, expected):
    p = the_error(refused(data(), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.value, p.expected) == ("invalid", sheet, 2, column, value, expected)
    assert p.message == "不在工作计划的名单中"


# --- the workbook as a whole ------------------------------------------------------------------------------------

WRONG_TYPE = {"填报信息": info("科普活动统计", 填报单位="科协", 年度=2025, 季度=1), "活动明细": [ACTIVITY_HEADER]}


def test_wrong_report_type(db_file):
    p = the_error(refused(xlsx(WRONG_TYPE), db_file))
    assert (p.code, p.sheet, p.column, p.message) == ("report_type", "填报信息", "报表类型", "无法识别报表类型")
    assert p.expected == "以下之一：科学素质调查、科普活动、工作计划"


def test_wrong_report_type_shows_row_and_value(db_file):
    p = the_error(refused(xlsx(WRONG_TYPE), db_file))
    assert (p.row, p.value) == (2, "科普活动统计")


def test_problems_name_the_sheet_as_the_workbook_does(db_file):
    book = {"填报信息": info("科学素质调查", 填报单位="中小学", 调查年度=2025),
            "responses": [SURVEY_HEADER, person(1, age=5), person(1)]}
    receipt = refused(xlsx(book), db_file)
    assert {p.sheet for p in receipt.errors} == {"responses"}, receipt.to_text()


def test_missing_data_sheet(db_file):
    book = {"填报信息": info("科普活动", 填报单位="科协", 年度=2025, 季度=1), "Sheet1": [ACTIVITY_HEADER, act(1)]}
    p = the_error(refused(xlsx(book), db_file))
    assert (p.code, p.sheet, p.message) == ("missing_sheet", "活动明细", "缺少工作表“活动明细”")


def test_missing_info_sheet(db_file):
    receipt = refused(xlsx({"活动明细": [ACTIVITY_HEADER, act(1)]}), db_file)
    assert any(p.code == "missing_sheet" and p.sheet == "填报信息" for p in receipt.errors), receipt.to_text()


@pytest.mark.parametrize("title_rows, header_row", [(0, 1), (1, 2)])
def test_missing_required_column(db_file, title_rows, header_row):
    keep = [i for i, name in enumerate(ACTIVITY_HEADER) if name != "参与人次"]
    sheet = [["柳堡镇2025年第一季度科普活动统计表"]] * title_rows + [[ACTIVITY_HEADER[i] for i in keep],
                                                        [act(1)[i] for i in keep]]
    book = {"填报信息": info("科普活动", 填报单位="科协", 年度=2025, 季度=1), "活动明细": sheet}
    p = the_error(refused(xlsx(book), db_file))
    assert (p.code, p.sheet, p.row, p.column, p.message) == ("missing_column", "活动明细", header_row, "参与人次",
                                                             "缺少必填列")


def test_no_plan_loaded_yet(tmp_path):
    p = the_error(refused(survey(person(1)), tmp_path / "empty.duckdb"))
    assert p.code == "no_plan"
    assert p.message == "尚未导入工作计划，无法核对部门、村(社区)、人群和任务"
    assert p.expected == "先上传工作计划工作簿"


@pytest.mark.parametrize("data, column, value", [
    (lambda: activities(act(1, start=D(2026, 4, 2)), year=2026, quarter=2), "季度", "2026年第2季度"),
    (lambda: survey(person(1, surveyed_on=D(2027, 3, 1)), year=2027), "调查年度", "2027年"),
], ids=["activity", "survey"])
def test_future_period(db_file, data, column, value):
    p = the_error(refused(data(), db_file))
    assert (p.code, p.sheet, p.column, p.value) == ("future_period", "填报信息", column, value)
    assert p.message == "报表期间尚未开始" and "2026-01-01" in p.expected


def test_current_period_is_not_future(db_file):
    stored(activities(act(1, start=D(2026, 1, 1)), year=2026, quarter=1), db_file)


def test_future_period_shows_the_row(db_file):
    p = the_error(refused(activities(act(1, start=D(2026, 4, 2)), year=2026, quarter=2), db_file))
    assert p.row == 5  # 项目, 报表类型, 填报单位, 年度, 季度


def test_every_error_is_listed_not_only_the_first(db_file):
    receipt = refused(survey(person(1, age=5), person(1, sex="未知"), person(3, village="西湖村")), db_file)
    assert sorted((p.row, p.column) for p in receipt.errors) == [(2, "年龄"), (3, "性别"), (3, "问卷编号"),
                                                                 (4, "村(社区)")]


# --- warnings: stored, listed ------------------------------------------------------------------------------------

EXTRA = activities(act(1) + ["请核实"], header=ACTIVITY_HEADER + ["备注"])


def test_extra_column_is_stored_kept_in_the_raw_rows_and_listed(db_file):
    receipt = stored(EXTRA, db_file)
    [p] = receipt.warnings
    assert (p.code, p.sheet, p.row, p.column) == ("extra_column", "活动明细", 1, "备注")
    assert "多余的列" in p.message
    with db.connect(db_file) as con:
        cells = con.execute("select cells from raw_rows where return_id = ?", [receipt.return_id]).fetchone()[0]
    assert json.loads(cells)["备注"] == "请核实"


def test_a_header_in_another_unit_is_not_read_as_yuan(db_file):
    header = [name if name != "经费(元)" else "经费(万元)" for name in ACTIVITY_HEADER]
    receipt = load_return(activities(act(1, cost=1.5), header=header), "万元.xlsx", db_file, today=TODAY)
    flagged = [p for p in receipt.problems if p.severity != "note" and p.column == "经费(元)"]
    assert flagged and "万元" in flagged[0].text, receipt.to_text()


def test_empty_activity_return_is_stored_and_flagged(db_file):
    receipt = stored(activities(), db_file)
    assert [(p.code, p.sheet) for p in receipt.warnings] == [("empty_return", "活动明细")]
    assert "空报" in receipt.warnings[0].message
    with db.connect(db_file) as con:
        assert con.execute("select is_empty, row_count from returns where return_id = ?",
                           [receipt.return_id]).fetchone() == (True, 0)


def test_small_sample_in_a_group(db_file):
    rows = [person(i, group="其他") for i in range(1, 30)] + [person(i, group="农民", village="新河村",
                                                                   residence="农村") for i in range(30, 60)]
    receipt = stored(survey(*rows), db_file)
    assert [(p.code, p.column, p.value) for p in receipt.warnings] == [("small_sample", "重点人群", "其他")]
    assert "样本仅29人" in receipt.warnings[0].message


def test_participants_above_the_population_of_the_audience(db_file):
    # the plan's 人口 sheet: 新河村 农民 1,300 men + 1,250 women
    receipt = stored(activities(act(1, participants=2550), act(2, participants=2551)), db_file)
    [p] = receipt.warnings
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("over_population", "活动明细", 3, "参与人次", "2,551")
    assert "2,550人" in p.message


def test_participants_of_all_the_town_against_all_residents(db_file):
    # 全镇 / 社会公众: every population cell, 4,020 residents
    receipt = stored(activities(act(1, village="全镇", audience="社会公众", participants=4021)), db_file)
    assert [(p.code, p.value) for p in receipt.warnings] == [("over_population", "4,021")]


def history_of(db_file, count: int) -> None:
    """科协's 2025 Q1 return with `count` ordinary activities (40–59 people, 510–700 yuan)."""
    stored(activities(*(act(i, participants=39 + i, cost=500 + 10 * i) for i in range(1, count + 1))), db_file)


def test_outlier_against_the_departments_history(db_file):
    history_of(db_file, 20)
    # costs 510…700: Q1 557.5, Q3 652.5, fence Q3 + 3·IQR = 937.5
    receipt = stored(activities(act(1, start=D(2025, 5, 5), cost=938), act(2, start=D(2025, 5, 6), cost=937),
                                quarter=2), db_file)
    [p] = receipt.warnings
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("outlier", "活动明细", 2, "经费(元)", "938")
    assert "938" in p.message


def test_no_outlier_warning_without_enough_history(db_file):
    history_of(db_file, 19)
    receipt = stored(activities(act(1, start=D(2025, 5, 5), cost=50000), quarter=2), db_file)
    assert receipt.warnings == []


def test_outlier_history_leaves_out_the_version_being_replaced(db_file):
    history_of(db_file, 20)
    receipt = load_return(activities(act(1, cost=50000)), "fix.xlsx", db_file, replace=True, today=TODAY)
    assert receipt.status == "stored"
    assert receipt.warnings == []

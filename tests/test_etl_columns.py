"""The columnar check equals the cell-by-cell check: every problem (in order) and every typed and raw row.

tests/reference_check.py keeps the row-by-row parser and rules; each workbook here is checked both ways. The
workbooks: every golden fixture, every file of the hostile corpus that passes the pre-parse limits, a survey and
an activity return typing every tolerated and refused form, and a small copy of the load benchmark's return.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import numpy as np
import pytest

from benchmarks.load import VILLAGES, survey_return
from etl import db
from etl.limits import check_limits
from etl.plan_context import PlanContext
from etl.store import current_plan, load_return
from etl.validate import check_return
from tests.make_bad_files import CORPUS, xlsxwriter_book
from tests.make_fixtures import FIXTURE_BOOKS, database_with_plan, fixture_bytes
from tests.reference_check import reference_check
from tests.workbooks import (ACTIVITY_HEADER, SURVEY_HEADER, activity, activity_book, plan_book, respondent,
                             survey_book, xlsx)

TODAY = dt.date(2026, 1, 1)
D = dt.date


def typed(records: list[dict], fields: set[str]) -> list[dict]:
    """Rows with each value's type beside it (1 and 1.0 are different outcomes); a field a row lacks is None,
    as it is stored."""
    return [{k: (type(r.get(k)).__name__, r.get(k)) for k in sorted(fields)} for r in records]


def assert_same_outcome(data: bytes, plan: PlanContext | None, history=None) -> None:
    new = check_return(data, plan, history, TODAY)
    old = reference_check(data, plan, history, TODAY)
    assert new.problems == old.problems
    assert (new.kind, new.info, new.info_rows, new.sheet_titles) == (old.kind, old.info, old.info_rows,
                                                                     old.sheet_titles)
    assert list(new.tables) == list(old.tables)
    for alias in new.tables:
        new_rows, old_rows = new.tables[alias].records(), old.tables[alias].records()
        fields = {k for r in new_rows + old_rows for k in r}
        assert typed(new_rows, fields) == typed(old_rows, fields), alias
        assert new.tables[alias].raw_cells() == old.tables[alias].raw_cells(), alias


def _plan(db_file) -> PlanContext:
    with db.connect(db_file) as con:
        return current_plan(con)


@pytest.fixture(scope="module")
def fixture_plan(tmp_path_factory) -> PlanContext:
    return _plan(database_with_plan(tmp_path_factory.mktemp("plan")))


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory) -> PlanContext:
    db_file = tmp_path_factory.mktemp("small") / "w.duckdb"
    assert load_return(plan_book(), "plan.xlsx", db_file, today=TODAY).status == "stored"
    return _plan(db_file)


@pytest.mark.parametrize("name", sorted(FIXTURE_BOOKS))
def test_every_golden_fixture_checks_the_same_by_columns(name, fixture_plan):
    assert_same_outcome(fixture_bytes(name), None if name == "plan" else fixture_plan)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_hostile_file_that_is_parsed_checks_the_same_by_columns(name, small_plan):
    data = CORPUS[name][1]()
    if any(p.severity == "error" for p in check_limits(data, CORPUS[name][0])):
        pytest.skip("refused before parsing")
    assert_same_outcome(data, small_plan)


FULL = "１２"  # full-width digits


def messy_survey() -> bytes:
    """Every form a survey cell arrives in: tolerated spellings, refused values, blanks, spaces, duplicates."""
    rows = [
        respondent(1),
        respondent(2, sex="男性", residence="城市", education="本科", age=FULL, surveyed_on="2021年3月15日"),
        respondent(3, sex=" 女 ", village="新河村 ", residence="农村", age="３０", dims=("30", 10, 10.5, 10), score=60.5),
        respondent(4, age=17, group="未成年人", education=None, surveyed_on=44300),  # Excel serial
        respondent(5, age=45, education=None, surveyed_on=D(2020, 5, 1)),  # adult without 文化程度, wrong year
        respondent(6, age=40, group="未成年人", score=99),  # minor group at 40; score ≠ sum
        respondent(7, dims=(30, None, 10, 10), score=50),  # partial dimensions
        respondent(8, dims=(None, None, None, None), score=""),
        respondent(9, dims=(None, None, None, None), score=66.5, interest=5),
        respondent(1, age=5),  # duplicate id; age below range
        respondent(10, age=25.5, sex="其他", village="火星村"),  # not an integer, not allowed, not in plan
        respondent(11, age=True, interest="很感兴趣", surveyed_on="2021-02-30"),  # a bool, text, no such date
        respondent(12, dims=(-0.0, -0.0, -0.0, -0.0), score=""),
        respondent(13, dims=(40.1, 20, 20, 20)),  # a dimension above its range
        respondent(14, age="1,200", surveyed_on="  "),
        respondent(15, village="\u200b新河村", residence="农村", sex="女\u202e"),  # zero-width space; RTL override
        respondent(16, dims=(1e300, 1, 1, 1), score=""),
        [None, D(2021, 4, 1), None, None, None, None, None, None, None, None, None, None, None, None],
        respondent(17, dims=(10.25, 10.25, 10.25, 10.25), score=""),
        respondent(18, age="  33", education="高中/中专 ", group=" 其他"),
    ] + [respondent(100 + i, age=18 + i % 60, dims=(i % 40, i % 20, 10, 5.5)) for i in range(60)]
    return survey_book(rows)


def test_a_survey_typing_every_form_checks_the_same_by_columns(small_plan):
    assert_same_outcome(messy_survey(), small_plan)


def test_a_survey_scored_from_item_answers_checks_the_same_by_columns(small_plan):
    header = [*SURVEY_HEADER[:8], "K01", "K02", "M01"]
    items = [["题号", "维度", "正确答案", "分值"], ["K01", "科学知识", "A", 10], ["K02", "科学知识", "b", 5],
             ["M01", "科学方法", "C", 20]]
    rows = [respondent(i)[:8] + answers for i, answers in enumerate(
        [["A", "B", "C"], ["a", "不知道", None], [None, None, None], ["D", " b ", "C"], ["", "", ""]], start=1)]
    assert_same_outcome(survey_book(rows, header=header, 题库=items), small_plan)


def test_an_activity_return_typing_every_form_checks_the_same_by_columns(small_plan):
    rows = [activity(1), activity(2, participants="1,200", cost="３００", theme="Y"),
            activity(3, start="2021.2.3", task="2", village="全镇", audience="社会公众", theme="否"),
            activity(4, start=D(2021, 5, 1), participants=5000), activity(5, task=3, kind="讲座"),
            activity(1, hours=-1, cost=1e13), activity(6, participants=12.5, village="新河村 "),
            activity(7, start=44230, audience="农民 ", participants=" 40 ")]
    rows[2][5] = D(2021, 1, 1)  # ends before it starts
    earlier = {"participants": np.arange(10, 40), "cost_yuan": np.full(30, 200.0)}
    assert_same_outcome(activity_book(rows), small_plan, lambda department, period: earlier)


def test_short_rows_keep_only_their_own_cells_raw(small_plan):
    sheets = {"填报信息": [["项目", "内容"], ["报表类型", "科普活动"], ["填报单位", "科协"], ["年度", 2021],
                           ["季度", 1]],
              "活动明细": [ACTIVITY_HEADER + ["备注"], activity(1) + ["一"], activity(2)]}
    assert_same_outcome(xlsx(sheets), small_plan)


def test_the_benchmark_return_checks_the_same_by_columns(tmp_path, small_plan):
    path = survey_return(tmp_path / "survey.xlsx", 1_200)
    plan = replace(small_plan, villages=dict(VILLAGES), departments={"科协": {"owes_survey": "是"}})
    assert_same_outcome(path.read_bytes(), plan)


def test_raw_rows_are_stored_as_json_of_the_cells_as_read(tmp_path, small_plan):
    """Headers and cells with quotes, backslashes and control characters survive the JSON built in DuckDB."""
    header = ACTIVITY_HEADER + ['备"注\\', "说明\n"]
    rows = [activity(1) + ['"引号"\\', "换行\n\x07"], activity(2) + [None, 12.0]]
    db_file = tmp_path / "db" / "w.duckdb"
    assert load_return(plan_book(), "plan.xlsx", db_file, today=TODAY).status == "stored"
    data = xlsxwriter_book({"填报信息": [["项目", "内容"], ["报表类型", "科普活动"], ["填报单位", "科协"],
                                        ["年度", 2021], ["季度", 1]], "活动明细": [header, *rows]})
    receipt = load_return(data, "a.xlsx", db_file, today=TODAY)
    assert receipt.status == "stored", receipt.to_text()
    with db.connect(db_file) as con:
        stored = [json.loads(r[0]) for r in con.execute(
            "select cells from raw_rows where return_id = ? order by row_no", [receipt.return_id]).fetchall()]
    assert stored == check_return(data, _plan(db_file), today=TODAY).tables["activities"].raw_cells()
    assert stored[0]['备"注\\'] == '"引号"\\' and stored[1]["说明"] == "12"  # headers are kept stripped



def test_warnings_and_notes_are_stored_in_one_insert_in_the_receipt_order(tmp_path):
    db_file = tmp_path / "db" / "w.duckdb"
    assert load_return(plan_book(), "plan.xlsx", db_file, today=TODAY).status == "stored"
    rows = [activity(i, audience="其他", participants="40" if i % 2 else 5000, theme="Y") for i in range(1, 40)]
    receipt = load_return(activity_book(rows), "a.xlsx", db_file, today=TODAY)
    assert receipt.status == "stored", receipt.to_text()
    with db.connect(db_file) as con:
        stored = con.execute("select problem_id, severity, code, sheet, row_no, column_name, value, expected, message "
                             "from problems where return_id = ? order by problem_id", [receipt.return_id]).fetchall()
    assert [r[1:] for r in stored] == [(p.severity, p.code, p.sheet, p.row, p.column, p.value, p.expected, p.message)
                                       for p in receipt.problems]
    assert [r[2] for r in stored].count("over_population") == 19  # 5000 people in a village of 800 其他
    assert [r[0] for r in stored] == list(range(stored[0][0], stored[0][0] + 21))

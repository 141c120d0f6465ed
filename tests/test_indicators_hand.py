"""Activity, funding, plan and reporting indicators on a fixture small enough to work out by hand.

The fixture: the small plan of tests/workbooks.py (4 departments, 2 villages with population, 4 milestones,
budget 2021: task 1 20,000元, task 7 50,000元) and three activity returns:
- 科协 2021Q1, received 2021-04-10 (due 04-15: on time): A1 新河村 其他 40 people 2 h 500元 on theme;
  A2 柳堡社区 社会公众 60 people 3 h 1,500元 not on theme;
- 财政所 2021Q1, received 2021-04-18 (deadline 20 days: due 04-20, on time): 经费拨付 task 7, 全镇, 0 people, 30,000元;
- 科协 2021Q2, received 2021-07-30 (due 07-15: late) with no rows: 空报.
"""
from __future__ import annotations

import datetime as dt

import pytest

from etl import db
from etl.store import load_return
from indicators import activity, plan, reporting
from tests.workbooks import D, activity as row, activity_book, plan_book

TODAY = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("hand") / "hand.duckdb"
    stored = [
        load_return(plan_book(), "plan.xlsx", path, today=TODAY),
        load_return(activity_book([row(1, village="新河村", audience="其他", participants=40, hours=2, cost=500),
                                   row(2, village="柳堡社区", audience="社会公众", participants=60, hours=3, cost=1500,
                                       theme="否")]),
                    "kx_q1.xlsx", path, today=TODAY, received_on=D(2021, 4, 10)),
        load_return(activity_book([row(3, kind="经费拨付", task=7, village="全镇", audience="社会公众", participants=0,
                                       hours=0, cost=30000, theme="否")], department="财政所"),
                    "cz_q1.xlsx", path, today=TODAY, received_on=D(2021, 4, 18)),
        load_return(activity_book([], quarter=2), "kx_q2.xlsx", path, today=TODAY, received_on=D(2021, 7, 30)),
    ]
    assert [r.status for r in stored] == ["stored"] * 4, [r.to_text() for r in stored]
    with db.connect(path) as con:
        yield con


def value(frame, **where):
    rows = frame
    for column, wanted in where.items():
        rows = rows[rows[column] == wanted]
    assert len(rows) == 1, rows
    return rows["value"].iloc[0]


def test_activity_counts_participants_hours_and_spending_by_quarter(small_db):
    assert value(activity.activity_count(small_db, "2021-12-31"), period="2021Q1") == 3
    assert value(activity.participants(small_db, "2021-12-31"), period="2021Q1") == 100
    assert value(activity.training_hours(small_db, "2021-12-31"), period="2021Q1") == 5
    assert value(activity.spend_yuan(small_db, "2021-12-31"), period="2021Q1") == 32000
    by_department = activity.spend_yuan(small_db, "2021-12-31", by="部门", period="year")
    assert value(by_department, 部门="财政所") == 30000 and value(by_department, 部门="科协") == 2000


def test_as_of_before_the_quarter_ends_leaves_its_returns_out(small_db):
    assert activity.activity_count(small_db, "2021-03-30").empty
    assert value(activity.activity_count(small_db, "2021-03-31"), period="2021Q1") == 3


def test_participation_per_100_residents_of_the_audience(small_db):
    # Population: 其他 = (200 + 150 + 50) × 2 sexes × 2 villages = 1,600; the town 2,000 (+ 400 minors).
    by_audience = activity.participation_per_100(small_db, "2021-12-31", by="目标人群")
    assert value(by_audience, 目标人群="其他") == pytest.approx(40 / 1600 * 100)      # 2.5
    assert value(by_audience, 目标人群="社会公众") == pytest.approx(60 / 2000 * 100)   # 3.0 (everyone)
    town = activity.participation_per_100(small_db, "2021-12-31")
    assert value(town, period="2021") == pytest.approx(100 / 2000 * 100)              # 5.0


def test_on_theme_share_budget_execution_and_spend_per_resident(small_db):
    theme = activity.on_theme_share(small_db, "2021-12-31")
    assert value(theme, period="2021") == pytest.approx(1 / 3)
    assert theme["note"].iloc[0] == "年度主题：节约资源"
    budget = activity.budget_execution(small_db, "2021-12-31", by="对应任务")
    assert value(budget, 对应任务=7) == pytest.approx(30000 / 50000)                   # 60%
    assert value(budget, 对应任务=1) == 0                                                # budget, no spending
    assert budget.loc[budget["对应任务"] == 2, "note"].iloc[0] == "无预算"               # spending, no budget
    assert value(activity.budget_execution(small_db, "2021-12-31", by=None)) == pytest.approx(32000 / 70000)
    assert value(activity.spend_per_resident(small_db, "2021-12-31")) == pytest.approx(32000 / 2000)  # 16元


def test_reporting_rates_follow_dhis2_on_uploaded_files(small_db):
    # As of 2021-07-31: 4 departments × 2 quarters of activity returns; surveys are owed in Q4 only.
    rate = reporting.reporting_rate(small_db, "2021-07-31")
    on_time = reporting.reporting_rate_on_time(small_db, "2021-07-31")
    assert value(rate, period="2021Q1") == 0.5 and value(on_time, period="2021Q1") == 0.5
    assert value(rate, period="2021Q2") == 0.25 and value(on_time, period="2021Q2") == 0   # 科协 Q2 came 07-30
    assert rate.loc[rate["period"] == "2021Q2", "note"].iloc[0] == "含空报1份"
    grid = reporting.reporting_grid(small_db, "2021-07-31").set_index(["部门", "period"])["state"]
    assert grid[("科协", "2021Q1")] == "按时" and grid[("财政所", "2021Q1")] == "按时"
    assert grid[("科协", "2021Q2")] == "空报" and grid[("中小学", "2021Q1")] == "未报"
    # Q4 adds the surveys owed by 中小学 and 农业站: 4 + 2 expected, none received.
    # (due 2022-01-15, 财政所 01-20: on 2021-12-31 the quarter has no rate yet).
    assert "2021Q4" not in set(reporting.reporting_rate(small_db, "2021-12-31")["period"])
    q4 = reporting.reporting_rate(small_db, "2022-01-20")
    assert q4.loc[q4["period"] == "2021Q4", "n"].iloc[0] == 6


def test_reporting_as_it_stood_on_the_date(small_db):
    # On 2021-04-12 only 科协's Q1 return had come (04-10); the others were not yet due (04-15, 财政所 04-20).
    grid = reporting.reporting_grid(small_db, "2021-04-12").set_index(["部门", "period"])["state"]
    assert grid[("科协", "2021Q1")] == "按时"
    assert grid[("财政所", "2021Q1")] == "未到期" and grid[("中小学", "2021Q1")] == "未到期"
    # Nothing is due yet, so the quarter has no rate (neither 25% nor 0%); on 04-15 three returns are due and
    # 财政所's (due 04-20, received 04-18) is still 未到期: left out of the rate, named in the note.
    assert reporting.reporting_rate(small_db, "2021-04-12").empty
    rate = reporting.reporting_rate(small_db, "2021-04-15")
    assert value(rate, period="2021Q1") == 1 / 3 and rate["n"].iloc[0] == 3
    assert rate["note"].iloc[0] == "另有1份未到报送期限，未计入"
    # On 2021-07-16 科协's Q2 return (received 07-30) was 未报: its deadline 07-15 had passed.
    assert reporting.reporting_grid(small_db, "2021-07-16").set_index(["部门", "period"])["state"][
        ("科协", "2021Q2")] == "未报"


def test_milestones_as_they_stood_on_the_date(small_db):
    # M2 was done on 2024-01-20: not done yet at the end of 2023; M3 (due 2024-06-30) overdue by the end of 2024.
    assert value(plan.milestone_completion(small_db, "2023-12-31")) == 0.25
    assert value(plan.milestones_overdue(small_db, "2023-12-31")) == 0
    assert value(plan.milestone_completion(small_db, "2024-12-31")) == 0.5
    overdue = plan.milestones_overdue(small_db, "2024-12-31")
    assert value(overdue) == 1 and overdue["note"].iloc[0] == "M3"
    by_phase = plan.milestone_completion(small_db, "2024-12-31", by="阶段")
    assert value(by_phase, 阶段="全面推进阶段") == 0.5


def test_phase_elapsed_and_current_phase(small_db):
    elapsed = plan.phase_elapsed(small_db, "2023-06-30")
    # 全面推进阶段 2022-01-01 … 2024-12-31 has 1,096 days; 546 of them have passed by 2023-06-30.
    assert value(elapsed, 阶段="全面推进阶段") == pytest.approx(546 / 1096)
    assert value(elapsed, 阶段="启动实施阶段") == 1 and value(elapsed, 阶段="评估总结阶段") == 0
    assert plan.current_phase(small_db, "2023-06-30") == "全面推进阶段"
    assert elapsed.loc[elapsed["阶段"] == "全面推进阶段", "note"].iloc[0] == "当前阶段"


def test_target_gap_without_data_says_so(small_db):
    gaps = plan.target_gap(small_db, "2021-12-31")
    literacy = gaps[gaps["指标代码"] == "literacy_rate"].iloc[0]
    assert literacy["target_value"] == pytest.approx(0.15)       # written 15 (%) in the plan
    assert literacy["note"] == "暂无数据" and literacy["value"] is None
    status = plan.progress_status(small_db, "2021-12-31")
    assert set(status["status"]) == {"not_available"}

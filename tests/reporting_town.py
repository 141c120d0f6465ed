"""A small town whose reporting is worked out by hand: four departments, 2023 only, real workbooks.

The plan is tests/workbooks.py's (中小学, 农业站 owe a survey a year and activities each quarter; 科协 and
财政所 activities only; 报送期限 15 days, 财政所 20), with its phases moved to 2023–2024 so that nothing is
owed before 2023. Returns and the day each came in (quarter end + 15 days = 04-15, 07-15, 10-15, 01-15; 财政所
+20 = 04-20, 07-20, 10-20, 01-20):

| quarter | 中小学            | 农业站            | 科协                   | 财政所            |
|---------|-------------------|-------------------|------------------------|-------------------|
| 2023Q1  | 04-10 按时        | 04-18 逾期        | 04-12 空报 (on time)   | never: 未报       |
| 2023Q2  | 07-10 按时        | 07-10 按时        | 06-29 按时 (early)     | 07-10 按时        |
| 2023Q3  | 10-14 按时        | never: 未报       | never: 未报            | 10-20 按时 (last day) |
| 2023Q4  | 2024-01-03 按时 (early) | —           | —                      | —                 |
2023 survey: 中小学 2024-01-03 (early); 农业站 none (未到期 on 2024-01-05).

At 截至2023-06-30 nothing of 2023Q2 is due yet (科协's early return does not make it due), so the quarter
shown is 2023Q1: 4 returns counted, 3 received (75.0%), 2 on time (50.0%: 中小学 and 科协's 空报), missing
财政所 (赵会计, 13800000004).
At 截至2024-01-05 nothing of 2023Q4 is due (deadlines 01-15 and 01-20), so the quarter shown is 2023Q3:
4 counted, 2 received (50.0%), 2 on time (50.0%), missing 农业站 (李站长, 13800000002) and 科协 (张主任,
13800000003); 财政所's 2023Q1 return is still missing from an earlier quarter.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.store import load_return
from tests.workbooks import D, activity, activity_book, plan_book, respondent, survey_book

PHASES = [["阶段", "开始日期", "结束日期"], ["启动实施阶段", D(2023, 1, 1), D(2023, 3, 31)],
          ["全面推进阶段", D(2023, 4, 1), D(2024, 6, 30)], ["评估总结阶段", D(2024, 7, 1), D(2024, 12, 31)]]
MILESTONES = [["编号", "阶段", "任务编号", "内容", "责任部门", "计划完成日期", "状态", "完成日期", "佐证"],
              ["M1", "启动实施阶段", 1, "制定实施方案", "中小学", D(2023, 3, 31), "已完成", D(2023, 3, 1), "文件"],
              ["M2", "全面推进阶段", 2, "开展中期评估", "科协", D(2023, 12, 31), "进行中", None, None]]
BUDGET = [["年度", "任务编号", "部门", "预算金额(元)"], [2023, 1, "中小学", 20000], [2023, 7, "财政所", 50000]]

# (department, quarter, received on, number of activity rows; 0 = an empty return)
ACTIVITY_RETURNS = [
    ("中小学", 1, D(2023, 4, 10), 1), ("农业站", 1, D(2023, 4, 18), 1), ("科协", 1, D(2023, 4, 12), 0),
    ("中小学", 2, D(2023, 7, 10), 1), ("农业站", 2, D(2023, 7, 10), 1), ("科协", 2, D(2023, 6, 29), 1),
    ("财政所", 2, D(2023, 7, 10), 1),
    ("中小学", 3, D(2023, 10, 14), 1), ("财政所", 3, D(2023, 10, 20), 1),
    ("中小学", 4, D(2024, 1, 3), 1),
]
SURVEY_RETURNS = [("中小学", 2023, D(2024, 1, 3))]


def build(folder: Path) -> Path:
    """The warehouse of this town in `folder` (every workbook stored, else the test fails here)."""
    db_file = folder / "town.duckdb"
    books = [("plan.xlsx", plan_book(阶段=PHASES, 里程碑=MILESTONES, 预算=BUDGET), D(2023, 1, 5))]
    for i, (dept, q, day, rows) in enumerate(ACTIVITY_RETURNS):
        start = D(2023, 3 * q - 1, 10)
        body = [activity(i * 10 + k, start=start, task=2) for k in range(rows)]
        books.append((f"act_{dept}_{q}.xlsx", activity_book(body, department=dept, year=2023, quarter=q), day))
    for dept, year, day in SURVEY_RETURNS:
        body = [respondent(k, surveyed_on=D(year, 10, 1)) for k in range(1, 4)]
        books.append((f"survey_{dept}.xlsx", survey_book(body, department=dept, year=year), day))
    for name, data, day in books:
        receipt = load_return(data, name, db_file, received_on=day, today=dt.date(2024, 3, 1))
        assert receipt.status == "stored", receipt.to_text()
    return db_file

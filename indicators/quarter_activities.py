"""A quarter's activities by task and by the year's theme (the quarterly 情况通报)."""
from __future__ import annotations

import pandas as pd

from indicators.activity import activity_rows
from indicators.tasks_views import plan_tasks

COLUMNS = ["对应任务", "任务名称", "活动次数", "年度主题活动", "参与人次"]


def year_theme(con, year: int) -> str | None:
    """The plan's theme of the year (年度主题 sheet), or None."""
    found = con.execute("select theme from v_plan_themes where year = ?", [int(year)]).fetchone()
    return found[0] if found else None


def activities_by_task(con, as_of, quarter: str) -> pd.DataFrame:
    """Activities of `quarter` ("2025Q3") received by the rules of the as-of date, one row per plan task (tasks
    without activities too), in the plan's order: COLUMNS (counts as int)."""
    rows = activity_rows(con, as_of)
    rows = rows[rows["quarter_period"] == quarter]
    done = rows.groupby("task").agg(活动次数=("task", "size"), 年度主题活动=("is_on_theme", "sum"),
                                    参与人次=("participants", "sum"))
    tasks = plan_tasks(con)
    frame = pd.DataFrame({"对应任务": tasks["task"], "任务名称": tasks["task_name"]})
    for col in COLUMNS[2:]:
        frame[col] = [int(done[col].get(t, 0)) if t in done.index else 0 for t in frame["对应任务"]]
    return frame.reset_index(drop=True)

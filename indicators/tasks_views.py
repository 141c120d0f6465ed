"""The plan's tasks for the 任务与阶段 page (plan facts read from the current plan, never constants)."""
from __future__ import annotations

import duckdb
import pandas as pd


def split_departments(text) -> list[str]:
    """'中小学,团委' (or with 、/，) → ['中小学', '团委']; nothing → []."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    parts = str(text).replace("，", ",").replace("、", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


def plan_tasks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current plan's tasks in the plan's order.

    Columns: task (number), task_name, lead_departments, responsible (lists of department names).
    """
    frame = con.execute("select task, task_name, lead_departments, responsible "
                        "from v_plan_tasks order by task, row_no").fetchdf()
    for col in ("lead_departments", "responsible"):
        frame[col] = frame[col].map(split_departments)
    return frame

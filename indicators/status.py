"""What the figures rest on: the latest period with data, who has reported, open warnings."""
from __future__ import annotations

import datetime as dt
import os

import duckdb
import pandas as pd

from indicators.base import to_date
from indicators.reporting import reporting_grid


def default_as_of(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> dt.date:
    """Today (or $KEXUE_TODAY): the figures as they stand now; periods not yet over are left out by the as-of
    rule itself, and returns not yet due show as 未到期."""
    if today is None and os.environ.get("KEXUE_TODAY"):
        today = to_date(os.environ["KEXUE_TODAY"])
    return today or dt.date.today()


def data_status(con: duckdb.DuckDBPyConnection, as_of) -> dict:
    """Banner facts: quarter, departments owing/reported in it, who is missing, open warnings, has_plan."""
    day = to_date(as_of)
    has_plan = con.execute("select count(*) from v_plan_return").fetchone()[0] > 0
    returns = con.execute("select count(*) from v_current_returns where kind <> 'plan'").fetchone()[0]
    warnings = con.execute("select count(*) from problems p join returns r using (return_id) "
                           "where r.is_current and p.severity = 'warning' and p.accepted_at is null").fetchone()[0]
    status = {"as_of": day, "has_plan": has_plan, "returns": int(returns), "open_warnings": int(warnings),
              "quarter": None, "owing": 0, "reported": 0, "missing": [], "pending": 0}
    if not has_plan:
        return status
    grid = reporting_grid(con, day)
    if grid.empty:
        return status
    # The latest quarter with a return due by the as-of date (a quarter whose returns are all still
    # pending says nothing yet about who has reported).
    due = grid[~grid["is_pending"]]
    last_period = max(due["period"]) if len(due) else max(grid["period"])
    quarter = grid[grid["period"] == last_period]
    by_department = quarter.groupby("部门")["is_received"].all()
    late = quarter[quarter["state"] == "未报"].groupby("部门").size()
    status.update(quarter=last_period, owing=int(len(by_department)), reported=int(by_department.sum()),
                  missing=sorted(late.index), pending=int(quarter["is_pending"].sum()))
    return status


def open_problems(con: duckdb.DuckDBPyConnection, severity: str = "warning", include_accepted: bool = False,
                  departments: list[str] | None = None) -> pd.DataFrame:
    """Warnings (or notes) of current returns: problem_id, 部门, 期间, 文件, sheet, row_no, column_name, value,
    message, accepted_by, accepted_at, accept_note."""
    frame = con.execute(
        "select p.problem_id, r.department as 部门, r.period as 期间, r.file_name as 文件, p.code, p.sheet, p.row_no,"
        " p.column_name, p.value, p.expected, p.message, p.accepted_by, p.accepted_at, p.accept_note"
        " from problems p join returns r using (return_id)"
        " where r.is_current and p.severity = ? and (? or p.accepted_at is null)"
        " order by r.period desc, r.department, p.row_no", [severity, include_accepted]).fetchdf()
    if departments is not None:
        frame = frame[frame["部门"].isin(departments)]
    return frame.reset_index(drop=True)


def departments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The plan's departments: department, liaison, phone, owes_survey, owes_activity, deadline_days."""
    return con.execute("select department, liaison, phone, owes_survey, owes_activity, deadline_days "
                       "from v_plan_departments order by row_no").fetchdf()

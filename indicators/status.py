"""What the figures rest on: the latest period with data, who has reported, open warnings."""
from __future__ import annotations

import datetime as dt
import os

import duckdb
import pandas as pd

from indicators.base import to_date
from indicators.period import reporting_quarter


DEFAULT_TOWN = "柳堡镇"


def town_name() -> str:
    """The town the pages, the deck and the documents are about ($KEXUE_TOWN; the plan workbook does not carry it)."""
    return os.environ.get("KEXUE_TOWN", DEFAULT_TOWN)


def default_as_of(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> dt.date:
    """Today (or $KEXUE_TODAY): the figures as they stand now; periods not yet over are left out by the as-of
    rule itself, and returns not yet due show as 未到期."""
    if today is None and os.environ.get("KEXUE_TODAY"):
        today = to_date(os.environ["KEXUE_TODAY"])
    return today or dt.date.today()


def data_status(con: duckdb.DuckDBPyConnection, as_of) -> dict:
    """Banner facts: as_of, has_plan, returns, open_warnings, and the reporting quarter of indicators.period:
    quarter ("2023Q3" or None), owing / reported (departments), missing (their names), pending (未到期 returns),
    rate and on_time_rate of that quarter."""
    day = to_date(as_of)
    has_plan = con.execute("select count(*) from v_plan_return").fetchone()[0] > 0
    returns = con.execute("select count(*) from v_current_returns where kind <> 'plan'").fetchone()[0]
    warnings = con.execute("select count(*) from problems p join returns r using (return_id) "
                           "where r.is_current and p.severity = 'warning' and p.accepted_at is null").fetchone()[0]
    status = {"as_of": day, "has_plan": has_plan, "returns": int(returns), "open_warnings": int(warnings),
              "quarter": None, "owing": 0, "reported": 0, "missing": [], "pending": 0, "rate": None,
              "on_time_rate": None}
    if not has_plan:
        return status
    shown = reporting_quarter(con, day)
    if shown.quarter is None:
        return status
    status.update(quarter=shown.quarter, owing=len(shown.owing_departments), reported=len(shown.reported_departments),
                  missing=shown.missing_departments, pending=shown.pending, rate=shown.rate,
                  on_time_rate=shown.on_time_rate)
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

"""Reporting indicators (DHIS2's definitions on uploaded files): who owes what, what came, on time or not."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from indicators.base import finish, to_date
from indicators.marts import per_version
from indicators.sql import sql

KIND_WORDS = {"activity": "科普活动", "survey": "科学素质调查"}
STATES = ("按时", "逾期", "未报", "空报", "未到期")


@per_version
def reporting_grid(con: duckdb.DuckDBPyConnection, as_of) -> pd.DataFrame:
    """Every return owed for periods ended by the as-of date and its state on that date.

    States: 按时 / 逾期 (received by the as-of date, by or after its deadline), 空报 (received with no rows),
    未报 (not received, deadline passed), 未到期 (not received, deadline still ahead). Only uploads received by
    the as-of date count, so a past date shows the returns as they stood then.
    Columns: 部门, 报表类型, period, year, quarter, due_on, first_received_on, state, is_received, is_on_time,
    is_empty, is_pending, liaison, phone.
    """
    frame = con.execute(sql("expected_returns"), {"as_of": to_date(as_of)}).fetchdf()
    frame["period"] = [f"{y}Q{q}" for y, q in zip(frame["year"], frame["quarter"])]
    frame["state"] = np.select([frame["is_received"] & frame["is_empty"], frame["is_received"] & frame["is_on_time"],
                                frame["is_received"], frame["is_pending"]], ["空报", "按时", "逾期", "未到期"], "未报")
    frame["报表类型"] = frame["kind"].map(KIND_WORDS)
    return frame.rename(columns={"department": "部门"})[
        ["部门", "报表类型", "period", "year", "quarter", "due_on", "first_received_on", "state", "is_received",
         "is_on_time", "is_empty", "is_pending", "liaison", "phone"]]


def _rate(con, as_of, by: str | None, period: str, flag: str) -> pd.DataFrame:
    grid = reporting_grid(con, as_of)
    if period == "year":
        grid["period"] = grid["year"].astype(str)
    elif period == "all":
        grid["period"] = str(to_date(as_of))
    keys = ["period"] + ([by] if by else [])
    pending = grid[grid["is_pending"]].groupby(keys).size()
    # A return neither received nor yet due (未到期) is not owed yet: it is left out of the rate, and a period
    # in which nothing has fallen due has no rate at all (never a 0% quarter, nor a 100% one of early returns),
    # as in indicators.period.
    due = set(grid.loc[pd.to_datetime(grid["due_on"]).dt.date <= to_date(as_of), "period"])
    grid = grid[~grid["is_pending"] & grid["period"].isin(due)]
    frame = grid.groupby(keys, as_index=False).agg(received=(flag, "sum"), n=(flag, "size"))
    frame["value"] = np.minimum(frame["received"] / frame["n"], 1.0)
    empties = grid[grid["is_empty"]].groupby(keys).size()
    notes = []
    for k in frame[keys].itertuples(index=False):
        key = tuple(k) if by else k[0]
        parts = [f"含空报{int(empties.get(key, 0))}份" if empties.get(key, 0) else "",
                 f"另有{int(pending.get(key, 0))}份未到报送期限，未计入" if pending.get(key, 0) else ""]
        notes.append("；".join(p for p in parts if p) or None)
    frame["note"] = notes
    return finish(frame.drop(columns=["received"]), [by] if by else [], "share")


def reporting_rate(con, as_of, by: str | None = None, period: str = "quarter") -> pd.DataFrame:
    """Returns received by the as-of date ÷ returns expected (capped at 100%), per quarter, year or 'all'.

    Expected: returns due by the as-of date, or received before their deadline; a return neither received nor
    due (未到期) is left out and counted in the note, and a period with nothing expected yet has no row.
    `by` may be 部门 or 报表类型. Columns: period, [by], value, unit, n (expected), note (空报 and 未到期 counts).
    """
    return _rate(con, as_of, by, period, "is_received")


def reporting_rate_on_time(con, as_of, by: str | None = None, period: str = "quarter") -> pd.DataFrame:
    """Returns first uploaded by quarter end + 报送期限 ÷ returns expected. Columns as reporting_rate."""
    return _rate(con, as_of, by, period, "is_on_time")

"""The one definition of the reporting quarter a page shows, and of who is missing in it.

At an as-of date the quarter shown is the latest one in which some return has fallen due (quarter end + the
department's 报送期限 on or before the date). In it:
  counted  = every return that is due, or that came early (received before its deadline);
  未到期   = neither received nor due: listed as such, never counted as missing, never in the rate;
  rate     = received ÷ counted, on-time rate = received by the deadline ÷ counted (indicators.reporting's
             definition, so the quarter's figures equal `reporting_rate(period="quarter")` for that quarter).
A quarter in which nothing has fallen due yet is not shown at all (no 0% quarter). 总览, 报送情况, its
bulletin and scorecard, every slide of 汇报模式, the banner and the report all read this.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from indicators.base import to_date
from indicators.reporting import reporting_grid

# The columns of `ReportingQuarter.returns` (the reporting_grid's, one row per return owed in the quarter).
RETURN_COLUMNS = ["部门", "报表类型", "period", "year", "quarter", "due_on", "first_received_on", "state",
                  "is_received", "is_on_time", "is_empty", "is_pending", "liaison", "phone"]


@dataclass(frozen=True)
class ReportingQuarter:
    """The quarter shown at an as-of date and its returns (see the module docstring for the rules).

    quarter: "2023Q3", or None when no return has fallen due by the date.
    returns: one row per return owed for that quarter, columns RETURN_COLUMNS; state is 按时 / 逾期 / 未报 /
        空报 / 未到期 (空报 = received with no data rows, counted as received).
    earlier_missing: returns of earlier quarters still 未报 on the date (same columns), oldest first.
    n, received, on_time, pending: counts of returns counted / received / received by the deadline / 未到期.
    rate, on_time_rate: received ÷ n and on_time ÷ n (None when n is 0).
    """

    as_of: dt.date
    quarter: str | None
    returns: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RETURN_COLUMNS))
    earlier_missing: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RETURN_COLUMNS))

    @property
    def counted(self) -> pd.DataFrame:
        """The returns of the quarter that count: due, or received early (everything but 未到期)."""
        return self.returns[~self.returns["is_pending"].astype(bool)]

    @property
    def n(self) -> int:
        """Returns counted in the rate."""
        return len(self.counted)

    @property
    def received(self) -> int:
        """Returns received by the as-of date (空报 included)."""
        return int(self.counted["is_received"].sum())

    @property
    def on_time(self) -> int:
        """Returns first received by their deadline."""
        return int(self.counted["is_on_time"].sum())

    @property
    def pending(self) -> int:
        """Returns of the quarter neither received nor yet due (未到期)."""
        return int(self.returns["is_pending"].astype(bool).sum())

    @property
    def rate(self) -> float | None:
        """Reporting rate of the quarter: received ÷ counted (capped at 100%)."""
        return min(self.received / self.n, 1.0) if self.n else None

    @property
    def on_time_rate(self) -> float | None:
        """On-time reporting rate of the quarter: received by the deadline ÷ counted."""
        return self.on_time / self.n if self.n else None

    def in_state(self, state: str) -> pd.DataFrame:
        """The quarter's returns in one state (按时 / 逾期 / 未报 / 空报 / 未到期)."""
        return self.returns[self.returns["state"] == state]

    @property
    def missing(self) -> pd.DataFrame:
        """The quarter's returns due and not received (未报), with liaison and phone."""
        return self.in_state("未报")

    @property
    def missing_departments(self) -> list[str]:
        """Departments with a return of the quarter due and not received, sorted by name."""
        return sorted(dict.fromkeys(self.missing["部门"]))

    @property
    def owing_departments(self) -> list[str]:
        """Departments with at least one return of the quarter counted (due or received)."""
        return sorted(dict.fromkeys(self.counted["部门"]))

    @property
    def reported_departments(self) -> list[str]:
        """Departments owing in the quarter with every counted return received."""
        missing = set(self.missing_departments)
        return [d for d in self.owing_departments if d not in missing]


def quarter_of(grid: pd.DataFrame, as_of, quarter: str | None = None) -> ReportingQuarter:
    """The reporting quarter of a reporting_grid (as indicators.reporting.reporting_grid returns it); `quarter`
    ("2025Q3") picks an earlier one with a return due by the date (the bulletin of a chosen quarter)."""
    day = to_date(as_of)
    if grid is None or grid.empty:
        return ReportingQuarter(day, None)
    due = grid[pd.to_datetime(grid["due_on"]).dt.date <= day]
    if due.empty:
        return ReportingQuarter(day, None)
    if quarter is not None and quarter not in set(due["period"]):
        return ReportingQuarter(day, None)
    quarter = quarter or max(due["period"])
    rows = grid[grid["period"] == quarter][RETURN_COLUMNS].reset_index(drop=True)
    earlier = grid[(grid["period"] < quarter) & (grid["state"] == "未报")][RETURN_COLUMNS].reset_index(drop=True)
    return ReportingQuarter(day, quarter, rows, earlier)


def reporting_quarter(con: duckdb.DuckDBPyConnection, as_of, quarter: str | None = None) -> ReportingQuarter:
    """The reporting quarter shown at the as-of date (or the given one), its returns, rate and who is missing."""
    return quarter_of(reporting_grid(con, as_of), as_of, quarter)

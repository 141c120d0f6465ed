"""Yearly series of any indicator a plan target may name, for progress status and target gaps."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators import activity, plan, reporting, survey
from indicators.base import to_date

WHOLE = ("全体", "全镇", "", None)


def yearly_series(con, as_of, code: str, population: str | None) -> pd.DataFrame:
    """Columns year, value: the indicator's yearly values for `population` (全体, a 重点人群, 城镇 or 农村)."""
    frame = _values(con, as_of, code, population)
    if frame.empty:
        return pd.DataFrame({"year": pd.Series(dtype=int), "value": pd.Series(dtype=float)})
    frame = frame.assign(year=frame["period"].str[:4].astype(int), value=frame["value"].astype(float))
    # A year counts only once it is over: half a year of spending is not that year's value.
    frame = frame[[year_is_over(y, as_of) for y in frame["year"]]]
    return frame[["year", "value"]].sort_values("year").reset_index(drop=True)


def year_is_over(year: int, as_of) -> bool:
    """True once the as-of date has reached the year's last day: its yearly value counts, its targets are final."""
    return to_date(as_of) >= dt.date(int(year), 12, 31)


def _values(con, as_of, code: str, population: str | None) -> pd.DataFrame:
    whole = population in WHOLE
    if code == "literacy_rate":
        if whole:
            return survey.literacy_rate(con, as_of)
        by = "城乡" if population in ("城镇", "农村") else "重点人群"
        frame = survey.literacy_rate(con, as_of, by=by)
        return frame[frame[by] == population]
    if code == "minor_interest_rate":
        return survey.minor_interest_rate(con, as_of)
    if code == "urban_rural_gap":
        return survey.urban_rural_gap(con, as_of)
    if code in ("activity_count", "participants", "training_hours", "spend_yuan"):
        function = getattr(activity, code)
        if whole:
            return function(con, as_of, period="year")
        frame = function(con, as_of, by="目标人群", period="year")
        return frame[frame["目标人群"] == population]
    if code == "participation_per_100":
        if whole:
            return activity.participation_per_100(con, as_of)
        frame = activity.participation_per_100(con, as_of, by="目标人群")
        return frame[frame["目标人群"] == population]
    if code in ("on_theme_share", "spend_per_resident"):
        return getattr(activity, code)(con, as_of)
    if code == "budget_execution":
        return activity.budget_execution(con, as_of, by=None)
    if code in ("reporting_rate", "reporting_rate_on_time"):
        return getattr(reporting, code)(con, as_of, period="year")
    if code == "milestone_completion":
        return _milestones_by_year(con, as_of)
    raise KeyError(f"未知指标代码：{code}")


def _milestones_by_year(con, as_of) -> pd.DataFrame:
    day = to_date(as_of)
    years = con.execute("select distinct year(due_on) from v_plan_milestones where due_on <= ? order by 1",
                        [day]).fetchall()
    rows = []
    for (year,) in years:
        end = min(day, pd.Timestamp(year=year, month=12, day=31).date())
        frame = plan.milestone_completion(con, end)
        rows.append({"period": str(year), "value": frame["value"].iloc[0]})
    return pd.DataFrame(rows, columns=["period", "value"])

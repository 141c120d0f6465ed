"""Activity and funding indicators: counts, participants, coverage, theme share, spending against budget."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from indicators.base import finish, population, to_date, total_population
from indicators.marts import materialised, per_version
from indicators.sql import sql

# Breakdown keys (Chinese column names of DATA.md) → the column of the activity rows.
ACTIVITY_BREAKDOWNS = {"部门": "department", "对应任务": "task", "村(社区)": "village", "目标人群": "audience",
                       "活动类型": "kind"}
WHOLE_TOWN, PUBLIC = "全镇", "社会公众"


@per_version  # fetched once per as-of date: every activity indicator starts from the same rows
def activity_rows(con: duckdb.DuckDBPyConnection, as_of) -> pd.DataFrame:
    """Activities of current returns whose quarter ended by the as-of date.

    Columns: year, quarter_period, department, task, kind, village, audience, participants, training_hours,
    cost_yuan, is_on_theme.
    """
    return con.execute(sql("activity_rows"), {"as_of": to_date(as_of)}).fetchdf()


def _totals(con, as_of, by: str | None, period: str, column: str | None, unit: str) -> pd.DataFrame:
    rows = activity_rows(con, as_of)
    rows["period"] = rows["quarter_period"] if period == "quarter" else rows["year"].astype(str)
    keys = ["period"] + ([ACTIVITY_BREAKDOWNS[by]] if by else [])
    grouped = rows.groupby(keys, as_index=False)
    frame = grouped.size().rename(columns={"size": "value"}) if column is None else grouped[column].sum().rename(
        columns={column: "value"})
    frame["n"] = grouped.size()["size"].to_numpy() if len(frame) else []
    frame = frame.rename(columns={ACTIVITY_BREAKDOWNS[by]: by} if by else {})
    return finish(frame, [by] if by else [], unit)


@materialised("activity")
def activity_count(con, as_of, by: str | None = None, period: str = "quarter") -> pd.DataFrame:
    """Number of activities per quarter (or year). Columns: period, [by], value, unit, n, …"""
    return _totals(con, as_of, by, period, None, "count")


@materialised("activity")
def participants(con, as_of, by: str | None = None, period: str = "quarter") -> pd.DataFrame:
    """Sum of 参与人次 per quarter (or year). Columns: period, [by], value, unit, n (activities), …"""
    return _totals(con, as_of, by, period, "participants", "person_times")


@materialised("activity")
def training_hours(con, as_of, by: str | None = None, period: str = "quarter") -> pd.DataFrame:
    """Sum of 培训学时 per quarter (or year). Columns: period, [by], value, unit, n (activities), …"""
    return _totals(con, as_of, by, period, "training_hours", "hours")


@materialised("activity")
def spend_yuan(con, as_of, by: str | None = None, period: str = "quarter") -> pd.DataFrame:
    """Sum of 经费(元) per quarter (or year). Columns: period, [by], value, unit, n (activities), …"""
    return _totals(con, as_of, by, period, "cost_yuan", "yuan")


@materialised("activity")
def participation_per_100(con, as_of, by: str | None = None) -> pd.DataFrame:
    """Participants per 100 residents of the audience (its group, in its village where given), per year.

    `by` may be None (whole town), 目标人群 or 村(社区). Columns: period, [by], value, unit, n, …, population.
    """
    rows = activity_rows(con, as_of)
    pop = population(con)
    rows["period"] = rows["year"].astype(str)
    if by is None:
        frame = rows.groupby("period", as_index=False)["participants"].sum()
        frame["population"] = int(pop["population"].sum())
    else:
        column = ACTIVITY_BREAKDOWNS[by]
        pop_column = {"目标人群": "group_name", "村(社区)": "village"}[by]
        sizes = pop.groupby(pop_column)["population"].sum()
        frame = rows.groupby(["period", column], as_index=False)["participants"].sum().rename(columns={column: by})
        everyone = int(pop["population"].sum())
        frame["population"] = [everyone if key in (WHOLE_TOWN, PUBLIC) else sizes.get(key, np.nan)
                               for key in frame[by]]
    frame["value"] = 100 * frame["participants"] / frame["population"].where(frame["population"] > 0)
    frame["n"] = frame["participants"]
    return finish(frame.drop(columns=["participants"]), [by] if by else [], "per_100")


@materialised("activity")
def on_theme_share(con, as_of) -> pd.DataFrame:
    """Activities marked 年度主题 = 是 ÷ all activities, per year; note holds the year's theme.

    Columns: period, value, unit, n (activities), note.
    """
    rows = activity_rows(con, as_of)
    themes = dict(con.execute("select year, theme from v_plan_themes").fetchall())
    frame = rows.groupby("year", as_index=False).agg(value=("is_on_theme", "mean"), n=("is_on_theme", "size"))
    frame["note"] = [f"年度主题：{themes[y]}" if y in themes else None for y in frame["year"]]
    frame["period"] = frame["year"].astype(str)
    return finish(frame.drop(columns=["year"]), [], "share")


@materialised("activity", also=lambda as_of: to_date(as_of).year)
def budget_execution(con, as_of, by: str | None = "对应任务") -> pd.DataFrame:
    """Spending ÷ the year's budget, per year and task (or department, or whole town).

    Columns: period, [by], value, unit, …, budget_yuan, spend_yuan.
    """
    rows = activity_rows(con, as_of)
    year_cut = to_date(as_of).year
    budget = con.execute("select year, task, department, budget_yuan from v_plan_budget where year <= ?",
                         [year_cut]).fetchdf()
    keys = ["year"] + ([ACTIVITY_BREAKDOWNS[by]] if by else [])
    spend = rows.groupby(keys, as_index=False)["cost_yuan"].sum().rename(columns={"cost_yuan": "spend_yuan"})
    planned = budget.groupby(keys, as_index=False)["budget_yuan"].sum()
    frame = planned.merge(spend, on=keys, how="outer").fillna({"budget_yuan": 0.0, "spend_yuan": 0.0})
    frame = frame[frame["year"].isin(set(rows["year"]) | set(budget["year"]))]
    frame["value"] = frame["spend_yuan"] / frame["budget_yuan"].where(frame["budget_yuan"] > 0)
    frame["note"] = np.where(frame["budget_yuan"] > 0, None, "无预算")
    frame["period"] = frame["year"].astype(int).astype(str)
    frame = frame.drop(columns=["year"]).rename(columns={ACTIVITY_BREAKDOWNS[by]: by} if by else {})
    return finish(frame.sort_values(["period", *([by] if by else [])]), [by] if by else [], "share")


@materialised("activity")
def spend_per_resident(con, as_of) -> pd.DataFrame:
    """Yearly spending ÷ the town's population (元 per resident). Columns: period, value, unit, n, …"""
    rows = activity_rows(con, as_of)
    residents = total_population(con)
    frame = rows.groupby("year", as_index=False)["cost_yuan"].sum()
    frame["value"] = frame["cost_yuan"] / residents if residents else np.nan
    frame["n"] = residents
    frame["period"] = frame["year"].astype(str)
    return finish(frame.drop(columns=["year", "cost_yuan"]), [], "yuan_per_person")

"""What every indicator shares: periods, the as-of rule, plan facts read from the current plan.

"As of" (截至) a date: only returns for periods ending on or before it, milestones as they stood then, and
the plan's phase of that date. Indicator functions take a connection and return a DataFrame whose columns
are `period`, any breakdown columns (named in Chinese, as DATA.md names them), then VALUE_COLUMNS.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import duckdb
import pandas as pd

from etl.spec import DEFAULT_THRESHOLDS

METHOD_FILE = Path(__file__).resolve().parent.parent / "data" / "method.toml"
_SURVEY_METHOD = tomllib.loads(METHOD_FILE.read_text(encoding="utf-8"))["survey"]
MIN_N = int(_SURVEY_METHOD["min_n"])  # a rate with fewer respondents is shown greyed with 样本不足 and never ranked
ADULT_AGES = tuple(_SURVEY_METHOD["adult_ages"])  # the town-wide rate covers residents of these ages
ADULT_LABEL = f"{ADULT_AGES[0]}–{ADULT_AGES[1]}岁"  # "18–69岁": the one label of that population
VALUE_COLUMNS = ["value", "unit", "n", "se", "df", "ci_low", "ci_high", "note"]
# Breakdown keys (Chinese column names of DATA.md) → the column of the survey view.
SURVEY_BREAKDOWNS = {"城乡": "residence", "性别": "sex", "年龄段": "age_band", "文化程度": "education",
                     "重点人群": "group_name", "村(社区)": "village"}


def to_date(value) -> dt.date:
    """A date from a date, datetime or ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def period_end(period: str) -> dt.date:
    """Last day of '2025' or '2025Q3'."""
    if "Q" in period:
        year, quarter = (int(x) for x in period.split("Q"))
        return (pd.Timestamp(year=year, month=3 * quarter, day=1) + pd.offsets.MonthEnd(0)).date()
    return dt.date(int(period), 12, 31)


def thresholds(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Tier thresholds of the current plan (高阶 / 具备 / 基本具备), defaults where missing."""
    rows = con.execute("select tier, min_score from v_plan_scoring").fetchall()
    return {**DEFAULT_THRESHOLDS, **{t: float(s) for t, s in rows if s is not None}}


def population(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The plan's population cells: village, residence, sex, age_band, group_name, population."""
    return con.execute("select village, residence, sex, age_band, group_name, population "
                       "from v_plan_population").fetchdf()


def total_population(con: duckdb.DuckDBPyConnection) -> int:
    """Residents of the town in the plan's 人口 sheet."""
    return int(con.execute("select coalesce(sum(population), 0) from v_plan_population").fetchone()[0])


def empty(columns: list[str]) -> pd.DataFrame:
    """An empty result with the given breakdown columns and the value columns."""
    return pd.DataFrame(columns=["period", *columns, *VALUE_COLUMNS])


def finish(frame: pd.DataFrame, by: list[str], unit: str) -> pd.DataFrame:
    """Order the columns the same way for every indicator; fill unit and missing value columns."""
    frame = frame.copy()
    frame["unit"] = unit
    for col in VALUE_COLUMNS:
        if col not in frame:
            frame[col] = None
    extra = [c for c in frame.columns if c not in ("period", *by, *VALUE_COLUMNS)]
    return frame[["period", *by, *VALUE_COLUMNS, *extra]].reset_index(drop=True)

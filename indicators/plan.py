"""Plan indicators: milestones as they stood on the as-of date, phase elapsed, targets and progress status."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from indicators import progress as method
from indicators.base import finish, to_date
from indicators.marts import per_version
from indicators.sql import sql


def milestones(con: duckdb.DuckDBPyConnection, as_of) -> pd.DataFrame:
    """Every milestone with its status as of the date.

    Columns: milestone_id, phase, task, content, department, due_on, done_on, evidence, is_done, status_as_of,
    is_overdue.
    """
    return con.execute(sql("milestones_as_of"), {"as_of": to_date(as_of)}).fetchdf()


def milestone_completion(con, as_of, by: str | None = None) -> pd.DataFrame:
    """Milestones done ÷ milestones, as of the date; `by` may be 阶段 or 对应任务.

    Columns: period (the as-of date), [by], value, unit, n (milestones), note, done.
    """
    frame = milestones(con, as_of).rename(columns={"phase": "阶段", "task": "对应任务"})
    keys = [by] if by else []
    if frame.empty:
        return finish(pd.DataFrame(columns=["period", *keys]), keys, "share")
    grouped = frame.groupby(keys, as_index=False, sort=False) if by else None
    result = (grouped.agg(done=("is_done", "sum"), n=("is_done", "size")) if by else
              pd.DataFrame({"done": [int(frame["is_done"].sum())], "n": [len(frame)]}))
    result["value"] = result["done"] / result["n"]
    result["period"] = str(to_date(as_of))
    return finish(result, keys, "share")


def milestones_overdue(con, as_of) -> pd.DataFrame:
    """Count of milestones not done whose 计划完成日期 is before the as-of date.

    Columns: period (the as-of date), value, unit, n (milestones), note (their 编号).
    """
    frame = milestones(con, as_of)
    late = frame[frame["is_overdue"]]
    return finish(pd.DataFrame({"period": [str(to_date(as_of))], "value": [len(late)], "n": [len(frame)],
                                "note": ["、".join(late["milestone_id"]) or None]}), [], "count")


def phases(con) -> pd.DataFrame:
    """The plan's phases in order: 阶段, start_on, end_on."""
    frame = con.execute("select phase as 阶段, start_on, end_on from v_plan_phases order by start_on").fetchdf()
    for col in ("start_on", "end_on"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def phase_elapsed(con, as_of) -> pd.DataFrame:
    """Share of each phase's days gone by at the as-of date; note marks the current phase.

    Columns: period (the as-of date), 阶段, value, unit, n (days in the phase), note, start_on, end_on.
    """
    day = to_date(as_of)
    frame = phases(con)
    if frame.empty:
        return finish(pd.DataFrame(columns=["period", "阶段"]), ["阶段"], "share")
    start, end = frame["start_on"], frame["end_on"]
    days = np.array([(e - s).days + 1 for s, e in zip(start, end)])
    gone = np.array([min(max((day - s).days + 1, 0), d) for s, d in zip(start, days)])
    frame["value"] = gone / days
    frame["n"] = days
    current = current_phase(con, day)
    inside = np.array([s <= day <= e for s, e in zip(start, end)])  # after the plan's end no phase is current
    frame["note"] = np.where((frame["阶段"] == current) & inside, "当前阶段", None)
    frame["period"] = str(day)
    return finish(frame, ["阶段"], "share")


def current_phase(con, as_of) -> str | None:
    """The phase containing the date (the first before the plan starts, the last after it ends)."""
    day = to_date(as_of)
    frame = phases(con)
    if frame.empty:
        return None
    for row in frame.itertuples():
        if row.start_on <= day <= row.end_on:
            return row.阶段
    return frame["阶段"].iloc[0] if day < frame["start_on"].iloc[0] else frame["阶段"].iloc[-1]


def phase_state(con, as_of) -> dict:
    """Where the plan stands on the date, the one answer every page, slide and report gives.

    Keys: phase (the phase containing the date; the first before the plan starts, the last after it ends; None
    without phases), state ("before" | "current" | "ended" | None), start_on, end_on (of that phase), elapsed
    (share of its days gone by, 0–1), is_plan_ended (True once the last phase has ended: 规划期已结束).
    """
    day = to_date(as_of)
    frame = phases(con)
    if frame.empty:
        return {"phase": None, "state": None, "start_on": None, "end_on": None, "elapsed": None,
                "is_plan_ended": False}
    phase = current_phase(con, day)
    row = frame[frame["阶段"] == phase].iloc[0]
    days = (row["end_on"] - row["start_on"]).days + 1
    state = ("before" if day < frame["start_on"].iloc[0] else "ended" if day > frame["end_on"].max() else "current")
    return {"phase": phase, "state": state, "start_on": row["start_on"], "end_on": row["end_on"],
            "elapsed": min(max((day - row["start_on"]).days + 1, 0), days) / days, "is_plan_ended": state == "ended"}


def targets(con) -> pd.DataFrame:
    """The plan's 指标目标 rows: code, population, base_year, base_value, target_year, target_value, direction."""
    return con.execute("select code, population, base_year, base_value, target_year, target_value, direction "
                       "from v_plan_targets order by row_no").fetchdf()


@per_version  # target_gap and progress_status share one assessment
def _assessed(con, as_of) -> list[dict]:
    """Each target with its series, latest value, gap, required yearly change and progress."""
    from indicators.series import year_is_over, yearly_series

    rows = []
    for t in targets(con).itertuples():
        # A target is judged on the values up to its own year: the mid-term target of 2023 by 2023's figure.
        full = yearly_series(con, as_of, t.code, t.population)
        series = full[full["year"] <= t.target_year]
        result = method.progress_status(series["year"], series["value"], t.direction, target=t.target_value,
                                        base_year=t.base_year, target_year=t.target_year)
        if year_is_over(int(t.target_year), as_of):  # past its year a target is final: 已达标 or 未达标
            result = method.final_status(result, t.target_value, t.direction)
        newest = full.dropna(subset=["value"]).tail(1)
        latest = series.dropna(subset=["value"]).tail(1)
        latest_year = int(latest["year"].iloc[0]) if len(latest) else None
        latest_value = float(latest["value"].iloc[0]) if len(latest) else None
        rows.append({"code": t.code, "人群": t.population, "目标年度": int(t.target_year), "target": t,
                     "result": result, "latest_year": latest_year, "latest_value": latest_value,
                     "newest_year": int(newest["year"].iloc[0]) if len(newest) else None,
                     "newest_value": float(newest["value"].iloc[0]) if len(newest) else None,
                     "needed": method.required_yearly_change(latest_year, latest_value, int(t.target_year),
                                                             t.target_value, t.direction)})
    return rows


def target_gap(con, as_of) -> pd.DataFrame:
    """Target value − latest value (indicator's unit) and the yearly change still needed, per target row.

    Columns: period (target year), 指标代码, 人群, value, unit, n, note, latest_year, latest_value,
    target_value, required_yearly_change.
    """
    rows = [{"period": str(a["目标年度"]), "指标代码": a["code"], "人群": a["人群"],
             "value": None if a["latest_value"] is None else a["target"].target_value - a["latest_value"],
             "latest_year": a["latest_year"], "latest_value": a["latest_value"],
             "target_value": a["target"].target_value, "required_yearly_change": a["needed"],
             "note": None if a["latest_value"] is not None else "暂无数据"} for a in _assessed(con, as_of)]
    columns = ["period", "指标代码", "人群", "value", "latest_year", "latest_value", "target_value",
               "required_yearly_change", "note"]
    frame = finish(pd.DataFrame(rows, columns=columns), ["指标代码", "人群"], "indicator_unit")
    frame["unit"] = [_unit_of(code) for code in frame["指标代码"]]  # the target's own unit: share, pp, yuan …
    return frame


def progress_status(con, as_of) -> pd.DataFrame:
    """Progress status of each target row by the Open SDG method (INDICATORS.md).

    Columns: period (target year), 指标代码, 人群, value (score), unit, note (status code), status,
    progress_value, base_year, base_value, latest_year, latest_value (the value judged: the latest up to the
    target year), target_value, direction, newest_year, newest_value (the latest value by the as-of date, also
    beyond the target year). Once the target year is over the status is final: target_achieved or target_missed.
    """
    rows = []
    for a in _assessed(con, as_of):
        r, t = a["result"], a["target"]
        rows.append({"period": str(a["目标年度"]), "指标代码": a["code"], "人群": a["人群"], "value": r.score,
                     "note": r.status, "status": r.status, "progress_value": r.progress_value,
                     "base_year": r.base_year_used, "base_value": r.base_value, "latest_year": r.current_year,
                     "latest_value": r.current_value, "target_value": t.target_value, "direction": t.direction,
                     "newest_year": a["newest_year"], "newest_value": a["newest_value"]})
    if not rows:
        return finish(pd.DataFrame(columns=["period", "指标代码", "人群"]), ["指标代码", "人群"], "score")
    return finish(pd.DataFrame(rows), ["指标代码", "人群"], "score")


def _unit_of(code: str) -> str:
    from indicators.registry import BY_CODE  # the registry imports this module
    return BY_CODE[code].unit

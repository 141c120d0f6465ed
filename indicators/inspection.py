"""The yearly inspection (督促检查): one row of figures per department, and a score out of 100.

The score is a weighted sum of five parts, each a fraction from 0 to 1. SCORE_WEIGHTS is the one place to
change the weights; SCORE_RULES says in words how each part is counted (the scorecard prints both).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from indicators import activity, plan, reporting, status
from indicators.base import to_date
from indicators.tasks_views import split_departments

SCORE_WEIGHTS = {"报送": 35, "里程碑": 25, "活动": 15, "经费": 15, "数据质量": 10}
SCORE_RULES = {
    "报送": "按时报送的报表 ÷ 到期应报报表（空报在期限内收到也计为按时）；当年没有到期报表时计满分。",
    "里程碑": "当年到期（截至所选日期）的里程碑中已完成的比例；没有到期里程碑时计满分。",
    "活动": "报来科普活动的季度 ÷ 已到期的活动季报季度数；不报活动的部门计满分。",
    "经费": "当年经费支出 ÷ 当年预算（超过100%按100%计）；没有预算的部门计满分。",
    "数据质量": "没有待处理提醒计满分，每条待处理提醒扣该项的四分之一，扣完为止。",
}
PROBLEM_STEP = 0.25  # the share of the 数据质量 part one open warning takes away
COLUMNS = ["部门", "联络员", "联系电话", "应报", "按时", "逾期", "未报", "空报", "未到期", "到期里程碑", "已完成里程碑",
           "活动次数", "活动季度", "应报活动季度", "经费支出", "预算", "待处理提醒", *(f"{p}得分" for p in SCORE_WEIGHTS),
           "总分"]


def department_scorecard(con, as_of, year: int | str, weights: dict | None = None) -> pd.DataFrame:
    """One row per plan department for `year` as it stood on the as-of date: returns owed (due by the date),
    on time, late, missing, empty and not yet due; milestones due and done; activities and quarters with
    activities; spending and budget; open warnings; each part's points (its fraction, 0–1, times its weight, to one decimal) and the total (their sum, 0–100).

    Columns: COLUMNS (counts as int, money in 元, scores as float).
    """
    weights = SCORE_WEIGHTS if weights is None else weights
    year = str(year)
    grid = reporting.reporting_grid(con, as_of)
    grid = grid[grid["year"].astype(str) == year]
    states = grid.groupby(["部门", "state"]).size().unstack(fill_value=0)
    owed_activity = grid[(grid["报表类型"] == reporting.KIND_WORDS["activity"]) & ~grid["is_pending"]]
    activity_quarters = owed_activity.groupby("部门").size()
    on_time = grid[~grid["is_pending"]].groupby("部门")["is_on_time"].sum()
    counts = activity.activity_count(con, as_of, by="部门", period="quarter")
    counts = counts[counts["period"].astype(str).str[:4] == year]
    spend = activity.budget_execution(con, as_of, by="部门")
    spend = spend[spend["period"].astype(str) == year].set_index("部门")
    milestones = _milestones_due(plan.milestones(con, as_of), year, to_date(as_of))
    problems = status.open_problems(con)
    problems = problems[problems["期间"].astype(str).str[:4] == year].groupby("部门").size()
    rows = []
    for dept in status.departments(con).itertuples():
        d = dept.department
        got = states.loc[d] if d in states.index else pd.Series(dtype=int)
        row = {"部门": d, "联络员": dept.liaison, "联系电话": dept.phone,
               **{s: int(got.get(s, 0)) for s in ("按时", "逾期", "未报", "空报", "未到期")},
               "到期里程碑": int(milestones.get(d, (0, 0))[0]), "已完成里程碑": int(milestones.get(d, (0, 0))[1]),
               "活动次数": int(counts.loc[counts["部门"] == d, "value"].sum()),
               "活动季度": int((counts["部门"] == d).sum()), "应报活动季度": int(activity_quarters.get(d, 0)),
               "经费支出": float(spend["spend_yuan"].get(d, 0.0)) if d in spend.index else None,
               "预算": float(spend["budget_yuan"].get(d, 0.0)) if d in spend.index else None,
               "待处理提醒": int(problems.get(d, 0))}
        row["应报"] = row["按时"] + row["逾期"] + row["未报"] + row["空报"]
        parts = _parts(row, int(on_time.get(d, 0)))
        # Each part's points to one decimal, and the total as their sum, so that the sheet adds up as printed.
        row.update({f"{p}得分": _points(weights[p] * parts[p]) for p in weights})
        row["总分"] = _points(sum(row[f"{p}得分"] for p in weights))
        rows.append(row)
    return pd.DataFrame(rows, columns=[c for c in COLUMNS if c in rows[0]] if rows else COLUMNS)


def _points(x: float) -> float:
    """Points to one decimal, halves up (as charts.fmt rounds)."""
    return float(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _parts(row: dict, on_time: int) -> dict[str, float]:
    """Each part of the score as a fraction (SCORE_RULES)."""
    budget, spent = row["预算"], row["经费支出"]
    return {
        "报送": on_time / row["应报"] if row["应报"] else 1.0,
        "里程碑": row["已完成里程碑"] / row["到期里程碑"] if row["到期里程碑"] else 1.0,
        "活动": min(row["活动季度"] / row["应报活动季度"], 1.0) if row["应报活动季度"] else 1.0,
        "经费": min(spent / budget, 1.0) if budget else 1.0,
        "数据质量": max(1.0 - PROBLEM_STEP * row["待处理提醒"], 0.0),
    }


def _milestones_due(milestones: pd.DataFrame, year: str, day) -> dict[str, tuple[int, int]]:
    """Department → (milestones due in the year by the date, of them done by the date)."""
    if milestones.empty:
        return {}
    due = pd.to_datetime(milestones["due_on"])
    rows = milestones[(due.dt.year == int(year)) & (due <= pd.Timestamp(day))]
    result: dict[str, list[int]] = {}
    for who, done in zip(rows["department"], rows["is_done"]):
        for d in split_departments(who):
            counts = result.setdefault(d, [0, 0])
            counts[0] += 1
            counts[1] += int(bool(done))
    return {d: (a, b) for d, (a, b) in result.items()}

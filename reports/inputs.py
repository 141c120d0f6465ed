"""Everything the documents print, read once from `indicators/` at one date (no figure is computed here).

`Pack` holds 汇报模式's inputs and slides (ui.present_parts.evaluation_at, charts.slides.build_slides: the
deck and the report say what the projector says) and the extra tables the Word report needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from charts.slides import EvaluationData, Slide, build_slides
from indicators import inspection, outlook, reporting, tasks_views
from indicators.base import to_date
from indicators.registry import indicator


@dataclass
class Pack:
    """The evaluation at one date: 汇报模式's inputs and slides, and the report's tables by task and department."""

    d: EvaluationData
    slides: list[Slide]
    tasks: pd.DataFrame = field(default_factory=pd.DataFrame)           # plan_tasks
    task_completion: pd.DataFrame = field(default_factory=pd.DataFrame)  # milestone_completion by 对应任务
    task_budget: pd.DataFrame = field(default_factory=pd.DataFrame)      # budget_execution by 对应任务
    task_activities: pd.DataFrame = field(default_factory=pd.DataFrame)  # activity_count by 对应任务, per year
    task_participants: pd.DataFrame = field(default_factory=pd.DataFrame)
    reporting_by_department: pd.DataFrame = field(default_factory=pd.DataFrame)  # reporting_rate by 部门, all
    on_time_by_department: pd.DataFrame = field(default_factory=pd.DataFrame)
    outlook: pd.DataFrame = field(default_factory=pd.DataFrame)          # next_period_targets
    next_end_year: int | None = None


def evaluation_data(con, as_of) -> EvaluationData:
    """汇报模式's inputs at the date, straight from the warehouse."""
    from ui.present_parts import evaluation_at
    return evaluation_at(con, to_date(as_of))


def pack(con, as_of) -> Pack:
    """The evaluation pack's inputs at the as-of date."""
    day = to_date(as_of)
    d = evaluation_data(con, day)
    result = Pack(d, build_slides(d))
    if not d.has_plan:
        return result
    frame = lambda code, **kw: indicator(code).compute(con, day, **kw)  # noqa: E731
    result.tasks = tasks_views.plan_tasks(con)
    result.task_completion = frame("milestone_completion", by="对应任务")
    result.task_budget = frame("budget_execution", by="对应任务")
    result.task_activities = frame("activity_count", by="对应任务", period="year")
    result.task_participants = frame("participants", by="对应任务", period="year")
    result.reporting_by_department = reporting.reporting_rate(con, day, by="部门", period="all")
    result.on_time_by_department = reporting.reporting_rate_on_time(con, day, by="部门", period="all")
    result.outlook = outlook.next_period_targets(con, day)
    result.next_end_year = outlook.next_period_end(con)
    return result


def scorecard(con, as_of, year) -> pd.DataFrame:
    """The 督促检查 figures of `year` as they stood on the as-of date (indicators.inspection)."""
    return inspection.department_scorecard(con, to_date(as_of), year)

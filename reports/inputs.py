"""Everything the documents print, read once from `indicators/` at one date (no figure is computed here).

`Pack` holds 汇报模式's inputs and slides (evaluation_at, charts.slides.build_slides: the
deck and the report say what the projector says) and the extra tables the Word report needs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from charts.slides import EvaluationData, Slide, build_slides
from indicators import inspection, outlook, reporting, tasks_views
from indicators.base import to_date
from indicators.queries import QUERIES
from indicators.registry import INDICATORS, indicator
from indicators.status import data_status, town_name


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


def gather(frame: Callable, query: Callable, as_of: dt.date, status: dict, labels: dict,
           town: str | None = None) -> EvaluationData:
    """Every input of the deck and the report: `frame(code, by=None, **variant)` gives an indicator,
    `query(name)` a named query (ui.data.frame and ui.data.query in the app, the warehouse in `evaluation_at`)."""
    d = EvaluationData(as_of=as_of, town=town or town_name(), has_plan=bool(status["has_plan"]),
                       has_returns=bool(status["returns"]), labels=labels)
    if not d.has_plan:
        return d
    d.phases, d.phase_state = query("phases"), query("phase_state")
    d.phase = d.phase_state["phase"]
    d.phase_elapsed, d.completion = frame("phase_elapsed"), frame("milestone_completion", by="阶段")
    d.milestones, d.progress = query("milestones"), frame("progress_status")
    d.reporting = frame("reporting_rate", period="quarter")
    d.reporting_on_time = frame("reporting_rate_on_time", period="quarter")
    d.reporting_grid, d.reporting_quarter = query("reporting_grid"), query("reporting_quarter")
    if not d.has_returns:
        return d
    d.rate, d.gap = frame("literacy_rate"), frame("urban_rural_gap")
    d.group_rates, d.group_rank = frame("literacy_rate", by="重点人群"), frame("group_rank")
    d.minor_interest, d.weighting = frame("minor_interest_rate"), query("weighting")
    d.activities = frame("activity_count", period="year")
    d.participants = frame("participants", period="year")
    d.training_hours = frame("training_hours", period="year")
    d.participants_by_kind = frame("participants", by="活动类型", period="year")
    d.budget, d.spend_per_resident = frame("budget_execution", by=None), frame("spend_per_resident")
    return d


def evaluation_at(con, as_of: dt.date, town: str | None = None) -> EvaluationData:
    """The same inputs straight from a warehouse connection, without the app's cache (documents, tests, scripts)."""
    def frame(code, by=None, **variant):
        return indicator(code).compute(con, as_of, by=by, **variant)

    def query(name):
        function, takes_as_of = QUERIES[name]
        return function(con, as_of) if takes_as_of else function(con)

    return gather(frame, query, as_of, data_status(con, as_of), registry_labels(), town)


def registry_labels() -> dict:
    """Indicator code → (label, unit, definition) for the report's table and notes."""
    return {i.code: (i.label, i.unit, i.definition) for i in INDICATORS}


def evaluation_data(con, as_of) -> EvaluationData:
    """汇报模式's inputs at the date, straight from the warehouse."""
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

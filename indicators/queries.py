"""Non-indicator queries by name, as the pages, the deck and the documents ask for them: (function, takes_as_of)."""
from __future__ import annotations

from etl import store
from indicators import activities_views, period, plan, reporting, status, survey, tasks_views

# Non-indicator queries the pages may ask for, by name: (function, takes_as_of).
QUERIES = {
    "reporting_grid": (reporting.reporting_grid, True),
    "reporting_quarter": (period.reporting_quarter, True),
    "milestones": (plan.milestones, True),
    "phases": (plan.phases, False),
    "plan_tasks": (tasks_views.plan_tasks, False),
    "current_phase": (plan.current_phase, True),
    "phase_state": (plan.phase_state, True),
    "weighting": (survey.weighting_report, True),
    "coverage": (survey.survey_coverage, True),
    "data_status": (status.data_status, True),
    "default_as_of": (status.default_as_of, False),
    "departments": (status.departments, False),
    "open_problems": (status.open_problems, False),
    "accepted_problems": (lambda con: status.open_problems(con, include_accepted=True), False),
    "current_plan": (store.current_plan, False),
    "task_names": (activities_views.task_names, False),
}

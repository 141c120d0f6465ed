"""Every figure of the app: DataFrame in, plotly Figure out (pure; no network, plotly.js ships with plotly).

The functions live by subject in survey_figs, plan_figs and activity_figs; pages import them from here.
Each takes an optional `title`: the one-line finding; without it the finding is derived from the data.
In Streamlit show them with `st.plotly_chart(fig, theme=None)`, so that the kexue template is kept.
"""

from __future__ import annotations

import plotly.graph_objects as go

from charts import palette
from charts.activity_figs import bar_by, budget_vs_spend
from charts.plan_figs import milestone_state, phase_timeline, reporting_grid
from charts.survey_figs import gap_trend, rate_bars, rate_trend, tier_stack

__all__ = ["bar_by", "budget_vs_spend", "gap_trend", "milestone_state", "phase_timeline", "projector",
           "rate_bars", "rate_trend", "reporting_grid", "tier_stack"]


def projector(fig: go.Figure) -> go.Figure:
    """A copy of a figure for 汇报模式: the PROJECTOR template (text ≥ 24 px, ticks ≥ 22 px)."""
    big = go.Figure(fig)
    big.update_layout(template=palette.PROJECTOR)
    return big

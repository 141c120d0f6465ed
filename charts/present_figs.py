"""Figures of 汇报模式 that charts.figures lacks (target counts per status word, the recent reporting grid,
ranked bars), and the touches that keep the shared figures legible on half a projector screen."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from charts import _base as b
from charts import fmt, palette
from charts.plan_figs import reporting_grid

# A department owing two returns in a quarter is shown by its worse one.
_STATE_ORDER = ("未报", "逾期", "空报", "按时")


def status_counts(progress: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Bars of the number of targets per progress status, each bar its word, count and colour.

    progress: the progress_status frame (column `status` holds the codes of palette.STATUS).
    """
    if b.is_empty(progress):
        return b.empty(title)
    b.require(progress, "status")
    tally = progress["status"].fillna("not_available").value_counts()
    codes = [c for c in palette.STATUS if tally.get(c, 0)]
    looks = [palette.status(c) for c in codes]
    fig = go.Figure()
    fig.add_bar(
        y=[s.label for s in looks], x=[int(tally[c]) for c in codes], orientation="h",
        marker=dict(color=[s.colour for s in looks]), text=[f"{int(tally[c])}项" for c in codes],
        textposition="outside", cliponaxis=False, showlegend=False,
        hovertext=[f"{s.label}：{int(tally[c])}项目标" for s, c in zip(looks, codes)],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=[s.label for s in looks],
                     autorange="reversed", showgrid=False, title_text=None)
    fig.update_xaxes(title_text="目标（项）", rangemode="tozero", dtick=1 if tally.max() <= 10 else None,
                     range=[0, tally.max() * 1.25])
    if title is None:
        title = f"共{len(progress)}项目标：" + "，".join(f"{s.word}{int(tally[c])}项" for s, c in zip(looks, codes))
    return b.frame(fig, title)


def recent_reporting_grid(grid: pd.DataFrame, quarters: int = 4, title: str | None = None) -> go.Figure:
    """The department × quarter grid of the last `quarters` quarters, one cell per department and quarter.

    grid: the reporting_grid query (部门, period, state, …); where a department owes both kinds of return in
    a quarter its cell shows the worse state (未报 before 逾期 before 空报 before 按时).
    """
    if b.is_empty(grid):
        return b.empty(title)
    b.require(grid, "部门", "period", "state")
    keep = b.sorted_periods(grid["period"])[-quarters:]
    recent = grid[grid["period"].isin(keep)].copy()
    recent["_rank"] = recent["state"].map({s: i for i, s in enumerate(_STATE_ORDER)})
    worst = (recent.sort_values("_rank").groupby(["部门", "period"], sort=False, as_index=False).first()
             .rename(columns={"state": "状态"}))
    order = list(dict.fromkeys(grid["部门"]))
    worst["_dept"] = worst["部门"].map({d: i for i, d in enumerate(order)})
    return reporting_grid(worst.sort_values(["_dept", "period"])[["部门", "period", "状态"]], title=title)


def ranked_bars(df: pd.DataFrame, by: str, unit: str = "人次", label: str = "参与人次", top: int = 8,
                title: str | None = None) -> go.Figure:
    """Horizontal bars of an amount by category, largest first (the first `top`; the rest summed as 其他),
    each labelled "1.2万人次": long category names stay level and readable on a half screen.
    """
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, by, "value")
    totals = df.groupby(by, sort=False)["value"].sum().sort_values(ascending=False)
    totals = totals[totals > 0]
    if len(totals) > top:
        rest = totals.iloc[top - 1:].sum()
        totals = totals.iloc[:top - 1]
        totals.loc["其余各类"] = rest
    div, axis_unit = b.scale_for(totals, unit)
    cats = [str(c) for c in totals.index]
    fig = go.Figure()
    fig.add_bar(y=cats, x=[float(v) / div for v in totals], orientation="h", marker=dict(color=palette.BLUE),
                text=[fmt.amount(v, unit) for v in totals], textposition="outside", cliponaxis=False,
                showlegend=False, hovertext=[f"{c}：{fmt.amount(v, unit)}" for c, v in zip(cats, totals)],
                hovertemplate="%{hovertext}<extra></extra>")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=cats, autorange="reversed",
                     showgrid=False, title_text=None)
    fig.update_xaxes(title_text=f"{label}（{axis_unit}）", rangemode="tozero",
                     range=[0, float(totals.max()) / div * 1.35] if len(totals) else None)
    if title is None:
        title = f"{cats[0]}最多（{fmt.amount(totals.iloc[0], unit)}）" if cats else label
    return b.frame(fig, title)


def time_window(fig: go.Figure, periods, as_of: dt.date, phases: pd.DataFrame | None) -> go.Figure:
    """Fit a time axis without data (the phase timeline) to the plan's phases, with the as-of line only
    when it falls inside them. A chart of periods keeps its own axis, which ends with the last period."""
    if len(list(periods)):
        return fig
    if b.is_empty(phases):
        return fig
    first, last = pd.to_datetime(phases["start_on"]).min(), pd.to_datetime(phases["end_on"]).max()
    fig.update_xaxes(range=[(first - pd.Timedelta(days=30)).strftime("%Y-%m-%d"),
                            (last + pd.Timedelta(days=30)).strftime("%Y-%m-%d")])
    return fig


def label_ends(fig: go.Figure) -> go.Figure:
    """Keep the value labels of the first and the latest point only: on a projector the labels of close
    neighbours run into each other (every value is still in the hover)."""
    for trace in fig.data:
        if trace.type == "scatter" and "text" in (trace.mode or "") and trace.text is not None and len(trace.text) > 2:
            text = list(trace.text)
            trace.text = [t if i in (0, len(text) - 1) else "" for i, t in enumerate(text)]
    return fig

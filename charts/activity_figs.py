"""Figures of activities and money: counts by quarter, kind or village; budget against spending."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import _base as b
from charts import fmt, palette

BUDGET, SPEND = "budget_yuan", "spend_yuan"


def _label(x: str, v) -> str:
    return fmt.period(v) if x == "period" else str(v)


def _axis_name(x: str) -> str | None:
    return None if x == "period" else x


def bar_by(df: pd.DataFrame, x: str, y: str = "value", title: str | None = None, unit: str = "人次",
           by: str | None = None, label: str | None = None) -> go.Figure:
    """Bars of a count or a sum of money (unit "元") by one column, optionally grouped by another.

    By period: upright bars in time order, only the latest and the largest labelled (the title names the
    largest); by anything else: level bars, largest first as given, each labelled, so that long names read.
    Labels read "3,482人次", "12.6万人次", "23.45万元"; the axis switches to 万 with them. `label` names the
    measure on the axis (e.g. "参与人次").
    """
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, x, y)
    over_time = x == "period"
    if over_time:
        df = df.assign(period=df["period"].map(b.period_key))
        order = b.sorted_periods(df["period"])
    else:
        order = list(dict.fromkeys(df[x]))
    cats = [_label(x, v) for v in order]
    div, axis_unit = b.scale_for(df[y], unit)
    totals = df.groupby(x, sort=False)[y].sum(min_count=1).reindex(order)
    named = {i for i, v in enumerate(totals) if not fmt.is_missing(v)}
    if over_time and named:
        named = {max(named), max(named, key=lambda i: float(totals.iloc[i]))}
    fig = go.Figure()
    for i, g in enumerate(b.group_values(df, by)):
        rows = (df if g is None else df[df[by] == g]).set_index(x).reindex(order)
        head = "" if g is None else f"{by}：{g}<br>"
        values = [None if fmt.is_missing(v) else float(v) / div for v in rows[y]]
        texts = [fmt.amount(v, unit) if j in named or not over_time else "" for j, v in enumerate(rows[y])]
        fig.add_bar(
            x=cats if over_time else values, y=values if over_time else cats, orientation="v" if over_time else "h",
            name=str(g) if g is not None else (label or unit), showlegend=by is not None,
            marker=dict(color=b.series_colour(i)),
            text=texts, textposition="outside", cliponaxis=False, textangle=0,
            hovertext=[f"{head}{c}：{fmt.amount(v, unit)}{b.note_line(n)}"
                       for c, v, n in zip(cats, rows[y], b.column(rows, "note"))],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    fig.update_layout(barmode="group")
    reach = max([float(v) / div for v in df[y] if not fmt.is_missing(v)] or [1.0])
    value_axis = dict(title_text=f"{label or ''}（{axis_unit}）", rangemode="tozero",
                      range=[0, reach * (palette.BAR_LABEL_ROOM if not over_time else 1.15)])
    if over_time:
        fig.update_xaxes(type="category", showgrid=False, title_text=None, **b.period_ticks(order, cats))
        fig.update_yaxes(**value_axis)
    else:
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=cats, autorange="reversed",
                         showgrid=False, title_text=None)
        fig.update_xaxes(**value_axis)
        fig.update_layout(meta=dict(rows=len(cats) * len(b.group_values(df, by))))
    if title is None:
        totals = totals.dropna()
        if totals.empty:
            title = label or "合计"
        elif len(totals) == 1:
            title = f"{_label(x, totals.index[0])}：{fmt.amount(totals.iloc[0], unit)}"
        else:
            top = totals.idxmax()
            title = f"{_label(x, top)}最多（{fmt.amount(totals[top], unit)}）"
    return b.frame(fig, title)


def _execution(spend, budget) -> str:
    if fmt.is_missing(spend) or fmt.is_missing(budget) or float(budget) == 0:
        return fmt.MISSING
    return fmt.share(float(spend) / float(budget))


def budget_vs_spend(df: pd.DataFrame, title: str | None = None, by: str | None = None) -> go.Figure:
    """Grouped bars of budget and spending (yuan) by task, department or year, execution rate in the hover.

    df: one label column (`by`, default the first column that is not money), budget_yuan, spend_yuan.
    """
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, BUDGET, SPEND)
    by = by or next(c for c in df.columns if c not in (BUDGET, SPEND))
    cats = [_label(by, v) for v in df[by]]
    div, axis_unit = b.scale_for(list(df[BUDGET]) + list(df[SPEND]), "元")
    rates = [_execution(s, bu) for s, bu in zip(df[SPEND], df[BUDGET])]
    fig = go.Figure()
    # Level bars, 预算 above 支出 for each row: long task names read, and every label has a row to itself.
    for col, name, colour in ((BUDGET, "预算", palette.SKY), (SPEND, "支出", palette.BLUE)):
        fig.add_bar(
            y=cats, x=[None if fmt.is_missing(v) else float(v) / div for v in df[col]], name=name, orientation="h",
            marker=dict(color=colour), text=[fmt.money(v) for v in df[col]], textposition="outside",
            cliponaxis=False, textangle=0,
            hovertext=[f"{c}<br>预算：{fmt.money(bu)}<br>支出：{fmt.money(s)}<br>执行率：{r}"
                       for c, bu, s, r in zip(cats, df[BUDGET], df[SPEND], rates)],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    reach = max([float(v) / div for v in list(df[BUDGET]) + list(df[SPEND]) if not fmt.is_missing(v)] or [1.0])
    fig.update_layout(barmode="group")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=cats, autorange="reversed",
                     showgrid=False, title_text=None)
    fig.update_xaxes(title_text=f"金额（{axis_unit}）", rangemode="tozero", range=[0, reach * palette.BAR_LABEL_ROOM])
    fig.update_layout(meta=dict(rows=2 * len(cats)))  # two labelled bars a row: charts._base.fit gives them room
    if title is None:
        budget, spend = df[BUDGET].sum(min_count=1), df[SPEND].sum(min_count=1)
        title = (f"经费执行率{_execution(spend, budget)}（支出{fmt.money(spend)}，预算{fmt.money(budget)}）"
                 if not fmt.is_missing(budget) and budget else f"经费支出{fmt.money(spend)}")
    return b.frame(fig, title)

"""Figures of the 科普活动与经费 page that charts/activity_figs.py lacks: spending per resident beside the nation."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import _base as b
from charts import fmt, palette


def spend_per_resident_fig(df: pd.DataFrame, reference: pd.DataFrame | None = None,
                           title: str | None = None) -> go.Figure:
    """Bars of the town's spending per resident (元/人) by year, the national figures as grey bars before them.

    df: period ("2025"), value (元/人), optional note.  reference: period, value (元/人), optional source.
    (Grey bars rather than reference lines: the national figures sit low inside the town's bars, where a
    line's label cannot be read.)
    """
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, "period", "value")
    df = df.assign(period=df["period"].map(b.period_key))
    order = b.sorted_periods(df["period"])
    rows = df.set_index("period").reindex(order)
    labels = [fmt.period(p) for p in order]
    refs = [] if b.is_empty(reference) else list(reference.sort_values("period").itertuples(index=False))
    fig = go.Figure()
    if refs:
        ref_labels = [f"全国{fmt.period(r.period)}" for r in refs]
        fig.add_bar(x=ref_labels, y=[float(r.value) for r in refs], name="全国人均科普专项经费",
                    marker=dict(color=palette.GREY), text=[fmt.money(r.value) for r in refs],
                    textposition="outside", cliponaxis=False,
                    hovertext=[f"{lab}<br>全国人均科普专项经费：{fmt.money(r.value)}/人"
                               + (f"<br>来源：{r.source}" if hasattr(r, "source") else "")
                               for lab, r in zip(ref_labels, refs)],
                    hovertemplate="%{hovertext}<extra></extra>")
    fig.add_bar(x=labels, y=[None if fmt.is_missing(v) else float(v) for v in rows["value"]], name="本镇人均科普经费",
                marker=dict(color=palette.BLUE), text=[fmt.money(v) for v in rows["value"]],
                textposition="outside", cliponaxis=False,
                hovertext=[f"{lab}<br>本镇人均科普经费：{fmt.money(v)}/人{b.note_line(n)}"
                           for lab, v, n in zip(labels, rows["value"], b.column(rows, "note"))],
                hovertemplate="%{hovertext}<extra></extra>")
    fig.update_xaxes(type="category", showgrid=False, title_text=None)
    fig.update_yaxes(title_text="人均科普经费（元/人）", rangemode="tozero")
    if title is None:
        last, value = labels[-1], rows["value"].iloc[-1]
        title = f"{last}本镇人均科普经费{fmt.money(value)}"
        if refs and not fmt.is_missing(value):
            latest = refs[-1]
            ratio = float(value) / float(latest.value)
            title += f"，是全国{fmt.period(latest.period)}水平（{fmt.money(latest.value)}）的{fmt.number(ratio, 1)}倍"
    return b.frame(fig, title)

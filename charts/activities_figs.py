"""Figures of the 科普活动与经费 page that charts/activity_figs.py lacks: spending per resident beside the nation."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

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


def _outliers(values: pd.Series) -> pd.Series:
    """True for a value more than palette.OUTLIER_RATIO times the median of the others (it would flatten them)."""
    out = []
    for key, v in values.items():
        rest = values.drop(key)
        out.append(len(rest) >= 2 and float(rest.median()) > 0 and float(v) > palette.OUTLIER_RATIO * float(rest.median()))
    return pd.Series(out, index=values.index, dtype=bool)


def per_100_bars(df: pd.DataFrame, by: str, unit: str = "人次/百人", label: str = "每百人参与人次",
                 reference: str = "全镇", title: str | None = None) -> go.Figure:
    """Horizontal bars of a rate per 100 residents by group, largest first, each labelled.

    The `reference` row (全镇) is a line across the bars, not a bar among them; a group far above the rest
    (palette.OUTLIER_RATIO times the others' median) gets its own panel with its own scale, so that it does not
    flatten the other bars.
    """
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, by, "value")
    rows = df[df["value"].notna()]
    ref = rows[rows[by].astype(str) == reference]
    rows = rows[rows[by].astype(str) != reference].sort_values("value", ascending=False)
    far = _outliers(rows.set_index(by)["value"]).to_numpy()
    panels = [rows[~far], rows[far]] if far.any() else [rows]
    sizes = [max(len(p), 1) for p in panels]
    fig = make_subplots(rows=len(panels), cols=1, row_heights=[s / sum(sizes) for s in sizes],
                        vertical_spacing=0.18 if len(panels) > 1 else 0.02)
    for i, part in enumerate(panels, start=1):
        cats = [str(c) for c in part[by]]
        fig.add_bar(y=cats, x=[float(v) for v in part["value"]], orientation="h", marker=dict(color=palette.BLUE),
                    text=[fmt.amount(v, unit) for v in part["value"]], textposition="outside", cliponaxis=False,
                    showlegend=False, row=i, col=1,
                    hovertext=[f"{c}：{fmt.amount(v, unit)}{b.note_line(n)}"
                               for c, v, n in zip(cats, part["value"], b.column(part, "note"))],
                    hovertemplate="%{hovertext}<extra></extra>")
        reach = float(part["value"].max()) if len(part) else 1.0
        if i == 1 and len(ref):
            reach = max(reach, float(ref["value"].iloc[0]))
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=cats, autorange="reversed",
                         showgrid=False, title_text=None, row=i, col=1)
        fig.update_xaxes(rangemode="tozero", range=[0, reach * palette.BAR_LABEL_ROOM], row=i, col=1,
                         title_text=f"{label}（{unit}）" + ("，另一刻度" if i > 1 else ""))
    if len(ref):
        value = float(ref["value"].iloc[0])
        fig.add_shape(type="line", xref="x", x0=value, x1=value, yref="y domain", y0=0, y1=1,
                      line=dict(color=palette.DARK_GREY, width=2, dash="dash"), name=reference)
        fig.add_annotation(text=f"{reference} {fmt.amount(value, unit)}", xref="x", x=value, yref="y domain", y=1,
                           yanchor="bottom", xanchor="center", showarrow=False, font=dict(color=palette.DARK_GREY))
        fig.update_layout(meta=dict(top=palette.REFERENCE_LABEL_ROOM))
    if title is None:
        top = rows.iloc[0] if len(rows) else None
        title = label if top is None else f"{top[by]}最多（{fmt.amount(top['value'], unit)}）"
        if far.any() and len(rows) > 1:
            title += "，远高于其他组（单列一栏）"
    return b.frame(fig, title)

"""What every figure shares: the frame (template, title, axes), period positions, and the marks on time axes."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from charts import fmt, palette

EMPTY_TEXT = "暂无数据"


def frame(fig: go.Figure, title: str, x_title: str | None = None, y_title: str | None = None) -> go.Figure:
    """Put the kexue template, the one-line title and the axis titles on a figure."""
    fig.update_layout(template=palette.KEXUE, title=dict(text=title))
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def empty(title: str | None) -> go.Figure:
    """A figure that says there is nothing to show yet (an empty database must still render)."""
    fig = go.Figure()
    fig.add_annotation(text=EMPTY_TEXT, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(color=palette.MUTED_TEXT))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return frame(fig, title or EMPTY_TEXT)


def is_empty(df: pd.DataFrame | None) -> bool:
    """True when there are no rows to draw."""
    return df is None or len(df) == 0


def rename(df: pd.DataFrame, aliases: dict[str, str]) -> pd.DataFrame:
    """The frame with English aliases (etl/spec.py) renamed to the names the figures read."""
    return df.rename(columns={k: v for k, v in aliases.items() if k in df.columns and v not in df.columns})


def require(df: pd.DataFrame, *columns: str) -> None:
    """Fail early, naming the missing columns, rather than deep inside plotly."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"DataFrame lacks column(s) {missing}; has {list(df.columns)}")


def period_key(p) -> str:
    """A period as text: 2024 → "2024", "2024Q3" stays."""
    s = str(p).strip()
    return s[:-2] if re.fullmatch(r"\d{4}\.0", s) else s


def period_position(p) -> pd.Timestamp:
    """Where a period sits on a time axis: a year at 1 July, a quarter in its middle, a date as itself."""
    s = period_key(p)
    if re.fullmatch(r"\d{4}", s):
        return pd.Timestamp(int(s), 7, 1)
    m = re.fullmatch(r"(\d{4})[Qq]([1-4])", s)
    if m:
        return pd.Timestamp(int(m.group(1)), 3 * int(m.group(2)) - 1, 15)
    return pd.Timestamp(s)


def sorted_periods(values) -> list[str]:
    """Distinct periods in time order."""
    return sorted({period_key(v) for v in values}, key=period_position)


def pct(x) -> float | None:
    """A share as a plotted percent (None where missing)."""
    return None if fmt.is_missing(x) else float(x) * 100


def error_arrays(value, low, high, scale: float = 1.0) -> tuple[list, list]:
    """(plus, minus) lengths of error bars from a value and its interval; None where unknown."""
    plus, minus = [], []
    for v, lo, hi in zip(value, low, high):
        ok = not (fmt.is_missing(v) or fmt.is_missing(lo) or fmt.is_missing(hi))
        plus.append((float(hi) - float(v)) * scale if ok else None)
        minus.append((float(v) - float(lo)) * scale if ok else None)
    return plus, minus


def column(df: pd.DataFrame, name: str) -> pd.Series:
    """A column, or an all-missing one when the frame lacks it (n, se, ci_*, note are optional)."""
    return df[name] if name in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)


def note_line(note) -> str:
    """The hover line for a row's note, or nothing."""
    return "" if fmt.is_missing(note) or str(note).strip() == "" else f"<br>说明：{note}"


def n_line(n) -> str:
    """The hover line for the sample size, or nothing."""
    return "" if fmt.is_missing(n) else f"<br>样本量：{fmt.number(n)}人"


def hline(fig: go.Figure, y: float, label: str, colour: str = palette.DARK_GREY, dash: str = "dash") -> None:
    """A horizontal line across the plot with its label at the right end (targets)."""
    fig.add_shape(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y,
                  line=dict(color=colour, width=2, dash=dash), name=label)
    fig.add_annotation(text=label, xref="x domain", x=1, xanchor="right", yref="y", y=y, yanchor="bottom",
                       showarrow=False, font=dict(color=colour))


def as_of_line(fig: go.Figure, as_of) -> None:
    """The as-of date as a vertical line on a time axis, labelled "截至2025年12月31日"."""
    x = pd.Timestamp(as_of).strftime("%Y-%m-%d")
    label = fmt.as_of(as_of)
    # add_vline's own annotation cannot take dates (plotly adds numbers to them), so draw both parts.
    fig.add_shape(type="line", xref="x", x0=x, x1=x, yref="y domain", y0=0, y1=1,
                  line=dict(color=palette.TEXT, width=2, dash="dot"), name=label)
    fig.add_annotation(text=label, xref="x", x=x, yref="y domain", y=1, yanchor="bottom", xanchor="left",
                       showarrow=False, font=dict(color=palette.TEXT))


PHASE_ALIASES = {"phase": "阶段", "开始日期": "start_on", "结束日期": "end_on"}


def phase_rows(phases: pd.DataFrame) -> pd.DataFrame:
    """Phases with columns 阶段, start_on, end_on (Timestamps), in time order."""
    p = rename(phases, PHASE_ALIASES)
    require(p, "阶段", "start_on", "end_on")
    p = p.assign(start_on=pd.to_datetime(p["start_on"]), end_on=pd.to_datetime(p["end_on"]))
    return p.sort_values("start_on").reset_index(drop=True)


def phase_bands(fig: go.Figure, phases: pd.DataFrame) -> None:
    """The plan's phases as shaded bands behind a time axis, each named at its top."""
    for i, row in phase_rows(phases).iterrows():
        fill = palette.PHASE_FILLS[i % len(palette.PHASE_FILLS)]
        start, end = row["start_on"], row["end_on"] + pd.Timedelta(days=1)  # through its last day
        fig.add_shape(type="rect", xref="x", x0=start.strftime("%Y-%m-%d"), x1=end.strftime("%Y-%m-%d"),
                      yref="y domain", y0=0, y1=1, fillcolor=fill, line=dict(width=0), layer="below",
                      name=str(row["阶段"]))
        # Names at the foot of the band (the top holds target labels), on two alternating rows so that a
        # short phase's name clears the next one's.
        fig.add_annotation(text=str(row["阶段"]), xref="x", x=(start + (end - start) / 2).strftime("%Y-%m-%d"),
                           xanchor="center", yref="y domain", y=0 if i % 2 == 0 else 0.08, yanchor="bottom",
                           showarrow=False, font=dict(color=palette.MUTED_TEXT))


def series_colour(i: int) -> str:
    """The i-th series colour, cycling."""
    return palette.SERIES[i % len(palette.SERIES)]


def group_values(df: pd.DataFrame, by: str | None) -> list:
    """The breakdown's values in the order they first appear ([None] without a breakdown)."""
    return [None] if by is None else list(dict.fromkeys(df[by].tolist()))


def scale_for(values, unit: str) -> tuple[float, str]:
    """(divisor, axis unit) so that axes read "万人次" or "万元" from 10,000, as the labels do."""
    vals = [abs(float(v)) for v in values if not fmt.is_missing(v)]
    return (10_000.0, f"万{unit}") if vals and max(vals) >= 10_000 else (1.0, unit)

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


def period_span(p) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and the last day of a period ("2025" → 1 Jan–31 Dec; "2025Q3" → 1 Jul–30 Sep)."""
    at = period_position(p)
    s = period_key(p)
    if re.fullmatch(r"\d{4}", s):
        return pd.Timestamp(at.year, 1, 1), pd.Timestamp(at.year, 12, 31)
    if re.fullmatch(r"\d{4}[Qq][1-4]", s):
        first = pd.Timestamp(at.year, at.month - 1, 1)
        return first, first + pd.offsets.QuarterEnd(0)
    return at, at


def target_segments(fig: go.Figure, targets: list[tuple], top: float) -> None:
    """Dashed target lines, each from its base year to its target year, labelled at its left end above the
    line ("2025年目标 15.0%"); of two labels closer than a line of text, the lower goes below its line."""
    placed: list[float] = []
    for x0, x1, y, label in sorted(targets, key=lambda t: -t[2]):
        fig.add_shape(type="line", xref="x", x0=x0.strftime("%Y-%m-%d"), x1=x1.strftime("%Y-%m-%d"), yref="y",
                      y0=y, y1=y, line=dict(color=palette.DARK_GREY, width=2, dash="dash"), name=label)
        below = any(abs(y - other) < top * palette.TARGET_LABEL_ROOM for other in placed)
        fig.add_annotation(text=label, xref="x", x=x0.strftime("%Y-%m-%d"), xanchor="left", yref="y", y=y,
                           yanchor="top" if below else "bottom", showarrow=False,
                           font=dict(color=palette.DARK_GREY))
        placed.append(y)


def _inside(day: pd.Timestamp, start, end) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def as_of_line(fig: go.Figure, as_of, start=None, end=None) -> None:
    """The as-of date as a vertical line on a time axis, labelled "截至2025年12月31日" at its foot, inside the
    plot on the side with room; drawn only when the date falls inside [start, end] (when they are given)."""
    day = pd.Timestamp(as_of)
    if not _inside(day, start, end):
        return
    x = day.strftime("%Y-%m-%d")
    label = fmt.as_of(as_of)
    late = start is not None and end is not None and day > start + (end - start) / 2
    # add_vline's own annotation cannot take dates (plotly adds numbers to them), so draw both parts.
    fig.add_shape(type="line", xref="x", x0=x, x1=x, yref="y domain", y0=0, y1=1,
                  line=dict(color=palette.TEXT, width=2, dash="dot"), name=label)
    fig.add_annotation(text=label, xref="x", x=x, yref="y domain", y=0, yanchor="bottom",
                       xanchor="right" if late else "left", xshift=-palette.LABEL_GAP if late else palette.LABEL_GAP,
                       showarrow=False, font=dict(color=palette.TEXT), bgcolor=palette.BACKGROUND)


PHASE_ALIASES = {"phase": "阶段", "开始日期": "start_on", "结束日期": "end_on"}


def phase_rows(phases: pd.DataFrame) -> pd.DataFrame:
    """Phases with columns 阶段, start_on, end_on (Timestamps), in time order."""
    p = rename(phases, PHASE_ALIASES)
    require(p, "阶段", "start_on", "end_on")
    p = p.assign(start_on=pd.to_datetime(p["start_on"]), end_on=pd.to_datetime(p["end_on"]))
    return p.sort_values("start_on").reset_index(drop=True)


def phase_bands(fig: go.Figure, phases: pd.DataFrame, start=None, end=None) -> None:
    """The plan's phases as shaded bands behind a time axis, named in the legend (a narrow band has no room
    for its name); only the phases that overlap [start, end] are listed."""
    for i, row in phase_rows(phases).iterrows():
        fill = palette.PHASE_FILLS[i % len(palette.PHASE_FILLS)]
        first, last = row["start_on"], row["end_on"] + pd.Timedelta(days=1)  # through its last day
        fig.add_shape(type="rect", xref="x", x0=first.strftime("%Y-%m-%d"), x1=last.strftime("%Y-%m-%d"),
                      yref="y domain", y0=0, y1=1, fillcolor=fill, line=dict(width=0), layer="below",
                      name=str(row["阶段"]))
        if (end is None or first <= end) and (start is None or last > start):
            fig.add_scatter(x=[None], y=[None], mode="markers", name=str(row["阶段"]), showlegend=True,
                            legendgroup="阶段", hoverinfo="skip",
                            marker=dict(symbol="square", size=14, color=fill,
                                        line=dict(width=1, color=palette.GRID)))


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


# ---- fitting a figure to its container ---------------------------------------------------------------
def text_px(text: str, size: float) -> float:
    """About how wide `text` is set at `size` px: a CJK or full-width sign is one em, anything else 0.6 em."""
    plain = re.sub(r"<[^>]+>", "", str(text))
    return sum(size if ord(ch) > 0x2E7F or ch in "（）：；，、" else 0.6 * size for ch in plain)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break a one-line finding into lines no wider than `width` px, after a comma or semicolon when one fits."""
    lines, rest = [], str(text)
    while text_px(rest, size) > width:
        cut = 1
        while cut < len(rest) and text_px(rest[:cut + 1], size) <= width:
            cut += 1
        soft = max(rest.rfind(sign, 0, cut) for sign in "，；：、")
        cut = soft + 1 if soft >= cut // 2 else cut
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines + [rest] if rest else lines


def _legend_names(fig: go.Figure) -> list[str]:
    shown = [t for t in fig.data if t.showlegend is not False and t.name]
    many = len([t for t in fig.data if t.showlegend is not False]) > 1
    return [t.name for t in shown if t.showlegend or many]


def legend_rows(names: list[str], width: float, size: float) -> int:
    """How many rows a horizontal legend of these entries takes in `width` px (0 without a legend)."""
    rows, used = (1, 0.0) if names else (0, 0.0)
    for name in names:
        entry = text_px(name, size) + 3 * size
        if used and used + entry > width:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


def fit(fig: go.Figure, width: float | None, projector: bool = False) -> go.Figure:
    """Set a figure for a container `width` px wide: height, margins, fonts and tick density from
    palette.layout_for; the title wrapped to the width and the legend placed under it, so neither overlaps."""
    look = palette.layout_for(width)
    sizes = palette.PROJECTOR_SIZES if projector else dict(font=look.font, ticks=look.ticks, title=look.title)
    inner = (width or 1400) - 2 * look.margin
    title = fig.layout.title.text or ""
    lines = wrap(title, inner, sizes["title"]) if title else []
    title_h = len(lines) * sizes["title"] * palette.LINE_HEIGHT
    legend_h = legend_rows(_legend_names(fig), inner - 80, sizes["font"]) * sizes["font"] * palette.LEGEND_ROW
    top = palette.TITLE_PAD + title_h + palette.LABEL_GAP + legend_h + float(fig.layout.meta.get("top", 0)
                                                                            if isinstance(fig.layout.meta, dict) else 0)
    rows = float(meta.get("rows", 0)) if isinstance(meta := fig.layout.meta, dict) else 0.0
    # Level bars: each row at least one label high (with air), however many rows the chart has.
    height = max(look.height + max(0, round(top) - 90), round(top + rows * sizes["font"] * palette.BAR_ROW + 80))
    fig.update_layout(
        height=height, font=dict(size=sizes["font"]),
        margin=dict(l=look.margin, r=look.margin, t=max(round(top), 30), b=look.margin),
        # One row after another under the title, in trace order (plotly would stack grouped or filled ones).
        legend=dict(font=dict(size=sizes["font"]), orientation="h", traceorder="normal", y=1.0, yanchor="bottom",
                    x=0, xanchor="left", yref="paper", entrywidthmode="pixels", entrywidth=0,
                    tracegroupgap=0),
        hoverlabel=dict(font=dict(size=sizes["font"])),
    )
    if lines:
        fig.update_layout(title=dict(text="<br>".join(lines), font=dict(size=sizes["title"]), automargin=False,
                                     y=1, yref="container", yanchor="top", pad=dict(t=palette.TITLE_PAD)))
    for axes in (fig.update_xaxes, fig.update_yaxes):
        # Level labels only: a rotated label's box covers its neighbours', and the figures leave room instead.
        axes(tickfont=dict(size=sizes["ticks"]), title_font=dict(size=sizes["font"]), tickangle=0,
             title_standoff=palette.AXIS_TITLE_GAP)
    fig.for_each_annotation(lambda a: a.update(font=dict(size=sizes["font"])))
    thin_period_ticks(fig, look.max_ticks)
    return fig


def thin_period_ticks(fig: go.Figure, most: int) -> None:
    """Keep at most `most` labels on an axis with given tick values (every k-th, the latest always kept)."""
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        vals = list(axis.tickvals or [])
        if len(vals) <= most or axis.type == "category":
            continue
        step = -(-len(vals) // most)
        keep = sorted(set(range(len(vals) - 1, -1, -step)))
        axis.tickvals = [vals[i] for i in keep]
        if axis.ticktext:
            axis.ticktext = [axis.ticktext[i] for i in keep]


def period_ticks(periods: list[str], labels: list[str]) -> dict:
    """Tick settings for a category axis of periods: every label while they fit (palette.PERIOD_TICKS),
    else quarters named by their year at the year's first quarter ("2021年"), so that none overlaps."""
    if len(periods) <= palette.PERIOD_TICKS or not all(re.fullmatch(r"\d{4}[Qq][1-4]", p) for p in periods):
        return dict(tickvals=labels, ticktext=labels)
    firsts = [i for i, p in enumerate(periods) if i == 0 or p[:4] != periods[i - 1][:4]]
    return dict(tickvals=[labels[i] for i in firsts], ticktext=[fmt.year(periods[i][:4]) for i in firsts])

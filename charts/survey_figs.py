"""Figures of survey indicators: rates with their intervals, their trend, the urban–rural gap, the tiers.

Input frames follow the indicator convention: `period` ("2024" or "2024Q3"), optional breakdown columns
named in Chinese (城乡, 重点人群 …), and value, n, se, ci_low, ci_high, note.  Shares are fractions 0–1 and are
drawn in percent; gaps are in percentage points.  A rate with n < 30 is greyed, labelled 样本不足（n=…）, and
left out of the finding in the title (it is never ranked).
"""

from __future__ import annotations

import re

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts import _base as b
from charts import fmt, palette

SHARE_AXIS = "比例（%）"


def _ranking_title(labels: list[str], values: list[float], prefix: str = "") -> str | None:
    """ "城镇最高（17.3%），农村最低（9.2%）" over the rows that may be ranked."""
    if len(labels) < 2:
        return None
    pairs = sorted(zip(values, [_named(label) for label in labels]), key=lambda t: t[0])
    (lo_v, lo_l), (hi_v, hi_l) = pairs[0], pairs[-1]
    if len(labels) == 2:
        return f"{prefix}{hi_l}（{fmt.share(hi_v)}）高于{lo_l}（{fmt.share(lo_v)}）"
    return f"{prefix}{hi_l}最高（{fmt.share(hi_v)}），{lo_l}最低（{fmt.share(lo_v)}）"


def _named(label) -> str:
    """An age band reads as ages in a sentence: 30–39 → 30–39岁, 70+ → 70岁及以上."""
    text = str(label)
    if re.fullmatch(r"\d+–\d+", text):
        return text + "岁"
    if re.fullmatch(r"\d+\+", text):
        return text[:-1] + "岁及以上"
    return text


def _share_hover(head: str, row) -> str:
    return (f"{head}<br>比例：{fmt.share_ci(row['value'], row.get('ci_low'), row.get('ci_high'))}"
            f"{b.n_line(row.get('n'))}"
            f"{'<br>' + fmt.small_sample(row.get('n')) if fmt.is_small_sample(row.get('n')) else ''}"
            f"{b.note_line(row.get('note'))}")


def rate_bars(df: pd.DataFrame, by: str, title: str | None = None, orientation: str = "h") -> go.Figure:
    """Bars of a share by a breakdown (one bar set per period), with 95% CI error bars; n < 30 greyed."""
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, by, "value")
    df = df.assign(period=df["period"].map(b.period_key) if "period" in df.columns else "")
    periods = [""] if (df["period"] == "").all() else b.sorted_periods(df["period"])  # "": no period given
    horizontal = orientation == "h"
    fig = go.Figure()
    reach = 0.0  # the furthest label anchor, to leave room for the labels beyond it
    for i, p in enumerate(periods):
        rows = df[df["period"] == p]
        small = [fmt.is_small_sample(n) for n in b.column(rows, "n")]
        colour = b.series_colour(i)
        plus, minus = b.error_arrays(rows["value"], b.column(rows, "ci_low"), b.column(rows, "ci_high"), 100)
        err = dict(type="data", array=plus, arrayminus=minus, visible=True, color=palette.DARK_GREY)
        cats = [str(c) for c in rows[by]]
        vals = [b.pct(v) for v in rows["value"]]
        head = fmt.period(p) + " " if p else ""
        labels = [fmt.small_sample(n) if s else fmt.share(v)
                  for s, n, v in zip(small, b.column(rows, "n"), rows["value"])]
        group = f"g{i}"
        fig.add_bar(
            x=vals if horizontal else cats, y=cats if horizontal else vals, orientation=orientation,
            name=fmt.period(p) if p else "比例", showlegend=len(periods) > 1, offsetgroup=group,
            marker=dict(color=[palette.MUTED if s else colour for s in small]),
            hovertext=[_share_hover(f"{head}{by}：{c}", r) for c, (_, r) in zip(cats, rows.iterrows())],
            hovertemplate="%{hovertext}<extra></extra>",
            **({"error_x": err} if horizontal else {"error_y": err}),
        )
        # The value labels sit beyond the error bar, where the bar's own text would be crossed by it, and a
        # little further still, clear of the cap.
        ends = [None if v is None else max(v, v + (e or 0)) for v, e in zip(vals, plus)]
        reach = max([e for e in ends if e is not None] + [reach])
        ends = [None if e is None else e + reach * palette.CAP_CLEARANCE for e in ends]
        fig.add_scatter(
            x=ends if horizontal else cats, y=cats if horizontal else ends, mode="text", text=labels,
            textposition="middle right" if horizontal else "top center", offsetgroup=group,
            textfont=dict(color=[palette.MUTED_TEXT if s else palette.TEXT for s in small]),
            name=f"{fmt.period(p) if p else '比例'} 数值", showlegend=False, hoverinfo="skip", cliponaxis=False,
        )
    if title is None:
        last = df[(df["period"] == periods[-1]) & ~b.column(df, "n").map(fmt.is_small_sample)]
        last = last[last["value"].notna()]
        prefix = f"{fmt.period(periods[-1])}" if periods[-1] else ""
        title = _ranking_title([str(c) for c in last[by]], list(last["value"]), prefix) or f"按{by}的比例"
    fig.update_layout(barmode="group")
    room = 1.3 if horizontal else 1.12  # for the labels beyond the longest bar or error bar
    share_axis = dict(title_text=SHARE_AXIS, ticksuffix="%", range=[0, (reach or 1) * room])
    if horizontal:
        fig.update_xaxes(**share_axis)
        # The categories name themselves and the title says what they are: an axis title here would sit on
        # the longest category labels.
        fig.update_yaxes(autorange="reversed", title_text=None, showgrid=False, automargin=True)
    else:
        fig.update_yaxes(**share_axis)
        fig.update_xaxes(title_text=by, showgrid=False)
    return b.frame(fig, title)


def _targets(targets) -> list[tuple[int, float]]:
    """[(year, share)] from {2025: 0.15} or [(2025, 0.15)]; shares as fractions, like the data."""
    items = targets.items() if isinstance(targets, Mapping) else targets
    out = sorted((int(y), float(v)) for y, v in items)
    for y, v in out:
        if not 0 <= v <= 1:
            raise ValueError(f"target for {y} is {v}: give shares as fractions 0–1 (15% → 0.15)")
    return out


def _step_word(periods: list[str]) -> str:
    """"年" or "个季度" when the periods follow one another, else "次调查" (surveys need not be yearly)."""
    ordinals = [int(p[:4]) * 4 + int(p[5]) if len(p) == 6 else int(p) for p in periods]
    if all(later - earlier == 1 for earlier, later in zip(ordinals, ordinals[1:])):
        return "个季度" if len(periods[0]) == 6 else "年"
    return "次调查"


def _trend_title(rows: pd.DataFrame) -> str | None:
    """"连续3年提高，2025年为15.4%" / "2025年为15.4%，比2024年降低0.3个百分点" for one series."""
    rows = rows[rows["value"].notna() & ~b.column(rows, "n").map(fmt.is_small_sample)]
    if rows.empty:
        return None
    periods, values = list(rows["period"]), list(rows["value"])
    now = f"{fmt.period(periods[-1])}为{fmt.share(values[-1])}"
    if len(values) < 2:
        return now
    shown = [fmt.shown_pct(v) for v in values]  # compared as shown, so a run never "rises" 12.9% → 12.9%
    rises = 0
    while rises < len(shown) - 1 and shown[-1 - rises] > shown[-2 - rises]:
        rises += 1
    if rises >= 2:
        return f"连续{rises}{_step_word(periods[-1 - rises:])}提高，{now}"
    return f"{now}，{fmt.change_vs(fmt.period(periods[-2]), shown[-1] - shown[-2])}"


def _latest_labels(values: list, texts: list, keep: set[int]) -> list[str]:
    """Only the labels at `keep` (the latest point and the points a sentence names); the rest stay blank."""
    return [t if i in keep and v is not None else "" for i, (v, t) in enumerate(zip(values, texts))]


def rate_trend(df: pd.DataFrame, title: str | None = None, targets=None, as_of=None,
               phases: pd.DataFrame | None = None, by: str | None = None, target_base=None,
               named=()) -> go.Figure:
    """A share over survey periods with its 95% CI band; targets dashed, the as-of date and phases marked.

    targets: {year: share} (fractions, as the data), each drawn from `target_base` (the plan's base year;
    default the first period) to its year; phases: 阶段, start_on, end_on, shaded and named in the legend.
    Only the latest value of each series is labelled, plus the `named` periods (those a sentence names).
    The time axis ends with the last period that has data; the as-of line is drawn only when inside it.
    """
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, "period", "value")
    df = df.assign(period=df["period"].map(b.period_key))
    df = df.assign(_x=df["period"].map(b.period_position)).sort_values("_x")
    fig = go.Figure()
    findings, tops, ends = [], [], []
    groups = b.group_values(df, by)
    for i, g in enumerate(groups):
        rows = df if g is None else df[df[by] == g]
        colour, name = b.series_colour(i), ("比例" if g is None else str(g))
        x = list(rows["_x"])
        hi, lo = [b.pct(v) for v in b.column(rows, "ci_high")], [b.pct(v) for v in b.column(rows, "ci_low")]
        if any(v is not None for v in hi + lo):
            fig.add_scatter(x=x, y=hi, mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip",
                            name=f"{name} 95%置信区间上限", legendgroup=name)
            fig.add_scatter(x=x, y=lo, mode="lines", line=dict(width=0), fill="tonexty",
                            fillcolor=palette.rgba(colour, 0.18), showlegend=False, hoverinfo="skip",
                            name=f"{name} 95%置信区间", legendgroup=name)
        small = [fmt.is_small_sample(n) for n in b.column(rows, "n")]
        head = "" if g is None else f"{by}：{g}<br>"
        ys = [b.pct(v) for v in rows["value"]]
        tops += [v for v in ys + hi if v is not None]
        shown = [j for j, v in enumerate(ys) if v is not None]
        keep = {j for j, p in enumerate(rows["period"]) if p in {b.period_key(n) for n in named}}
        keep |= set(shown[-1:])
        texts = [fmt.small_sample(n) if s else fmt.share(v)
                 for s, n, v in zip(small, b.column(rows, "n"), rows["value"])]
        falling = len(shown) >= 2 and ys[shown[-1]] < ys[shown[-2]]
        ends.append((ys[shown[-1]] if shown else None, len(fig.data), falling))
        fig.add_scatter(
            x=x, y=ys, mode="lines+markers+text", name=name,
            legendgroup=name, showlegend=by is not None, line=dict(color=colour),
            marker=dict(color=[palette.MUTED if s else colour for s in small]),
            # Left of the point, on the side away from the line that comes into it: clear of the line and,
            # since the axis ends at the last period, inside the chart.
            text=_latest_labels(ys, texts, keep), cliponaxis=False,
            textposition="bottom left" if falling else "top left",
            textfont=dict(color=[palette.MUTED_TEXT if s else palette.TEXT for s in small]),
            hovertext=[_share_hover(f"{head}{fmt.period(r['period'])}", r) for _, r in rows.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
        )
        found = _trend_title(rows)
        if found:
            findings.append(found if g is None else f"{g}{found}")
    _part_latest_labels(fig, ends)
    start, end = b.period_span(df["period"].iloc[0])[0], b.period_span(df["period"].iloc[-1])[1]
    goals = _targets(targets or {})
    tops += [v * 100 for _, v in goals]
    top = max(tops or [1]) * 1.15
    base = b.period_position(target_base if target_base is not None else df["period"].iloc[0])
    b.target_segments(fig, [(base, b.period_position(str(y)), v * 100, f"{fmt.year(y)}目标 {fmt.share(v)}")
                            for y, v in goals], top)
    if phases is not None and not b.is_empty(phases):
        b.phase_bands(fig, phases, start, end)
    if as_of is not None:
        b.as_of_line(fig, as_of, start, end)
    ticks = sorted(set(df["_x"]))
    # Ticks only at the periods, in Chinese: a date axis would print English months.
    fig.update_xaxes(type="date", tickvals=ticks, ticktext=[_position_label(t) for t in ticks],
                     range=[start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")])
    fig.update_yaxes(title_text=SHARE_AXIS, ticksuffix="%", range=[0, top])
    if title is None:
        title = "；".join(findings) if findings else "比例变化"
    return b.frame(fig, title)


def _part_latest_labels(fig: go.Figure, ends: list) -> None:
    """With two or more series, the higher latest value is labelled above its point and the lower below,
    so that two close values do not print over each other."""
    known = sorted((v, i) for v, i, _ in ends if v is not None)
    if len(known) < 2:
        return
    for rank, (_, i) in enumerate(known):
        fig.data[i].textposition = "top left" if rank == len(known) - 1 else "bottom left"


def _position_label(t: pd.Timestamp) -> str:
    """The period a position on the time axis stands for (see _base.period_position)."""
    if (t.month, t.day) == (7, 1):
        return fmt.year(t.year)
    return fmt.quarter(f"{t.year}Q{(t.month - 1) // 3 + 1}")


def gap_trend(df: pd.DataFrame, title: str | None = None, subject: str = "城乡差距") -> go.Figure:
    """The urban–rural gap (城镇 − 农村) in percentage points over survey periods, with 95% CI error bars."""
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, "period", "value")
    df = df.assign(period=df["period"].map(b.period_key))
    df = df.assign(_x=df["period"].map(b.period_position)).sort_values("_x")
    labels = [fmt.period(p) for p in df["period"]]
    plus, minus = b.error_arrays(df["value"], b.column(df, "ci_low"), b.column(df, "ci_high"))
    hover = []
    for lab, (_, r) in zip(labels, df.iterrows()):
        ci = ("" if fmt.is_missing(r.get("ci_low")) or fmt.is_missing(r.get("ci_high")) else
              f"（95%置信区间 {fmt.round_half_up(r['ci_low'])}–{fmt.round_half_up(r['ci_high'])}个百分点）")
        hover.append(f"{lab}<br>{subject}：{fmt.pp(r['value'])}{ci}{b.note_line(r.get('note'))}")
    fig = go.Figure()
    fig.add_scatter(x=labels, y=[float(v) for v in df["value"]], mode="lines+markers+text", name=subject,
                    line=dict(color=palette.BLUE), marker=dict(color=palette.BLUE),
                    error_y=dict(type="data", array=plus, arrayminus=minus, visible=True, color=palette.BLUE),
                    # The latest value only (the rest are in the hover), right of its point, clear of the line.
                    text=[""] * (len(df) - 1) + [fmt.pp(df["value"].iloc[-1])], textposition="middle right",
                    hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", cliponaxis=False)
    fig.update_xaxes(type="category", title_text=None, range=[-0.5, len(labels) - 0.5 + 0.6])
    fig.update_yaxes(title_text=f"{subject}（个百分点）", zeroline=True, zerolinecolor=palette.DARK_GREY,
                     rangemode="tozero")
    if title is None:
        v = list(df["value"].dropna())
        last = f"{labels[-1]}为{fmt.pp(v[-1])}" if v else subject
        # Narrowing is a smaller distance whichever side is ahead, hence the absolute values; the change is
        # taken between the shown figures so that it agrees with them.
        title = (f"{fmt.gap_change(abs(fmt.shown_pp(v[-1])) - abs(fmt.shown_pp(v[-2])), subject)}，{last}"
                 if len(v) >= 2
                 else f"{subject}：{last}")
    return b.frame(fig, title)


def tier_stack(df: pd.DataFrame, title: str | None = None, tier: str = "等级") -> go.Figure:
    """Stacked shares of the tiers 高阶/具备/基本具备/较低 by period (高阶 at the bottom)."""
    if b.is_empty(df):
        return b.empty(title)
    b.require(df, "period", tier, "value")
    df = df.assign(period=df["period"].map(b.period_key))
    periods = b.sorted_periods(df["period"])
    labels = [fmt.period(p) for p in periods]
    fig = go.Figure()
    extra = [t for t in dict.fromkeys(df[tier]) if t not in palette.TIERS]
    spots = list(range(len(periods)))  # numbered places, so that a thin slice's label can sit beside its bar
    base = [0.0] * len(periods)
    beside: list[list[float]] = [[] for _ in periods]  # the heights of the labels set beside each bar
    for name in [t for t in palette.TIERS if t in set(df[tier])] + extra:
        rows = df[df[tier] == name].set_index("period").reindex(periods)
        colour = palette.TIER_COLOURS.get(name, palette.GREY)
        values = [b.pct(v) for v in rows["value"]]
        thin = [v is not None and v < palette.SMALL_SLICE for v in values]
        fig.add_bar(
            x=spots, y=values, name=name, width=palette.TIER_BAR_WIDTH,
            marker=dict(color=colour), text=["" if t else fmt.share(v) for t, v in zip(thin, rows["value"])],
            textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=palette.text_on(colour)),
            hovertext=[f"{lab} {name}<br>比例：{fmt.share_ci(r['value'], r.get('ci_low'), r.get('ci_high'))}"
                       f"{b.note_line(r.get('note'))}" for lab, (_, r) in zip(labels, rows.iterrows())],
            hovertemplate="%{hovertext}<extra></extra>",
        )
        for i, (v, t) in enumerate(zip(values, thin)):
            if t:  # too thin to hold its label: the label goes beside the bar, level with the slice
                y = max([base[i]] + [h + palette.TIER_LABEL_STEP for h in beside[i]])
                beside[i].append(y)
                fig.add_annotation(x=i + palette.TIER_BAR_WIDTH / 2, xanchor="left", xshift=palette.LABEL_GAP / 2,
                                   y=y, yanchor="bottom", text=fmt.share(rows["value"].iloc[i]),
                                   showarrow=False, font=dict(color=palette.TEXT))
            base[i] += v or 0.0
    fig.update_layout(barmode="stack", legend=dict(traceorder="normal"))
    fig.update_xaxes(tickvals=spots, ticktext=labels, range=[-0.5, len(spots) - 0.5 + palette.TIER_BESIDE_ROOM],
                     showgrid=False)
    fig.update_yaxes(title_text=SHARE_AXIS, ticksuffix="%", range=[0, 100])
    if title is None:
        top = df[df[tier].isin(palette.TIERS[:2])].groupby("period")["value"].sum(min_count=1)
        top = top.reindex(periods).dropna()
        if top.empty:
            title = "各等级比例"
        else:
            title = f"{fmt.period(top.index[-1])}具备科学素质（含高阶）{fmt.share(top.iloc[-1])}"
            if len(top) >= 2:
                change = fmt.shown_pct(top.iloc[-1]) - fmt.shown_pct(top.iloc[-2])
                title += f"，{fmt.change_vs(fmt.period(top.index[-2]), change)}"
    return b.frame(fig, title)

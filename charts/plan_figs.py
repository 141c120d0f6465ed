"""Figures of the plan and of reporting: the phase timeline with milestones, the department × quarter grid."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import _base as b
from charts import fmt, palette

MILESTONE_ALIASES = {"milestone_id": "编号", "phase": "阶段", "content": "内容", "department": "责任部门",
                     "计划完成日期": "due_on", "status": "状态", "完成日期": "done_on"}
DONE = "已完成"
OVERDUE = "逾期"


def milestone_state(row, as_of) -> str:
    """The word a milestone is shown with: 已完成, 逾期 (not done, due before the as-of date), else its 状态."""
    if row.get("状态") == DONE:
        return DONE
    flag = row.get("is_overdue")
    overdue = bool(flag) if not fmt.is_missing(flag) else (
        as_of is not None and not fmt.is_missing(row.get("due_on"))
        and pd.Timestamp(row["due_on"]) < pd.Timestamp(as_of))
    return OVERDUE if overdue else str(row.get("状态") or "未开始")


def _milestone_hover(r, state: str) -> str:
    text = f"{r.get('编号') or ''} {r.get('内容') or ''}".strip()
    if not fmt.is_missing(r.get("责任部门")):
        text += f"<br>责任部门：{r['责任部门']}"
    text += f"<br>计划完成：{fmt.date(r.get('due_on'))}<br>状态：{palette.MILESTONE[state].label}"
    if state == DONE and not fmt.is_missing(r.get("done_on")):
        text += f"<br>完成日期：{fmt.date(r['done_on'])}"
    return text


def phase_timeline(phases: pd.DataFrame, milestones: pd.DataFrame | None, as_of, title: str | None = None) -> go.Figure:
    """The plan's phases as bars on a time axis, milestones as dots by status (逾期 red), the as-of line.

    phases: 阶段, start_on, end_on.  milestones: 编号, 阶段, 内容, 责任部门, due_on, 状态 (未开始/进行中/已完成),
    done_on, and optionally is_overdue (otherwise: not 已完成 and due_on before as_of).  The English aliases
    of etl/spec.py are accepted too.
    """
    if b.is_empty(phases):
        return b.empty(title)
    ph = b.phase_rows(phases)
    names = [str(p) for p in ph["阶段"]]
    fig = go.Figure()
    for i, r in ph.iterrows():
        end = r["end_on"] + pd.Timedelta(days=1)  # through the end of its last day
        fig.add_bar(
            y=[names[i]], x=[(end - r["start_on"]).total_seconds() * 1000], base=[r["start_on"].strftime("%Y-%m-%d")],
            orientation="h", name=names[i], showlegend=False,
            marker=dict(color=palette.PHASE_BARS[i % len(palette.PHASE_BARS)]), width=0.5,
            hovertext=[f"{names[i]}<br>{fmt.date(r['start_on'])}—{fmt.date(r['end_on'])}"],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    counts: dict[str, int] = {}
    if not b.is_empty(milestones):
        ms = b.rename(milestones, MILESTONE_ALIASES)
        b.require(ms, "阶段", "due_on", "状态")
        ms = ms.assign(_state=[milestone_state(r, as_of) for _, r in ms.iterrows()])
        for state, look in palette.MILESTONE.items():
            rows = ms[ms["_state"] == state]
            if rows.empty:
                continue
            counts[state] = len(rows)
            fig.add_scatter(
                x=[pd.Timestamp(d).strftime("%Y-%m-%d") for d in rows["due_on"]], y=[str(p) for p in rows["阶段"]],
                mode="markers", name=f"{look.label}（{len(rows)}项）",
                marker=dict(color=look.colour, symbol=palette.MILESTONE_SYMBOL[state], size=14,
                            line=dict(width=2, color=look.colour)),
                hovertext=[_milestone_hover(r, state) for _, r in rows.iterrows()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
    days = list(ph["start_on"]) + list(ph["end_on"] + pd.Timedelta(days=1))
    if not b.is_empty(milestones):
        days += [pd.Timestamp(d) for d in b.rename(milestones, MILESTONE_ALIASES)["due_on"].dropna()]
    first, last = min(days), max(days)
    if as_of is not None:
        b.as_of_line(fig, as_of, first, last)
    fig.update_layout(barmode="overlay", hovermode="closest")
    pad = (last - first) * 0.02
    fig.update_xaxes(type="date", tickformat="%Y年%-m月", title_text=None,
                     range=[(first - pad).strftime("%Y-%m-%d"), (last + pad).strftime("%Y-%m-%d")])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=names, autorange="reversed",
                     showgrid=False, title_text=None)
    if title is None:
        total = sum(counts.values())
        head = fmt.as_of(as_of) + "，" if as_of is not None else ""
        if total:
            title = f"{head}里程碑完成{counts.get(DONE, 0)}/{total}项，" + (
                f"逾期{counts[OVERDUE]}项" if counts.get(OVERDUE) else "无逾期")
        else:
            title = f"{head}实施阶段"
    return b.frame(fig, title)


REPORTING_ALIASES = {"department": "部门", "部门名称": "部门", "填报单位": "部门", "status": "状态", "state": "状态"}


def reporting_grid(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Department × quarter grid of returns, each cell its word (按时/逾期/未报/空报) and colour; 空报 hatched.

    df: 部门, period ("2025Q3"), 状态 (a word or a code of palette.REPORTING), optional note.
    A department that owes nothing for a quarter has no row there and its cell stays blank.
    """
    if b.is_empty(df):
        return b.empty(title)
    df = b.rename(df, REPORTING_ALIASES)
    b.require(df, "部门", "period", "状态")
    df = df.assign(period=df["period"].map(b.period_key), _word=[palette.reporting(s).word for s in df["状态"]])
    depts = list(dict.fromkeys(df["部门"].astype(str)))
    row_of = {d: i for i, d in enumerate(depts)}
    periods = b.sorted_periods(df["period"])
    labels = [fmt.period(p) for p in periods]
    fig = go.Figure()
    # Cells are bars one unit high stacked on a department axis: bars, unlike a heatmap, can be hatched.
    for look in palette.REPORTING.values():
        rows = df[df["_word"] == look.word]
        if rows.empty:
            continue
        empty = look is palette.REPORTING["empty"]
        fig.add_bar(
            x=[fmt.period(p) for p in rows["period"]], y=[0.9] * len(rows),
            base=[row_of[str(d)] - 0.45 for d in rows["部门"]], name=f"{look.label}（{len(rows)}）",
            marker=dict(color=look.colour, line=dict(width=1, color=palette.BACKGROUND),
                        pattern=dict(shape=palette.EMPTY_RETURN_PATTERN if empty else "",
                                     fgcolor=palette.DARK_GREY, fillmode="overlay", solidity=0.15)),
            text=[look.word] * len(rows), textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=palette.text_on(look.colour)),
            hovertext=[f"{r['部门']} · {fmt.period(r['period'])}<br>报送：{look.label}{b.note_line(r.get('note'))}"
                       for _, r in rows.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    fig.update_layout(barmode="overlay", bargap=0.04)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, showgrid=False,
                     title_text=None, **b.period_ticks(periods, labels))
    fig.update_yaxes(tickvals=list(range(len(depts))), ticktext=depts, range=[len(depts) - 0.5, -0.5],
                     showgrid=False, zeroline=False, title_text=None)
    if title is None:
        last = df[df["period"] == periods[-1]]
        tally = last["_word"].value_counts()
        parts = [f"{look.word}{tally[look.word]}个" for look in palette.REPORTING.values() if look.word in tally]
        title = f"{labels[-1]}应报{len(last)}个部门：" + "，".join(parts)
    return b.frame(fig, title)

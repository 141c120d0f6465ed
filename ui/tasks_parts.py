"""Pieces of the 任务与阶段 page: the target table, milestone lines, phase cards.

The functions that shape text (target_table, value_text, needed_text, milestone_line, phase_verdict) are
pure, so tests call them directly; the rest lay them out.
"""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from charts import fmt, palette
from charts.plan_figs import milestone_state
from indicators.progress import STATUSES
from indicators.registry import BY_CODE, UNIT_WORDS

GAP_CODES = ("urban_rural_gap",)  # gaps: a fall is 缩小, a rise 扩大
TARGET_COLUMNS = ["指标", "人群", "基线", "最新", "目标", "进展状态", "每年还需"]


def value_text(unit: str, x) -> str:
    """A value in its indicator's unit: 13.5% · 6.8个百分点 · 12.14元/人 · 3,482人次."""
    if fmt.is_missing(x):
        return fmt.MISSING
    if unit == "share":
        return fmt.share(x)
    if unit == "pp":
        return fmt.pp(x)
    if unit == "yuan":
        return fmt.money(x)
    if unit == "yuan_per_person":
        return f"{fmt.money(x)}/人"
    if unit == "rank":
        return f"第{int(x)}名"
    return fmt.count(x, UNIT_WORDS.get(unit, ""))


def _amount(unit: str, x) -> str:
    """A size of change in the indicator's unit: a share's change in 个百分点, the rest as values."""
    if unit == "share":
        return fmt.pp(abs(x) * 100)
    return fmt.pp(abs(x)) if unit == "pp" else value_text(unit, abs(x))


def needed_text(code: str, unit: str, needed, latest_value, gap_value=None) -> str:
    """The yearly change still needed to reach the target: '每年提高0.7个百分点', '每年增加0.12元/人'.

    Where the target year has come and the target is not met, no yearly pace is left: say how far off it is.
    """
    if fmt.is_missing(latest_value):
        return "暂无数据"
    if fmt.is_missing(needed):
        return "目标年度已到，未达到" + ("" if fmt.is_missing(gap_value) else f"（还差{_amount(unit, gap_value)}）")
    if needed == 0:
        return "已达到目标"
    up, down = ("扩大", "缩小") if code in GAP_CODES else ("提高", "降低") if unit in ("share", "pp") else ("增加", "减少")
    return f"每年{up if needed > 0 else down}{_amount(unit, needed)}"


def _dated(unit: str, value, year) -> str:
    """'13.5%（2025年）', or — without a year."""
    return fmt.MISSING if fmt.is_missing(year) else f"{value_text(unit, value)}（{fmt.year(year)}）"


def _aim(code: str, direction) -> str:
    """'提高到', '降低到', or for a gap '缩小到'."""
    if direction == "降低":
        return "缩小到" if code in GAP_CODES else "降低到"
    return "提高到" if direction == "提高" else "达到"


def target_table(progress: pd.DataFrame, gap: pd.DataFrame) -> pd.DataFrame:
    """Every target of the plan as text: 指标, 人群, 基线, 最新, 目标, 进展状态, 每年还需; plus the status code.

    progress: indicators.plan.progress_status; gap: indicators.plan.target_gap (same rows).
    """
    if progress is None or progress.empty:
        return pd.DataFrame(columns=[*TARGET_COLUMNS, "status"])
    keys = ["period", "指标代码", "人群"]
    merged = progress.merge(gap[[*keys, "required_yearly_change", "value"]].rename(columns={"value": "gap_value"}),
                            on=keys, how="left")
    rows = []
    for _, r in merged.iterrows():
        ind = BY_CODE.get(r["指标代码"])
        unit = ind.unit if ind else ""
        rows.append({"指标": ind.label if ind else "计划中的其他指标",
                     "人群": "全镇" if r["人群"] in ("全体", "", None) else r["人群"],
                     "基线": _dated(unit, r["base_value"], r["base_year"]),
                     "最新": _dated(unit, r["newest_value"], r["newest_year"]),
                     "目标": f"{fmt.year(r['period'])}{_aim(r['指标代码'], r['direction'])}"
                             f"{value_text(unit, r['target_value'])}",
                     "进展状态": palette.status(r["status"]).label,
                     "每年还需": needed_text(r["指标代码"], unit, r["required_yearly_change"], r["latest_value"],
                                           r["gap_value"]),
                     "status": r["status"]})
    return pd.DataFrame(rows, columns=[*TARGET_COLUMNS, "status"])


def status_tally(table: pd.DataFrame) -> str:
    """'14项目标：已达标7项，需加快3项，进展有限2项，倒退1项。' in the order best to worst."""
    counts = table["status"].value_counts()
    parts = [f"{palette.status(s).word}{counts[s]}项" for s in STATUSES if s in counts]
    return f"{len(table)}项目标：" + "，".join(parts) + "。"


def styled_targets(table: pd.DataFrame):
    """The target table with each status word on its palette colour."""
    looks = [palette.status(s) for s in table["status"]]
    shown = table.drop(columns=["status"])

    def paint(column: pd.Series) -> list[str]:
        if column.name != "进展状态":
            return [""] * len(column)
        return [f"background-color:{s.colour};color:{palette.text_on(s.colour)}" for s in looks]

    return shown.style.apply(paint)


def milestone_line(row: pd.Series, as_of) -> str:
    """One milestone as a markdown line with its state word in its colour (逾期 red, bold)."""
    state = milestone_state(row, as_of)
    look = palette.MILESTONE[state]
    word = (f"<span style='color:{look.text_colour};font-weight:{700 if state == '逾期' else 400}'>"
            f"{html.escape(look.label)}</span>")
    when = f"计划{fmt.date(row['due_on'])}完成"
    if state == "已完成" and not fmt.is_missing(row.get("done_on")):
        when += f"，{fmt.date(row['done_on'])}完成"
    elif state == "逾期":
        when += f"，已逾期{(pd.Timestamp(as_of) - pd.Timestamp(row['due_on'])).days}天"
    return (f"- {word} {html.escape(str(row['编号']))} {html.escape(str(row['内容']))}"
            f" · {html.escape('' if fmt.is_missing(row['责任部门']) else str(row['责任部门']))} · {when}")


def milestones_for_page(milestones: pd.DataFrame) -> pd.DataFrame:
    """plan.milestones renamed to the names charts.plan_figs reads (状态 = the status as of the date)."""
    return milestones.rename(columns={"milestone_id": "编号", "phase": "阶段", "content": "内容",
                                      "department": "责任部门", "status_as_of": "状态"})


def phase_verdict(elapsed: float, done: int, total: int) -> str:
    """How a phase's milestones stand against its time."""
    if total == 0:
        return "本阶段没有里程碑。"
    share = done / total
    if elapsed <= 0:
        return "尚未开始。"
    if elapsed >= 1:
        return "已按计划全部完成。" if done == total else f"阶段已结束，尚有{total - done}项未完成。"
    if abs(share - elapsed) < 0.05:
        return "进度与时间同步。"
    return "进度快于时间。" if share > elapsed else "进度慢于时间。"


def phase_card(row: pd.Series, done: int, total: int) -> None:
    """One phase: its dates, the time gone by and the milestones done, as two bars with their words."""
    with st.container(border=True, key=f"phase_{row.name}"):
        current = "（当前阶段）" if row.get("note") == "当前阶段" else ""
        st.markdown(f"**{row['阶段']}**{current}")
        st.caption(f"{fmt.date(row['start_on'])}—{fmt.date(row['end_on'])}")
        st.markdown(f"时间进度：{fmt.share(row['value'])}")
        st.progress(float(row["value"]))
        st.markdown(f"里程碑完成：{fmt.share(done / total) if total else fmt.MISSING}（{done}/{total}项）")
        st.progress(done / total if total else 0.0)
        st.markdown(phase_verdict(float(row["value"]), done, total))


def task_card(task: pd.Series, rows: pd.DataFrame, as_of) -> None:
    """One task: its lead and responsible departments, its milestones as they stood on the date."""
    with st.container(border=True, key=f"task_{task['task']}"):
        done = int((rows["状态"] == "已完成").sum())
        late = int(rows["is_overdue"].sum())
        tally = f"里程碑完成{done}/{len(rows)}项" + (f"，<span style='color:{palette.OVERDUE}'>逾期{late}项</span>" if late else "")
        st.markdown(f"**任务{task['task']}　{html.escape(str(task['task_name']))}** · {tally}", unsafe_allow_html=True)
        helpers = "、".join(task["responsible"])
        st.caption(f"牵头部门：{'、'.join(task['lead_departments']) or fmt.MISSING}"
                   + (f" · 责任单位：{helpers}" if helpers else ""))
        if rows.empty:
            st.caption("计划中没有本任务的里程碑。")
        else:
            st.markdown("\n".join(milestone_line(r, as_of) for _, r in rows.iterrows()), unsafe_allow_html=True)

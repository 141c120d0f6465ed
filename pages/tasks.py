"""任务与阶段 — where the plan stands on the as-of date: the phases and milestones, the seven tasks and their
lead departments, milestone completion beside the time gone by, and the progress of every target."""
import streamlit as st

from charts import figures, fmt
from ui import data, frame, layout
from ui import tasks_parts as parts

status = frame.page("任务与阶段", need="plan")

as_of = data.as_of()
phases = data.query("phases")
milestones = parts.milestones_for_page(data.query("milestones"))
overdue = milestones[milestones["is_overdue"]]

st.subheader("实施阶段与里程碑")
if data.query("phase_state")["is_plan_ended"]:
    st.info(f"{fmt.as_of(as_of)}，{fmt.PLAN_ENDED}。", icon=":material/flag:")
layout.chart(figures.phase_timeline(phases, milestones, as_of), key="tasks_timeline")
if overdue.empty:
    st.markdown(f"{fmt.as_of(as_of)}，没有逾期的里程碑。")
else:
    names = "、".join(f"{r['编号']}（{r['责任部门']}）" for _, r in overdue.iterrows())
    st.markdown(f"{fmt.as_of(as_of)}，:red[**逾期里程碑{len(overdue)}项**]：{names}。")
st.caption("里程碑的状态按所选日期计：完成日期晚于该日期的视为当时尚未完成；未完成且计划完成日期已过的为“逾期”（红色）。")
frame.definition("milestones_overdue")

st.subheader("各阶段：里程碑完成与时间进度")
elapsed = data.frame("phase_elapsed")
by_phase = data.frame("milestone_completion", by="阶段").set_index("阶段")
if elapsed.empty:
    st.info("工作计划中没有阶段安排。", icon=":material/info:")
else:
    for column, (_, row) in zip(st.columns(len(elapsed)), elapsed.iterrows()):
        with column:
            done = int(by_phase["done"].get(row["阶段"], 0))
            parts.phase_card(row, done, int(by_phase["n"].get(row["阶段"], 0)))
frame.definition("phase_elapsed")
frame.definition("milestone_completion")

st.subheader("七项任务与牵头部门")
tasks = data.query("plan_tasks")
if tasks.empty:
    st.info("工作计划中没有任务。", icon=":material/info:")
for left, right in zip(tasks.iloc[::2].iterrows(), [*tasks.iloc[1::2].iterrows(), None]):
    columns = st.columns(2)
    for column, item in zip(columns, (left, right)):
        if item is not None:
            with column:
                parts.task_card(item[1], milestones[milestones["task"] == item[1]["task"]], as_of)

st.subheader("目标进展")
table = parts.target_table(data.frame("progress_status"), data.frame("target_gap"))
if table.empty:
    st.info("工作计划的“指标目标”表中没有目标。", icon=":material/info:")
else:
    st.markdown(f"{fmt.as_of(as_of)}，{parts.status_tally(table)}")
    st.dataframe(parts.styled_targets(table), hide_index=True, key="tasks_targets", height=35 * (len(table) + 1) + 3)
    st.caption("基线、最新为该指标的年度值；“每年还需”为从最新值到目标年度每年还需变化多少。"
               "判断方法：按基线以来的年均增长与达到目标所需的年均增长之比。")
frame.definition("progress_status")
frame.definition("target_gap")

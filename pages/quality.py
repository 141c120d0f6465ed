"""数据质量 — the warnings still to look at (unusual values first), the ones accepted, and how surveys were weighted."""
import streamlit as st

from ui import data, frame
from ui import quality_parts as parts

status = frame.page("数据质量", need="plan")
user = parts.current_user()
parts.show_flash()
open_problems = parts.visible(data.query("open_problems"), user)
flagged, other = parts.split_flagged(open_problems)
if user.is_office:
    st.caption("提醒不影响入库。请逐条核实：属实的填写说明后接受；填错的请填报单位更正后在“数据上报”页重新上传替换。")
else:
    st.caption("以下为本部门报表的提醒，由镇科普办公室核实处理；如有填错，请更正后重新上传。")

st.subheader(f"异常值与超人口（{len(flagged)}条待核实）")
if flagged.empty:
    st.success("没有待核实的异常值或超人口记录。", icon=":material/check_circle:")
for _, problem in flagged.iterrows():
    parts.problem_card(problem, user, flagged=True)

st.subheader(f"其他提醒（{len(other)}条待处理）")
if other.empty:
    st.success("没有其他待处理的提醒。", icon=":material/check_circle:")
for _, problem in other.iterrows():
    parts.problem_card(problem, user, flagged=False)

everything = parts.visible(data.query("accepted_problems"), user)
accepted = everything[everything["accepted_at"].notna()]
st.subheader(f"已接受的提醒（{len(accepted)}条）")
if accepted.empty:
    st.caption("还没有接受过提醒。")
else:
    st.dataframe(parts.problem_table(accepted, accepted=True), hide_index=True, placeholder="",
                 key="accepted_table")

st.subheader("调查加权：合并的加权单元")
st.caption("调查结果在各重点人群内按工作计划的人口结构（城乡×性别×年龄段）事后分层加权；受访太少的单元按步骤合并："
           "1 并入相邻年龄段，2 男女合并，3 城乡、男女合并，4 该人群不纳入加权。")
parts.weighting_section(data.query("weighting"))

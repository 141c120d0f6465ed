"""科普活动与经费 — what the departments did, whom it reached, and the money against the budget."""
import streamlit as st

from charts import figures, fmt
from charts.activities_figs import per_100_bars, spend_per_resident_fig
from ui import activities_parts as parts
from ui import data, frame, layout

views = parts.views  # the activity tables' helpers (indicators.activities_views), through ui/

status = frame.page("科普活动与经费")

count_q = data.frame("activity_count", period="quarter")
people_q = data.frame("participants", period="quarter")
budget_year = data.frame("budget_execution", by=None)
years = views.years_with_data(count_q, budget_year)
if not years:
    st.info("截至所选日期还没有科普活动季报。请在“数据上报”页上传各部门的科普活动季报。", icon=":material/upload_file:")
    frame.upload_link()
    st.stop()

per_100 = data.frame("participation_per_100")
theme = data.frame("on_theme_share")
per_resident = data.frame("spend_per_resident")
national = views.national_spend_per_resident()
year = parts.year_picker(years)
parts.headline(year, count_q, people_q, per_100, theme, budget_year, per_resident, national)

st.subheader("逐季度活动与参与")
layout.chart(figures.bar_by(count_q, "period", unit="次", label="活动次数"), key="fig_count_quarter")
frame.definition("activity_count")
layout.chart(figures.bar_by(people_q, "period", label="参与人次"), key="fig_people_quarter")
frame.definition("participants")

st.subheader(f"{fmt.year(year)}活动分布")
st.caption("柱高为参与人次，悬停可见活动次数。")
tasks = data.query("task_names")
for tab, by in zip(st.tabs(["按活动类型", "按对应任务", "按村(社区)", "按部门"], key="activities_by_tabs"),
                   ["活动类型", "对应任务", "村(社区)", "部门"]):
    with tab:
        people = views.of_year(data.frame("participants", by=by, period="year"), year)
        counts = views.of_year(data.frame("activity_count", by=by, period="year"), year)
        shown = views.with_counts_note(people, counts, by).sort_values("value", ascending=False)
        if by == "对应任务":
            shown = views.with_task_labels(shown, tasks)
        layout.chart(figures.bar_by(shown, by, label="参与人次"), key=f"fig_people_by_{by}")

st.subheader(f"{fmt.year(year)}每百名目标人群参与人次")
left, right = layout.columns(2)
for column, by in ((left, "目标人群"), (right, "村(社区)")):
    with column:
        rows = views.of_year(data.frame("participation_per_100", by=by), year).sort_values("value", ascending=False)
        rows = rows.assign(note=[f"人口{fmt.count(p, '人')}" for p in rows["population"]]) if len(rows) else rows
        layout.chart(per_100_bars(rows, by), key=f"fig_per_100_{by}", share=0.5)
frame.definition("participation_per_100")

st.subheader("年度主题")
# n here counts activities, not respondents: without it the chart does not grey the years as small samples.
layout.chart(figures.rate_trend(theme.drop(columns=["n"])), key="fig_theme")
frame.definition("on_theme_share")

st.subheader("经费：预算与支出")
by_task = views.with_task_labels(views.of_year(data.frame("budget_execution", by="对应任务"), year), tasks)
by_department = views.of_year(data.frame("budget_execution", by="部门"), year)
tab_task, tab_department, tab_years = st.tabs([f"{fmt.year(year)}·按对应任务", f"{fmt.year(year)}·按部门", "逐年"],
                                               key="budget_tabs")
with tab_task:
    layout.chart(figures.budget_vs_spend(by_task[["对应任务", "budget_yuan", "spend_yuan"]]),
                    key="fig_budget_task")
with tab_department:
    layout.chart(figures.budget_vs_spend(by_department[["部门", "budget_yuan", "spend_yuan"]]),
                    key="fig_budget_department")
with tab_years:
    layout.chart(figures.budget_vs_spend(budget_year[["period", "budget_yuan", "spend_yuan"]]),
                    key="fig_budget_years")
frame.definition("budget_execution")

st.subheader("人均科普经费")
layout.chart(spend_per_resident_fig(per_resident, national), key="fig_per_resident")
st.caption(f"灰色柱为全国人均科普专项经费，来源：{views.NATIONAL_SPEND_PER_RESIDENT_SOURCE}。"
           "本镇数字为截至所选日期的当年经费支出除以全镇人口。")
frame.definition("spend_per_resident")

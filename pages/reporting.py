"""报送情况 — who owes which return, what came on time, whom to call, and the quarterly bulletin."""
import datetime as dt

import streamlit as st

from charts import bulletin_text, figures, fmt, sentences
from ui import cards, data, frame, layout
from ui import reporting_parts as parts
from ui import reports_parts

status = frame.page("报送情况", need="plan")

grid = data.query("reporting_grid")
shown = data.query("reporting_quarter")  # the one quarter every page shows (indicators.period)
if shown.quarter is None:
    st.info("截至所选日期还没有到期的报表。工作计划“部门”表写明各部门每季度应报哪些报表和报送期限。",
            icon=":material/event_busy:")
    st.stop()

as_of = data.as_of()
rate = data.frame("reporting_rate", period="quarter")
on_time = data.frame("reporting_rate_on_time", period="quarter")
period = shown.quarter
gaps = parts.gaps(grid)

left, middle, right = st.columns(3)
with left:
    cards.card(f"报送率（{fmt.quarter(period)}）", fmt.share(shown.rate),
               sentences.reporting_sentence(shown.rate, shown.on_time_rate, shown.missing_departments, period),
               detail=f"到期应报{shown.n}份 · 已收到{shown.received}份"
               + (f" · {shown.pending}份未到期" if shown.pending else ""), key="card_reporting_rate")
with middle:
    tally = shown.returns["state"].value_counts()
    cards.card(f"按时报送率（{fmt.quarter(period)}）", fmt.share(shown.on_time_rate),
               "；".join(f"{s}{int(tally.get(s, 0))}份" for s in ("按时", "逾期", "未报", "空报", "未到期")
                        if s != "未到期" or tally.get(s, 0)) + "。",
               status=next((s for s in ("未报", "逾期", "空报") if tally.get(s, 0)), "按时"), key="card_on_time")
with right:
    calls = parts.callees(shown)
    earlier = len(shown.earlier_missing)
    cards.card(f"未报报表（{fmt.quarter(period)}）", f"{len(shown.missing)}份",
               ("需联系：" + "；".join(f"{r['部门']}{r['份数']}份（联络员{r['联络员']}，{r['联系电话']}）"
                                   for _, r in calls.head(3).iterrows())
                + (f"等{len(calls)}个部门。" if len(calls) > 3 else "。") if len(calls) else "本季度到期报表均已收到。")
               + (f"往期另有{earlier}份仍未报送，见下表。" if earlier else ""),
               status="未报" if len(shown.missing) else "按时", key="card_missing")

st.subheader("各部门逐季度报送")
kinds = list(dict.fromkeys(grid["报表类型"]))
for tab, kind in zip(st.tabs(kinds, key="reporting_kind_tabs"), kinds):
    with tab:
        layout.chart(figures.reporting_grid(parts.grid_cells(grid, kind)), key=f"fig_grid_{kind}")
st.caption("按时：不晚于季度末加报送期限收到；逾期：期限后收到；未报：报送期限已过仍未收到；"
           "空报：收到的报表没有数据行（计为已报送）；未到期：尚未收到、报送期限未到（不计为未报，不计入报送率）。"
           "科学素质调查每年一次，计入第4季度。")
# The reporting rates are read from the grid alone, not from a chart of their own: a quarter's rate is k of a
# handful of departments, the grid shows which cells make it (and whom to call), the cards give the latest
# rates, and a line that sits at 100% quarter after quarter is a row of identical labels that says nothing.
frame.definition("reporting_rate")
frame.definition("reporting_rate_on_time")

st.subheader("未报、逾期与空报的报表")
if gaps.empty:
    st.success("截至所选日期，所有应报报表均已按时报送。", icon=":material/check_circle:")
else:
    st.caption(f"共{len(gaps)}份：" + "，".join(f"{s}{int((gaps['状态'] == s).sum())}份"
                                               for s in parts.GAP_STATES if (gaps["状态"] == s).any()) + "。")
    st.dataframe(gaps, hide_index=True, key="reporting_gaps")

st.subheader("年度督促检查：各部门记分卡")
years = sorted({str(y) for y in grid.loc[~grid["is_pending"], "year"]})
year = parts.year_picker(years)
score = parts.scorecard(data.scorecard(year))
st.dataframe(score, hide_index=True, key="reporting_scorecard")
st.caption("空报计为已报送；未到期的报表不计入。待处理提醒：该部门当年报表中尚未处理的数据提醒；到期里程碑完成：当年到期（截至所选日期）的里程碑中已完成的项数。总分与下载的督促检查记分卡相同，评分办法见记分卡。")

st.subheader(f"情况通报（{fmt.quarter(period)}）")
text = bulletin_text.bulletin(shown, data.frame("activity_count", period="quarter"),
                      data.frame("participants", period="quarter"), dt.date.today())
st.code(text, language=None, wrap_lines=True)
st.download_button("下载情况通报（.txt）", text.encode("utf-8"), file_name=f"情况通报_{period}.txt",
                   mime="text/plain", key="download_bulletin", icon=":material/download:")
reports_parts.reporting_downloads(shown.quarter, year, as_of)

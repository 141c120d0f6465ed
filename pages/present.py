"""汇报模式 — for evaluation meetings on a projector: one message per screen, large type, no sidebar.

Previous / next by the large buttons or the ← → keys; the as-of date is the one every page obeys (set it on any
other page before the meeting). The hand-out report of the same date downloads from the button at the foot.
"""
import datetime as dt

import streamlit as st

from charts import fmt, report
from ui import data, frame, present_parts as parts, reports_parts

frame.ensure_routed()
st.markdown(parts.CSS, unsafe_allow_html=True)
as_of = data.as_of()
evaluation, deck = parts.deck(as_of)
index = parts.slide_index(len(deck))
slide = deck[index]

st.title(slide.title)
frame.banner()
parts.draw(slide, as_of, index)
if not evaluation.has_plan:
    st.page_link(frame.UPLOAD_PAGE, label="前往数据上报", icon=":material/upload:")

prev, counter, after, _, download = st.columns([2, 1.2, 2, 0.6, 3], vertical_alignment="center")
with prev:
    st.button("上一页", key="present_prev", shortcut="Left", width="stretch",
              disabled=index == 0, on_click=parts.move, args=(-1, len(deck)))
with counter:
    st.markdown(f"<div class='kx-counter'>{index + 1} / {len(deck)}</div>", unsafe_allow_html=True)
with after:
    st.button("下一页", key="present_next", shortcut="Right", width="stretch", disabled=index == len(deck) - 1,
              on_click=parts.move, args=(1, len(deck)))
with download:
    if evaluation.has_plan:
        title = report.report_title(evaluation)
        st.download_button("下载评估报告",
                           lambda: report.report_html(evaluation, dt.date.today(), deck).encode("utf-8"),
                           file_name=f"{title}.html", mime="text/html", key="present_report",
                           icon=":material/download:", width="stretch", on_click="ignore")
if evaluation.has_plan:
    reports_parts.evaluation_downloads(as_of, "present")
reports_parts.change_note("present")
st.caption(f"汇报模式 · 按 ← → 键翻页 · {fmt.as_of(as_of)} · 截至日期在其他页面的侧栏中设置")

"""科学素质 — where residents stand and how it moves: by group, over the years against the targets, the tiers,
the urban–rural gap and minors' interest; each chart with its finding, its definition and its digits."""
import streamlit as st

from ui import data, frame, layout
from ui import literacy_parts as parts

status = frame.page("科学素质")

rate = data.frame("literacy_rate")
if rate.empty:
    st.info(f"{data.as_of():%Y年%-m月%-d日}前还没有科学素质调查数据。请在“数据上报”页上传各部门的科学素质调查表。",
            icon=":material/upload_file:")
    frame.upload_link()
    st.stop()

progress = data.frame("progress_status")
phases = data.query("phases")
parts.weighting_note()

parts.trend_section(rate, progress, phases)
st.divider()
parts.breakdown_section(sorted(rate["period"].astype(str).unique()))
st.divider()
parts.gap_section()
st.divider()
left, right = layout.columns(2)  # stacked when half a column is too narrow
with left:
    parts.tier_section()
with right:
    parts.minors_section(progress, phases)

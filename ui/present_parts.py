"""汇报模式's parts: gathering the deck's inputs, the projector style, and drawing one slide.

The slides themselves are pure (charts/slides.py); their inputs are gathered by reports.inputs.gather, which the
documents use straight from a warehouse and this page feeds with ui.data's cached calls.
"""
from __future__ import annotations

import datetime as dt
import html

import plotly.graph_objects as go
import streamlit as st

from charts import _base, fmt, palette
from charts.slides import EvaluationData, Slide, build_slides
from indicators.status import town_name
from reports.inputs import gather, registry_labels
from ui import data, layout

# The projector's rules (UI.md): no sidebar, nothing below 18 px, number ≥ 48 px, sentence ≥ 24 px. Only this
# page includes this style, so the sidebar stays on every other page.
CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
  {{ display: none !important; }}
[data-testid="stMainBlockContainer"], .block-container {{ padding: 2.2rem 1.5rem 1rem 1.5rem !important;
  max-width: 100%; }}
[data-testid="stMain"] h1 {{ font-size: clamp(34px, 2.9vw, 56px); line-height: 1.2; padding: 0 0 .2rem 0;
  color: {palette.TEXT}; }}
[data-testid="stMain"] [data-testid="stCaptionContainer"], [data-testid="stMain"] [data-testid="stCaptionContainer"] p
  {{ font-size: 22px !important; color: {palette.TEXT}; }}
[data-testid="stMain"] p, [data-testid="stMain"] li {{ font-size: 22px; }}
.kx-big {{ font-size: clamp(60px, 6.2vw, 120px); font-weight: 800; line-height: 1.05; color: {palette.TEXT};
  letter-spacing: -1px; word-break: keep-all; }}
.kx-badge {{ display: inline-block; font-size: clamp(28px, 2.2vw, 42px); font-weight: 700; padding: 4px 22px;
  border-radius: 999px; margin: 14px 0 6px 0; }}
.kx-asof {{ font-size: clamp(20px, 1.4vw, 26px); color: {palette.TEXT}; margin: 10px 0 4px 0; }}
.kx-sentence {{ font-size: clamp(26px, 2.05vw, 40px); line-height: 1.45; color: {palette.TEXT}; margin: 12px 0 18px 0; }}
.kx-counter {{ font-size: clamp(26px, 2vw, 36px); font-weight: 700; text-align: center; color: {palette.TEXT};
  padding-top: 10px; }}
.st-key-present_prev button, .st-key-present_next button, .st-key-present_report button
  {{ min-height: 64px; padding: 8px 28px; }}
.st-key-present_prev button p, .st-key-present_next button p, .st-key-present_report button p,
.st-key-present_prev button span, .st-key-present_next button span, .st-key-present_report button span,
.st-key-present_prev button kbd, .st-key-present_next button kbd
  {{ font-size: 26px !important; }}
[data-testid="stMain"] [data-testid="stPageLink"] p, [data-testid="stMain"] [data-testid="stPageLink"] span
  {{ font-size: 26px !important; }}
/* The chart takes the height the screen leaves below the title and above the buttons. */
.st-key-present_chart_box {{ height: clamp(340px, calc(100vh - 400px), 800px) !important;
  min-height: clamp(340px, calc(100vh - 400px), 800px) !important; flex: none !important; }}
.kx-chart-title {{ font-size: clamp(26px, 1.8vw, 34px); font-weight: 600; line-height: 1.3; color: {palette.TEXT}; }}
</style>
"""


@st.cache_resource(show_spinner=False, max_entries=8)
def _deck(path: str, data_version: int, as_of: str, town: str) -> tuple[EvaluationData, list[Slide]]:
    # Figures take seconds to build; one deck per warehouse, data version and date serves every click and
    # session (the slides are only read, never changed).
    evaluation = gather(data.frame, data.query, dt.date.fromisoformat(as_of), data.query("data_status"),
                        registry_labels(), town)
    return evaluation, build_slides(evaluation)


def deck(as_of: dt.date) -> tuple[EvaluationData, list[Slide]]:
    """The inputs and the slides at the as-of date (the date the sidebar set: data.frame reads it too)."""
    return _deck(data.db_file(), data.version(), as_of.isoformat(), town_name())


def slide_index(total: int) -> int:
    """The slide on screen, kept inside the deck when the deck shrinks (e.g. an earlier as-of date)."""
    index = min(max(int(st.session_state.get("present_slide", 0)), 0), total - 1)
    st.session_state["present_slide"] = index
    return index


def move(step: int, total: int) -> None:
    """Button callback: go `step` slides on, within the deck."""
    st.session_state["present_slide"] = min(max(int(st.session_state.get("present_slide", 0)) + step, 0), total - 1)


def badge(code: str | None) -> str:
    """The status as a pill: its icon and word on its colour (never colour alone)."""
    if not code:
        return ""
    s = palette.status(code)
    return (f"<div class='kx-badge' style='background:{s.colour};color:{palette.text_on(s.colour)}'>"
            f"{html.escape(s.label)}</div>")


def number_block(slide: Slide, as_of: dt.date) -> None:
    """The number, its status word, the as-of date and the one sentence."""
    st.markdown(f"<div class='kx-big'>{html.escape(slide.big)}</div>{badge(slide.status)}"
                f"<div class='kx-asof'>{html.escape(fmt.as_of(as_of))}</div>"
                f"<div class='kx-sentence'>{html.escape(slide.sentence)}</div>", unsafe_allow_html=True)


def draw(slide: Slide, as_of: dt.date, index: int) -> None:
    """One slide below the page title: number and sentence beside its chart (or alone, wider)."""
    if slide.figure is None:
        left, _ = st.columns([3, 1])
        with left:
            number_block(slide, as_of)
        return
    left, right = st.columns([2, 3], gap="large")
    with left:
        number_block(slide, as_of)
    with right:
        # The chart's one-line finding is set as text above it, where the browser wraps it to the column.
        fig = go.Figure(slide.figure)
        finding = fig.layout.title.text or ""
        fig.update_layout(title=None)
        _base.fit(fig, layout.width_for(0.6), projector=True)  # the right 3 of 5 parts of the screen
        st.markdown(f"<div class='kx-chart-title'>{html.escape(finding)}</div>", unsafe_allow_html=True)
        with st.container(key="present_chart_box"):
            st.plotly_chart(fig, theme=None, key=f"present_chart_{index}", height="stretch",
                            config={"displayModeBar": False, "responsive": True})

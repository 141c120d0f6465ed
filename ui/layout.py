"""Charts fitted to the width they are given: the browser reports the main column's width, charts take it.

Streamlit does not tell the server how wide the page is, and plotly only stretches a figure: its height,
margins, fonts and tick density are fixed when Python builds it. So a tiny component (st.components.v2: inline
JavaScript run in the page itself, no iframe, no network) measures the main block's content width and sends it
back, once on load and again when a resize moves it by 40 px or more; each chart is then fitted to that width
times the share of it its column takes (charts/_base.fit, palette.layout_for: three classes). We measure the
container rather than read a header because the same window gives a chart 1,500 px with the sidebar and a
full column, or 300 px in half a column; a query parameter would put a screen size into every shared link.
The reporter also keeps the width in a cookie of this site (`kx_main_width`, nothing else in it), which the
browser sends when it opens a session: a reload, or a link opened again in the same browser, is then laid out
for its width on its first run and is not run a second time for the report (the report changes nothing within
40 px). Until a width is known (a browser's very first visit, and AppTest) charts are set for a wide screen.
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from charts import _base

STATE = "kx_main_width"
DEFAULT_WIDTH = 1100  # px: the main column of a 1600 px window with the sidebar open
SIDE_BY_SIDE = 1200  # px: below this main-column width, two charts stack instead of sharing a row
COLUMN_GAP = 48  # px between two columns with gap="large"

_JS = """
export default function (component) {
  const { setStateValue, data } = component;
  const measure = () => {
    const el = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!el) return window.innerWidth;
    const s = getComputedStyle(el);
    return Math.round(el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight));
  };
  const report = () => {
    const w = measure();
    const known = data && data.known;
    if (w > 0) document.cookie = `${data.cookie}=${w}; path=/; max-age=31536000; SameSite=Strict`;
    if (w > 0 && (!known || Math.abs(w - known) >= 40)) setStateValue("width", w);
  };
  report();
  window.addEventListener("resize", report);
  return () => window.removeEventListener("resize", report);
}
"""
_WIDTH = st.components.v2.component("kexue_main_width", js=_JS)


COOKIE = "kx_main_width"
WIDTHS = range(200, 8001)  # px: a width outside these is not a screen's (a cookie edited by hand)


def track_width() -> None:
    """Mount the width reporter (call once per run, in the sidebar) and keep its latest report."""
    result = _WIDTH(key="kx_width_probe", data={"known": known_width(), "cookie": COOKIE}, default={"width": None},
                    on_width_change=lambda: None)
    width = getattr(result, "width", None) if result is not None else None
    if isinstance(width, (int, float)) and int(width) in WIDTHS:
        st.session_state[STATE] = int(width)


def known_width() -> int | None:
    """The width this session was last told: its report, else the cookie the browser opened the session with."""
    if st.session_state.get(STATE):
        return int(st.session_state[STATE])
    try:
        remembered = int(st.context.cookies.get(COOKIE) or 0)
    except (TypeError, ValueError):  # not a number: as if there were no cookie
        return None
    return remembered if remembered in WIDTHS else None


def main_width() -> int:
    """The main column's content width in px as the browser last reported it (DEFAULT_WIDTH before that)."""
    return known_width() or DEFAULT_WIDTH


def side_by_side() -> bool:
    """Whether two charts fit side by side in the main column (else they stack, each at full width)."""
    return main_width() >= SIDE_BY_SIDE


def columns(count: int = 2, gap: str = "large"):
    """`count` columns when they fit, else `count` full-width containers one under another."""
    if side_by_side():
        return st.columns(count, gap=gap)
    return [st.container() for _ in range(count)]


def width_for(share: float = 1.0) -> float:
    """The px a chart gets in a column that takes `share` of the main column (gaps taken off)."""
    if share >= 1:
        return main_width()
    return main_width() * share - COLUMN_GAP / 2


def chart(fig: go.Figure, key: str, share: float = 1.0, projector: bool = False, **kwargs) -> None:
    """Show a figure fitted to its column: `share` is the column's part of the main column's width."""
    if share < 1 and not side_by_side():
        share = 1.0
    _base.fit(fig, width_for(share), projector=projector)
    st.plotly_chart(fig, theme=None, key=key, **kwargs)

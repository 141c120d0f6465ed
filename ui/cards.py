"""Headline cards: a label, a big number, its status word (never colour alone) and one plain sentence."""
from __future__ import annotations

import html

import streamlit as st

from charts import palette


def card(label: str, value: str, sentence: str, status: str | None = None, detail: str = "",
         muted: bool = False, key: str | None = None) -> None:
    """One bordered card; `status` is a progress status code or a reporting/milestone word."""
    with st.container(border=True, key=key):
        badge = ""
        if status:
            s = palette.status(status) if status in palette.STATUS else palette.reporting(status)
            badge = (f"<span style='background:{s.colour};color:{palette.text_on(s.colour)};"
                     f"padding:2px 10px;border-radius:12px;font-size:0.95rem;margin-left:8px'>"
                     f"{html.escape(s.label)}</span>")
        colour = palette.MUTED_TEXT if muted else palette.TEXT
        st.markdown(f"<div style='font-size:1.0rem;color:{palette.MUTED_TEXT}'>{html.escape(label)}</div>"
                    f"<div style='font-size:2.3rem;font-weight:700;line-height:1.2;color:{colour}'>"
                    f"{html.escape(value)}{badge}</div>"
                    + (f"<div style='font-size:0.9rem;color:{palette.MUTED_TEXT}'>{html.escape(detail)}</div>" if detail else ""),
                    unsafe_allow_html=True)
        st.markdown(sentence)

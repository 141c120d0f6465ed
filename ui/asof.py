"""The 截至 date every page obeys: chosen in the sidebar as a quarter end (or typed), kept in the URL.

`?asof=2023-06-30` in a link opens any page, and 汇报模式, at that date; a reload keeps it, because every run
writes the date back to the URL; a value that is not a date falls back to the default with a note in Chinese.
The choice is a list of quarter ends written in Chinese plus 自定义日期 (typed as 年-月-日): Streamlit's date
picker speaks English ("November 2026", "Choose date…").
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts import fmt
from ui import data

PARAM = "asof"
STATE = "as_of"  # ui.data.as_of reads the date from here
PICK, TYPED, NOTE, SEEN = "as_of_pick", "as_of_typed", "as_of_note", "as_of_url_seen"
CUSTOM = "自定义日期"
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def parse(text) -> dt.date | None:
    """A date from 'YYYY-MM-DD' (also 2023/6/30 or 2023.6.30) within 2000–2100, else None."""
    raw = str(text or "").strip().replace("/", "-").replace(".", "-")
    try:
        y, m, d = (int(part) for part in raw.split("-"))
        day = dt.date(y, m, d)
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every quarter's last day from the quarter of `first` through the quarter of `last`."""
    ends = pd.date_range(pd.Timestamp(first) + pd.offsets.QuarterEnd(0), pd.Timestamp(last) + pd.offsets.QuarterEnd(0),
                         freq="QE")
    return [d.date() for d in ends]


def label(choice) -> str:
    """'2023年第2季度末（6月30日）' for a quarter end, '截至2026年11月30日' for another day, or 自定义日期."""
    if choice == CUSTOM:
        return CUSTOM
    if (choice.month, choice.day) in ((3, 31), (6, 30), (9, 30), (12, 31)):
        return f"{choice.year}年第{(choice.month - 1) // 3 + 1}季度末（{choice.month}月{choice.day}日）"
    return fmt.as_of(choice)


def _first_day(default: dt.date) -> dt.date:
    """From the plan's first day (its phases), else four years before the default."""
    phases = data.query("phases")
    if phases is not None and len(phases) and "start_on" in phases.columns:
        return min(pd.Timestamp(phases["start_on"].min()).date(), default)
    return dt.date(default.year - 4, 1, 1)


def _from_url(default: dt.date) -> None:
    """Take the date of a link or a reload (once per distinct URL value); a bad one leaves a note."""
    raw = st.query_params.get(PARAM)
    if raw is None or raw == st.session_state.get(SEEN):
        return
    st.session_state[SEEN] = raw
    day = parse(raw)
    if day is None:
        st.session_state[NOTE] = f"链接中的截至日期“{raw}”无法识别（应写作2023-06-30），已改用默认日期{fmt.date(default)}。"
        st.session_state[STATE] = default
    else:
        st.session_state.pop(NOTE, None)
        st.session_state[STATE] = day


def _picked() -> None:
    choice = st.session_state[PICK]
    if choice != CUSTOM:
        st.session_state[STATE] = choice
        st.session_state.pop(NOTE, None)


def _typed() -> None:
    day = parse(st.session_state.get(TYPED))
    if day is None:
        st.session_state[NOTE] = f"“{st.session_state.get(TYPED)}”不是有效日期，请按“年-月-日”填写，例如2023-06-30。"
    else:
        st.session_state[STATE] = day
        st.session_state.pop(NOTE, None)


def _reset(default: dt.date) -> None:
    st.session_state[STATE] = default
    st.session_state[PICK] = default
    st.session_state.pop(NOTE, None)


def sidebar() -> dt.date:
    """The 截至 choice in the sidebar, synchronised with `?asof=` in the URL; returns the date."""
    default = data.default_as_of()
    _from_url(default)
    current = st.session_state.get(STATE)
    if not isinstance(current, dt.date):
        current = st.session_state[STATE] = default
    options = sorted(set(quarter_ends(_first_day(default), max(default, current))) | {default, current})
    options = [d for d in options if d <= max(default, current)] + [CUSTOM]
    if st.session_state.get(PICK) != CUSTOM or current not in options:
        st.session_state[PICK] = current
    with st.sidebar:
        st.selectbox("截至日期（所有页面按此日期计算）", options, key=PICK, format_func=label, on_change=_picked)
        if st.session_state[PICK] == CUSTOM:
            st.text_input("输入日期（年-月-日）", value=current.isoformat(), key=TYPED, on_change=_typed,
                          placeholder="例如 2023-06-30")
        st.button("回到今天", key="as_of_reset", width="stretch", on_click=_reset, args=(default,))
        if st.session_state.get(NOTE):
            st.warning(st.session_state[NOTE], icon=":material/event_busy:")
    day = st.session_state[STATE]
    if st.query_params.get(PARAM) != day.isoformat():
        st.query_params[PARAM] = day.isoformat()
    st.session_state[SEEN] = day.isoformat()
    return day

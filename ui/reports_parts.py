"""The evaluation pack on the pages: download buttons for the four documents, and the line saying how many
figures changed since a frozen evaluation, which opens the list.

Documents are made only when a button is pressed (charts take seconds to draw) and kept per warehouse, data
version and date, so a second press is instant. The buttons sit where the page's own downloads are, so they
follow the same role rules (the pages a role may open).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts import fmt
from etl import db
from reports import documents, snapshot
from ui import data

MAKERS = {"evaluation": documents.evaluation_report, "deck": documents.meeting_deck,
          "scorecard": documents.inspection_scorecard, "bulletin": documents.quarterly_bulletin}
MIME = {"evaluation": documents.DOCX, "deck": documents.PPTX, "scorecard": documents.XLSX, "bulletin": documents.DOCX}


@st.cache_data(show_spinner=False, max_entries=16)
def _document(kind: str, path: str, data_version: int, args: tuple) -> bytes:
    return MAKERS[kind](path, *args)[1]


def _button(label: str, kind: str, file_name: str, key: str, *args) -> None:
    path, version = data.db_file(), data.version()
    st.download_button(label, lambda: _document(kind, path, version, args), file_name=file_name, mime=MIME[kind],
                       key=key, icon=":material/download:", on_click="ignore")


def evaluation_downloads(as_of: dt.date, key: str) -> None:
    """The Word report and the PowerPoint deck at the sidebar's date, side by side."""
    left, right = st.columns(2)
    with left:
        _button("下载评估报告（Word）", "evaluation", f"评估报告（{as_of:%Y%m%d}）.docx", f"{key}_evaluation_docx", as_of)
    with right:
        _button("下载汇报演示文稿（PPT）", "deck", f"评估汇报（{as_of:%Y%m%d}）.pptx", f"{key}_deck_pptx", as_of)


def reporting_downloads(quarter: str | None, year: str | None, as_of: dt.date) -> None:
    """The quarter's 情况通报 (Word) and the chosen year's 督促检查 scorecard (Excel)."""
    left, right = st.columns(2)
    if quarter:
        with left:
            _button("下载情况通报（Word）", "bulletin", f"情况通报（{quarter}）.docx", "download_bulletin_docx",
                    quarter, as_of)
    if year:
        with right:
            _button(f"下载{fmt.year(year)}督促检查记分卡（Excel）", "scorecard", f"{year}年度督促检查记分卡.xlsx",
                    "download_scorecard_xlsx", int(year), as_of)


@st.cache_data(show_spinner=False, max_entries=8)
def _changes(path: str, data_version: int) -> tuple[str, pd.DataFrame] | None:
    with db.connect(path) as con:
        newest = snapshot.latest(con)
        return None if newest is None else (newest["name"], snapshot.changes(con, newest["name"]))


def change_note(key: str) -> None:
    """"与中期评估时相比有N项数据变化" under the newest frozen evaluation; it opens the list of changes."""
    found = _changes(data.db_file(), data.version())
    if found is None:
        return
    name, changes = found
    if changes.empty:
        st.caption(f"与{name}时相比数据没有变化。")
        return
    with st.expander(f"与{name}时相比有{len(changes)}项数据变化", icon=":material/difference:"):
        st.caption(f"{name}的数字在原截至日期按现在的数据重新计算后不同的各项，以及此后收到、替换或恢复的报表"
                   "（版本、部门、收到日期）。")
        st.dataframe(changes, hide_index=True, key=f"{key}_snapshot_changes")

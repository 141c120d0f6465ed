"""Pieces of the 报送情况 page: the list of gaps with whom to call, the yearly scorecard and the bulletin.

The shaping functions are pure (DataFrames in, DataFrame out) so that tests can call them; only `year_picker`
touches Streamlit. The bulletin's text is charts.bulletin_text (the Word bulletin prints the same words).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts import fmt
from charts.bulletin_text import text_or_dash

GAP_STATES = ("未报", "逾期", "空报")
GAP_COLUMNS = ["部门", "报表类型", "期间", "应报日期", "收到日期", "状态", "联络员", "联系电话"]
YEAR_KEY = "reporting_year"


def year_picker(years: list[str]) -> str:
    """The year of the scorecard; defaults to the latest year owed (again when the as-of date drops the choice)."""
    if st.session_state.get(YEAR_KEY) not in years:
        st.session_state.pop(YEAR_KEY, None)
    return st.selectbox("督促检查年度", years, index=len(years) - 1, format_func=fmt.year, key=YEAR_KEY,
                        width=240)


def grid_cells(grid: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The grid of one return type as charts.figures.reporting_grid reads it: 部门, period, 状态, note."""
    rows = grid[grid["报表类型"] == kind]
    notes = [f"应报日期：{fmt.date(due)}<br>收到日期：{fmt.date(got) if not fmt.is_missing(got) else '未收到'}"
             f"<br>联络员：{'—' if fmt.is_missing(who) else who} {'' if fmt.is_missing(phone) else phone}"
             for due, got, who, phone in zip(rows["due_on"], rows["first_received_on"], rows["liaison"], rows["phone"])]
    return pd.DataFrame({"部门": rows["部门"], "period": rows["period"], "状态": rows["state"], "note": notes})


def gaps(grid: pd.DataFrame) -> pd.DataFrame:
    """Every return 未报, 逾期 or 空报, newest quarter first, with the liaison to call. Columns: GAP_COLUMNS."""
    rows = grid[grid["state"].isin(GAP_STATES)].copy()
    rows["_order"] = rows["state"].map({s: i for i, s in enumerate(GAP_STATES)})
    rows = rows.sort_values(["period", "_order", "部门"], ascending=[False, True, True])
    return pd.DataFrame({
        "部门": rows["部门"], "报表类型": rows["报表类型"], "期间": rows["period"].map(fmt.quarter),
        "应报日期": rows["due_on"].map(fmt.date),
        "收到日期": [fmt.date(d) if not fmt.is_missing(d) else "未收到" for d in rows["first_received_on"]],
        "状态": rows["state"], "联络员": rows["liaison"].fillna("—"), "联系电话": rows["phone"].fillna("—"),
    }, columns=GAP_COLUMNS).reset_index(drop=True)


def scorecard(card: pd.DataFrame) -> pd.DataFrame:
    """The yearly inspection (督促检查) scorecard of indicators.inspection as text a leader reads: the same
    figures and score as the downloaded spreadsheet.

    Columns: 部门, 联络员, 应报, 已报, 按时, 逾期, 未报, 空报, 报送率, 到期里程碑完成, 活动次数, 经费支出, 待处理提醒, 总分.
    """
    if card.empty or not card["应报"].any():
        return pd.DataFrame()
    shown = card[card["应报"] > 0].copy()
    shown["已报"] = shown["按时"] + shown["逾期"] + shown["空报"]
    shown["报送率"] = [fmt.share(min(r / n, 1.0)) for r, n in zip(shown["已报"], shown["应报"])]
    shown["到期里程碑完成"] = [f"{done}/{due}" if due else "—"
                         for done, due in zip(shown["已完成里程碑"], shown["到期里程碑"])]
    shown["经费支出"] = [fmt.money(v) for v in shown["经费支出"]]
    shown["总分"] = [fmt.number(v, 1) for v in shown["总分"]]
    return shown[["部门", "联络员", "应报", "已报", "按时", "逾期", "未报", "空报", "报送率", "到期里程碑完成",
                  "活动次数", "经费支出", "待处理提醒", "总分"]].reset_index(drop=True)


def callees(q) -> pd.DataFrame:
    """Whom to call about the quarter's missing returns: 部门, 联络员, 联系电话, 份数 (one row per department)."""
    rows = q.missing.assign(联络员=q.missing["liaison"].map(text_or_dash), 联系电话=q.missing["phone"].map(text_or_dash))
    return rows.groupby(["部门", "联络员", "联系电话"], sort=False).size().reset_index(name="份数")

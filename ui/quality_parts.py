"""数据质量's parts: warnings as the office reads them, accepting one with a note, and the weighting merges.

Accepting writes to the warehouse (etl.store.accept_problem takes the lock itself) and bumps the data version,
so the open list, the banner's count and every cached figure refresh on the rerun; nothing is cleared here.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import fmt
from etl import store
from etl.receipt import period_label
from indicators.weighting import MERGE_COLUMNS, STEP_WORDS
from ui import auth, data

FLASH = "quality_flash"
FLAGGED_CODES = ("outlier", "over_population")  # unusually large values: checked with the department first
PROBLEM_COLUMNS = {"部门": "部门", "期间": "期间", "文件": "文件", "sheet": "工作表", "row_no": "行",
                   "column_name": "列", "value": "填写的值", "expected": "应为", "message": "说明"}


def current_user() -> auth.User:
    """The signed-in user (the one place this page asks ui.auth)."""
    return auth.current_user()


def visible(problems: pd.DataFrame, user: auth.User) -> pd.DataFrame:
    """The warnings this user may see: all for the office, their own department's for a reporter."""
    return problems if user.is_office else problems[problems["部门"] == user.department]


def split_flagged(problems: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(outliers and over-population warnings, every other warning)."""
    flagged = problems["code"].isin(FLAGGED_CODES)
    return problems[flagged], problems[~flagged]


def problem_table(problems: pd.DataFrame, accepted: bool = False) -> pd.DataFrame:
    """Warnings with Chinese headers: 部门, 期间, 文件, 工作表, 行, 列, 填写的值, 应为, 说明 (+ 接受人, 接受时间, 接受说明)."""
    table = problems[list(PROBLEM_COLUMNS)].rename(columns=PROBLEM_COLUMNS)
    table["部门"] = table["部门"].fillna("全镇")
    table["期间"] = table["期间"].map(period_label)
    table["行"] = table["行"].astype("Int64")
    if accepted:
        table["接受人"] = problems["accepted_by"]
        table["接受时间"] = pd.to_datetime(problems["accepted_at"]).dt.strftime("%Y-%m-%d %H:%M")
        table["接受说明"] = problems["accept_note"]
    return table.reset_index(drop=True)


def where_text(p) -> str:
    """'科协 · 2021年第2季度 · a2.xlsx：【活动明细】第2行「参与人次」填写的值“5,000”' — where to look."""
    cell = "".join([f"【{p['sheet']}】" if p["sheet"] else "", f"第{int(p['row_no'])}行" if pd.notna(p["row_no"]) else "",
                    f"「{p['column_name']}」" if p["column_name"] else ""])
    found = f"填写的值“{p['value']}”" if p["value"] else ""
    return f"{p['部门'] or '全镇'} · {period_label(p['期间'])} · {p['文件']}：{cell}{found}"


def show_flash() -> None:
    """The outcome of the last acceptance, shown once after the rerun it caused."""
    text = st.session_state.pop(FLASH, None)
    if text:
        st.success(text, icon=":material/check_circle:")


def problem_card(p, user: auth.User, flagged: bool) -> None:
    """One open warning: where, what, and (for the office) a note and a button to accept it."""
    pid = int(p["problem_id"])
    with st.container(border=True, key=f"problem_{pid}"):
        st.markdown(f"**{where_text(p)}**")
        expected = f"（应为{p['expected']}）" if p["expected"] else ""
        (st.warning if flagged else st.info)(f"{p['message']}{expected}",
                                              icon=":material/priority_high:" if flagged else ":material/info:")
        if not user.is_office:
            return
        note_col, button_col = st.columns([4, 1], vertical_alignment="bottom")
        note = note_col.text_input("接受说明（必填）", key=f"accept_note_{pid}",
                                   placeholder="例如：已电话核实，属集中宣传活动，人数属实")
        if button_col.button("接受此提醒", key=f"accept_go_{pid}", width="stretch"):
            if not note.strip():
                st.error("请先填写接受说明：写明核实情况或接受理由。", icon=":material/edit:")
                return
            store.accept_problem(pid, note, data.db_file(), user=user.name)
            st.session_state[FLASH] = f"已接受提醒：{where_text(p)}（说明：{note.strip()}）"
            st.rerun()


def merge_table(merges: pd.DataFrame) -> pd.DataFrame:
    """Each merge by its step (步骤1…4 as INDICATORS.md orders them): 步骤, 重点人群, 单元, 并入, 受访人数, 人口数, 原因."""
    table = merges.sort_values("步骤", kind="stable").copy()
    table["步骤"] = [f"步骤{s}（{STEP_WORDS[s]}）" for s in table["步骤"]]
    table["受访人数"] = [fmt.count(n, "人") for n in table["受访人数"]]
    table["人口数"] = [fmt.count(n, "人") for n in table["人口数"]]
    return table[MERGE_COLUMNS].reset_index(drop=True)


def weighting_section(report: pd.DataFrame) -> None:
    """Per survey year: how it was weighted, the population it covers, and each merge of weighting cells by step."""
    if report.empty:
        st.info("尚无调查数据，无须加权。", icon=":material/info:")
        return
    for _, year in report.sort_values("period", ascending=False).iterrows():
        st.markdown(f"**{fmt.year(year['period'])}**：{year['method']}，受访{fmt.count(year['n'], '人')}，"
                    f"代表人口{fmt.count(year['covered_population'], '人')}；{year['coverage']}。")
        merges = year["merges"]
        if merges is None or merges.empty:
            st.caption("各加权单元受访人数均足够，没有合并。")
        else:
            st.caption(f"共{len(merges)}处合并（受访不足2人或无人口数的单元，在本人群内按步骤1–4依次处理）：")
            st.dataframe(merge_table(merges), hide_index=True, key=f"merges_{year['period']}")

"""数据上报's parts: templates, checking and storing uploads with a receipt each, confirm-before-replace, history.

Loads, replaces and restores write to the warehouse: they are called directly (they take the file lock
themselves), never through the cached queries. Each one bumps the data version, so every cached figure of
every page is recomputed on its next read; nothing is cleared here.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd
import streamlit as st

from charts import fmt
from etl import bulk, store
from etl.archive_access import archived_bytes
from etl.limits import READ_EXTENSIONS, UPLOAD_EXTENSIONS, max_upload_mb  # noqa: F401  # for pages/upload.py
from etl.receipt import Receipt, period_label
from etl.spec import KINDS
from etl.template import write_template
from indicators.marts_refresh import refresh_file
from ui import auth, data

RESULTS = "upload_results"  # session state: the last batch, each entry with its bytes, so confirming needs no re-upload
FLASH = "upload_flash"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_BOX = {"stored": st.success, "refused": st.error, "forbidden": st.error, "duplicate": st.info,
              "needs_replace": st.warning}
STATUS_ICON = {"stored": ":material/check_circle:", "refused": ":material/cancel:", "forbidden": ":material/block:",
               "duplicate": ":material/content_copy:", "needs_replace": ":material/help:"}
HISTORY_COLUMNS = ["状态", "类型", "部门", "期间", "版本", "文件", "上传人", "上传时间", "收到日期", "补录", "行数",
                   "空报", "提醒"]


def current_user() -> auth.User:
    """The signed-in user (the one place this page asks ui.auth)."""
    return auth.current_user()


def process(items: Iterable[tuple[str, bytes]], db_file, user: auth.User, received_on: dt.date | None = None,
            progress: Callable[[int, int, str], None] | None = None) -> list[dict]:
    """Check and store (name, bytes) pairs, a plan first; one entry each: name, data, receipt, received_on."""
    ordered = bulk.load_order(list(items))
    results = []
    for index, (name, data) in enumerate(ordered):
        if progress:
            progress(index, len(ordered), name)
        receipt = store.load_return(data, name, db_file, user=user.name, replace=False, received_on=received_on,
                                    **user.upload_limits())
        results.append({"name": name, "data": data, "receipt": receipt, "received_on": received_on})
    if any(e["receipt"].status == "stored" for e in results):
        rebuild_marts(db_file)
    return results


def rebuild_marts(db_file) -> None:
    """Rebuild the indicator results for the new data, with a progress bar (every page then opens at once)."""
    bar = st.progress(0.0, text="正在更新指标结果…")
    refresh_file(db_file, progress=lambda done, total: bar.progress(done / total,
                                                                   text=f"正在更新指标结果（{done}/{total}）"))
    bar.empty()


def confirm_replace(entry: dict, db_file, user: auth.User) -> Receipt:
    """Store the entry's file again, now replacing the current version (which stays and can be restored)."""
    entry["receipt"] = store.load_return(entry["data"], entry["name"], db_file, user=user.name, replace=True,
                                         received_on=entry["received_on"], **user.upload_limits())
    if entry["receipt"].status == "stored":
        rebuild_marts(db_file)
    return entry["receipt"]


def status_line(r: Receipt) -> str:
    """The file's outcome in one sentence: 已入库 / 未入库（有错误） / 重复文件 / 需确认替换 / 无权限."""
    what = "".join(x for x in (r.department, period_label(r.period), KINDS[r.kind].label if r.kind else "") if x)
    return {
        "stored": f"已入库：{what}第{r.version}版，共{r.rows:,}行。",
        "refused": "未入库（有错误）：请按下表逐条修改后重新上传，本次没有任何数据入库。",
        "duplicate": f"重复文件：与已入库的{what}第{r.version}版完全相同，未重复入库。",
        "needs_replace": f"未入库：{what}已有第{r.version}版。确认替换后才会入库。",
        "forbidden": "未入库：无权限。" + "；".join(p.message for p in r.errors if p.code == "forbidden"),
    }.get(r.status, r.summary)


def show_flash() -> None:
    """The outcome of the last action (replace, restore), shown once after the rerun it caused."""
    text = st.session_state.pop(FLASH, None)
    if text:
        st.success(text, icon=":material/check_circle:")


def template_buttons(plan, user: auth.User) -> None:
    """The empty workbooks to send out; the plan's first while there is no plan (the others take its lists)."""
    if user.is_office:
        kinds = ["plan", "survey", "activity"] if plan is None else ["survey", "activity", "plan"]
        departments = list(plan.departments) if plan is not None else []
        choice = st.selectbox("预填填报单位（可选）", ["不预填", *departments], key="template_department")
        department = None if choice == "不预填" else choice
    else:
        kinds, department = ["survey", "activity"], user.department
    if plan is None:
        st.info("尚无工作计划。请先下载“工作计划”模板，填写阶段、任务、部门、村(社区)、人群和人口后上传；"
                "调查表和活动季报模板中的下拉选项来自工作计划。", icon=":material/looks_one:")
    for column, kind in zip(st.columns(len(kinds)), kinds):
        label = KINDS[kind].label
        with column:
            st.download_button(f"下载“{label}”模板", write_template(kind, plan, None if kind == "plan" else department),
                               file_name=f"{label}模板{'_' + department if department and kind != 'plan' else ''}.xlsx",
                               mime=XLSX_MIME, key=f"template_{kind}", icon=":material/download:", on_click="ignore",
                               type="primary" if plan is None and kind == "plan" else "secondary")


def show_receipt(entry: dict, index: int, db_file, user: auth.User) -> None:
    """One file's receipt: status, summary, the problem table (errors first) and its .xlsx download."""
    r: Receipt = entry["receipt"]
    key = f"{index}_{(r.sha256 or '')[:12]}"
    with st.container(border=True, key=f"receipt_{key}"):
        st.markdown(f"**{r.file_name}**")
        STATUS_BOX.get(r.status, st.info)(status_line(r), icon=STATUS_ICON.get(r.status, ":material/info:"))
        st.caption(r.summary)
        if r.problems:
            st.dataframe(r.to_frame(), hide_index=True, placeholder="", key=f"receipt_table_{key}")
        st.download_button("下载回执（.xlsx，可发回填报单位）", r.to_xlsx(), file_name=f"回执_{Path(r.file_name).stem}.xlsx",
                           mime=XLSX_MIME, key=f"receipt_download_{key}", icon=":material/download:", on_click="ignore")
        if r.status == "needs_replace":
            _replace_prompt(entry, key, db_file, user)


def _replace_prompt(entry: dict, key: str, db_file, user: auth.User) -> None:
    r: Receipt = entry["receipt"]
    hist = history(db_file)
    old = hist[hist["return_id"] == r.return_id]
    if len(old):
        o = old.iloc[0]
        st.markdown(f"将被替换的当前版本：第{o['version']}版，文件“{o['file_name']}”，"
                    f"{o['uploaded_by']}于{fmt.date(o['uploaded_at'])}上传。替换后原版本仍保留，可在“版本历史”中恢复。")
    sure = st.checkbox("我确认用本文件替换当前版本", key=f"replace_ok_{key}")
    if st.button("确认替换", key=f"replace_go_{key}", disabled=not sure, type="primary"):
        new = confirm_replace(entry, db_file, user)
        st.session_state[FLASH] = f"{new.file_name}：{status_line(new)}"
        st.rerun()


@st.cache_data(show_spinner=False, max_entries=8)
def _history(db_file: str, data_version: int) -> pd.DataFrame:
    return store.history(db_file)


def history(db_file) -> pd.DataFrame:
    """Every stored version, newest first (cached by data version; see etl.store.history for the columns)."""
    return _history(str(db_file), data.version()).copy()


def history_table(hist: pd.DataFrame) -> pd.DataFrame:
    """The versions as the office reads them: 状态 (当前/历史), 类型, 部门, 期间, 版本, 文件, 上传人, 上传时间 …"""
    yes = lambda s: s.map({True: "是", False: ""})  # noqa: E731
    return pd.DataFrame({
        "状态": hist["is_current"].map({True: "当前", False: "历史"}),
        "类型": hist["kind"].map(lambda k: KINDS[k].label),
        "部门": hist["department"].fillna("全镇"),
        "期间": hist["period"].map(period_label),
        "版本": hist["version"].map(lambda v: f"第{v}版"),
        "文件": hist["file_name"],
        "上传人": hist["uploaded_by"].fillna(""),
        "上传时间": pd.to_datetime(hist["uploaded_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        "收到日期": hist["received_on"].map(fmt.date),
        "补录": yes(hist["is_backfilled"].astype(bool)),
        "行数": hist["row_count"].astype(int),
        "空报": yes(hist["is_empty"].astype(bool)),
        "提醒": hist["warnings"].astype(int),
    }, columns=HISTORY_COLUMNS)


def version_label(row) -> str:
    """'中小学 · 2025年 · 科学素质调查 · 第2版（历史，2025-03-01 10:22上传）'."""
    state = "当前" if row["is_current"] else "历史"
    return (f"{row['department'] or '全镇'} · {period_label(row['period'])} · {KINDS[row['kind']].label} · "
            f"第{row['version']}版（{state}，{pd.Timestamp(row['uploaded_at']):%Y-%m-%d %H:%M}上传）")


def archive_download(hist: pd.DataFrame, db_file) -> None:
    """Pick any version and download its original workbook byte for byte."""
    labels = dict(zip(hist["return_id"], hist.apply(version_label, axis=1)))
    picked = st.selectbox("选择版本", list(labels), format_func=labels.get, key="archive_pick")
    try:
        name, data = archived_bytes(int(picked), db_file)
    except LookupError as exc:
        st.warning(str(exc), icon=":material/warning:")
        return
    st.download_button("下载原始文件", data, file_name=name, mime=XLSX_MIME, key="archive_download",
                       icon=":material/download:", on_click="ignore")


def restore_form(hist: pd.DataFrame, db_file, user: auth.User) -> None:
    """Pick a non-current version and make it current again (the current one stays as history)."""
    earlier = hist[~hist["is_current"].astype(bool)]
    if earlier.empty:
        st.caption("没有可恢复的历史版本（每期只有一个版本）。")
        return
    labels = dict(zip(earlier["return_id"], earlier.apply(version_label, axis=1)))
    picked = st.selectbox("选择要恢复的历史版本", list(labels), format_func=labels.get, key="restore_pick")
    row = earlier[earlier["return_id"] == picked].iloc[0]
    now = hist[(hist["kind"] == row["kind"]) & (hist["period"] == row["period"]) & hist["is_current"].astype(bool)
               & (hist["department"].fillna("") == (row["department"] or ""))]
    if len(now):
        st.caption(f"恢复后，当前的第{now.iloc[0]['version']}版改为历史版本（仍保留）。")
    if st.button("恢复为当前版本", key="restore_go", icon=":material/restore:"):
        st.session_state[FLASH] = store.restore(int(picked), db_file, user=user.name, **user.upload_limits())
        rebuild_marts(db_file)
        st.rerun()

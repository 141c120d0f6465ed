"""数据上报 — templates to send out, workbooks in with a receipt each, every version kept and restorable."""
import datetime as dt

import streamlit as st


from ui import asof, data, frame
from ui import upload_parts as parts

frame.ensure_routed()
st.title("数据上报")
frame.banner()
user = parts.current_user()
if not user.can_upload:
    st.info("您的账号只能查看看板，不能上传报表。需要上报时，请联系镇科普办公室。", icon=":material/lock:")
    st.stop()
parts.show_flash()
db_file = data.db_file()

st.subheader("下载填报模板")
st.caption("模板中的部门、村(社区)、人群、任务等下拉选项取自当前工作计划；请按模板填写，不要改动表头。")
plan = data.query("current_plan")
parts.template_buttons(plan, user)

st.subheader("上传报表")
if not user.is_office:
    st.caption(f"您可以上传{user.department or '本部门'}的科学素质调查表和科普活动季报。")
frame.chinese_file_uploader(parts.max_upload_mb())
files = st.file_uploader(f"选择一个或多个工作簿（.{'、.'.join(parts.READ_EXTENSIONS)}）；同时上传多个时，工作计划先入库",
                         type=list(parts.UPLOAD_EXTENSIONS),
                         accept_multiple_files=True, key="upload_files")
backfill = user.is_office and st.checkbox("补录（纸质或邮件已收到）", key="upload_backfill",
                                         help="报表此前已通过纸质或邮件送达：按实际收到日期计算是否按时报送，并记为补录。")
received_on = None
if backfill:
    # Typed as 年-月-日 (the sidebar's parser): Streamlit's calendar speaks English.
    typed = st.text_input("实际收到日期（年-月-日）", value=dt.date.today().isoformat(), key="upload_received_on",
                          placeholder="例如 2022-01-12")
    received_on = asof.parse(typed)
    if received_on is None or received_on > dt.date.today():
        st.warning(f"“{typed}”不是有效的收到日期：请按“年-月-日”填写今天或以前的日期，例如2022-01-12。",
                   icon=":material/event_busy:")
        received_on = False
if st.button("检查并入库", key="upload_go", type="primary", icon=":material/upload:", disabled=not files or received_on is False):
    bar = st.progress(0.0, text="正在检查…")
    results = parts.process(
        [(f.name, f.getvalue()) for f in files], db_file, user, received_on,
        progress=lambda i, n, name: bar.progress(i / n, text=f"正在检查并入库：{name}（第{i + 1}个，共{n}个）"))
    bar.empty()
    st.session_state[parts.RESULTS] = results
    st.rerun()

results = st.session_state.get(parts.RESULTS, [])
if results:
    stored = sum(e["receipt"].status == "stored" for e in results)
    st.markdown(f"**本次上传{len(results)}个文件，{stored}个已入库。** 每个文件的回执如下（错误在前，其次提醒和说明）：")
    for index, entry in enumerate(results):
        parts.show_receipt(entry, index, db_file, user)
    if st.button("清除本次回执", key="upload_clear"):
        st.session_state.pop(parts.RESULTS, None)
        st.rerun()

st.subheader("版本历史")
hist = parts.history(db_file)
if not user.is_office:
    hist = hist[hist["department"] == user.department]
if hist.empty:
    st.info("还没有已入库的报表。", icon=":material/inbox:")
    st.stop()
st.caption("每次入库、替换都保留原文件和旧版本；“当前”版本参与计算，“历史”版本可恢复。")
departments = ["全部", *sorted(hist["department"].dropna().unique())]
shown = st.selectbox("部门", departments, key="history_department") if user.is_office else "全部"
view = hist if shown == "全部" else hist[hist["department"] == shown]
st.dataframe(parts.history_table(view), hide_index=True, height=360, placeholder="", key="history_table")
left, right = st.columns(2)
with left:
    st.markdown("**下载原始文件**")
    parts.archive_download(view, db_file)
with right:
    st.markdown("**恢复历史版本**")
    if user.is_office:
        parts.restore_form(view, db_file, user)
    else:
        st.caption("恢复历史版本由镇科普办公室操作。")

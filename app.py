"""科学素质指标看板 — the router and the frame: page config, first-start demo load, sidebar, navigation."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from etl import bulk, db
from ui import auth, data, frame, notfound

if PagesManager.uses_pages_directory and "streamlit.testing.v1.app_test" not in sys.modules:
    # A process's first run lists the files of pages/ in the sidebar by itself (Streamlit's old multipage mode,
    # chosen because the folder exists) before this script can call st.navigation: leave that mode and start
    # again, so that nobody sees that list, signed in or not. (Not under AppTest, which sets the mode every run.)
    PagesManager.uses_pages_directory = False
    st.rerun()

# The icon is a local file: a ":material/…:" page icon makes the browser fetch it from the internet.
ICON = Path(__file__).resolve().parent / "ui" / "icon.png"
st.set_page_config(page_title="科学素质指标看板", page_icon=str(ICON), layout="wide", initial_sidebar_state="expanded")


@st.cache_resource(show_spinner=False)
def bootstrap(db_file: str) -> int:
    """On a first start with no warehouse file, load the bundled demo workbooks (once per process)."""
    if Path(db_file).exists() or os.environ.get("KEXUE_DEMO") == "0" or not any(bulk.SAMPLE_DIR.glob("*.xlsx")):
        return 0
    bar = st.progress(0.0, text="首次启动：正在导入演示数据…")
    receipts = bulk.load_sample(db_file, progress=lambda i, n, name: bar.progress(i / n, text=f"正在导入 {name}"))
    bar.empty()
    return sum(r.status == "stored" for r in receipts)


@st.cache_resource(show_spinner=False)
def opened(db_file: str) -> tuple[str, ...]:
    """Open the warehouse once per process, bringing its schema up to date; what that did, to tell each session."""
    with db.connect(db_file):
        pass
    return tuple(db.take_notices())


PAGES_DIR = Path(__file__).resolve().parent / "pages"
PAGES = {
    "领导看板": [
        st.Page(PAGES_DIR / "overview.py", title="总览", icon=":material/dashboard:", default=True),
        st.Page(PAGES_DIR / "literacy.py", title="科学素质", icon=":material/school:"),
        st.Page(PAGES_DIR / "tasks.py", title="任务与阶段", icon=":material/flag:"),
        st.Page(PAGES_DIR / "activities.py", title="科普活动与经费", icon=":material/event:"),
        st.Page(PAGES_DIR / "reporting.py", title="报送情况", icon=":material/fact_check:"),
    ],
    "办公室": [
        st.Page(PAGES_DIR / "upload.py", title="数据上报", icon=":material/upload_file:"),
        st.Page(PAGES_DIR / "quality.py", title="数据质量", icon=":material/rule:"),
    ],
    "评估会议": [
        st.Page(PAGES_DIR / "present.py", title="汇报模式", icon=":material/slideshow:"),
    ],
}

user = auth.sign_in()
if user is None:  # no navigation before sign-in
    st.navigation([st.Page(auth.signed_out, title="登录", default=True)], position="hidden")
    st.stop()
st.session_state["user"] = user
page = st.navigation(notfound.with_not_found(auth.visible_pages(user, PAGES)))  # Chinese, not Streamlit's dialog
bootstrap(data.db_file())
try:
    for notice in opened(str(data.db_file())):
        if not st.session_state.get("upgrade_told"):
            st.info(notice, icon=":material/upgrade:")
    st.session_state["upgrade_told"] = True
except (db.SchemaTooNew, db.MigrationFailed) as exc:
    st.error(str(exc))
    st.stop()
frame.sidebar_as_of()
auth.sidebar_user(user)
with frame.routed():
    page.run()

"""The frame around every page: the as-of date in the sidebar, the banner, the empty-database message."""
from __future__ import annotations

import datetime as dt
import runpy
import threading
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from charts import fmt
from etl.limits import READ_EXTENSIONS
from ui import data

UPLOAD_PAGE = "pages/upload.py"
APP = Path(__file__).resolve().parent.parent / "app.py"
_ROUTE = threading.local()


@contextmanager
def routed():
    """Mark the page run as coming through app.py's router (each session's script runs in its own thread)."""
    _ROUTE.active = True
    try:
        yield
    finally:
        _ROUTE.active = False


def ensure_routed() -> None:
    """Run the router when a page was opened by a direct link.

    With a `pages/` folder beside app.py, Streamlit may run /upload's file on its own, skipping app.py (its
    first-generation multipage behaviour): no sign-in, no sidebar, no as-of date. Then run app.py instead — it
    signs in, draws the frame and runs this page — and stop this bare run.
    """
    if getattr(_ROUTE, "active", False):
        return
    runpy.run_path(str(APP), run_name="__main__")
    st.stop()


def sidebar_as_of() -> dt.date:
    """The 截至 date every page obeys (ui/asof.py: quarter ends in Chinese, kept in the URL as ?asof=), and the
    reporter of the main column's width that charts are fitted to (ui/layout.py)."""
    from ui import asof, layout
    with st.sidebar:
        layout.track_width()
    return asof.sidebar()


def banner_text(status: dict) -> str:
    """'截至2024年1月5日 · 2023年第3季度报送率50.0%，4个部门中2个已报送（未报：农业站、科协） · 3条提醒待处理'.

    The quarter, its rate and who is missing are indicators.period's (status.data_status carries them)."""
    parts = [fmt.as_of(status["as_of"])]
    if status.get("quarter"):
        text = (f"{fmt.quarter(status['quarter'])}报送率{fmt.share(status['rate'])}，"
                f"{status['owing']}个部门中{status['reported']}个已报送")
        if status.get("missing"):
            text += "（未报：" + "、".join(status["missing"]) + "）"
        if status.get("pending"):
            text += f"，另有{status['pending']}份未到报送期限"
        parts.append(text)
    elif status.get("has_plan"):
        parts.append("尚无到期的报表")
    parts.append(f"{status['open_warnings']}条提醒待处理" if status["open_warnings"] else "无待处理提醒")
    return " · ".join(parts)


def banner() -> dict:
    """Show what the figures rest on, and what the as-of date means; returns the status for the page to use."""
    status = data.query("data_status")
    st.caption(f":material/info: {banner_text(status)}")
    st.caption(fmt.AS_OF_MEANING)
    return status


def upload_link() -> None:
    """A link to 数据上报 for those who may upload (the page is not in a viewer's menu)."""
    from ui.auth import current_user
    if current_user().can_upload:
        st.page_link(UPLOAD_PAGE, label="前往数据上报", icon=":material/upload:")
    else:
        st.caption("上传报表由镇科普办公室负责。")


def require_data(status: dict, need: str = "returns") -> bool:
    """On an empty warehouse say what to upload and link to 数据上报; True when the page can go on."""
    if not status["has_plan"]:
        st.info("还没有数据。请先在“数据上报”页上传工作计划工作簿（含阶段、任务、部门、村社区、人群、人口等），"
                "再上传各部门的科学素质调查表和科普活动季报。", icon=":material/upload_file:")
        upload_link()
        return False
    if need == "returns" and not status["returns"]:
        st.info("工作计划已导入，尚未收到任何部门的报表。请在“数据上报”页上传调查表或活动季报。",
                icon=":material/upload_file:")
        upload_link()
        return False
    return True


def page(title: str, need: str = "returns") -> dict:
    """Open a data page: through the router, its title, the banner; stops with the upload hint when the
    warehouse lacks what the page needs ("plan" or "returns"). Returns the banner's status."""
    ensure_routed()
    st.title(title)
    status = banner()
    if not require_data(status, need):
        st.stop()
    return status


def definition(code: str) -> None:
    """The indicator's one-paragraph definition, folded under its chart."""
    from indicators.registry import indicator
    ind = indicator(code)
    with st.expander(f"指标说明：{ind.label}", expanded=False):
        st.write(ind.definition)


def chinese_file_uploader(max_mb: float) -> None:
    """Streamlit draws the uploader's button and hint in English; cover them with Chinese (CSS only)."""
    st.html(f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span, [data-testid="stFileUploaderDropzoneInstructions"] small {{
  font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "拖入文件，或点击左侧按钮选择 · 单个文件不超过{max_mb:g}MB · {' / '.join('.' + e for e in READ_EXTENSIONS)}"; font-size: 0.9rem; }}
[data-testid="stFileUploaderDropzone"] > span > button[data-testid="stBaseButton-secondary"],
[data-testid="stFileUploaderDropzone"] > span > button[data-testid="stBaseButton-secondary"] * {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] > span > button[data-testid="stBaseButton-secondary"]::after {{
  content: "选择文件"; font-size: 1rem; }}
</style>""")

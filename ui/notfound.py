"""A Chinese page for a link to a page that does not exist (or that the user's role does not see).

Streamlit answers an unknown path with its own English "Page not found" dialog and then runs the default
page. Instead, when the requested path matches none of the user's pages, the navigation gets one more hidden
page at exactly that path, which says so in Chinese and links home; the as-of date in the URL is kept.
"""
from __future__ import annotations

import streamlit as st


SEEN = "kx_not_found"  # the unknown page name of this session, for the reruns that name it by its hash


def _intent() -> tuple[str | None, str | None]:
    """(page name, page hash) the browser asked for; (None, None) when Streamlit's internals moved."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        ctx = get_script_run_ctx()
        manager = ctx.pages_manager
        return (manager.intended_page_name or "").strip("/") or None, manager.intended_page_script_hash or None
    except (AttributeError, ImportError):  # keep Streamlit's own handling
        return None, None


def with_not_found(pages: dict[str, list]) -> dict[str, list]:
    """The navigation's pages, plus a hidden Chinese not-found page when the requested path is unknown."""
    everything = [p for section in pages.values() for p in section]
    name, wanted = _intent()
    if wanted:  # a rerun (a widget, the width report) names the page by its hash: is it the not-found page's?
        name = st.session_state.get(SEEN) if wanted not in {p._script_hash for p in everything} else None  # noqa: SLF001
    if name is None or name in {p.url_path for p in everything} or "/" in name:
        return pages
    st.session_state[SEEN] = name
    home = next((p for p in everything if p._default), None)  # noqa: SLF001

    def not_found() -> None:
        st.title("页面不存在")
        st.write(f"链接中的页面“{name}”不存在，或您的账号无权查看。请从左侧菜单选择页面。")
        if home is not None:
            st.page_link(home, label=f"返回{home.title}", icon=":material/home:")

    extra = st.Page(not_found, title="页面不存在", url_path=name, visibility="hidden")
    return {**pages, "": [*pages.get("", []), extra]}

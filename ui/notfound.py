"""A Chinese page for a link to a page that does not exist (or that the user's role does not see).

Streamlit answers an unknown path with its own English "Page not found" dialog and then runs the default
page. Instead, when the requested path matches none of the user's pages, the navigation gets one more hidden
page at exactly that path, which says so in Chinese and links home; the as-of date in the URL is kept.
"""
from __future__ import annotations

import streamlit as st


def requested_page() -> str | None:
    """The page name the browser asked for (the URL's path below the app), or None for the home page."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        ctx = get_script_run_ctx()
        name = ctx.pages_manager.intended_page_name if ctx is not None else None
    except (AttributeError, ImportError):  # Streamlit's internals moved: keep its own handling
        return None
    if ctx is not None and ctx.pages_manager.intended_page_script_hash:
        return None  # a click in the menu names the page by its hash, which always resolves
    return (name or "").strip("/") or None


def with_not_found(pages: dict[str, list]) -> dict[str, list]:
    """The navigation's pages, plus a hidden Chinese not-found page when the requested path is unknown."""
    name = requested_page()
    known = {p.url_path for section in pages.values() for p in section}
    if name is None or name in known or "/" in name:
        return pages
    home = next((p for section in pages.values() for p in section if p._default), None)  # noqa: SLF001

    def not_found() -> None:
        st.title("页面不存在")
        st.write(f"链接中的页面“{name}”不存在，或您的账号无权查看。请从左侧菜单选择页面。")
        if home is not None:
            st.page_link(home, label=f"返回{home.title}", icon=":material/home:")

    extra = st.Page(not_found, title="页面不存在", url_path=name, visibility="hidden")
    return {**pages, "": [*pages.get("", []), extra]}

"""Running the app under streamlit.testing.v1.AppTest, and reading what a user sees."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 180


def run_app(page: str | None = None, as_of: dt.date | None = None) -> AppTest:
    """Run app.py (and switch to `page`, e.g. "pages/literacy.py"); fails on any exception shown."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if as_of is not None:
        at.session_state["as_of"] = as_of
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """Every markdown, caption, title, header, info and metric text on the page, one per line."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)

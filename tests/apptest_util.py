"""Running the app under streamlit.testing.v1.AppTest, and reading what a user sees."""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 180


def run_app(page: str | None = None, as_of: dt.date | None = None, query: dict | None = None) -> AppTest:
    """Run app.py (and switch to `page`, e.g. "pages/literacy.py"), opened with the URL's `query` parameters;
    fails on any exception shown."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if as_of is not None:
        at.session_state["as_of"] = as_of
    for key, value in (query or {}).items():
        at.query_params[key] = value
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


_DIV = re.compile(r"<div[^>]*>(.*?)</div>", re.S)
_SPAN = re.compile(r"<span[^>]*>(.*?)</span>", re.S)


def cards(at: AppTest) -> dict[str, dict]:
    """Every headline card (ui/cards.py) on the page by its label: its value, badge (status label or None),
    detail line ("" when none) and sentence, each the whole text a user reads."""
    found, elements = {}, list(at.markdown)
    for i, element in enumerate(elements):
        parts = _DIV.findall(str(element.value))
        if not str(element.value).startswith("<div style='font-size:1.0rem;") or len(parts) < 2:
            continue
        badge = _SPAN.findall(parts[1])
        found[html.unescape(parts[0])] = {
            "value": html.unescape(_SPAN.sub("", parts[1])), "badge": html.unescape(badge[0]) if badge else None,
            "detail": html.unescape(parts[2]) if len(parts) > 2 else "",
            "sentence": str(elements[i + 1].value) if i + 1 < len(elements) else ""}
    return found


def banner(at: AppTest) -> str:
    """The banner line under the page title (without its icon)."""
    lines = [str(c.value) for c in at.caption if str(c.value).startswith(":material/info: ")]
    assert len(lines) == 1, lines
    return lines[0].removeprefix(":material/info: ")

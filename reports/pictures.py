"""Charts as pictures: the same plotly figures the pages draw, rendered to PNG by kaleido (v1) offline.

Kaleido drives a headless Chrome; it uses $BROWSER_PATH, else Debian's /usr/bin/chromium when present, and
plotly.js from the plotly package (no network). One browser is kept for a batch of figures (`session`).
Where no browser can be started, `png` returns None and the documents say that the chart is left out.
"""
from __future__ import annotations

import logging
import os
import warnings
from contextlib import contextmanager
from pathlib import Path

import plotly.graph_objects as go

CHROMIUM = Path("/usr/bin/chromium")
NO_CHART = "（本图未能生成：本机没有可供 kaleido 使用的 Chrome/Chromium 浏览器。）"
_state = {"server": False, "failed": False}


def _browser_env() -> None:
    if not os.environ.get("BROWSER_PATH") and CHROMIUM.exists():
        os.environ["BROWSER_PATH"] = str(CHROMIUM)


@contextmanager
def session():
    """Keep one headless browser for every picture drawn inside the block (seconds saved per chart)."""
    _browser_env()
    started = False
    if not _state["server"]:
        try:
            import kaleido
            kaleido.start_sync_server(silence_warnings=True)
            _state["server"] = started = True
        except Exception:  # noqa: BLE001 — without a server each picture starts its own browser
            started = False
    try:
        yield
    finally:
        if started:
            import kaleido
            try:
                kaleido.stop_sync_server(silence_warnings=True)
            finally:
                _state["server"] = False


def png(fig: go.Figure | None, width: int = 1200, height: int = 675, scale: float = 2.0) -> bytes | None:
    """The figure as PNG bytes (white background), or None when there is no figure or no browser."""
    if fig is None or _state["failed"]:
        return None
    _browser_env()
    fig = go.Figure(fig)
    fig.update_layout(paper_bgcolor="white", plot_bgcolor="white", width=width, height=height)
    import plotly.io as pio
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.getLogger("choreographer").setLevel(logging.ERROR)
            logging.getLogger("kaleido").setLevel(logging.ERROR)
            return pio.to_image(fig, format="png", width=width, height=height, scale=scale)
    except Exception:  # noqa: BLE001 — no browser: the document goes out without this chart, and says so
        _state["failed"] = True
        return None

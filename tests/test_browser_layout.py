"""Charts that read at a glance, in a real browser: no label over another label, none across the chart's edge,
on every page at 1920, 1280 and 1024 px (one visit, the window resized; every tab opened in turn at 1280).
The slides and the as-of links are tests/test_browser_slides.py (a file of its own, so that the suite's two
workers share the browser work).

The label boxes are the rendered SVG text boxes (tests/chart_boxes.py). Screenshots go to $SCREENSHOT_DIR.
"""
from __future__ import annotations

import pytest

from tests.chart_boxes import page_clashes, read_charts, settle_charts, tab_clashes
from tests.test_browser import (CHROMIUM, PAGES as TITLES, SHOTS, browser, new_page, page_problems,  # noqa: F401
                                 server, settle)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason="no chromium")]

# Each page and the fewest charts it shows on the demo warehouse (so that the check cannot pass on nothing).
PAGES = [("", 0), ("literacy", 5), ("tasks", 1), ("activities", 8), ("reporting", 1), ("quality", 0),
         ("upload", 0)]
# The tabs of each page, every one opened in turn (its charts are drawn only when it is shown).
TABS = {"activities": ["按活动类型", "按对应任务", "按村(社区)", "按部门", "2025年·按对应任务", "2025年·按部门", "逐年"],
        "reporting": ["科普活动", "科学素质调查"]}
TAB_WIDTH = 1280
WIDTHS = [(1920, 1080), (1280, 800), (1024, 768)]


def open_page(browser, url: str, width: int, height: int, charts: bool = True):  # noqa: F811
    """A new tab at this size on `url`, once its script has run (and, with `charts`, its charts stand still)."""
    page = new_page(browser, width, height)
    page.goto(url)
    settle(page, 300)
    if charts:
        settle_charts(page)
    return page


@pytest.mark.parametrize("path,charts", PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_no_chart_label_overlaps_another_or_crosses_the_edge(server, browser, path, charts):  # noqa: F811
    """One visit per page, the window resized to each width in turn (as a user drags it): the page reruns for
    the width it reports, and its charts are read again."""
    width, height = WIDTHS[0]
    page = open_page(browser, f"{server}/{path}", width, height)
    try:
        assert page_problems(page, dict(TITLES)[path]) == []
        found = {}
        for width, height in WIDTHS:
            if page.viewport_size != {"width": width, "height": height}:
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(300)
                settle(page, 0)
                settle_charts(page)
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"layout_{path or 'overview'}_{width}x{height}.png"), full_page=True)
            assert len(read_charts(page)) >= charts, f"{width} px"
            found.update({f"{width} px {k}": v for k, v in page_clashes(page).items()})
            if width == TAB_WIDTH:  # every tab opened in turn, at the middle width (the suite's time is counted)
                tabs, clashes = tab_clashes(page)
                assert tabs == TABS.get(path, [])
                found.update({f"{width} px {k}": v for k, v in clashes.items()})
        assert found == {}
    finally:
        page.close()

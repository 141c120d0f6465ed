"""In a real browser: no label over another on any slide of 汇报模式 (1024×768 and 1920×1080); the as-of date
travels in the URL of every page and of the deck; an unknown page says so in Chinese.

Beside tests/test_browser_layout.py (same server and label boxes), in its own file so that pytest-xdist runs the
two on different workers.
"""
from __future__ import annotations

import pytest

from tests.chart_boxes import page_clashes, read_charts, settle_charts
from tests.test_browser import CHROMIUM, SHOTS, browser, page_problems, server, settle  # noqa: F401 (fixtures)
from tests.test_browser_layout import open_page

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason="no chromium")]


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)], ids=["1024x768", "1920x1080"])
def test_no_slide_label_overlaps_another_or_crosses_the_edge(server, browser, size):  # noqa: F811
    width, height = size
    page = open_page(browser, f"{server}/present?asof=2023-12-31", width, height)
    try:
        found, slides, drawn = {}, 0, 0
        while True:
            slides += 1
            drawn += len(read_charts(page))
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"slide{slides}_{width}x{height}.png"))
            found.update({f"slide {slides} {k}": v for k, v in page_clashes(page).items()})
            if problems := page_problems(page, "汇报模式"):
                found[f"slide {slides}"] = problems
            after = page.get_by_role("button", name="下一页")
            if after.is_disabled() or slides > 20:
                break
            after.click()
            page.wait_for_timeout(300)
            settle(page, 0)
            settle_charts(page)
        assert slides >= 8 and drawn >= 6
        assert found == {}
    finally:
        page.close()


def chosen(page) -> str:
    """The 截至 date the sidebar shows (the select's input holds the chosen option's text)."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first.input_value()


@pytest.mark.parametrize("path", ["", "literacy", "tasks", "activities", "reporting", "quality", "upload"])
def test_a_link_with_asof_opens_the_page_at_that_date_and_a_reload_keeps_it(server, browser, path):  # noqa: F811
    page = open_page(browser, f"{server}/{path}?asof=2023-12-31", 1280, 800, charts=False)
    try:
        assert chosen(page) == "2023年第4季度末（12月31日）"
        page.reload()
        settle(page, 300)
        assert page.url.endswith("asof=2023-12-31") and chosen(page) == "2023年第4季度末（12月31日）"
    finally:
        page.close()


def test_the_deck_opens_and_reloads_at_the_date_of_its_link(server, browser):  # noqa: F811
    page = open_page(browser, f"{server}/present?asof=2023-12-31", 1024, 768, charts=False)
    try:
        assert page.locator(".kx-asof").first.inner_text() == "截至2023年12月31日"
        page.reload()
        settle(page, 300)
        assert page.locator(".kx-asof").first.inner_text() == "截至2023年12月31日"
    finally:
        page.close()


def test_an_unknown_page_says_so_in_chinese_and_links_home(server, browser):  # noqa: F811
    page = open_page(browser, f"{server}/no-such-page?asof=2023-12-31", 1280, 800, charts=False)
    try:
        home = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a', has_text="返回总览")
        home.first.wait_for(timeout=30_000)
        body = page.locator("body").inner_text()
        assert "页面不存在" in body and "返回总览" in body
        assert "Page not found" not in body and "not found" not in body.lower()
        assert home.count() == 1
    finally:
        page.close()

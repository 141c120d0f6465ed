"""The app in a real browser: `streamlit run` on a free port, headless Chromium driven by Playwright.

The server and browser fixtures for every browser test file. Every page is visited by tests/test_browser_layout.py
(and each slide of 汇报模式 by tests/test_browser_slides.py), which also check that no Streamlit exception box,
traceback, NaN or None appears (`page_problems`); screenshots go to $SCREENSHOT_DIR (CI lists them in its log). Here:
the overview's figures, the projector's type sizes, an upload through the real file-uploader widget with its
receipt read back from the page, and a reload laid out at once for its width.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ui import layout

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))
PAGES = [("", "总览"), ("literacy", "科学素质"), ("tasks", "任务与阶段"), ("activities", "科普活动与经费"),
         ("reporting", "报送情况"), ("upload", "数据上报"), ("quality", "数据质量"), ("present", "汇报模式")]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db_master, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    warehouse = folder / "demo.duckdb"
    shutil.copy(demo_db_master, warehouse)
    shutil.copytree(demo_db_master.parent / "archive", folder / "archive")
    port = free_port()
    env = {**os.environ, "KEXUE_DB": str(warehouse), "KEXUE_USERS": str(folder / "none.yaml")}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                "--server.port", str(port), "--server.address", "127.0.0.1",
                                "--browser.gatherUsageStats", "false"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not become healthy: " + process.stdout.read().decode(errors="replace")[-2000:])
    yield url
    stop(process)


def stop(process: subprocess.Popen) -> None:
    """End a server; on a busy machine a slow shutdown is killed, not a failure (the test is over)."""
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Runs:
    """The script runs of one browser tab, read off its websocket: the runs it asks for (BackMsg rerun_script) and
    the runs the server reports finished (ForwardMsg script_finished), in order, with the time of the last message."""

    def __init__(self, page):
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        self.events, self.last = [], time.time()

        def sent(payload) -> None:
            self.last = time.time()
            if isinstance(payload, bytes) and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script":
                self.events.append("asked")

        def received(payload) -> None:
            self.last = time.time()
            if isinstance(payload, bytes):
                message = ForwardMsg.FromString(payload)
                if message.WhichOneof("type") == "script_finished":
                    self.events.append(message.script_finished)  # 0: finished; 2: stopped for a newer run

        page.on("websocket", lambda ws: (ws.on("framesent", sent), ws.on("framereceived", received)))

    @property
    def asked(self) -> int:
        """The runs the tab has asked for."""
        return self.events.count("asked")

    def done(self, quiet_s: float) -> bool:
        """A run finished after the last run asked for, and nothing has moved on the socket for `quiet_s`."""
        asked = max((i for i, e in enumerate(self.events) if e == "asked"), default=-1)
        return 0 in self.events[asked + 1:] and time.time() - self.last >= quiet_s


def new_page(browser, width: int, height: int):
    """A new tab at this size whose script runs `settle` follows (`page.runs`)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.runs = Runs(page)
    return page


def settle(page, extra_ms: int = 1500) -> None:
    """Wait until Streamlit has finished running the script: for a tab from `new_page`, until the browser has
    reported its width (its cookie is set) and every run asked for has finished, with the socket quiet for 0.4 s;
    otherwise until the running-man widget is gone. Then `extra_ms` more."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=90_000)
    deadline = time.time() + 90
    runs = getattr(page, "runs", None)
    while time.time() < deadline:
        if runs is None:
            if not page.locator('[data-testid="stStatusWidget"]').count():
                break
        elif runs.done(0.4) and layout.COOKIE in {c["name"] for c in page.context.cookies()}:
            break
        page.wait_for_timeout(200)
    page.wait_for_timeout(extra_ms)


def visit(browser, url: str, width: int, height: int, name: str, wait_for: str | None = None):
    page = new_page(browser, width, height)
    page.goto(url)
    if wait_for:
        page.wait_for_selector(wait_for, timeout=90_000)
    settle(page, 300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}_{width}x{height}.png"), full_page=True)
    return page


def page_problems(page, title: str) -> list[str]:
    """What a user must never see on a page: a Streamlit exception box, a traceback, NaN or None, or a page without
    its title (used by the layout and slide tests, which visit every page)."""
    problems = [page.locator('[data-testid="stException"]').nth(i).inner_text()
                for i in range(page.locator('[data-testid="stException"]').count())]
    body = page.locator("body").inner_text()
    if title not in page.title() and title not in body:
        problems.append(f"no title {title}")
    problems += [f"shows {word}" for word in ("Traceback", "NaN", "None") if word in body]
    return problems


def test_overview_shows_the_town_rate_and_the_banner(server, browser, demo_db_master):
    from charts import fmt
    from etl import db
    from indicators import survey
    with db.connect(demo_db_master) as con:
        rate = survey.literacy_rate(con, "2025-12-31").set_index("period").loc["2025"]
    page = visit(browser, server, 1920, 1080, "overview_check", wait_for=".st-key-card_budget")
    try:
        body = page.locator("body").inner_text()
        assert fmt.share_ci(rate["value"], rate["ci_low"], rate["ci_high"], named=False) in body
        assert "2025年第4季度报送率100.0%，9个部门中9个已报送" in body
    finally:
        page.close()


def test_present_mode_is_legible_on_a_small_projector(server, browser):
    page = visit(browser, f"{server}/present", 1024, 768, "present")
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        page.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=30_000)  # hidden by the page's style
        # Text only: a Material icon is a ligature ("download") drawn as a glyph, not words to read.
        sizes = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stMain"] *'))
            .filter(e => e.offsetParent !== null && e.childElementCount === 0 && e.innerText && e.innerText.trim())
            .filter(e => e.getAttribute('data-testid') !== 'stIconMaterial')
            .map(e => [parseFloat(getComputedStyle(e).fontSize), e.tagName + ':' + e.innerText.slice(0, 30)])""")
        small = [s for s in sizes if s[0] < 18]
        sizes = [s[0] for s in sizes]
        assert sizes and not small, small
        assert max(sizes) >= 48
    finally:
        page.close()


def test_an_upload_round_trip_through_the_real_file_uploader(server, browser, tmp_path):
    """A refused return shows its receipt row by row; a good one is stored and appears in the history."""
    import openpyxl
    good_source = ROOT / "data" / "sample" / "activity_2025Q4_科协.xlsx"
    book = openpyxl.load_workbook(good_source)
    sheet = book["活动明细"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("村(社区)") + 1, value="火星村")
    bad = tmp_path / "科协_2025Q4_有错误.xlsx"
    book.save(bad)
    page = visit(browser, f"{server}/upload", 1920, 1080, "upload_before")
    try:
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="检查并入库").click()
        page.get_by_text("未入库（有错误）").first.wait_for(timeout=60_000)
        settle(page)
        body = page.locator("body").inner_text()
        # The receipt table itself is a canvas grid (its cells are asserted row by row in test_app_upload.py).
        assert "科协_2025Q4_有错误.xlsx" in body and "错误1条" in body and "本次没有任何数据入库" in body
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "upload_receipt_1920x1080.png"), full_page=True)
    finally:
        page.close()


def test_a_reload_runs_the_page_once_laid_out_for_the_width_of_the_first_visit(server, browser):
    """The first visit runs the script twice: once for a wide screen, again when the browser reports its width. The
    browser keeps that width in a cookie, so a reload is laid out for it on its first run and runs once."""
    page = new_page(browser, 1024, 768)
    try:
        page.goto(f"{server}/literacy")
        settle(page, 1000)
        assert page.runs.asked == 2
        width = page.evaluate("""() => { const el = document.querySelector('[data-testid="stMainBlockContainer"]');
            const s = getComputedStyle(el);
            return Math.round(el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)); }""")
        assert {c["name"]: c["value"] for c in page.context.cookies()}[layout.COOKIE] == str(width)
        page.reload()
        settle(page, 1000)
        assert page.runs.asked == 3
    finally:
        page.close()

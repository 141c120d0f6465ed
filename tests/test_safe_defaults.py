"""Safe by default, as a user meets it: the app started with the README's command (`streamlit run app.py`, here
on a free port) listens on this machine only; started for the network without a users file it turns other
machines away; with a users file nobody sees any navigation before signing in; and no request leaves the
machine (the page icon included).
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
from urllib.parse import urlparse

import pytest

from etl.users import add_user
from tests.test_browser import CHROMIUM, browser, free_port, settle, stop  # noqa: F401  (browser: a fixture)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


def this_machine_on_the_network() -> str | None:
    """This machine's address as another machine would reach it (None when it has no network)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("198.51.100.1", 9))  # no packet is sent: this only picks the outgoing interface
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address


def start(folder: Path, demo_db_master: Path, *flags: str) -> tuple[subprocess.Popen, int]:
    """`streamlit run app.py` on a free port (plus `flags`) over a copy of the demo warehouse; once it is healthy."""
    shutil.copy(demo_db_master, folder / "demo.duckdb")
    shutil.copytree(demo_db_master.parent / "archive", folder / "archive")
    port = free_port()
    env = {**os.environ, "KEXUE_DB": str(folder / "demo.duckdb"), "KEXUE_USERS": str(folder / "users.yaml")}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.headless", "true", *flags], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return process, port
        except OSError:
            time.sleep(0.5)
    process.kill()
    pytest.fail("streamlit did not become healthy: " + process.stdout.read().decode(errors="replace")[-2000:])


@pytest.fixture(scope="module")
def as_documented(demo_db_master, tmp_path_factory):
    """Started as the README says, with no users file."""
    process, port = start(tmp_path_factory.mktemp("local"), demo_db_master)
    yield port
    stop(process)


@pytest.fixture(scope="module")
def for_the_network(demo_db_master, tmp_path_factory):
    """Started with --server.address 0.0.0.0; the users file (folder/users.yaml) is absent until a test adds it."""
    folder = tmp_path_factory.mktemp("network")
    process, port = start(folder, demo_db_master, "--server.address", "0.0.0.0")
    yield port, folder / "users.yaml"
    stop(process)


def test_without_a_users_file_the_app_listens_on_this_machine_only(as_documented):
    address = this_machine_on_the_network()
    if address is None:
        pytest.skip("this machine has no network address to try")
    assert urllib.request.urlopen(f"http://127.0.0.1:{as_documented}/_stcore/health", timeout=10).read() == b"ok"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address, as_documented), timeout=10).close()


@pytest.mark.browser
@needs_chromium
def test_no_request_leaves_the_machine_and_the_icon_is_local(as_documented, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        page.goto(f"http://127.0.0.1:{as_documented}/")
        page.wait_for_selector(".st-key-card_budget", timeout=180_000)
        settle(page)
        icon = page.eval_on_selector("link[rel~='icon']", "e => e.href")
        assert urlparse(icon).hostname == "127.0.0.1", icon
        elsewhere = [u for u in asked if urlparse(u).scheme in ("http", "https", "ws", "wss")
                     and urlparse(u).hostname != "127.0.0.1"]
        assert elsewhere == []
        assert "只有本机可以打开" in page.locator('[data-testid="stSidebar"]').inner_text()
    finally:
        page.close()


@pytest.mark.browser
@needs_chromium
def test_started_for_the_network_without_users_another_machine_is_turned_away(for_the_network, browser):  # noqa: F811
    port, users = for_the_network
    address = this_machine_on_the_network()
    if address is None:
        pytest.skip("this machine has no network address to try")
    users.unlink(missing_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"http://{address}:{port}/")
        page.get_by_text("尚未配置用户文件").wait_for(timeout=180_000)
        settle(page, 500)
        body = page.locator("body").inner_text()
        assert "python -m etl user add" in body
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert "全镇" not in body and "数据上报" not in body  # nothing of the dashboard
    finally:
        page.close()


@pytest.mark.browser
@needs_chromium
def test_before_sign_in_there_is_no_navigation(for_the_network, browser):  # noqa: F811
    port, users = for_the_network
    add_user("office1", "office-pass-1", "张主任", "office", path=users)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"http://127.0.0.1:{port}/literacy")
        page.get_by_role("button", name="登录").wait_for(timeout=180_000)
        settle(page, 500)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        body = page.locator("body").inner_text()
        for name in ("overview", "literacy", "upload", "app", "总览", "数据上报", "汇报模式"):
            assert name not in body, name
        page.get_by_label("用户名").fill("office1")
        page.get_by_label("密码").fill("office-pass-1")
        page.get_by_role("button", name="登录").click()
        page.locator('[data-testid="stSidebarNav"]').get_by_text("总览").wait_for(timeout=180_000)
    finally:
        page.close()

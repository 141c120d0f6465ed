"""Who is using the app: sign-in with streamlit-authenticator over a users file of bcrypt hashes.

Without a users file the app runs as a local demo with office rights, for this machine only: Streamlit listens
on 127.0.0.1 (.streamlit/config.toml), and a visitor from another machine (started with --server.address) is
turned away; every page says how to add users to serve the network. Roles:
领导 (leader: view only), 办公室 (office: upload any return, replace the plan, accept warnings, restore),
部门填报员 (department: upload and see only their own department's returns).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import streamlit as st
import streamlit_authenticator as stauth

from etl.users import ROLE_WORDS, read_users

ROLES = ROLE_WORDS
OFFICE_GROUP = "办公室"


@dataclass(frozen=True)
class User:
    """A signed-in user: name, role (leader / office / department) and, for reporters, their department."""

    username: str
    name: str
    role: str
    department: str | None = None
    is_demo: bool = False

    @property
    def can_upload(self) -> bool:
        return self.role in ("office", "department")

    @property
    def is_office(self) -> bool:
        return self.role == "office"

    def upload_limits(self) -> dict:
        """Keyword arguments for etl.store.load_return / restore that keep this user to what is theirs."""
        if self.role == "office":
            return {}
        if self.role == "department":
            return {"allowed_departments": {self.department}, "allowed_kinds": {"survey", "activity"}}
        return {"allowed_departments": set(), "allowed_kinds": set()}


DEMO_USER = User("demo", "本地演示", "office", is_demo=True)
SERVE_NETWORK = ("要让局域网中的其他电脑使用，请先添加用户（python -m etl user add 用户名 --name 姓名 --role office），"
                 "再以 streamlit run app.py --server.address 0.0.0.0 启动。")


def _authenticator(config: dict) -> stauth.Authenticate:
    if "authenticator" not in st.session_state:
        cookie = config.get("cookie") or {}
        st.session_state["authenticator"] = stauth.Authenticate(
            config["credentials"], cookie.get("name", "kexue_auth"), cookie["key"],
            float(cookie.get("expiry_days", 1)), auto_hash=False)
    return st.session_state["authenticator"]


def sign_in() -> User | None:
    """The current user; shows the login form and returns None until someone has signed in."""
    try:
        config = read_users()
    except ValueError as exc:
        st.error(str(exc))
        return None
    if config is None:
        if from_another_machine():
            st.title("科学素质指标看板")
            st.error("尚未配置用户文件：本看板只允许在运行它的电脑上打开。" + SERVE_NETWORK)
            return None
        return DEMO_USER
    authenticator = _authenticator(config)
    if not st.session_state.get("authentication_status"):
        st.title("科学素质指标看板")
        try:
            authenticator.login(location="main", key="login", fields={
                "Form name": "登录", "Username": "用户名", "Password": "密码", "Login": "登录"})
        except Exception as exc:  # the library raises on malformed input; say it plainly
            st.error(f"登录失败：{exc}")
        status = st.session_state.get("authentication_status")
        if status is False:
            st.error("用户名或密码错误。")
        if not status:
            st.info("请使用办公室分配的账号登录。")
            return None
    username = st.session_state.get("username")
    entry = config["credentials"]["usernames"].get(username, {})
    return User(username, entry.get("name", username), (entry.get("roles") or ["leader"])[0], entry.get("department"))


def from_another_machine() -> bool:
    """True when this session's browser runs on another machine (Streamlit gives no address for this one)."""
    address = st.context.ip_address
    if not isinstance(address, str) or not address:
        return False
    try:
        return not ipaddress.ip_address(address.removeprefix("::ffff:")).is_loopback
    except ValueError:
        return True


def signed_out() -> None:
    """The only page before sign-in (hidden: the sign-in form is all there is)."""


def current_user() -> User:
    """The user app.py signed in for this session (pages ask here, never sign in again)."""
    return st.session_state.get("user") or DEMO_USER


def visible_pages(user: User, pages: dict) -> dict:
    """The navigation a role may see: viewers don't get the office's pages."""
    if user.can_upload:
        return pages
    return {group: items for group, items in pages.items() if group != OFFICE_GROUP}


def sidebar_user(user: User) -> None:
    """Who is signed in, at the foot of the sidebar; the demo mode is said on every page."""
    with st.sidebar:
        if user.is_demo:
            st.caption(":material/lock_open: 本地演示模式：未配置用户文件，未启用登录，只有本机可以打开，"
                       "打开的人都可上传。" + SERVE_NETWORK)
            return
        where = f"·{user.department}" if user.department else ""
        st.caption(f":material/person: {user.name}（{ROLES[user.role]}{where}）")
        if "authenticator" in st.session_state:
            st.session_state["authenticator"].logout("退出登录", location="sidebar", key="logout")

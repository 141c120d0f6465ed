"""Who is using the app. Without a users file the app runs as a local demo (office rights) and says so."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROLES = {"leader": "领导", "office": "办公室", "department": "部门填报员"}
USERS_FILE = Path(os.environ.get("KEXUE_USERS", "data/users.yaml"))


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


DEMO_USER = User("demo", "本地演示", "office", is_demo=True)


def sign_in() -> User | None:
    """The current user (local demo when there is no users file)."""
    return DEMO_USER


def visible_pages(user: User, pages: dict) -> dict:
    """The navigation a role may see: viewers don't get the office's pages."""
    if user.can_upload:
        return pages
    return {group: items for group, items in pages.items() if group != "办公室"}


def sidebar_user(user: User) -> None:
    """Who is signed in, at the foot of the sidebar; the demo mode is said on every page."""
    with st.sidebar:
        if user.is_demo:
            st.caption(":material/lock_open: 本地演示模式：未配置用户文件，未启用登录，任何人都可上传。")
        else:
            st.caption(f":material/person: {user.name}（{ROLES[user.role]}{'·' + user.department if user.department else ''}）")

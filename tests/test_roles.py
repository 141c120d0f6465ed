"""Roles: sign-in over a users file of bcrypt hashes; who may upload, restore and see what."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from etl.store import load_return, restore
from etl.users import add_user, read_users
from tests.apptest_util import APP, TIMEOUT
from tests.workbooks import D, activity, activity_book, plan_book
from ui.auth import User, visible_pages

TODAY = dt.date(2025, 1, 1)


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users.yaml"
    add_user("office1", "office-pass-1", "张主任", "office", path=path)
    add_user("leader1", "leader-pass-1", "王书记", "leader", path=path)
    add_user("school1", "school-pass-1", "李老师", "department", "中小学", path=path)
    monkeypatch.setenv("KEXUE_USERS", str(path))
    return path


def test_users_file_holds_bcrypt_hashes_never_passwords(users):
    text = users.read_text(encoding="utf-8")
    assert "office-pass-1" not in text and "$2b$" in text
    config = read_users(users)
    assert config["credentials"]["usernames"]["school1"]["department"] == "中小学"


def test_a_users_file_with_a_plain_password_is_refused(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text("credentials:\n  usernames:\n    a:\n      name: A\n      password: hunter22\n      roles: [office]\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="不是bcrypt哈希"):
        read_users(path)


def test_cli_adds_a_user_from_stdin(tmp_path):
    path = tmp_path / "u.yaml"
    done = subprocess.run([sys.executable, "-m", "etl", "user", "add", "kx", "--name", "科协", "--role", "office",
                           "--password-stdin"], input="long-enough-pw\n", capture_output=True, text=True,
                          env={**__import__("os").environ, "KEXUE_USERS": str(path)})
    assert done.returncode == 0, done.stderr
    assert read_users(path)["credentials"]["usernames"]["kx"]["roles"] == ["office"]


def sign_in(username: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_the_app_asks_for_sign_in_and_refuses_a_wrong_password(users, demo_db, monkeypatch):
    monkeypatch.setenv("KEXUE_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert any("请使用办公室分配的账号登录" in i.value for i in at.info)
    at = sign_in("office1", "wrong-password")
    assert any("用户名或密码错误" in e.value for e in at.error)


def test_a_leader_sees_the_dashboard_but_not_the_office_pages(users, demo_db, monkeypatch):
    monkeypatch.setenv("KEXUE_DB", str(demo_db))
    at = sign_in("leader1", "leader-pass-1")
    assert not at.exception
    assert any("总览" == t.value for t in at.title)
    assert any("王书记（领导）" in c.value for c in at.sidebar.caption)
    pages = {"领导看板": ["总览"], "办公室": ["数据上报", "数据质量"], "评估会议": ["汇报模式"]}
    assert list(visible_pages(User("leader1", "王书记", "leader"), pages)) == ["领导看板", "评估会议"]
    assert list(visible_pages(User("school1", "李老师", "department", "中小学"), pages)) == list(pages)


@pytest.fixture
def two_departments(tmp_path):
    path = tmp_path / "roles.duckdb"
    assert load_return(plan_book(), "plan.xlsx", path, today=TODAY).status == "stored"
    kx = load_return(activity_book([activity(1)]), "kx.xlsx", path, today=TODAY)
    assert kx.status == "stored"
    return path, kx


def test_a_department_user_cannot_upload_another_departments_return(two_departments):
    path, _ = two_departments
    school = User("school1", "李老师", "department", "中小学")
    receipt = load_return(activity_book([activity(2, start=D(2021, 5, 1))], department="科协", quarter=2), "kx2.xlsx", path, today=TODAY,
                          **school.upload_limits())
    assert receipt.status == "forbidden"
    assert receipt.errors[0].message == "您的账号只能上传本部门的报表" and receipt.errors[0].value == "科协"
    own = load_return(activity_book([activity(3, task=1)], department="中小学"), "school.xlsx", path, today=TODAY,
                      **school.upload_limits())
    assert own.status == "stored"
    plan = load_return(plan_book(), "plan2.xlsx", path, today=TODAY, **school.upload_limits())
    assert plan.status == "forbidden" and "工作计划" in plan.errors[0].message


def test_a_department_user_cannot_restore_another_departments_return(two_departments):
    path, kx = two_departments
    school = User("school1", "李老师", "department", "中小学")
    with pytest.raises(PermissionError, match="不能恢复其他部门"):
        restore(kx.return_id, path, user="school1", **school.upload_limits())
    assert "已恢复" in restore(kx.return_id, path, user="office1")


def test_a_viewer_cannot_upload_at_all(two_departments):
    path, _ = two_departments
    leader = User("leader1", "王书记", "leader")
    assert not leader.can_upload
    receipt = load_return(activity_book([activity(4, start=D(2021, 8, 1))], department="科协", quarter=3), "kx3.xlsx", path, today=TODAY,
                          **leader.upload_limits())
    assert receipt.status == "forbidden"


def test_the_documents_are_offered_to_a_signed_in_leader_and_to_nobody_before_sign_in(users, demo_db, monkeypatch):
    """The evaluation pack follows the pages a role may open: nothing before sign-in; a leader, who may not open
    the office's pages, gets the report and the deck on 总览 and the bulletin and scorecard on 报送情况."""
    monkeypatch.setenv("KEXUE_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert at.get("download_button") == []
    at = sign_in("leader1", "leader-pass-1")
    assert not at.exception
    labels = {b.key: b.proto.label for b in at.get("download_button")}
    assert labels == {"overview_evaluation_docx": "下载评估报告（Word）", "overview_deck_pptx": "下载汇报演示文稿（PPT）"}
    at.switch_page("pages/reporting.py").run()
    assert not at.exception
    keys = {b.key for b in at.get("download_button")}
    assert {"download_bulletin_docx", "download_scorecard_xlsx"} <= keys

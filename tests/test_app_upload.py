"""数据上报 under AppTest: workbooks go in through the real st.file_uploader widget (AppTest 1.67 has one), the
receipt shows each problem where it is, a second file for the same period waits for confirmation, and an earlier
version can be restored. A small warehouse built from tests/workbooks.py keeps this file fast."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import db, store
from etl.archive_access import archived_bytes
from tests import workbooks as wb
from tests.apptest_util import page_text, run_app
from ui import auth

PAGE = "pages/upload.py"
ROOT = Path(__file__).resolve().parents[1]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = wb.survey_book([wb.respondent(i, age=20 + i) for i in range(1, 12)])
GOOD_V2 = wb.survey_book([wb.respondent(i, age=20 + i) for i in range(1, 14)])
BAD = wb.survey_book([wb.respondent(1), wb.respondent(2, sex="X"), wb.respondent(3, age="abc")])


@pytest.fixture
def plan_db(tmp_path, app_env):
    """A warehouse holding only the small test plan, with the app pointed at it."""
    path = tmp_path / "plan.duckdb"
    assert store.load_return(wb.plan_book(), "工作计划.xlsx", path, user="测试").status == "stored"
    return app_env(path)


def empty(folder):
    """An empty warehouse file (an absent one would make the app load the demo data on start)."""
    path = folder / "empty.duckdb"
    with db.connect(path):
        pass
    return path


def history_shown(at):
    """The 版本历史 table as shown (st.dataframe keys are not exposed by AppTest, so find it by its columns)."""
    return next(d.value for d in at.dataframe if "上传时间" in d.value.columns)


def upload(at, *files: tuple[str, bytes]):
    """Put files into the page's uploader and press 检查并入库, as a user would."""
    at.file_uploader(key="upload_files").set_value([(name, data, XLSX) for name, data in files]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_bad_file_is_refused_and_its_receipt_lists_each_cell(plan_db):
    at = upload(run_app(PAGE), ("调查_中小学.xlsx", BAD))
    assert any("未入库（有错误）" in e.value for e in at.error)
    shown = at.dataframe[0].value
    rows = [tuple(r) for r in shown[["级别", "工作表", "行", "列", "填写的值"]].astype(object).itertuples(index=False)]
    # errors first, each where Excel numbers it (header on row 1, so respondent 2 is on row 3); then the warning
    assert rows[:2] == [("错误", "调查数据", 3, "性别", "X"), ("错误", "调查数据", 4, "年龄", "abc")]
    assert rows[2][0] == "提醒" and len(rows) == 3
    assert shown.loc[0, "应为"] == "以下之一：男、女"
    assert "调查_中小学.xlsx（中小学、2021年）：未入库（有错误） · 错误2条 · 提醒1条 · 说明0条" in page_text(at)
    assert at.download_button(key=f"receipt_download_0_{store.sha256(BAD)[:12]}").label.startswith("下载回执")
    assert (store.history(plan_db)["kind"] == "survey").sum() == 0


def test_a_good_file_is_stored_and_shown_in_the_history(plan_db):
    at = upload(run_app(PAGE), ("调查_中小学.xlsx", GOOD))
    assert any("已入库：中小学2021年科学素质调查第1版，共11行" in s.value for s in at.success)
    hist = store.history(plan_db)
    row = hist[hist["kind"] == "survey"].iloc[0]
    assert (row["department"], row["period"], row["version"], bool(row["is_current"])) == ("中小学", "2021", 1, True)
    assert row["uploaded_by"] == auth.DEMO_USER.name and not row["is_backfilled"]
    table = history_shown(at)
    assert table.iloc[0][["状态", "类型", "部门", "期间", "版本", "行数"]].tolist() == \
        ["当前", "科学素质调查", "中小学", "2021年", "第1版", 11]
    # the same bytes again are recognised
    at.button(key="upload_go").click().run()
    assert any("重复文件" in i.value for i in at.info)
    assert len(store.history(plan_db)) == 2


def test_a_plan_and_a_return_uploaded_together_store_the_plan_first_with_back_filled_date(tmp_path, app_env):
    path = app_env(empty(tmp_path))
    at = run_app(PAGE)
    at.checkbox(key="upload_backfill").check().run()
    at.text_input(key="upload_received_on").set_value("2022-01-12").run()
    upload(at, ("调查_中小学.xlsx", GOOD), ("工作计划.xlsx", wb.plan_book()))
    assert "本次上传2个文件，2个已入库。" in page_text(at)
    hist = store.history(path).sort_values("return_id")
    assert hist["kind"].tolist() == ["plan", "survey"]
    assert hist["received_on"].dt.date.tolist() == [dt.date(2022, 1, 12)] * 2 and hist["is_backfilled"].all()
    assert history_shown(at)["补录"].tolist() == ["是", "是"]


def test_a_second_file_for_the_same_period_waits_for_confirmation_then_replaces(plan_db):
    at = upload(run_app(PAGE), ("调查_中小学.xlsx", GOOD))
    first = store.history(plan_db).query("kind == 'survey'").iloc[0]
    upload(at, ("调查_中小学_更正.xlsx", GOOD_V2))
    assert any("未入库：中小学2021年科学素质调查已有第1版。确认替换后才会入库" in w.value for w in at.warning)
    assert "将被替换的当前版本：第1版，文件“调查_中小学.xlsx”" in page_text(at)
    key = f"0_{store.sha256(GOOD_V2)[:12]}"
    assert at.button(key=f"replace_go_{key}").disabled
    assert len(store.history(plan_db)) == 2  # nothing stored before confirming
    at.file_uploader(key="upload_files").clear().run()  # the bytes are kept by the page: no need to upload again
    at.checkbox(key=f"replace_ok_{key}").check().run()
    at.button(key=f"replace_go_{key}").click().run()
    assert not at.exception
    assert any("已入库：中小学2021年科学素质调查第2版，共13行" in s.value for s in at.success)
    surveys = store.history(plan_db).query("kind == 'survey'").set_index("version")
    assert surveys.loc[2, "is_current"] and not surveys.loc[1, "is_current"]
    assert surveys.loc[1, "return_id"] == first["return_id"]


def test_an_earlier_version_is_restored_from_the_history(plan_db):
    v1 = store.load_return(GOOD, "v1.xlsx", plan_db, user="测试")
    store.load_return(GOOD_V2, "v2.xlsx", plan_db, user="测试", replace=True)
    at = run_app(PAGE)
    uploaded = store.history(plan_db).set_index("return_id").loc[v1.return_id, "uploaded_at"]
    assert at.selectbox(key="restore_pick").options == \
        [f"中小学 · 2021年 · 科学素质调查 · 第1版（历史，{uploaded:%Y-%m-%d %H:%M}上传）"]
    at.button(key="restore_go").click().run()
    assert not at.exception
    assert any("已恢复：中小学 2021 第1版为当前版本" in s.value for s in at.success)
    current = store.history(plan_db).query("kind == 'survey' and is_current")
    assert current["return_id"].tolist() == [v1.return_id]
    assert history_shown(at).query("版本 == '第1版' and 类型 == '科学素质调查'")["状态"].tolist() == ["当前"]
    # the original of any version downloads byte for byte
    assert archived_bytes(v1.return_id, plan_db) == ("v1.xlsx", GOOD)
    assert at.download_button(key="archive_download").label == "下载原始文件"


def test_a_reporter_may_upload_only_their_own_department(plan_db, monkeypatch):
    monkeypatch.setattr(auth, "sign_in", lambda: auth.User("nyz", "李站长", "department", "农业站"))
    at = upload(run_app(PAGE), ("调查_中小学.xlsx", GOOD))
    assert any("未入库：无权限。您的账号只能上传本部门的报表" in e.value for e in at.error)
    assert [b.label for b in at.download_button][:2] == ["下载“科学素质调查”模板", "下载“科普活动”模板"]
    assert (store.history(plan_db)["kind"] == "survey").sum() == 0


def test_a_leader_is_told_they_cannot_upload(plan_db, monkeypatch):
    monkeypatch.setattr(auth, "sign_in", lambda: auth.User("boss", "镇长", "leader"))
    leader = auth.sign_in()
    assert "办公室" not in auth.visible_pages(leader, {"领导看板": [], "办公室": []})  # not in a viewer's menu
    # Opened by a direct link, the page goes through the router, which has no upload page for a viewer.
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()
    assert not at.exception
    assert not at.file_uploader and "数据上报" not in [t.value for t in at.title]


def test_an_empty_database_offers_the_plan_template_first(tmp_path, app_env):
    app_env(empty(tmp_path))
    at = run_app(PAGE)
    assert [b.label for b in at.download_button] == ["下载“工作计划”模板", "下载“科学素质调查”模板", "下载“科普活动”模板"]
    assert any("尚无工作计划。请先下载“工作计划”模板" in i.value for i in at.info)
    assert any("还没有已入库的报表" in i.value for i in at.info)


def test_a_back_filled_date_that_is_not_a_date_is_refused_in_chinese_and_nothing_is_stored(tmp_path, app_env):
    path = app_env(empty(tmp_path))
    at = run_app(PAGE)
    at.checkbox(key="upload_backfill").check().run()
    at.text_input(key="upload_received_on").set_value("2022-13-40").run()
    assert [w.value for w in at.warning if "收到日期" in w.value] == [
        "“2022-13-40”不是有效的收到日期：请按“年-月-日”填写今天或以前的日期，例如2022-01-12。"]
    assert at.button(key="upload_go").disabled
    assert store.history(path).empty

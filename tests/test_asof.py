"""The 截至 date in the URL (?asof=) and its Chinese picker (ui/asof.py), under AppTest and as pure functions."""
from __future__ import annotations

import datetime as dt

from tests.apptest_util import page_text, run_app
from ui import asof


def test_quarter_ends_are_offered_in_chinese():
    ends = asof.quarter_ends(dt.date(2023, 2, 1), dt.date(2023, 12, 5))
    assert ends == [dt.date(2023, 3, 31), dt.date(2023, 6, 30), dt.date(2023, 9, 30), dt.date(2023, 12, 31)]
    assert [asof.label(d) for d in ends[:2]] == ["2023年第1季度末（3月31日）", "2023年第2季度末（6月30日）"]
    assert asof.label(dt.date(2026, 11, 30)) == "截至2026年11月30日"
    assert asof.label(asof.CUSTOM) == "自定义日期"


def test_dates_are_read_as_written_and_nonsense_is_refused():
    assert asof.parse("2023-06-30") == asof.parse("2023/6/30") == asof.parse(" 2023.6.30 ") == dt.date(2023, 6, 30)
    assert [asof.parse(v) for v in ("2023-02-30", "yesterday", "", None, "1999-12-31", "30-06-2023")] == [None] * 6


def test_a_link_with_asof_opens_the_page_at_that_date(demo_db, app_env):
    app_env(demo_db)
    at = run_app(query={"asof": "2023-12-31"})
    assert at.session_state["as_of"] == dt.date(2023, 12, 31)
    assert at.selectbox(key=asof.PICK).value == dt.date(2023, 12, 31)
    assert at.query_params["asof"] == "2023-12-31"
    assert "全镇具备科学素质的居民比例（2023年，18–69岁）" in page_text(at)  # the 2023 survey, not 2025's


def test_a_bad_asof_falls_back_to_the_default_with_a_chinese_note(demo_db, app_env):
    app_env(demo_db)  # "today" is DEMO_TODAY, 2026-03-31
    at = run_app(query={"asof": "2023-13-45"})
    assert at.session_state["as_of"] == dt.date(2026, 3, 31)
    assert [w.value for w in at.warning] == [
        "链接中的截至日期“2023-13-45”无法识别（应写作2023-06-30），已改用默认日期2026年3月31日。"]
    assert at.query_params["asof"] == "2026-03-31"


def test_choosing_a_quarter_end_writes_it_to_the_url(demo_db, app_env):
    app_env(demo_db)
    at = run_app()
    at.selectbox(key=asof.PICK).set_value(dt.date(2022, 12, 31)).run()
    assert at.session_state["as_of"] == dt.date(2022, 12, 31) and at.query_params["asof"] == "2022-12-31"
    assert "全镇具备科学素质的居民比例（2022年，18–69岁）" in page_text(at)


def test_a_typed_date_is_taken_and_a_bad_one_is_explained(demo_db, app_env):
    app_env(demo_db)
    at = run_app(query={"asof": "2024-06-30"})
    at.selectbox(key=asof.PICK).set_value(asof.CUSTOM).run()
    at.text_input(key=asof.TYPED).set_value("2022-8-15").run()
    assert at.session_state["as_of"] == dt.date(2022, 8, 15) and at.query_params["asof"] == "2022-08-15"
    at.text_input(key=asof.TYPED).set_value("去年").run()
    assert at.session_state["as_of"] == dt.date(2022, 8, 15)
    assert [w.value for w in at.warning] == ["“去年”不是有效日期，请按“年-月-日”填写，例如2023-06-30。"]


def test_the_asof_date_survives_moving_to_another_page(demo_db, app_env):
    app_env(demo_db)
    at = run_app("pages/literacy.py", query={"asof": "2023-12-31"})
    assert at.session_state["as_of"] == dt.date(2023, 12, 31) and at.query_params["asof"] == "2023-12-31"

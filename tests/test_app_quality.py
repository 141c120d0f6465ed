"""数据质量 under AppTest: open warnings with unusual values in their own section, accepting one with a note, and
the weighting merges per survey year. A small warehouse from tests/workbooks.py: a 科协 history of 21 activities,
then a quarter with 5,000 participants (over the village's 200 minors and far above the history)."""
from __future__ import annotations

import datetime as dt

import pytest

from etl import db, store
from indicators import status
from tests import workbooks as wb
from tests.apptest_util import page_text, run_app

PAGE = "pages/quality.py"
D = dt.date


@pytest.fixture(scope="module")
def quality_master(tmp_path_factory):
    path = tmp_path_factory.mktemp("quality") / "q.duckdb"
    books = {
        "工作计划.xlsx": wb.plan_book(),
        "科协_2021Q1.xlsx": wb.activity_book([wb.activity(i, participants=30 + i % 5) for i in range(1, 22)]),
        "科协_2021Q2.xlsx": wb.activity_book([wb.activity(1, start=D(2021, 5, 1), audience="未成年人", participants=5000),
                                             wb.activity(2, start=D(2021, 5, 2), participants=32)], quarter=2),
        "中小学_2021.xlsx": wb.survey_book([wb.respondent(i, age=20 + i % 8, sex="男女"[i % 2]) for i in range(1, 12)]
                                         + [wb.respondent(40, age=35)]),
    }
    for name, data in books.items():
        assert store.load_return(data, name, path, user="测试").status == "stored"
    return path


@pytest.fixture
def quality_db(quality_master, tmp_path, app_env):
    target = tmp_path / "q.duckdb"
    target.write_bytes(quality_master.read_bytes())
    return app_env(target)


def open_now(path):
    with db.connect(path) as con:
        return status.open_problems(con)


def test_unusual_values_are_shown_in_their_own_section_and_the_rest_below(quality_db):
    at = run_app(PAGE, as_of=D(2021, 12, 31))
    text = page_text(at)
    assert "异常值与超人口（2条待核实）" in text and "其他提醒（1条待处理）" in text
    assert "科协 · 2021年第2季度 · 科协_2021Q2.xlsx：【活动明细】第2行「参与人次」填写的值“5,000”" in text
    assert [w.value for w in at.warning] == ["参与人次超过该村(社区)目标人群人口（200人）",
                                             "数值异常偏大（该部门以往同类数值通常不超过39）"]
    assert any("重点人群“其他”样本仅12人" in i.value for i in at.info)
    assert "3条提醒待处理" in text


def test_accepting_a_warning_moves_it_to_the_accepted_list_and_changes_nothing_else(quality_db):
    before = open_now(quality_db)
    history_before = store.history(quality_db)
    pid = int(before.loc[before["code"] == "over_population", "problem_id"].iloc[0])
    at = run_app(PAGE, as_of=D(2021, 12, 31))
    at.button(key=f"accept_go_{pid}").click().run()  # no note: refused, nothing written
    assert any("请先填写接受说明" in e.value for e in at.error)
    assert len(open_now(quality_db)) == 3
    at.text_input(key=f"accept_note_{pid}").input("已电话核实：科普日全镇中小学生集中参加").run()
    at.button(key=f"accept_go_{pid}").click().run()
    assert not at.exception
    after = open_now(quality_db)
    assert sorted(after["problem_id"]) == sorted(set(before["problem_id"]) - {pid})
    text = page_text(at)
    assert "异常值与超人口（1条待核实）" in text and "已接受的提醒（1条）" in text and "2条提醒待处理" in text
    assert f"accept_go_{pid}" not in [b.key for b in at.button]
    table = next(d.value for d in at.dataframe if "接受说明" in d.value.columns)
    assert table[["部门", "期间", "行", "列", "填写的值", "接受人", "接受说明"]].astype(object).values.tolist() == \
        [["科协", "2021年第2季度", 2, "参与人次", "5,000", "本地演示", "已电话核实：科普日全镇中小学生集中参加"]]
    # nothing else moved: the same versions, rows and current returns
    assert store.history(quality_db).equals(history_before)


def test_the_weighting_merges_of_each_survey_year_are_listed_by_step(quality_db):
    # 12 respondents, all 其他·城镇: 11 aged 18–29, one aged 35. 其他·农村 has 700 residents and nobody surveyed, so
    # the group pools 城乡 and 性别 (step 3); then 30–39 (1 respondent, 600 residents) joins 18–29 (step 1).
    # Covered: 其他 aged 18–39 = (200 + 150) × 2 sexes × 2 villages = 1,400 of the 1,600 residents aged 18–69.
    at = run_app(PAGE, as_of=D(2021, 12, 31))
    text = page_text(at)
    assert ("**2021年**：在各重点人群内按城乡×性别×年龄段事后分层加权，受访12人，代表人口1,400人；"
            "覆盖18–69岁常住人口的87.5%，未调查人群：未成年人，无人受访的年龄段：0–17岁、60–69岁。") in text
    shown = next(d.value for d in at.dataframe if "并入" in d.value.columns)
    assert shown.astype(object).values.tolist() == [
        ["步骤1（相邻年龄段合并）", "其他", "其他·城乡合并·男女合并·30–39", "其他·城乡合并·男女合并·18–29", "1人", "600人",
         "受访1人，不足2人，并入相邻较低年龄段"],
        ["步骤3（城乡、男女合并）", "其他", "其他·农村", "其他·城乡合并·男女合并", "0人", "700人",
         "农村无人受访，该人群城乡、男女合并加权"]]
    assert "共2处合并" in text


def test_a_reporter_sees_their_warnings_without_accept_buttons(quality_db, monkeypatch):
    from ui import auth
    monkeypatch.setattr(auth, "sign_in", lambda: auth.User("kx", "张主任", "department", "科协"))
    at = run_app(PAGE, as_of=D(2021, 12, 31))
    assert "异常值与超人口（2条待核实）" in page_text(at) and "其他提醒（0条待处理）" in page_text(at)
    assert not [b for b in at.button if b.key.startswith("accept_go_")]


def test_an_empty_database_says_what_to_upload(empty_db, app_env):
    app_env(empty_db)
    at = run_app(PAGE)
    assert any("请先在“数据上报”页上传工作计划" in i.value for i in at.info)

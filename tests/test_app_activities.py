"""科普活动与经费 under AppTest: the counts and money shown equal what `indicators` computes for the same as-of date."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from charts import fmt
from charts.activities_figs import spend_per_resident_fig
from etl import db
from indicators import activities_views as views
from indicators import activity
from tests.apptest_util import page_text, run_app

PAGE = "pages/activities.py"


def _year_value(frame: pd.DataFrame, year: str, column: str = "value"):
    return frame.set_index("period")[column].loc[year]


def _chart(at, key: str) -> dict:
    """The plotly spec of the chart with this key."""
    found = [c for c in at.get("plotly_chart") if c.key == key]
    assert len(found) == 1, key
    return json.loads(found[0].proto.spec)


def test_activities_show_the_year_that_indicators_compute_and_follow_the_year_picker(demo_db, app_env):
    app_env(demo_db)
    at = run_app(page=PAGE)
    text = page_text(at)
    with db.connect(demo_db) as con:
        counts = activity.activity_count(con, "2025-12-31", period="year")
        people = activity.participants(con, "2025-12-31", period="year")
        money = activity.budget_execution(con, "2025-12-31", by=None)
        theme = activity.on_theme_share(con, "2025-12-31")
        resident = activity.spend_per_resident(con, "2025-12-31")
        tasks = views.task_names(con)
    assert at.selectbox(key="activities_year").value == "2025"
    assert f"科普活动（2025年）" in text and fmt.count(_year_value(counts, "2025"), "次") in text
    assert fmt.count(_year_value(people, "2025")) in text
    assert f"科普经费支出（2025年）" in text and fmt.money(_year_value(money, "2025", "spend_yuan")) in text
    assert fmt.share(_year_value(theme, "2025")) in text and _year_value(theme, "2025", "note") in text
    assert f"人均{fmt.money(_year_value(resident, '2025'))}" in text and "（全国2022年5.30元）" in text
    # Budget by task: the tasks are named from the plan, not numbered only.
    bars = _chart(at, "fig_budget_task")["data"]
    first = tasks.iloc[0]
    assert f"任务{first['对应任务']} {first['task_name']}" in bars[0]["y"]  # level bars: names on y

    at.selectbox(key="activities_year").set_value("2023").run()
    assert not at.exception
    text = page_text(at)
    assert "科普经费支出（2023年）" in text and fmt.money(_year_value(money, "2023", "spend_yuan")) in text
    assert "2023年活动分布" in text


def test_activities_follow_the_as_of_date_within_a_year(demo_db, app_env):
    app_env(demo_db)
    at = run_app(page=PAGE, as_of=dt.date(2024, 6, 30))
    text = page_text(at)
    with db.connect(demo_db) as con:
        quarters = activity.activity_count(con, "2024-06-30").set_index("period")["value"]
        spend = activity.budget_execution(con, "2024-06-30", by=None).set_index("period").loc["2024"]
    assert "2025年" not in at.selectbox(key="activities_year").options
    assert "科普活动（2024年第1–2季度）" in text
    assert fmt.count(quarters["2024Q1"] + quarters["2024Q2"], "次") in text
    assert fmt.money(spend["spend_yuan"]) in text and fmt.money(spend["budget_yuan"]) in text


def test_activities_on_an_empty_database_say_what_to_upload(empty_db, app_env):
    app_env(empty_db)
    at = run_app(page=PAGE)
    assert any("请先在“数据上报”页上传工作计划" in i.value for i in at.info)


def test_national_reference_is_data_with_its_source():
    ref = views.national_spend_per_resident()
    assert dict(zip(ref["period"], ref["value"])) == {"2012": 3.31, "2022": 5.30}
    assert ref["source"].str.contains("全国科普统计").all()


def test_spend_per_resident_fig_sets_the_town_beside_the_nation():
    town = pd.DataFrame({"period": ["2024", "2025"], "value": [11.432, 12.1355]})
    fig = spend_per_resident_fig(town, views.national_spend_per_resident())
    national, own = fig.data
    assert list(national.x) == ["全国2012年", "全国2022年"] and list(national.text) == ["3.31元", "5.30元"]
    assert list(own.x) == ["2024年", "2025年"] and list(own.text) == ["11.43元", "12.14元"]
    assert fig.layout.title.text == "2025年本镇人均科普经费12.14元，是全国2022年水平（5.30元）的2.3倍"
    assert spend_per_resident_fig(town.iloc[0:0]).layout.title.text == "暂无数据"


def test_task_labels_and_count_notes():
    names = pd.DataFrame({"对应任务": [1, 2], "task_name": ["未成年人科学素质行动", "农民科学素质行动"]})
    frame = pd.DataFrame({"period": ["2025", "2025", "2025"], "对应任务": [2, 1, 9], "value": [5, 7, 1]})
    labelled = views.with_task_labels(frame, names)
    assert list(labelled["对应任务"]) == ["任务1 未成年人科学素质行动", "任务2 农民科学素质行动", "任务9"]
    counts = frame.assign(value=[2, 3, 1])
    assert list(views.with_counts_note(frame, counts, "对应任务")["note"]) == ["活动2次", "活动3次", "活动1次"]
    assert views.years_with_data(pd.DataFrame({"period": ["2024Q4", "2025Q1"]})) == ["2024", "2025"]

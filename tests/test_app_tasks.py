"""任务与阶段 under AppTest: milestones, phases and target progress shown equal what `indicators` computes."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from charts import fmt, palette
from etl import db
from indicators import plan, tasks_views
from tests.apptest_util import page_text, run_app
from ui import tasks_parts as parts


def _targets(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "进展状态" in d.value.columns)


def test_tasks_shows_overdue_milestones_phases_tasks_and_targets_as_indicators_compute(demo_db, app_env):
    app_env(demo_db)
    at = run_app("pages/tasks.py", as_of=dt.date(2025, 12, 31))
    day = "2025-12-31"
    with db.connect(demo_db) as con:
        overdue = plan.milestones_overdue(con, day).iloc[0]
        by_phase = plan.milestone_completion(con, day, by="阶段")
        tasks = tasks_views.plan_tasks(con)
        progress = plan.progress_status(con, day)
    text = page_text(at)
    assert overdue["value"] > 0
    assert f"逾期里程碑{overdue['value']}项" in text
    for milestone_id in overdue["note"].split("、"):
        line = next(l for l in text.splitlines() if f" {milestone_id} " in l and l.startswith("- "))
        assert "逾期" in line and palette.OVERDUE in line
    for _, r in by_phase.iterrows():
        assert f"里程碑完成：{fmt.share(r['value'])}（{r['done']}/{r['n']}项）" in text
    assert len(tasks) == 7
    for _, t in tasks.iterrows():
        assert f"任务{t['task']}　{t['task_name']}" in text
        assert f"牵头部门：{'、'.join(t['lead_departments'])}" in text

    table = _targets(at)
    assert len(table) == len(progress)
    row = progress[(progress["指标代码"] == "literacy_rate") & (progress["人群"] == "全体")
                   & (progress["period"] == "2025")].iloc[0]
    shown = table[(table["指标"] == "具备科学素质的公民比例") & (table["人群"] == "全镇")
                  & (table["目标"] == "2025年提高到15.0%")].iloc[0]
    assert shown["最新"] == f"{fmt.share(row['latest_value'])}（2025年）"
    assert shown["进展状态"] == palette.status(row["status"]).label
    counts = progress["status"].value_counts()
    assert "，".join(f"{palette.status(s).word}{counts[s]}项" for s in plan.method.STATUSES if s in counts) in text


def test_tasks_obeys_the_as_of_date(demo_db, app_env):
    app_env(demo_db)
    day = dt.date(2024, 6, 30)
    at = run_app("pages/tasks.py", as_of=day)
    with db.connect(demo_db) as con:
        overdue = plan.milestones_overdue(con, day).iloc[0]
        gap = plan.target_gap(con, day)
    text = page_text(at)
    assert "截至2024年6月30日" in text
    assert (f"逾期里程碑{overdue['value']}项" in text) if overdue["value"] else ("没有逾期的里程碑" in text)
    row = gap[(gap["指标代码"] == "literacy_rate") & (gap["人群"] == "全体") & (gap["period"] == "2025")].iloc[0]
    table = _targets(at)
    shown = table[(table["人群"] == "全镇") & (table["目标"] == "2025年提高到15.0%")].iloc[0]
    assert shown["每年还需"] == f"每年提高{fmt.pp(row['required_yearly_change'] * 100)}"
    assert shown["最新"] == f"{fmt.share(row['latest_value'])}（{row['latest_year']}年）"


def test_tasks_on_an_empty_database_says_what_to_upload(empty_db, app_env):
    app_env(empty_db)
    at = run_app("pages/tasks.py")
    assert any("请先在“数据上报”页上传工作计划" in i.value for i in at.info)


def test_needed_text_speaks_in_the_indicators_unit():
    assert parts.needed_text("literacy_rate", "share", 0.0071, 0.13) == "每年提高0.7个百分点"
    assert parts.needed_text("urban_rural_gap", "pp", -0.42, 6.8) == "每年缩小0.4个百分点"
    assert parts.needed_text("spend_per_resident", "yuan_per_person", 0.12, 11.0) == "每年增加0.12元/人"
    assert parts.needed_text("literacy_rate", "share", 0.0, 0.2) == "已达到目标"
    assert parts.needed_text("literacy_rate", "share", None, 0.135, 0.0146) == "目标年度已到，未达到（还差1.5个百分点）"
    assert parts.needed_text("literacy_rate", "share", None, None) == "暂无数据"
    assert parts.value_text("yuan", 234500) == "23.45万元"


def test_plan_tasks_splits_the_department_lists():
    assert tasks_views.split_departments("中小学，团委、 科协") == ["中小学", "团委", "科协"]
    assert tasks_views.split_departments(None) == []

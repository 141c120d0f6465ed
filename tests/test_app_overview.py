"""总览 under AppTest: the numbers shown equal what `indicators` computes for the same as-of date."""
from __future__ import annotations

import datetime as dt

from charts import fmt
from etl import db
from indicators import reporting, survey
from tests.apptest_util import page_text, run_app

def test_overview_shows_the_town_rate_gap_and_reporting_rate_that_indicators_compute(demo_db, app_env):
    app_env(demo_db)
    at = run_app()
    text = page_text(at)
    with db.connect(demo_db) as con:
        rate = survey.literacy_rate(con, "2025-12-31").set_index("period").loc["2025"]
        gap = survey.urban_rural_gap(con, "2025-12-31").set_index("period").loc["2025"]
        rep = reporting.reporting_rate(con, "2026-03-31").set_index("period").loc["2025Q4"]
    assert fmt.share_ci(rate["value"], rate["ci_low"], rate["ci_high"], named=False) in text
    assert fmt.pp(gap["value"]) in text
    assert f"报送率（2025年第4季度）" in text and fmt.share(rep["value"]) in text
    assert "截至2026年3月31日 · 2025年第4季度报送率100.0%，9个部门中9个已报送 · 4条提醒待处理" in text


def test_overview_obeys_the_as_of_date(demo_db, app_env):
    app_env(demo_db)
    at = run_app(as_of=dt.date(2023, 12, 31))
    text = page_text(at)
    with db.connect(demo_db) as con:
        rate = survey.literacy_rate(con, "2023-12-31").set_index("period").loc["2023"]
    assert "2023年" in text and fmt.share_ci(rate["value"], rate["ci_low"], rate["ci_high"], named=False) in text
    # On 2023-12-31 the fourth quarter's returns were not yet due: the banner speaks of the third, where 团委's
    # return (the demo's one never sent) is missing.
    assert "2023年第3季度报送率88.9%，9个部门中8个已报送（未报：团委）" in text


def test_overview_on_an_empty_database_says_what_to_upload(empty_db, app_env):
    app_env(empty_db)
    at = run_app()
    assert any("请先在“数据上报”页上传工作计划" in i.value for i in at.info)

"""总览 under AppTest: the numbers shown equal what `indicators` computes for the same as-of date."""
from __future__ import annotations

import datetime as dt

from charts import fmt
from etl import db
from indicators import reporting, status, survey
from tests.apptest_util import banner, cards, run_app

def test_overview_shows_the_town_rate_gap_and_reporting_rate_that_indicators_compute(demo_db, app_env):
    app_env(demo_db)
    at = run_app()
    shown = cards(at)
    with db.connect(demo_db) as con:
        rate = survey.literacy_rate(con, "2025-12-31").set_index("period").loc["2025"]
        gap = survey.urban_rural_gap(con, "2025-12-31").set_index("period").loc["2025"]
        rep = reporting.reporting_rate(con, "2026-03-31").set_index("period").loc["2025Q4"]
        warnings = len(status.open_problems(con))
        coverage = survey.survey_coverage(con, "2025-12-31")["2025"]
    assert coverage.startswith("覆盖18–69岁常住人口的") and coverage in [c.value for c in at.caption]
    assert shown["全镇具备科学素质的居民比例（2025年，18–69岁）"]["value"] == fmt.share_ci(
        rate["value"], rate["ci_low"], rate["ci_high"], named=False)
    assert shown["城乡差距（2025年，城镇−农村）"]["value"] == fmt.pp(gap["value"])
    assert shown["报送率（2025年第4季度）"]["value"] == fmt.share(rep["value"]) == "100.0%"
    assert banner(at) == f"截至2026年3月31日 · 2025年第4季度报送率100.0%，9个部门中9个已报送 · {warnings}条提醒待处理"


def test_overview_obeys_the_as_of_date(demo_db, app_env):
    app_env(demo_db)
    at = run_app(as_of=dt.date(2023, 12, 31))
    with db.connect(demo_db) as con:
        rate = survey.literacy_rate(con, "2023-12-31").set_index("period").loc["2023"]
        warnings = len(status.open_problems(con))
    assert cards(at)["全镇具备科学素质的居民比例（2023年，18–69岁）"]["value"] == fmt.share_ci(
        rate["value"], rate["ci_low"], rate["ci_high"], named=False)
    # On 2023-12-31 the fourth quarter's returns were not yet due: the banner speaks of the third, where 团委's
    # return (the demo's one never sent) is missing: 8 of 9 received.
    assert banner(at) == (f"截至2023年12月31日 · 2023年第3季度报送率88.9%，9个部门中8个已报送（未报：团委） · "
                          f"{warnings}条提醒待处理")
    assert cards(at)["报送率（2023年第3季度）"]["value"] == "88.9%"


def test_overview_on_an_empty_database_says_what_to_upload(empty_db, app_env):
    app_env(empty_db)
    at = run_app()
    assert any("请先在“数据上报”页上传工作计划" in i.value for i in at.info)

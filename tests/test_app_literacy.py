"""科学素质 under AppTest: the rates, gap and weighting shown equal what `indicators` computes for the date."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from charts import fmt
from charts import literacy_figs as lf
from etl import db
from indicators import survey
from indicators.literacy_views import gap_change, target_lines
from tests.apptest_util import page_text, run_app


def _table_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_literacy_shows_the_rates_gap_and_weighting_that_indicators_compute(demo_db, app_env):
    app_env(demo_db)
    at = run_app("pages/literacy.py")
    with db.connect(demo_db) as con:
        town = survey.literacy_rate(con, "2025-12-31").set_index("period").loc["2025"]
        rural = survey.literacy_rate(con, "2025-12-31", by="城乡").set_index(["period", "城乡"]).loc[("2025", "农村")]
        villages = survey.literacy_rate(con, "2025-12-31", by="村(社区)")
        gap = survey.urban_rural_gap(con, "2025-12-31")
        weighting = survey.weighting_report(con, "2025-12-31").set_index("period").loc["2025"]
    text = page_text(at)
    assert f"2025年全镇居民具备科学素质比例为{fmt.share(town['value'])}" in text
    assert f"受访{fmt.count(weighting['n'], '人')}，代表人口{fmt.count(weighting['covered_population'], '人')}" in text
    assert weighting["coverage"].startswith("覆盖18–69岁常住人口的") and f"；{weighting['coverage']}；" in text
    assert "覆盖18–69岁居民" in text and "含18岁以下和70岁及以上" in text
    assert lf.gap_verdict(gap, gap_change(gap, "2021", "2025")) in text
    assert f"{fmt.pp(gap['value'].iloc[0])}到2025年的{fmt.pp(gap['value'].iloc[-1])}" in text

    at.button_group(key="lit_by").set_value("城乡").run()
    table = _table_with(at, "城乡")
    row = table[(table["调查年度"] == "2025年") & (table["城乡"] == "农村")].iloc[0]
    assert row["具备科学素质比例"] == fmt.share(rural["value"])
    assert row["95%置信区间"] == f"{fmt.share(rural['ci_low'])}–{fmt.share(rural['ci_high'])}"

    at.button_group(key="lit_by").set_value("村(社区)").run()
    small = villages[(villages["period"] == "2025") & (villages["n"] < 30)]
    assert len(small), "the demo data has a village with fewer than 30 respondents"
    text = page_text(at)
    for _, r in small.iterrows():
        assert f"{r['村(社区)']}（n={r['n']}）" in text and "样本不足30人" in text


def test_literacy_obeys_the_as_of_date(demo_db, app_env):
    app_env(demo_db)
    at = run_app("pages/literacy.py", as_of=dt.date(2023, 12, 31))
    with db.connect(demo_db) as con:
        rate = survey.literacy_rate(con, "2023-12-31").set_index("period")
    text = page_text(at)
    assert f"2023年全镇居民具备科学素质比例为{fmt.share(rate.loc['2023', 'value'])}" in text
    assert at.selectbox(key="lit_year").options == ["2023年", "2022年", "2021年"]
    assert "2025年全镇居民" not in text

    # Before the first survey year ends there is no survey to show: the page says what to upload.
    at = run_app("pages/literacy.py", as_of=dt.date(2021, 6, 30))
    assert any("还没有科学素质调查数据" in i.value for i in at.info)


def test_literacy_on_an_empty_database_says_what_to_upload(empty_db, app_env):
    app_env(empty_db)
    at = run_app("pages/literacy.py")
    assert any("请先在“数据上报”页上传工作计划" in i.value for i in at.info)


def test_gap_change_adds_the_variances_of_two_independent_survey_years():
    gap = pd.DataFrame({"period": ["2021", "2025"], "value": [8.0, 5.0], "se": [0.6, 0.8]})
    change = gap_change(gap, "2021", "2025")
    assert change["change"] == -3.0 and abs(change["se"] - 1.0) < 1e-12
    assert abs(change["ci_high"] - (-3.0 + 1.959963984540054)) < 1e-9 and change["is_clear"]
    assert lf.gap_verdict(gap, change) == "城乡差距从2021年的8.0个百分点到2025年的5.0个百分点，缩小3.0个百分点，超出了抽样误差的范围。"


def test_target_lines_read_the_plan_rows_of_one_indicator_and_population():
    progress = pd.DataFrame({"period": ["2023", "2025", "2025"], "指标代码": ["literacy_rate"] * 2 + ["urban_rural_gap"],
                             "人群": ["全体", "全体", "全体"], "target_value": [0.115, 0.15, 6.0]})
    assert target_lines(progress, "literacy_rate") == {2023: 0.115, 2025: 0.15}
    assert target_lines(progress, "literacy_rate", "农民") == {}

"""Post-stratification with the merge rule of INDICATORS.md, on cells small enough to follow by hand."""
import numpy as np
import pandas as pd
import pytest

from indicators.weighting import age_band, post_stratify


def test_age_bands_follow_the_plan_sheet():
    assert list(age_band([6, 17, 18, 29, 30, 69, 70, 100])) == ["0–17", "0–17", "18–29", "18–29", "30–39", "60–69",
                                                               "70+", "70+"]


def test_weak_cells_merge_younger_first_then_older_then_across_sex():
    population = pd.DataFrame([
        ("城镇", "男", "18–29", 300), ("城镇", "男", "30–39", 200), ("城镇", "男", "40–49", 999),
        ("城镇", "女", "18–29", 100), ("城镇", "女", "30–39", 200),
        ("农村", "男", "18–29", 400),
        ("农村", "女", "18–29", 100), ("农村", "女", "30–39", 50),
    ], columns=["residence", "sex", "age_band", "population"])
    respondents = pd.DataFrame(
        [("城镇", "男", "18–29")] * 3 + [("城镇", "男", "30–39")] + [("城镇", "女", "30–39")] * 2
        + [("农村", "男", "18–29")] * 2 + [("农村", "女", "18–29")], columns=["residence", "sex", "age_band"])
    w = post_stratify(respondents, population)
    # 城镇·男·30–39 (1 respondent) joins the younger band: 4 people for 500 residents.
    # 城镇·女·18–29 (nobody) has no younger band: it joins 30–39, 2 people for 300.
    # 农村·女 has 1 person in all: its bands merge, then join 农村·男 across sex: 3 people for 550.
    assert list(w.weights) == pytest.approx([125] * 4 + [150] * 2 + [550 / 3] * 3)
    assert w.weights.sum() == pytest.approx(1350) and w.covered_population == 1350
    assert w.left_out_bands == ("40–49",)            # population, but no respondent at all that year
    assert set(w.merges[["原单元", "并入", "原因"]].itertuples(index=False, name=None)) == {
        ("城镇·男·30–39", "城镇·男·18–29", "受访人数不足2人，并入相邻较低年龄段"),
        ("城镇·女·18–29", "城镇·女·30–39", "受访人数不足2人，并入相邻较高年龄段"),
        ("农村·女·18–29", "农村·女·30–39", "受访人数不足2人，并入相邻较高年龄段"),
        ("农村·女·18–29＋农村·女·30–39", "农村·男·18–29", "同城乡同性别无可合并年龄段，跨性别合并")}
    assert len(set(w.strata)) == 3


def test_given_weights_are_used_when_every_row_of_every_return_has_one(tmp_path):
    import datetime as dt
    from etl import db
    from etl.store import load_return
    from indicators import survey
    from tests.workbooks import SURVEY_HEADER, plan_book, respondent, survey_book
    path = tmp_path / "w.duckdb"
    load_return(plan_book(), "plan.xlsx", path, today=dt.date(2025, 1, 1))
    rows = [respondent(i, dims=(35, 15, 15, 15) if i < 2 else (10, 10, 10, 10)) + [w]
            for i, w in enumerate([10.0, 30.0, 20.0, 40.0])]
    receipt = load_return(survey_book(rows, header=SURVEY_HEADER + ["权重"]), "w.xlsx", path, today=dt.date(2025, 1, 1))
    assert receipt.status == "stored", receipt.to_text()
    with db.connect(path) as con:
        rate = survey.literacy_rate(con, "2021-12-31").iloc[0]
        report = survey.weighting_report(con, "2021-12-31").iloc[0]
    assert rate["value"] == pytest.approx((10 + 30) / 100)   # respondents 0 and 1 score 80, the others 40
    assert report["method"] == "使用报表中的权重" and report["covered_population"] == 100

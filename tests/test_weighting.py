"""Post-stratification with the merge rule of INDICATORS.md, on cells small enough to follow by hand."""
import numpy as np
import pandas as pd
import pytest

from indicators.weighting import age_band, post_stratify


def test_age_bands_follow_the_plan_sheet():
    assert list(age_band([6, 17, 18, 29, 30, 69, 70, 100])) == ["0–17", "0–17", "18–29", "18–29", "30–39", "60–69",
                                                               "70+", "70+"]


def test_cells_are_made_inside_each_key_group_in_the_stated_order():
    population = pd.DataFrame([
        ("农民", "城镇", "男", "18–29", 300), ("农民", "城镇", "男", "30–39", 200), ("农民", "城镇", "男", "40–49", 999),
        ("农民", "城镇", "女", "18–29", 100), ("农民", "城镇", "女", "30–39", 200),
        ("农民", "农村", "男", "18–29", 400),
        ("农民", "农村", "女", "18–29", 100), ("农民", "农村", "女", "30–39", 50),
        ("其他", "城镇", "男", "18–29", 500), ("领导干部和公务员", "城镇", "男", "18–29", 80),
    ], columns=["group_name", "residence", "sex", "age_band", "population"])
    respondents = pd.DataFrame(
        [("农民", "城镇", "男", "18–29")] * 3 + [("农民", "城镇", "男", "30–39")] + [("农民", "城镇", "女", "30–39")] * 2
        + [("农民", "农村", "男", "18–29")] * 2 + [("农民", "农村", "女", "18–29")]
        + [("领导干部和公务员", "城镇", "男", "18–29")], columns=["group_name", "residence", "sex", "age_band"])
    w = post_stratify(respondents, population)
    # Step 1: 城镇·男·30–39 (1 respondent) joins the younger band: 4 people for 500 residents.
    #         城镇·女·18–29 (nobody) is the youngest: it joins 30–39, 2 people for 300.
    # Step 2: 农村·女 has 1 respondent in all: 农村 pools 性别; its 30–39 (nobody) joins 18–29: 3 people for 550.
    # Step 4: 领导干部和公务员 has 1 respondent: left out. 其他 has nobody: unsurveyed. 40–49: no respondent at all.
    assert list(w.weights[:9]) == pytest.approx([125] * 4 + [150] * 2 + [550 / 3] * 3)
    assert np.isnan(w.weights[9]) and w.strata[9] is None and list(w.covered) == [True] * 9 + [False]
    assert w.weights[:9].sum() == pytest.approx(1350) and w.covered_population == 1350
    assert w.left_out_bands == ("40–49",) and w.left_out_groups == ("领导干部和公务员",)
    assert w.unsurveyed_groups == ("其他",)
    assert set(w.merges[["步骤", "单元", "并入", "受访人数", "人口数", "原因"]].itertuples(index=False, name=None)) == {
        (1, "农民·城镇·男·30–39", "农民·城镇·男·18–29", 1, 200, "受访1人，不足2人，并入相邻较低年龄段"),
        (1, "农民·城镇·女·18–29", "农民·城镇·女·30–39", 0, 100, "无人受访，并入相邻较高年龄段"),
        (2, "农民·农村·女", "农民·农村·男女合并", 1, 150, "女性受访1人，不足2人，农村男女合并加权"),
        (1, "农民·农村·男女合并·30–39", "农民·农村·男女合并·18–29", 0, 50, "无人受访，并入相邻较低年龄段"),
        (4, "领导干部和公务员", "—", 1, 80, "受访1人，不足2人，该人群不纳入加权，不在覆盖范围内")}
    assert len(set(w.strata[:9])) == 3


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

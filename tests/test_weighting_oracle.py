"""The weighting rule of INDICATORS.md ("Weights") against ../shared/oracle/weighting_cases.json (W01–W05, R survey 4.1).

Each case pins one step: a band merge (W01), 性别 pooled (W02), 城乡 and 性别 pooled (W03), a group and bands left
out (W04), several groups with an over-sampled one (W05). Checked twice: on `post_stratify` directly, and end to
end through real workbooks loaded into DuckDB and `survey.literacy_rate`.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import cache

import pandas as pd
import pytest

from indicators.survey_stats import domain_estimates
from indicators.weighting import age_band, post_stratify
from tests.conftest import ORACLE

CASE_IDS = ["W01", "W02", "W03", "W04", "W05"]
KEYS = ["group_name", "residence", "sex", "age_band"]
VILLAGE = {"城镇": "乙社区", "农村": "甲村"}


@cache
def case(case_id: str) -> dict:
    cases = json.loads((ORACLE / "weighting_cases.json").read_text(encoding="utf-8"))["cases"]
    return next(c for c in cases if c["id"] == case_id)


def frames(case_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    names = {"重点人群": "group_name", "城乡": "residence", "性别": "sex", "年龄段": "age_band", "人口数": "population"}
    respondents = pd.DataFrame(case(case_id)["respondents"]).rename(columns=names)
    respondents["age_band"] = age_band(respondents["年龄"].to_numpy())
    population = pd.DataFrame(case(case_id)["population"]).rename(columns=names)
    population["age_band"] = population["age_band"].str.replace("-", "–")   # the plan writes 18–29 with an en dash
    return respondents, population


def expected_cell(cells: list[str], group, residence, sex, band) -> str | None:
    """The oracle's cell (重点人群|城乡|性别|年龄段, '*' or '男+女' pooled, 'a+b' merged bands) holding one unit."""
    found = [c for c in cells if (lambda g, r, s, b: g == group and r in ("*", residence) and s in ("*", "男+女", sex)
                                  and band.replace("–", "-") in b.split("+"))(*c.split("|"))]
    assert len(found) <= 1, found
    return found[0] if found else None


def same_partition(ours, theirs) -> bool:
    """Two labellings of the same items split them the same way (names may differ)."""
    pairs = pd.DataFrame({"a": list(ours), "b": list(theirs)}).astype(str)
    return bool((pairs.groupby("a")["b"].nunique() == 1).all() and (pairs.groupby("b")["a"].nunique() == 1).all())


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_respondent_gets_the_oracle_cell(case_id):
    respondents, population = frames(case_id)
    expected = case(case_id)["expected"]
    w = post_stratify(respondents, population)
    covered = w.covered
    theirs = [expected_cell(expected["cells"], *k) for k in respondents[KEYS].itertuples(index=False)]
    assert [t is not None for t in theirs] == list(covered)
    assert same_partition(w.strata[covered], [t for t in theirs if t])
    if expected["respondent_cell"] is not None:
        assert same_partition(w.strata, expected["respondent_cell"])
    # The cells themselves: every unit with people or respondents lies in the oracle's cell, one for one.
    units = w.units[(w.units["n"] > 0) | (w.units["population"] > 0)]
    units = units[units["cell"].notna()]
    theirs = [expected_cell(expected["cells"], *k) for k in units[KEYS].itertuples(index=False)]
    assert None not in theirs and same_partition(units["cell"], theirs)
    assert sorted(set(theirs)) == sorted(expected["cells"])


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_groups_left_out_weight_total_rate_and_se_match_r(case_id):
    respondents, population = frames(case_id)
    expected = case(case_id)["expected"]
    w = post_stratify(respondents, population)
    assert list(w.left_out_groups) == expected["groups_left_out"]
    covered = w.covered
    assert w.weights[covered].sum() == pytest.approx(expected["weights_sum"], rel=1e-12)
    assert w.covered_population == round(expected["weights_sum"])
    y = (respondents["总分"].to_numpy() >= 70).astype(float)[covered]
    adult = respondents["年龄"].between(18, 69).to_numpy()[covered]
    est = domain_estimates(y, w.weights[covered], {"18–69": adult}, strata=w.strata[covered], kind="share")
    row = est.table.iloc[0]
    assert row["value"] == pytest.approx(expected["literacy_rate_18_69"], rel=1e-9)
    assert row["se"] == pytest.approx(expected["se"], rel=1e-9)


def test_each_merge_is_listed_with_its_step():
    steps = {cid: sorted(set(post_stratify(*frames(cid)).merges["步骤"])) for cid in CASE_IDS}
    assert steps == {"W01": [1], "W02": [2], "W03": [1, 3], "W04": [4], "W05": [1, 3]}
    w01 = post_stratify(*frames("W01")).merges.iloc[0]
    # 农民·农村·女 30–39 has 1 respondent (115 residents): it joins the younger band 18–29.
    assert w01[["单元", "并入", "受访人数", "人口数"]].tolist() == ["农民·农村·女·30–39", "农民·农村·女·18–29", 1, 115]
    assert w01["原因"] == "受访1人，不足2人，并入相邻较低年龄段"
    w04 = post_stratify(*frames("W04"))
    assert w04.merges[["步骤", "重点人群", "受访人数"]].values.tolist() == [[4, "其他", 1]]
    assert w04.left_out_bands == ("50–59", "60–69", "70+")


def _dims(score: int) -> tuple[int, int, int, int]:
    """Four dimension scores within their maxima (40/20/20/20) adding up to `score`."""
    knowledge = min(40, score)
    rest = [min(20, max(0, score - knowledge - 20 * i)) for i in range(3)]
    return (knowledge, *rest)


@cache
def loaded(case_id: str, tmp_root) -> str:
    from etl.store import load_return
    from tests.workbooks import PLAN_SHEETS, plan_book, respondent, survey_book
    path = tmp_root / f"{case_id}.duckdb"
    people = [["村(社区)", "城乡", "性别", "年龄段", "重点人群", "人口数"]] + [
        [r["村(社区)"], r["城乡"], r["性别"], r["年龄段"].replace("-", "–"), r["重点人群"], r["人口数"]]
        for r in case(case_id)["population"]]
    villages = [PLAN_SHEETS["村社区"][0], ["乙社区", "城镇"], ["甲村", "农村"]]
    receipt = load_return(plan_book(人口=people, 村社区=villages), "plan.xlsx", path, today=dt.date(2025, 1, 1))
    assert receipt.status == "stored", receipt.to_text()
    rows = [respondent(i, village=VILLAGE[r["城乡"]], residence=r["城乡"], sex=r["性别"], age=r["年龄"],
                       group=r["重点人群"], dims=_dims(r["总分"]))
            for i, r in enumerate(case(case_id)["respondents"], start=1)]
    receipt = load_return(survey_book(rows), "survey.xlsx", path, today=dt.date(2025, 1, 1))
    assert receipt.status == "stored", receipt.to_text()
    return str(path)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_town_rate_from_real_workbooks_matches_r(case_id, tmp_path_factory):
    from etl import db
    from indicators import survey
    expected = case(case_id)["expected"]
    path = loaded(case_id, tmp_path_factory.getbasetemp())
    with db.connect(path) as con:
        rate = survey.literacy_rate(con, "2021-12-31").iloc[0]
        report = survey.weighting_report(con, "2021-12-31").iloc[0]
    assert rate["value"] == pytest.approx(expected["literacy_rate_18_69"], rel=1e-9)
    assert rate["se"] == pytest.approx(expected["se"], rel=1e-9)
    assert report["covered_population"] == round(expected["weights_sum"])
    assert report["left_out_groups"] == "、".join(expected["groups_left_out"])
    assert rate["n"] == sum(1 for r in case(case_id)["respondents"] if 18 <= r["年龄"] <= 69
                            and r["重点人群"] not in expected["groups_left_out"])


def test_the_coverage_of_a_year_is_stated_in_the_export_note(tmp_path_factory):
    # W04: 农民 is weighted in 18–29…40–49 (2,787 residents); 其他 (1 respondent) is left out; nobody aged 50+ was
    # surveyed. The plan's 18–69 population: 其他 960 + 1,229 + 1,485 + 978, 农民 884 + 1,296 + 1,167 + 1,103 = 9,102.
    from etl import db
    from indicators import survey
    from indicators.export import export_rows
    path = loaded("W04", tmp_path_factory.getbasetemp())
    expected = (f"覆盖18–69岁常住人口的{round(100 * 2787 / 9102, 1)}%，受访不足2人未纳入：其他，"
                "无人受访的年龄段：50–59岁、60–69岁、70岁及以上")
    assert expected == "覆盖18–69岁常住人口的30.6%，受访不足2人未纳入：其他，无人受访的年龄段：50–59岁、60–69岁、70岁及以上"
    with db.connect(path) as con:
        assert survey.survey_coverage(con, "2021-12-31") == {"2021": expected}
        rows = export_rows(con, "2021-12-31")
    town = next(r for r in rows if r["code"] == "literacy_rate" and r["by"] == {})
    assert town["note"] == expected
    groups = [r for r in rows if r["code"] == "literacy_rate" and r["by"].get("重点人群") == "农民"]
    assert [r["note"] for r in groups] == [expected]                      # 农民: 48 respondents, no 样本不足
    survey_notes = {r["note"] for r in rows if r["code"] in ("literacy_tier_share", "urban_rural_gap")}
    assert survey_notes and all(n.endswith(expected) for n in survey_notes)

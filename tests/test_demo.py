"""The demo generator: deterministic, a complete plan, and returns that hold what DATA.md allows.

The returns are read back with pandas (python-calamine), not with etl/read.py, so that the generator and the
app's reader are checked against DATA.md independently of each other.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.demo import write_demo

# DATA.md §3, written out here on purpose rather than taken from etl/spec.py or etl/demo.py.
PLAN_SHEETS = {
    "阶段": ["阶段", "开始日期", "结束日期"],
    "任务": ["任务编号", "任务名称", "牵头部门", "责任单位"],
    "部门": ["部门名称", "联络员", "联系电话", "应报调查", "应报活动", "报送期限(天)"],
    "村社区": ["村(社区)", "城乡"],
    "人群": ["重点人群", "说明"],
    "里程碑": ["编号", "阶段", "任务编号", "内容", "责任部门", "计划完成日期", "状态", "完成日期", "佐证"],
    "指标目标": ["指标代码", "人群", "基线年度", "基线值", "目标年度", "目标值", "方向"],
    "年度主题": ["年度", "主题"],
    "人口": ["村(社区)", "城乡", "性别", "年龄段", "重点人群", "人口数"],
    "预算": ["年度", "任务编号", "部门", "预算金额(元)"],
    "评分标准": ["等级", "最低总分"],
}
BANDS = {"0–17": (0, 17), "18–29": (18, 29), "30–39": (30, 39), "40–49": (40, 49), "50–59": (50, 59),
         "60–69": (60, 69), "70+": (70, 200)}
EDUCATION = {"小学及以下", "初中", "高中(含中专)", "大专", "本科及以上"}
KINDS = {"科普讲座", "专题展览", "科普竞赛", "实用技术培训", "科技周活动", "科普日活动", "青少年科技活动", "科普宣传",
         "经费拨付", "其他"}
DIMENSIONS = {"科学知识": 40, "科学方法": 20, "科学精神与思想": 20, "应用科学能力": 20}
YEARS = range(2021, 2026)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo(out)
    return out


@pytest.fixture(scope="module")
def plan(sample) -> dict[str, pd.DataFrame]:
    return pd.read_excel(sample / "plan.xlsx", sheet_name=None, engine="calamine")


@pytest.fixture(scope="module")
def surveys(sample) -> pd.DataFrame:
    """Every survey row, with its file's department and year."""
    frames = []
    for path in sorted(sample.glob("survey_*.xlsx")):
        _, year, department = path.stem.split("_")
        info = _info(path)
        assert info["报表类型"] == "科学素质调查" and info["填报单位"] == department
        assert int(info["调查年度"]) == int(year)
        frames.append(_data_sheet(path, "调查数据").assign(file=path.name, dept=department, year=int(year)))
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------------------ a small reader of our own --------------
def _key(header) -> str:
    """A header folded for comparison: NFKC, no spaces, bracketed parts (units, 社区) dropped."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(header)))
    return re.sub(r"\([^)]*\)", "", text)


def _info(path: Path) -> dict:
    info = pd.read_excel(path, sheet_name="填报信息", header=None, engine="calamine")
    return dict(zip(info[0].astype(str).str.strip(), info[1]))


def _data_sheet(path: Path, sheet: str) -> pd.DataFrame:
    """The data rows under the header (found below any title row), without 合计 and 填表人 lines."""
    grid = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine", dtype=object)
    header = next(i for i in range(min(len(grid), 10))
                  if {"问卷编号", "活动名称"} & {_key(c) for c in grid.iloc[i]})
    rows = grid.iloc[header + 1:].copy()
    rows.columns = [_key(c) for c in grid.iloc[header]]
    first = rows.iloc[:, 0].astype(str).str.strip()
    keep = rows.notna().any(axis=1) & ~first.str.startswith(("合计", "填表人"))
    return rows[keep].reset_index(drop=True)


def _number(value) -> float:
    return float(str(value).replace(",", "")) if isinstance(value, str) else float(value)


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    year, month, day = re.fullmatch(r"(\d{4})[.年-](\d{1,2})[.月-](\d{1,2})日?", str(value).strip()).groups()
    return dt.date(int(year), int(month), int(day))


def _quarter(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    return start, dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1) - dt.timedelta(days=1)


# ------------------------------------------------------------------ tests ----------------------------------
def test_two_runs_write_the_same_bytes(sample, tmp_path):
    again = write_demo(tmp_path)
    names = sorted(p.name for p in sample.glob("*.xlsx"))
    assert names == sorted(p.name for p in again)
    different = [n for n in names if (sample / n).read_bytes() != (tmp_path / n).read_bytes()]
    assert different == []
    bundled = Path(__file__).resolve().parents[1] / "data" / "sample"   # what the app loads is what this writes
    assert sorted(p.name for p in bundled.glob("*.xlsx")) == names
    assert [n for n in names if (bundled / n).read_bytes() != (sample / n).read_bytes()] == []


def test_plan_has_every_sheet_of_data_md(plan):
    assert set(PLAN_SHEETS) | {"填报信息"} <= set(plan)
    for sheet, columns in PLAN_SHEETS.items():
        assert list(plan[sheet].columns) == columns, sheet
        assert len(plan[sheet]) > 0, sheet
    info = dict(zip(plan["填报信息"].iloc[:, 0], plan["填报信息"].iloc[:, 1]))
    assert info["报表类型"] == "工作计划" and info["填报单位"] == "镇科协"


def test_plan_content_is_plausible(plan):
    departments = plan["部门"]
    assert len(departments) == 9 and departments["联系电话"].astype(str).str.fullmatch(r"1\d{10}").all()
    assert set(departments.loc[departments["应报调查"] == "是", "部门名称"]) == {
        "中小学", "农业站", "劳动保障所", "党建办", "科协"}
    leads = {d.strip() for text in plan["任务"]["牵头部门"] for d in text.split(",")}
    assert leads <= set(departments["部门名称"]) and len(plan["任务"]) == 7
    villages = dict(zip(plan["村社区"]["村(社区)"], plan["村社区"]["城乡"]))
    assert len(villages) == 12 and 3 <= sum(r == "城镇" for r in villages.values()) <= 4
    people = plan["人口"]
    assert 40_000 <= people["人口数"].sum() <= 50_000
    assert set(people["年龄段"]) == set(BANDS) and (people["城乡"] == people["村(社区)"].map(villages)).all()
    assert set(people.loc[people["年龄段"] == "0–17", "重点人群"]) == {"未成年人"}
    assert 250 <= people.loc[people["重点人群"] == "领导干部和公务员", "人口数"].sum() <= 350
    yearly = plan["预算"].groupby("年度")["预算金额(元)"].sum()
    assert list(yearly.index) == list(YEARS) and yearly.between(400_000, 600_000).all()
    milestones = plan["里程碑"]
    assert 20 <= len(milestones) <= 30 and set(milestones["状态"]) <= {"未开始", "进行中", "已完成"}
    done = milestones["状态"] == "已完成"
    assert milestones.loc[done, "完成日期"].notna().all() and done.mean() > 0.6
    due = pd.to_datetime(milestones["计划完成日期"])
    assert ((milestones["状态"] != "已完成") & (due < "2025-12-31")).sum() >= 2  # overdue at the end of 2025
    assert due[milestones["内容"].str.contains("中期评估")].dt.date.tolist() == [dt.date(2023, 12, 31)]
    assert due[milestones["内容"].str.contains("终期评估")].dt.date.tolist() == [dt.date(2025, 12, 31)]
    assert dict(zip(plan["评分标准"]["等级"], plan["评分标准"]["最低总分"])) == {"高阶": 85, "具备": 70, "基本具备": 55}


def test_survey_rows_hold_what_data_md_allows(surveys, plan):
    assert surveys.groupby("year").size().between(1000, 1500).all()
    assert surveys["dept"].nunique() == 5 and len(surveys.groupby(["dept", "year"])) == 25
    assert "权重" not in surveys.columns
    dims = surveys[list(DIMENSIONS)].map(_number)
    for dim, top in DIMENSIONS.items():
        assert dims[dim].between(0, top).all(), dim
    assert np.allclose(dims.sum(axis=1), surveys["总分"].map(_number), atol=0.05)
    ages = surveys["年龄"].map(_number)
    assert ages.between(6, 100).all() and (ages == ages.round()).all()
    adults = ages >= 18
    assert surveys.loc[adults, "文化程度"].isin(EDUCATION).all()
    assert surveys["性别"].isin(["男", "女", "男性", "女性"]).all()
    villages = dict(zip(plan["村社区"]["村(社区)"], plan["村社区"]["城乡"]))
    assert (surveys["村"].map(villages) == surveys["城乡"]).all()
    assert surveys["重点人群"].isin(plan["人群"]["重点人群"]).all()
    assert (surveys.loc[ages < 18, "重点人群"] == "未成年人").all()
    interest = surveys.loc[~adults, "科学兴趣"].map(_number)
    assert interest.isin([1, 2, 3, 4, 5]).all()
    assert not surveys.duplicated(["file", "问卷编号"]).any()
    assert all(_date(d).year == y for d, y in zip(surveys["调查日期"], surveys["year"]))


def test_every_key_group_is_surveyed_every_year_in_each_place_and_sex(surveys, plan):
    """Each department surveys its own key group in every 城乡 × 性别 where it lives (INDICATORS.md "Weights"):
    at least 10 respondents in each, except the one thin cell planted for the weighting's step 2 (2024)."""
    people = plan["人口"].groupby(["重点人群", "城乡", "性别"])["人口数"].sum()
    counts = surveys.assign(sex=surveys["性别"].str[0]).groupby(["year", "重点人群", "城乡", "sex"]).size()
    assert set(people.index.get_level_values(0)) == set(plan["人群"]["重点人群"])
    for year in YEARS:
        thin = [key for key in people.index if people[key] > 0 and counts.get((year, *key), 0) < 10]
        assert thin == ([("农民", "城镇", "女")] if year == 2024 else []), (year, thin)
    assert counts[(2024, "农民", "城镇", "女")] == 1


def test_weighted_rates_rise_towards_the_target_with_urban_ahead(surveys, plan):
    """A plain post-stratification inside each key group (重点人群 × 城乡 × 性别 × 年龄段, no merging) of the 18–69
    rate lands near the calibration; a few cells need the merge rule."""
    keys = ["重点人群", "城乡", "性别", "年龄段"]
    people = plan["人口"].groupby(keys)["人口数"].sum()
    rows = surveys.assign(sex=surveys["性别"].str[0], age=surveys["年龄"].map(_number),
                          literate=surveys["总分"].map(_number) >= 70)
    rows["band"] = [next(b for b, (lo, hi) in BANDS.items() if lo <= a <= hi) for a in rows["age"]]
    rates, thin = {}, {}
    for year, one in rows.groupby("year"):
        cell = list(zip(one["重点人群"], one["城乡"], one["sex"], one["band"]))
        counts = pd.Series(cell).value_counts()
        surveyed = people[people.index.get_level_values(3).isin(set(one["band"]))]
        thin[year] = int((counts.reindex(surveyed.index, fill_value=0) < 2).sum())
        weight = np.array([people[c] / counts[c] for c in cell])
        adult = one["age"].between(18, 69).to_numpy()
        rate = {r: 100 * np.average(one["literate"][adult & (one["城乡"] == r).to_numpy()],
                                    weights=weight[adult & (one["城乡"] == r).to_numpy()]) for r in ("城镇", "农村")}
        rates[year] = (100 * np.average(one["literate"][adult], weights=weight[adult]), rate["城镇"], rate["农村"])
    assert 7 <= rates[2021][0] <= 10.5 and 12 <= rates[2025][0] <= 15
    assert rates[2021][0] < rates[2023][0] < rates[2025][0]
    assert all(urban - rural > 3 for _, urban, rural in rates.values())
    # 2022: urban 其他 aged 70+ hardly reached (1 man, no woman); 2024: one urban woman farmer, so each of the
    # four bands where urban women farmers live (18–59) has fewer than two.
    assert thin == {2021: 0, 2022: 2, 2023: 0, 2024: 4, 2025: 0}


def test_activity_returns_hold_what_data_md_allows(sample, plan):
    files = sorted(sample.glob("activity_*.xlsx"))
    assert len(files) == 9 * 20 - 1  # one department misses one quarter
    villages = set(plan["村社区"]["村(社区)"]) | {"全镇"}
    audiences = set(plan["人群"]["重点人群"]) | {"社会公众"}
    empty, extra, per_year = 0, 0, {}
    for path in files:
        period, department = path.stem.split("_")[1:]
        year, quarter = int(period[:4]), int(period[-1])
        info = _info(path)
        assert (info["报表类型"], info["填报单位"], int(info["年度"]), int(info["季度"])) == (
            "科普活动", department, year, quarter)
        rows = _data_sheet(path, "活动明细")
        empty += rows.empty
        extra += bool(set(rows.columns) - {_key(c) for c in [
            "活动编号", "活动名称", "活动类型", "对应任务", "开始日期", "结束日期", "村(社区)", "目标人群", "参与人次",
            "培训学时", "经费(元)", "志愿者人数", "媒体报道(篇)", "年度主题", "佐证材料"]})
        per_year[(department, year)] = per_year.get((department, year), 0) + len(rows)
        if rows.empty:
            continue
        first, last = _quarter(year, quarter)
        starts, ends = rows["开始日期"].map(_date), rows["结束日期"].map(_date)
        assert starts.between(first, last).all() and (ends >= starts).all(), path.name
        participants = rows["参与人次"].map(_number)
        assert (participants >= 0).all() and (participants == participants.round()).all(), path.name
        assert (rows["经费"].map(_number) >= 0).all()
        assert rows["活动类型"].isin(KINDS).all() and rows["对应任务"].map(_number).isin(range(1, 8)).all()
        assert rows["村"].isin(villages).all() and rows["目标人群"].isin(audiences).all(), path.name
        assert rows["年度主题"].isin(["是", "否"]).all() and rows["活动编号"].is_unique
    assert (empty, extra) == (1, 1)
    assert all(30 <= n <= 80 for n in per_year.values()), per_year

"""Deterministic demo data for 柳堡镇: the plan workbook and five years of department returns.

    python -m etl.demo --out data/sample

writes `plan.xlsx`, `survey_<year>_<部门>.xlsx` (one a year per department that owes a survey) and
`activity_<year>Q<q>_<部门>.xlsx` (one a quarter per department) for the plan period 2021–2025, as the
departments would send them: mostly clean, a few in the messy-but-acceptable forms of DATA.md (title rows,
合计 and 填表人 lines, units in headers, numbers and dates as text, 男性/女性), one extra column, one
outlier, one empty return (空报), one missing return and a few late ones. Nothing in it is an error.

The plan facts below are constants on purpose: this module *is* the made-up town; the app itself reads them
from the plan workbook. Every random draw comes from a numpy Generator seeded with SEED and the draw's own
key, and every workbook's created date is fixed, so two runs write byte-identical files. The module is
longer than the house's ~400 lines because the demo town is one piece of data kept in one place.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

SEED = 20210101
YEARS = tuple(range(2021, 2026))

# ---------------------------------------------------------------- the plan (DATA.md §3) -------------------
PHASES = [("启动实施阶段", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
          ("全面推进阶段", dt.date(2022, 1, 1), dt.date(2024, 12, 31)),
          ("评估总结阶段", dt.date(2025, 1, 1), dt.date(2025, 12, 31))]

# 任务编号, 任务名称, 牵头部门 (as the seed), 责任单位
TASKS = [(1, "未成年人科学素质行动", "中小学,团委", "教委,科协"),
         (2, "农民科学素质行动", "农业站,科协", "劳动保障所,财政所"),
         (3, "劳动人口科学素质行动", "劳动保障所", "科协,团委"),
         (4, "领导干部和公务员科学素质行动", "党建办,党政办", "科协"),
         (5, "科学教育与培训基础工程", "教委,劳动保障所", "中小学,科协"),
         (6, "科普资源开发与共享工程", "科协", "党政办,财政所"),
         (7, "经费投入", "财政所", "党政办")]

# 部门名称, 联络员, 联系电话, 应报调查
DEPARTMENTS = [("中小学", "王丽娟", "13905271146", "是"), ("团委", "陈晓东", "15152718823", "否"),
               ("农业站", "刘建国", "13852760419", "是"), ("科协", "周海燕", "13770386652", "是"),
               ("劳动保障所", "孙志强", "18051237790", "是"), ("党建办", "李文静", "13951128034", "是"),
               ("党政办", "赵明", "15895670213", "否"), ("教委", "吴春梅", "13813459967", "否"),
               ("财政所", "钱卫东", "18752106685", "否")]
LIAISON = {d: (name, phone) for d, name, phone, _ in DEPARTMENTS}
DEADLINE_DAYS = 15

# 村(社区), 城乡, residents (sums to 44,900)
VILLAGES = [("柳堡社区", "城镇", 7800), ("新街社区", "城镇", 4600), ("河滨社区", "城镇", 3900),
            ("工业园社区", "城镇", 2400), ("新河村", "农村", 4100), ("东庄村", "农村", 3300),
            ("西湖村", "农村", 3600), ("王集村", "农村", 4300), ("李桥村", "农村", 2800),
            ("张圩村", "农村", 3200), ("周营村", "农村", 3000), ("南洼村", "农村", 1900)]
RESIDENCE = {v: r for v, r, _ in VILLAGES}

GROUPS = [("未成年人", "18周岁以下的在校学生和青少年"),
          ("农民", "农村从事农业生产经营的居民"),
          ("城镇劳动人口", "城镇18–59周岁的就业和求职人员"),
          ("领导干部和公务员", "镇机关、站所和村(社区)两委干部"),
          ("其他", "以上人群以外的居民，含城镇离退休人员和农村非农从业人员")]

AGE_BANDS = ("0–17", "18–29", "30–39", "40–49", "50–59", "60–69", "70+")  # en dash, as DATA.md
BAND_AGES = {"0–17": (0, 17), "18–29": (18, 29), "30–39": (30, 39), "40–49": (40, 49),
             "50–59": (50, 59), "60–69": (60, 69), "70+": (70, 100)}
# Age structure: the villages have aged (young adults work in the towns), the 社区 less so.
AGE_SHARE = {"城镇": (0.19, 0.15, 0.17, 0.16, 0.14, 0.11, 0.08),
             "农村": (0.15, 0.10, 0.11, 0.15, 0.19, 0.16, 0.14)}
MALE_SHARE = (0.53, 0.51, 0.51, 0.50, 0.50, 0.49, 0.44)
# Cadres (~300): the town government sits in 柳堡社区; each 社区 and 村 has its 两委.
CADRES = {"柳堡社区": 176, "新街社区": 20, "河滨社区": 18, "工业园社区": 16}
VILLAGE_CADRES = 12
CADRE_BANDS = {"18–29": 0.14, "30–39": 0.30, "40–49": 0.32, "50–59": 0.24}

# 年度主题: one of the seed's topics a year
THEMES = {2021: "节约资源", 2022: "应急避险", 2023: "健康生活", 2024: "保护生态", 2025: "安全生产"}

# 编号, 阶段 (index into PHASES), 任务编号, 内容, 责任部门, 计划完成日期, 完成日期, 佐证 — statuses as they stand at
# the end of 2025: done where a 完成日期 is given, else 进行中 (several overdue) or 未开始 (NOT_STARTED).
_D = dt.date
MILESTONES = [
    ("M01", 0, 6, "成立镇科学素质工作领导小组，办公室设在镇科协", "科协", _D(2021, 2, 28), _D(2021, 2, 20), "镇党委发文"),
    ("M02", 0, 6, "建立联络员制度和情况通报制度", "科协", _D(2021, 3, 31), _D(2021, 3, 26), "制度文本"),
    ("M03", 0, 7, "科普专项经费列入镇财政年度预算", "财政所", _D(2021, 3, 31), _D(2021, 3, 18), "预算批复"),
    ("M04", 0, 1, "制定未成年人科学素质行动实施方案", "中小学", _D(2021, 4, 30), _D(2021, 4, 27), "实施方案"),
    ("M05", 0, 2, "制定农民科学素质行动实施方案", "农业站", _D(2021, 4, 30), _D(2021, 5, 12), "实施方案"),
    ("M06", 0, 3, "制定劳动人口科学素质行动实施方案", "劳动保障所", _D(2021, 4, 30), _D(2021, 4, 29), "实施方案"),
    ("M07", 0, 4, "制定领导干部和公务员科学素质行动实施方案", "党建办", _D(2021, 4, 30), _D(2021, 4, 23), "实施方案"),
    ("M08", 0, 5, "制定科学教育与培训基础工程实施方案", "教委", _D(2021, 5, 31), _D(2021, 5, 28), "实施方案"),
    ("M09", 0, 6, "开展全镇公民科学素质基线调查", "科协", _D(2021, 11, 30), _D(2021, 11, 19), "调查报告"),
    ("M10", 1, 6, "建成镇科普活动中心", "科协", _D(2022, 6, 30), _D(2022, 8, 16), "验收材料"),
    ("M11", 1, 1, "每所中小学建成科技活动室", "中小学", _D(2022, 9, 30), _D(2022, 9, 20), "照片、台账"),
    ("M12", 1, 4, "科学素质专题纳入镇党委理论学习中心组学习计划", "党建办", _D(2022, 6, 30), _D(2022, 3, 15), "学习计划"),
    ("M13", 1, 2, "建成科普示范村3个", "农业站", _D(2022, 12, 31), _D(2022, 12, 20), "验收材料"),
    ("M14", 1, 3, "完成农民工职业技能培训1000人次", "劳动保障所", _D(2022, 12, 31), _D(2022, 12, 28), "培训台账"),
    ("M15", 1, 7, "建立科普经费稳定增长机制", "财政所", _D(2023, 3, 31), _D(2023, 3, 30), "镇政府文件"),
    ("M16", 1, 5, "完成中小学科学教师轮训", "教委", _D(2023, 6, 30), _D(2023, 7, 10), "培训台账"),
    ("M17", 1, 6, "村(社区)科普宣传栏全覆盖", "科协", _D(2023, 6, 30), _D(2023, 6, 21), "照片"),
    ("M18", 1, 6, "开展中期评估", "科协", _D(2023, 12, 31), _D(2024, 1, 22), "中期评估报告"),
    ("M19", 1, 1, "建立青少年科技创新大赛常设机制", "团委", _D(2024, 6, 30), _D(2024, 5, 30), "活动方案"),
    ("M20", 1, 4, "开展领导干部科学素质测评", "党政办", _D(2024, 10, 31), _D(2024, 10, 25), "测评结果"),
    ("M21", 1, 2, "农村科普e站覆盖全部行政村", "农业站", _D(2024, 12, 31), None, "已建6个"),
    ("M22", 1, 3, "建立城镇劳动人口在线学习平台", "劳动保障所", _D(2024, 9, 30), None, ""),
    ("M23", 2, 5, "社区学校开设科普课程", "教委", _D(2025, 6, 30), None, "2个社区已开课"),
    ("M24", 2, 2, "农民科学素质行动实施情况总结", "农业站", _D(2025, 11, 30), _D(2025, 11, 26), "总结报告"),
    ("M25", 2, 6, "开展终期评估", "科协", _D(2025, 12, 31), None, "评估方案"),
    ("M26", 2, 6, "研究制定下一个五年期实施工作阶段目标和任务措施", "科协", _D(2025, 12, 31), None, ""),
]
NOT_STARTED = {"M26"}

# 指标代码, 人群, 基线年度, 基线值, 目标年度, 目标值, 方向 — shares in percent, gaps in points, money in 元.
# Baselines are the demo's own 2021 estimates (rounded); targets follow the national 2025 aim of 15%.
TARGETS = [("literacy_rate", "全体", 2021, 8.8, 2023, 11.5, "提高"),
           ("literacy_rate", "全体", 2021, 8.8, 2025, 15.0, "提高"),
           ("literacy_rate", "农民", 2021, 4.5, 2023, 6.0, "提高"),
           ("literacy_rate", "农民", 2021, 4.5, 2025, 8.0, "提高"),
           ("literacy_rate", "城镇劳动人口", 2021, 15.4, 2023, 17.0, "提高"),
           ("literacy_rate", "城镇劳动人口", 2021, 15.4, 2025, 20.0, "提高"),
           ("literacy_rate", "未成年人", 2021, 6.1, 2023, 7.5, "提高"),
           ("literacy_rate", "未成年人", 2021, 6.1, 2025, 10.0, "提高"),
           ("urban_rural_gap", "全体", 2021, 7.9, 2023, 7.0, "降低"),
           ("urban_rural_gap", "全体", 2021, 7.9, 2025, 6.0, "降低"),
           ("minor_interest_rate", "未成年人", 2021, 45.1, 2023, 52.0, "提高"),
           ("minor_interest_rate", "未成年人", 2021, 45.1, 2025, 60.0, "提高"),
           ("spend_per_resident", "全体", 2021, 9.5, 2023, 10.5, "提高"),
           ("spend_per_resident", "全体", 2021, 9.5, 2025, 12.0, "提高")]

# 预算: the 2021 line per (task, department) in 元, growing 6% a year
BUDGET_2021 = {(1, "中小学"): 50000, (1, "团委"): 25000, (2, "农业站"): 70000, (2, "科协"): 30000,
               (3, "劳动保障所"): 45000, (4, "党建办"): 15000, (4, "党政办"): 12000, (5, "教委"): 35000,
               (5, "劳动保障所"): 25000, (6, "科协"): 70000, (7, "财政所"): 80000}
BUDGET_GROWTH = 0.06
SCORING = [("高阶", 85), ("具备", 70), ("基本具备", 55)]


def budget(year: int, task: int, department: str) -> int:
    """The budget line of a year, rounded to 100 元."""
    return int(round(BUDGET_2021[(task, department)] * (1 + BUDGET_GROWTH) ** (year - 2021), -2))


# ---------------------------------------------------------------- randomness --------------------------------
def _rng(*keys: object) -> np.random.Generator:
    """A Generator for one purpose: SEED plus the purpose's keys, so one change does not ripple elsewhere."""
    ints = [k if isinstance(k, int) else zlib.crc32(str(k).encode()) for k in keys]
    return np.random.default_rng([SEED, *ints])


def _day_in(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    start = dt.date(year, 3 * quarter - 2, 1)
    return start, dt.date(year + (quarter == 4), 3 * quarter % 12 + 1, 1) - dt.timedelta(days=1)


# ---------------------------------------------------------------- population --------------------------------
def population() -> pd.DataFrame:
    """The 人口 sheet: columns 村(社区), 城乡, 性别, 年龄段, 重点人群, 人口数 (non-zero cells only)."""
    rows = []
    for village, residence, total in VILLAGES:
        rng = _rng("population", village)
        shares = np.asarray(AGE_SHARE[residence]) * rng.uniform(0.92, 1.08, len(AGE_BANDS))
        shares /= shares.sum()
        cadres = CADRES.get(village, VILLAGE_CADRES)
        for band, share, male in zip(AGE_BANDS, shares, MALE_SHARE):
            for sex, sex_share in (("男", male), ("女", 1 - male)):
                people = total * share * sex_share
                cadre_share = 0.65 if sex == "男" else 0.35
                groups = _split_band(residence, band, people, cadres * CADRE_BANDS.get(band, 0) * cadre_share)
                rows += [(village, residence, sex, band, g, n) for g, n in groups.items() if n > 0]
    return pd.DataFrame(rows, columns=["村(社区)", "城乡", "性别", "年龄段", "重点人群", "人口数"])


def _split_band(residence: str, band: str, people: float, cadres: float) -> dict[str, int]:
    """People of one village × sex × band split into the key groups (whole numbers)."""
    if band == "0–17":
        return {"未成年人": round(people)}
    rest = people - cadres
    if residence == "城镇":
        if band in ("60–69", "70+"):
            return {"其他": round(people)}
        split = {"城镇劳动人口": 0.86 * rest, "农民": 0.03 * rest, "其他": 0.11 * rest}
    else:
        farmer = {"60–69": 0.70, "70+": 0.35}.get(band, 0.68)
        split = {"农民": farmer * rest, "其他": (1 - farmer) * rest}
    return {"领导干部和公务员": round(cadres), **{g: round(n) for g, n in split.items()}}


# ---------------------------------------------------------------- surveys -----------------------------------
EDUCATION = ("小学及以下", "初中", "高中(含中专)", "大专", "本科及以上")
EDU_SHARE = {  # by 城乡 and age band, before the group adjustment
    ("城镇", "18–29"): (2, 14, 27, 29, 28), ("城镇", "30–39"): (4, 24, 30, 23, 19),
    ("城镇", "40–49"): (8, 38, 30, 14, 10), ("城镇", "50–59"): (18, 46, 25, 7, 4),
    ("城镇", "60–69"): (36, 40, 18, 4, 2), ("城镇", "70+"): (58, 28, 10, 3, 1),
    ("农村", "18–29"): (5, 33, 31, 18, 13), ("农村", "30–39"): (10, 45, 26, 12, 7),
    ("农村", "40–49"): (21, 54, 18, 5, 2), ("农村", "50–59"): (40, 46, 12, 1.5, 0.5),
    ("农村", "60–69"): (62, 31, 6, 1, 0), ("农村", "70+"): (78, 18, 4, 0, 0)}
EDU_TILT = {"农民": (1.5, 1.2, 0.7, 0.4, 0.3), "领导干部和公务员": (0, 0.1, 0.6, 2.5, 4.0)}

# Score model, in points of the 100-point test: a respondent's expected score (education, age, sex, group) plus
# N(0, SCORE_SD), plus one level per year and 城乡. That level is solved on the drawn sample so that the
# post-stratified rate of residents aged 18–69 (总分 ≥ 70) is exactly the demo's "truth" below: the town a
# little under the national 2025 aim of 15%, the 社区 ahead by a gap that narrows slowly.
TOWN_RATE = {2021: 8.6, 2022: 9.5, 2023: 10.8, 2024: 12.1, 2025: 13.4}        # percent
URBAN_RURAL_GAP = {2021: 7.8, 2022: 7.6, 2023: 7.3, 2024: 7.0, 2025: 6.8}  # percentage points
MINOR_RATE = {2021: 6.0, 2022: 6.6, 2023: 7.3, 2024: 8.1, 2025: 8.8}         # minors' rate, percent
MINOR_INTEREST = {2021: 45.0, 2022: 48.5, 2023: 52.5, 2024: 57.0, 2025: 61.5}  # minors with 科学兴趣 4–5, percent
LITERATE = 70
SCORE_SD = 11.0
DIM_SD = 0.06  # a dimension's share of its maximum scatters this much around the respondent's level
ADULT_BASE = 54.6
EDU_EFFECT = dict(zip(EDUCATION, (-9.0, -4.0, 0.5, 4.0, 8.0)))
AGE_EFFECT = {"18–29": 2.0, "30–39": 1.0, "40–49": 0.0, "50–59": -1.0, "60–69": -1.5, "70+": -3.0}
MALE_EFFECT = 1.0
GROUP_EFFECT = {"领导干部和公务员": 3.0, "农民": -1.0}
MINOR_BASE, MINOR_SLOPE, MINOR_URBAN = 49.0, 2.0, 3.0  # a minor's mean: base + slope × (age − 12) + 城镇
INTEREST_CUTS = (-1.6, -0.8, 0.0, 1.1)  # latent interest → 科学兴趣 1–5
DIM_MAX = {"科学知识": 40, "科学方法": 20, "科学精神与思想": 20, "应用科学能力": 20}

SURVEY_COLUMNS = ["问卷编号", "调查日期", "村(社区)", "城乡", "性别", "年龄", "文化程度", "重点人群",
                  *DIM_MAX, "总分", "科学兴趣"]


@dataclass(frozen=True)
class SurveyDesign:
    """How a department draws its sample: groups, sample size range, ages, rounding of the scores."""

    code: str
    groups: tuple[str, ...]
    n: tuple[int, int]
    ages: tuple[int, int]
    decimals: int = 1


SURVEYS = {"中小学": SurveyDesign("ZX", ("未成年人",), (250, 290), (6, 17), 0),
           "农业站": SurveyDesign("NY", ("农民",), (220, 260), (18, 75)),
           "劳动保障所": SurveyDesign("LB", ("城镇劳动人口",), (200, 240), (18, 59)),
           "党建办": SurveyDesign("DJ", ("领导干部和公务员",), (85, 115), (22, 59), 0),
           "科协": SurveyDesign("KX", ("其他", "农民", "城镇劳动人口"), (300, 350), (18, 80))}
URBAN_OVERSAMPLE = 1.8  # the 社区 are easier to reach
ELDERLY_UNDERSAMPLE = {"60–69": 0.6, "70+": 0.7}
OLDEST = 85  # for sampling, the 70+ band counts as 70–85: few residents are older
# Each key group is surveyed by its own department, which makes sure to reach every 城乡 × 性别 × 年龄段 of its
# group: at least MIN_DRAWN respondents in each (or everybody, where fewer live there).
HOME = {"未成年人": "中小学", "农民": "农业站", "城镇劳动人口": "劳动保障所", "领导干部和公务员": "党建办", "其他": "科协"}
MIN_DRAWN = 3
# A few cells were hardly reached, so that the weighting has merges to show (INDICATORS.md "Weights"): at most
# this many respondents of (重点人群, 城乡, 性别, 年龄段 or None = every band) were interviewed that year.
# 2022: urban elderly 其他 (step 1, the band merges into 60–69); 2024: urban women farmers (step 2, 性别 pooled).
THIN_CELLS = {2022: {("其他", "城镇", "男", "70+"): 1, ("其他", "城镇", "女", "70+"): 0},
              2024: {("农民", "城镇", "女", None): 1}}
LATE_SURVEYS = {(2022, "党建办"): dt.date(2023, 2, 9), (2024, "农业站"): dt.date(2025, 1, 27)}


def survey_year(year: int, people: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One year's survey returns by department: columns SURVEY_COLUMNS (DATA.md §1), no 权重."""
    drawn = pd.concat([_sample(year, dept, design, people) for dept, design in SURVEYS.items()],
                      ignore_index=True)
    drawn = _thin(year, drawn)
    rng = _rng("scores", year)
    drawn["文化程度"] = [None if age < 18 else _education(rng, res, band, group)
                      for age, res, band, group in zip(drawn["年龄"], drawn["城乡"], drawn["年龄段"], drawn["重点人群"])]
    decimals = drawn["部门"].map({d: design.decimals for d, design in SURVEYS.items()}).to_numpy()
    latent = _expected_score(drawn) + rng.normal(0, SCORE_SD, len(drawn))
    scatter = rng.normal(0, DIM_SD, (len(drawn), len(DIM_MAX)))
    weight = _poststratified_weights(drawn, people)
    minor = (drawn["年龄"] < 18).to_numpy()
    targets = [(minor, minor, MINOR_RATE[year])] + [
        (~minor & (drawn["城乡"] == residence).to_numpy(), drawn["年龄"].between(18, 69).to_numpy(), target)
        for residence, target in _residence_targets(year, people).items()]
    for mine, domain, target in targets:
        latent[mine] += _level(latent[mine], scatter[mine], decimals[mine], weight[mine], domain[mine], target)
    dims = _dimensions(latent, scatter, decimals)
    for i, dim in enumerate(DIM_MAX):
        drawn[dim] = dims[:, i]
    interest = (latent - 45) / 25 + rng.normal(0, 1, len(drawn))
    interest += _bisect(lambda shift: 100 * weight[minor] @ (interest[minor] + shift >= INTEREST_CUTS[2])
                        / weight[minor].sum(), MINOR_INTEREST[year])
    drawn["科学兴趣"] = np.where(minor, np.digitize(interest, INTEREST_CUTS) + 1, 0)
    out = {}
    for dept, design in SURVEYS.items():
        rows = drawn[drawn["部门"] == dept].sort_values(["调查日期", "村(社区)"], kind="stable").copy()
        if design.decimals == 0:
            rows[list(DIM_MAX)] = rows[list(DIM_MAX)].astype(int)
        rows["总分"] = rows[list(DIM_MAX)].sum(axis=1).round(1)
        rows["科学兴趣"] = rows["科学兴趣"].astype(object).where(rows["科学兴趣"] > 0, None)
        rows["问卷编号"] = [f"{design.code}{year}-{i:04d}" for i in range(1, len(rows) + 1)]
        out[dept] = rows[SURVEY_COLUMNS].reset_index(drop=True)
    return out


def _sample(year: int, dept: str, design: SurveyDesign, people: pd.DataFrame) -> pd.DataFrame:
    """Respondents' village, sex, age and group, drawn from the population cells the department reaches."""
    rng = _rng("sample", year, dept)
    cells = people[people["重点人群"].isin(design.groups)].reset_index(drop=True)
    lo, hi = design.ages
    span = [(max(lo, BAND_AGES[b][0]), min(hi, BAND_AGES[b][1])) for b in cells["年龄段"]]
    reach = np.array([max(0, b - a + 1) / (min(OLDEST, BAND_AGES[band][1]) - BAND_AGES[band][0] + 1)
                      for (a, b), band in zip(span, cells["年龄段"])])  # share of the band the ages cover
    weight = (cells["人口数"].to_numpy() * reach * np.where(cells["城乡"] == "城镇", URBAN_OVERSAMPLE, 1.0)
              * cells["年龄段"].map(ELDERLY_UNDERSAMPLE).fillna(1.0).to_numpy())
    n = int(rng.integers(design.n[0], design.n[1] + 1))
    chosen = rng.choice(len(cells), size=n, p=weight / weight.sum())
    picked = cells.iloc[np.concatenate([chosen, _top_up(rng, cells, chosen, reach, dept)])].reset_index(drop=True)
    n = len(picked)
    picked["年龄"] = [int(rng.integers(max(lo, BAND_AGES[b][0]), min(hi, BAND_AGES[b][1]) + 1))
                    for b in picked["年龄段"]]
    picked["调查日期"] = [_day_in(rng, dt.date(year, 4, 1), dt.date(year, 11, 30)) for _ in range(n)]
    picked["部门"] = dept
    return picked.drop(columns="人口数")


def _top_up(rng: np.random.Generator, cells: pd.DataFrame, chosen: np.ndarray, reach: np.ndarray,
            dept: str) -> np.ndarray:
    """Extra rows of `cells` so that every reachable 城乡 × 性别 × 年龄段 of the department's own group has at least
    MIN_DRAWN respondents (or all its residents)."""
    keys = ["重点人群", "城乡", "性别", "年龄段"]
    own = (cells["重点人群"].map(HOME) == dept).to_numpy() & (reach > 0)
    have = cells.iloc[chosen].groupby(keys).size()
    extra = []
    for key, part in cells[own].groupby(keys, sort=True):
        need = min(MIN_DRAWN, int(part["人口数"].sum())) - int(have.get(key, 0))
        if need > 0:
            p = part["人口数"].to_numpy(float)
            extra += list(rng.choice(part.index.to_numpy(), size=need, p=p / p.sum()))
    return np.asarray(extra, dtype=int)


def _thin(year: int, drawn: pd.DataFrame) -> pd.DataFrame:
    """Keep at most THIN_CELLS[year] respondents in the named cells (the first drawn); the others were not reached."""
    drop = []
    for (group, residence, sex, band), keep in THIN_CELLS.get(year, {}).items():
        hit = ((drawn["重点人群"] == group) & (drawn["城乡"] == residence) & (drawn["性别"] == sex)
               & ((drawn["年龄段"] == band) if band else True))
        drop += list(drawn.index[hit][keep:])
    return drawn.drop(index=drop).reset_index(drop=True)


def _education(rng: np.random.Generator, residence: str, band: str, group: str) -> str:
    share = np.asarray(EDU_SHARE[(residence, band)], dtype=float) * np.asarray(EDU_TILT.get(group, (1,) * 5))
    return EDUCATION[int(rng.choice(5, p=share / share.sum()))]


def _expected_score(drawn: pd.DataFrame) -> np.ndarray:
    """Each respondent's expected score before the year's level: education, age, sex and group effects."""
    age = drawn["年龄"].to_numpy()
    adult = (ADULT_BASE + drawn["文化程度"].map(EDU_EFFECT).fillna(0).to_numpy()
             + drawn["年龄段"].map(AGE_EFFECT).fillna(0).to_numpy()
             + drawn["重点人群"].map(GROUP_EFFECT).fillna(0).to_numpy())
    minor = MINOR_BASE + MINOR_SLOPE * (age - 12) + MINOR_URBAN * (drawn["城乡"] == "城镇").to_numpy()
    return np.where(age < 18, minor, adult) + MALE_EFFECT * (drawn["性别"] == "男").to_numpy()


def _dimensions(latent: np.ndarray, scatter: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """The four dimension scores (rows × 4), each in its range, rounded to the department's decimals."""
    tops = np.array(list(DIM_MAX.values()), dtype=float)
    raw = tops * np.clip(latent[:, None] / 100 + scatter, 0, 1)
    return np.where(decimals[:, None] == 0, np.round(raw), np.round(raw, 1))


def _level(latent, scatter, decimals, weight, domain, target: float) -> float:
    """The shift of `latent` at which the weighted share of `domain` with 总分 ≥ 70 first reaches `target` %."""
    def rate(shift: float) -> float:
        total = _dimensions(latent + shift, scatter, decimals).sum(axis=1)
        return 100 * weight[domain] @ (total[domain] >= LITERATE - 1e-9) / weight[domain].sum()

    return _bisect(rate, target)


def _bisect(rate, target: float, low: float = -40.0, high: float = 40.0) -> float:
    """The smallest shift (to 1e-6) at which the increasing step function `rate` reaches `target`."""
    while high - low > 1e-6:
        middle = (low + high) / 2
        low, high = (low, middle) if rate(middle) >= target else (middle, high)
    return high


def _residence_targets(year: int, people: pd.DataFrame) -> dict[str, float]:
    """The 18–69 rate (%) of 城镇 and 农村 that give TOWN_RATE with URBAN_RURAL_GAP between them."""
    adults = people[people["年龄段"].isin(AGE_BANDS[1:6])].groupby("城乡")["人口数"].sum()
    rural = TOWN_RATE[year] - adults["城镇"] / adults.sum() * URBAN_RURAL_GAP[year]
    return {"城镇": rural + URBAN_RURAL_GAP[year], "农村": rural}


def _poststratified_weights(drawn: pd.DataFrame, people: pd.DataFrame) -> np.ndarray:
    """Weights as the dashboard makes them (INDICATORS.md "Weights", indicators.weighting), so that the rates
    calibrated here are the rates it shows."""
    from indicators.weighting import post_stratify  # the one rule; imported late: etl does not need indicators
    names = {"重点人群": "group_name", "城乡": "residence", "性别": "sex", "年龄段": "age_band", "人口数": "population"}
    weighting = post_stratify(drawn.rename(columns=names), people.rename(columns=names))
    assert weighting.covered.all(), "the demo surveys every key group"
    return weighting.weights


# ---------------------------------------------------------------- activities --------------------------------
@dataclass(frozen=True)
class ActivityPlan:
    """What a department does in a year: how many activities, of which kinds, where."""

    per_year: int
    menu: tuple[tuple[str, int, str, float], ...]  # 活动类型, 对应任务, 目标人群, weight
    places: tuple[str, ...]
    town_share: float  # share of activities held for the whole town (全镇)


_URBAN = tuple(v for v, r, _ in VILLAGES if r == "城镇")
_RURAL = tuple(v for v, r, _ in VILLAGES if r == "农村")
_SCHOOLS = ("柳堡社区", "新街社区", "新河村", "王集村", "西湖村", "张圩村")
_ALL = _URBAN + _RURAL
ACTIVITIES = {
    "中小学": ActivityPlan(50, (("青少年科技活动", 1, "未成年人", 45), ("科普讲座", 1, "未成年人", 20),
                               ("科普竞赛", 1, "未成年人", 15), ("科技周活动", 1, "未成年人", 7),
                               ("科普日活动", 1, "未成年人", 6), ("科普宣传", 1, "未成年人", 7)), _SCHOOLS, 0.1),
    "团委": ActivityPlan(36, (("青少年科技活动", 1, "未成年人", 45), ("科普宣传", 1, "社会公众", 25),
                             ("科普竞赛", 1, "未成年人", 15), ("科普日活动", 1, "社会公众", 8),
                             ("科技周活动", 1, "未成年人", 7)), _ALL, 0.25),
    "农业站": ActivityPlan(58, (("实用技术培训", 2, "农民", 55), ("科普讲座", 2, "农民", 20),
                               ("科普宣传", 2, "农民", 18), ("专题展览", 2, "农民", 7)), _RURAL, 0.08),
    "科协": ActivityPlan(66, (("科普讲座", 6, "社会公众", 20), ("专题展览", 6, "社会公众", 12),
                             ("科普宣传", 6, "社会公众", 20), ("科普日活动", 6, "社会公众", 6),
                             ("科技周活动", 6, "社会公众", 6), ("科普竞赛", 6, "社会公众", 6),
                             ("科普讲座", 2, "农民", 15), ("科普宣传", 2, "农民", 10),
                             ("其他", 6, "其他", 5)), _ALL, 0.25),
    "劳动保障所": ActivityPlan(44, (("实用技术培训", 3, "城镇劳动人口", 45), ("科普讲座", 3, "城镇劳动人口", 15),
                                   ("实用技术培训", 5, "农民", 35), ("科普宣传", 3, "城镇劳动人口", 15)),
                               _URBAN + _URBAN + _RURAL, 0.15),
    "党建办": ActivityPlan(32, (("科普讲座", 4, "领导干部和公务员", 60), ("科普竞赛", 4, "领导干部和公务员", 15),
                               ("实用技术培训", 4, "领导干部和公务员", 25)), ("柳堡社区",), 0.7),
    "党政办": ActivityPlan(31, (("科普讲座", 4, "领导干部和公务员", 55), ("专题展览", 4, "领导干部和公务员", 25),
                               ("科普宣传", 4, "领导干部和公务员", 20)), ("柳堡社区",), 0.6),
    "教委": ActivityPlan(36, (("其他", 5, "其他", 40), ("科普讲座", 5, "未成年人", 30),
                             ("青少年科技活动", 5, "未成年人", 30)), _SCHOOLS, 0.35),
    "财政所": ActivityPlan(32, (("经费拨付", 7, "社会公众", 1),), _RURAL, 0.7),
}

NAMES = {
    "青少年科技活动": ("科技小制作比赛", "机器人编程体验课", "航模制作与放飞", "校园科技节", "科技馆研学",
                "天文观测活动", "小发明小创造展示", "3D打印体验课", "科学实验开放日"),
    "科普讲座": ("防范电信诈骗讲座", "食品安全知识讲座", "合理用药讲座", "心理健康讲座", "人工智能科普讲座",
             "防灾减灾知识讲座", "垃圾分类知识讲座", "慢性病防治讲座", "急救知识讲座"),
    "科普竞赛": ("科普知识竞赛", "科学影像大赛", "安全知识竞答", "科学实验挑战赛"),
    "专题展览": ("科普展板巡展", "防灾减灾图片展", "科技成就展", "反对伪科学展览"),
    "实用技术培训": ("职业技能培训",),
    "科普宣传": ("科普宣传进村(社区)", "科普大篷车巡游", "科普宣传栏更新", "科普资料发放", "反邪教与伪科学宣传"),
    "科技周活动": ("科技活动周系列活动",),
    "科普日活动": ("全国科普日主题活动",),
    "经费拨付": ("拨付科普示范村建设补助", "拨付科普宣传栏更新维护经费", "拨付青少年科技活动经费",
             "拨付农民实用技术培训补助", "拨付科普志愿者服务补贴", "拨付科普活动中心运行经费"),
    "其他": ("科普志愿者培训", "科普资源进社区共建"),
    ("农业站", "实用技术培训"): ("水稻高产栽培技术培训", "设施蔬菜种植技术培训", "稻虾共作技术培训",
                           "葡萄栽培技术培训", "植保无人机操作培训", "生猪健康养殖技术培训", "食用菌栽培技术培训"),
    ("劳动保障所", "实用技术培训"): ("电工技能培训", "焊工技能培训", "家政服务员培训", "育婴员培训",
                              "电子商务直播培训", "中式烹调师培训", "农村电商培训"),
    ("党建办", "实用技术培训"): ("机关干部数字技能培训", "村干部乡村振兴科技培训"),
    ("党建办", "科普讲座"): ("领导干部科学素质专题讲座", "中心组科技专题学习", "人工智能与数字政府专题讲座"),
    ("党建办", "科普竞赛"): ("机关干部科普知识测试",),
    ("党政办", "科普讲座"): ("机关科普讲堂", "乡村振兴科技支撑专题报告", "安全生产专题讲座"),
    ("党政办", "专题展览"): ("机关科普展板",),
    ("党政办", "科普宣传"): ("机关科普宣传月",),
    ("教委", "其他"): ("中小学科学教师培训", "科学课程教研活动", "校外科普基地共建"),
}
THEME_SUFFIX = {"科普讲座": "知识讲座", "专题展览": "专题展览", "科普竞赛": "知识竞赛", "实用技术培训": "专题培训",
                "科普宣传": "宣传进村(社区)", "青少年科技活动": "主题科技实践", "其他": "主题活动",
                "科技周活动": "主题科技活动周", "科普日活动": "主题全国科普日活动"}
# Ranges kept close within a department, so that the office's outlier check (Tukey's far-out fence on the
# department's history) flags the planted outlier rather than every 科普日.
PARTICIPANTS = {"青少年科技活动": (30, 180), "科普讲座": (30, 110), "科普竞赛": (40, 200), "专题展览": (80, 260),
                "实用技术培训": (20, 80), "科普宣传": (60, 240), "科技周活动": (120, 300),
                "科普日活动": (120, 300), "经费拨付": (0, 0), "其他": (20, 80)}
PARTICIPANTS_OF = {("农业站", "科普宣传"): (50, 150), ("农业站", "专题展览"): (60, 160),
                   ("农业站", "实用技术培训"): (25, 90), ("劳动保障所", "科普宣传"): (40, 120)}
COST = {"青少年科技活动": (500, 2000), "科普讲座": (500, 2000), "科普竞赛": (500, 2000), "专题展览": (800, 2500),
        "实用技术培训": (800, 2500), "科普宣传": (500, 2000), "科技周活动": (1200, 2800),
        "科普日活动": (1200, 2800), "经费拨付": (3000, 9000), "其他": (500, 2000)}
TOWN_WIDE = 1.3  # a 全镇 activity draws this many times the people of one held in a village
FIXED_MONTH = {"科技周活动": (5, 15, 31), "科普日活动": (9, 10, 30)}  # month, first and last day
QUARTER_SHARE = (0.19, 0.28, 0.27, 0.26)
EVIDENCE = ("签到表", "照片", "台账", "签到表、照片", "照片、新闻稿", "签到表、照片、台账")
TRAININGS = ("实用技术培训", "其他")

ACTIVITY_COLUMNS = ["活动编号", "活动名称", "活动类型", "对应任务", "开始日期", "结束日期", "村(社区)", "目标人群",
                    "参与人次", "培训学时", "经费(元)", "志愿者人数", "媒体报道(篇)", "年度主题", "佐证材料"]

MISSING_RETURNS = {("团委", 2023, 3)}          # never sent
EMPTY_RETURNS = {("党政办", 2024, 1)}          # sent with no rows (空报)
EXTRA_COLUMN = ("农业站", 2022, 2)             # a 备注 column the template does not have
OUTLIER = ("科协", 2024, 3, "南洼村", 5000)     # a 参与人次 far above the village's population
LATE_ACTIVITY = {("党建办", 2022, 1): 28, ("团委", 2022, 4): 33, ("财政所", 2023, 1): 21,
                 ("教委", 2023, 2): 24, ("党政办", 2024, 3): 40, ("农业站", 2025, 2): 19}  # days after quarter end


def audience_sizes(people: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Population by (village or 全镇, group or 社会公众)."""
    by = people.groupby(["村(社区)", "重点人群"])["人口数"].sum()
    sizes = {(v, g): int(n) for (v, g), n in by.items()}
    for v, n in people.groupby("村(社区)")["人口数"].sum().items():
        sizes[(v, "社会公众")] = int(n)
    for g, n in people.groupby("重点人群")["人口数"].sum().items():
        sizes[("全镇", g)] = int(n)
    sizes[("全镇", "社会公众")] = int(people["人口数"].sum())
    return sizes


def activity_year(dept: str, year: int, sizes: dict[tuple[str, str], int]) -> pd.DataFrame:
    """A department's activities of a year: ACTIVITY_COLUMNS plus 季度, sorted by quarter and date."""
    rng = _rng("activities", dept, year)
    plan = ACTIVITIES[dept]
    quarter_share = np.array([0.0 if (dept, year, q) in MISSING_RETURNS | EMPTY_RETURNS else s
                              for q, s in enumerate(QUARTER_SHARE, start=1)])
    n = int(np.clip(round(plan.per_year * (1 + 0.05 * (year - 2021)) * rng.uniform(0.9, 1.1)), 30, 80))
    weights = np.array([m[3] for m in plan.menu], dtype=float)
    on_theme_p = rng.uniform(0.32, 0.48)
    rows = []
    for _ in range(n):
        kind, task, audience, _ = plan.menu[int(rng.choice(len(plan.menu), p=weights / weights.sum()))]
        quarter = int(rng.choice(4, p=quarter_share / quarter_share.sum())) + 1
        if kind in FIXED_MONTH:  # 科技周 in May, 科普日 in September: unless that return is missing or empty
            fixed = (FIXED_MONTH[kind][0] - 1) // 3 + 1
            kind, quarter = ("科普宣传", quarter) if quarter_share[fixed - 1] == 0 else (kind, fixed)
        rows.append(_activity(rng, dept, year, quarter, kind, task, audience, on_theme_p, sizes))
    table = pd.DataFrame(rows).sort_values(["季度", "开始日期"], kind="stable").reset_index(drop=True)
    # the department spends 84–100% of its budget lines together; single tasks may run over or under
    spend = sum(budget(year, task, d) for task, d in BUDGET_2021 if d == dept) * rng.uniform(0.84, 1.0)
    table["经费(元)"] = (table["经费(元)"] * spend / table["经费(元)"].sum()).round(-1).astype(int)
    if (dept, year) == OUTLIER[:2]:
        i = table.index[(table["季度"] == OUTLIER[2]) & (table["活动类型"] != "经费拨付")][0]
        table.loc[i, ["活动类型", "活动名称", "村(社区)", "目标人群", "参与人次", "培训学时"]] = [
            "科普宣传", "科普大篷车进村", OUTLIER[3], "社会公众", OUTLIER[4], None]
    table["活动编号"] = [f"{year}Q{q}-{i:03d}" for q, i in
                     zip(table["季度"], table.groupby("季度").cumcount() + 1)]
    return table


def _activity(rng, dept, year, quarter, kind, task, audience, on_theme_p, sizes) -> dict:
    """One activity row (cost before scaling to the budget)."""
    plan = ACTIVITIES[dept]
    start_q, end_q = quarter_bounds(year, quarter)
    if kind in FIXED_MONTH:
        month, first, last = FIXED_MONTH[kind]
        start = _day_in(rng, dt.date(year, month, first), dt.date(year, month, last - 5))
    else:
        start = _day_in(rng, start_q, end_q)
    days = {"实用技术培训": int(rng.integers(0, 5)), "专题展览": int(rng.integers(2, 10)),
            "科技周活动": 6, "科普日活动": int(rng.integers(0, 3)), "其他": int(rng.integers(0, 3))}.get(kind, 0)
    end = min(start + dt.timedelta(days=days), end_q)
    # held where its audience lives: a village with at least 50 of them, else for the whole town
    places = [v for v in plan.places if sizes.get((v, audience), 0) >= 50]
    town_wide = kind in FIXED_MONTH or not places or rng.random() < plan.town_share
    village = "全镇" if town_wide else str(rng.choice(places))
    lo, hi = PARTICIPANTS_OF.get((dept, kind), PARTICIPANTS[kind])
    cap = int(0.8 * sizes.get((village, audience), 0))
    scale = TOWN_WIDE if village == "全镇" and kind not in FIXED_MONTH else 1.0
    people = min(round(int(rng.integers(lo, hi + 1)) * scale), cap)
    on_theme = kind != "经费拨付" and rng.random() < on_theme_p
    names = NAMES.get((dept, kind), NAMES[kind])
    name = f"{THEMES[year]}{THEME_SUFFIX[kind]}" if on_theme else str(rng.choice(names))
    if kind == "经费拨付" and "示范村" in name:
        village = str(rng.choice(_RURAL))
    cost_lo, cost_hi = COST[kind]
    free = kind in ("科普讲座", "科普宣传") and rng.random() < 0.15
    big, grant = kind in FIXED_MONTH, kind == "经费拨付"
    return {"季度": quarter, "活动名称": name, "活动类型": kind, "对应任务": task, "开始日期": start, "结束日期": end,
            "村(社区)": village, "目标人群": audience, "参与人次": people,
            "培训学时": float((end - start).days + 1) * float(rng.choice([2, 3, 3.5, 4, 6]))
            if kind in TRAININGS else None,
            "经费(元)": 0.0 if free else float(rng.integers(cost_lo, cost_hi + 1)),
            "志愿者人数": 0 if grant else int(rng.integers(5, 31)) if big else int(rng.integers(0, 9)),
            "媒体报道(篇)": 0 if grant else int(rng.integers(1, 5)) if big else int(rng.random() < 0.2),
            "年度主题": "是" if on_theme else "否",
            "佐证材料": "拨款凭证" if grant else str(rng.choice(EVIDENCE))}


# ---------------------------------------------------------------- the plan workbook --------------------------
def plan_sheets(people: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every data sheet of the plan workbook (DATA.md §3), by sheet name."""
    def frame(rows, columns):
        return pd.DataFrame(rows, columns=columns)

    milestones = [(m_id, PHASES[phase][0], task, text, dept, due,
                   "已完成" if done else "未开始" if m_id in NOT_STARTED else "进行中", done, evidence)
                  for m_id, phase, task, text, dept, due, done, evidence in MILESTONES]
    return {
        "阶段": frame(PHASES, ["阶段", "开始日期", "结束日期"]),
        "任务": frame(TASKS, ["任务编号", "任务名称", "牵头部门", "责任单位"]),
        "部门": frame([(d, name, phone, survey, "是", DEADLINE_DAYS) for d, name, phone, survey in DEPARTMENTS],
                    ["部门名称", "联络员", "联系电话", "应报调查", "应报活动", "报送期限(天)"]),
        "村社区": frame([(v, r) for v, r, _ in VILLAGES], ["村(社区)", "城乡"]),
        "人群": frame(GROUPS, ["重点人群", "说明"]),
        "里程碑": frame(milestones, ["编号", "阶段", "任务编号", "内容", "责任部门", "计划完成日期", "状态",
                                 "完成日期", "佐证"]),
        "指标目标": frame(TARGETS, ["指标代码", "人群", "基线年度", "基线值", "目标年度", "目标值", "方向"]),
        "年度主题": frame(sorted(THEMES.items()), ["年度", "主题"]),
        "人口": people,
        "预算": frame([(y, t, d, budget(y, t, d)) for y in YEARS for (t, d) in BUDGET_2021],
                    ["年度", "任务编号", "部门", "预算金额(元)"]),
        "评分标准": frame(SCORING, ["等级", "最低总分"]),
    }


# ---------------------------------------------------------------- writing workbooks --------------------------
@dataclass(frozen=True)
class Form:
    """How a department lays out its data sheet: the template's form, or a tolerated messy one (DATA.md)."""

    title: str | None = None                                # a title row above the header
    headers: dict[str, str] = field(default_factory=dict)   # header as written, e.g. 经费(元) → 经费（元）
    numbers_as_text: bool = False                           # "1,200"
    dates_as_text: str | None = None                        # "dots" 2025.3.15, "chinese" 2025年3月15日
    sex_words: bool = False                                 # 男性 / 女性
    totals: bool = False                                    # a 合计 row under the data
    signatures: str | None = None                           # a 填表人/审核人 line; {submitted} = 填报日期


PLAIN = Form()
_SPACED = {"活动名称": " 活动名称 ", "村(社区)": "村（社区）", "参与人次": "参与人次（人次）",
           "培训学时": "培训学时（小时）", "经费(元)": "经费（元）", "媒体报道(篇)": "媒体报道（篇）"}
MESSY_ACTIVITY = {
    ("中小学", 2025, 1): Form(title="柳堡镇2025年第一季度科普活动统计表", totals=True,
                           signatures="填表人：王丽娟　　　审核人：张校长　　　填表日期：{submitted}"),
    ("农业站", 2024, 4): Form(headers=_SPACED, numbers_as_text=True, dates_as_text="dots"),
    ("劳动保障所", 2025, 2): Form(title="柳堡镇劳动保障所2025年第二季度科普活动统计表", headers=_SPACED,
                             numbers_as_text=True, dates_as_text="chinese", totals=True,
                             signatures="填表人：孙志强　　　审核人：葛所长"),
}
MESSY_SURVEY = {
    (2024, "科协"): Form(title="柳堡镇2024年公民科学素质调查数据（镇科协）",
                       headers={"年龄": "年龄（岁）", "村(社区)": "村（社区）", "总分": "总分（分）"},
                       dates_as_text="chinese", sex_words=True,
                       signatures="填表人：周海燕　　　审核人：科协副主席"),
}


def _is_blank(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _number_text(value) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{float(value):,.1f}"


def _date_text(day: dt.date, style: str) -> str:
    return f"{day.year}.{day.month}.{day.day}" if style == "dots" else f"{day.year}年{day.month}月{day.day}日"


class _Book:
    """An xlsxwriter workbook with fixed properties (byte-identical output) and the few formats used."""

    def __init__(self, path: Path, created: dt.datetime, author: str):
        self.book = xlsxwriter.Workbook(str(path), {"in_memory": True})
        self.book.set_properties({"created": created, "author": author, "company": "柳堡镇科学素质工作领导小组办公室"})
        self.head = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.title = self.book.add_format({"bold": True, "font_size": 14, "align": "center"})

    def put(self, ws, row: int, col: int, value, form: Form = PLAIN) -> None:
        """One cell: dates as Excel dates, numbers as numbers, unless the form writes them as text."""
        if _is_blank(value):
            return
        if isinstance(value, dt.date):
            if form.dates_as_text:
                ws.write_string(row, col, _date_text(value, form.dates_as_text))
            else:
                ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.date)
        elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            if form.numbers_as_text:
                ws.write_string(row, col, _number_text(value))
            else:
                ws.write_number(row, col, float(value))
        else:
            ws.write_string(row, col, str(value))

    def info(self, fields: list[tuple[str, object]]) -> None:
        """The 填报信息 sheet: two columns 字段 / 内容."""
        ws = self.book.add_worksheet("填报信息")
        ws.write_row(0, 0, ["字段", "内容"], self.head)
        for row, (name, value) in enumerate(fields, start=1):
            ws.write_string(row, 0, name)
            self.put(ws, row, 1, value)
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 20)

    def table(self, name: str, table: pd.DataFrame, form: Form = PLAIN) -> None:
        """A data sheet: optional title row, header, rows, optional 合计 row and signature line."""
        ws = self.book.add_worksheet(name)
        columns = list(table.columns)
        top = 0
        if form.title:
            ws.merge_range(0, 0, 0, len(columns) - 1, form.title, self.title)
            top = 1
        for col, column in enumerate(columns):
            ws.write_string(top, col, form.headers.get(column, column), self.head)
            ws.set_column(col, col, 26 if column in ("活动名称", "内容") else max(9, 2 * len(column) + 2))
        if form.sex_words and "性别" in table:
            table = table.assign(性别=table["性别"] + "性")
        for row, values in enumerate(table.itertuples(index=False), start=top + 1):
            for col, value in enumerate(values):
                self.put(ws, row, col, value, form)
        row = top + len(table) + 1
        if form.totals:
            ws.write_string(row, 0, "合计")
            for col, column in enumerate(columns):
                if column in ("参与人次", "培训学时", "经费(元)") and table[column].notna().any():
                    self.put(ws, row, col, float(pd.to_numeric(table[column]).sum()), form)
            row += 1
        if form.signatures:
            ws.write_string(row + 1, 0, form.signatures)
        ws.freeze_panes(top + 1, 0)

    def close(self) -> None:
        self.book.close()


def write_plan(path: Path, people: pd.DataFrame) -> Path:
    """Write the plan workbook (工作计划) with every sheet of DATA.md §3."""
    submitted = dt.date(2025, 12, 30)  # the office's latest update: milestone statuses as at year end
    book = _Book(path, dt.datetime.combine(submitted, dt.time(9, 0)), "周海燕")
    book.info([("报表类型", "工作计划"), ("填报单位", "镇科协"), ("填报日期", submitted)])
    for name, table in plan_sheets(people).items():
        book.table(name, table)
    book.close()
    return path


def _write_return(path: Path, kind: str, dept: str, period: list[tuple[str, int]], submitted: dt.date,
                  sheet: str, table: pd.DataFrame, form: Form) -> Path:
    name, phone = LIAISON[dept]
    book = _Book(path, dt.datetime.combine(submitted, dt.time(16, 30)), name)
    book.info([("报表类型", kind), ("填报单位", dept), *period, ("填报人", name), ("联系电话", phone),
               ("填报日期", submitted)])
    if form.signatures:
        form = replace(form, signatures=form.signatures.format(submitted=_date_text(submitted, "chinese")))
    book.table(sheet, table, form)
    book.close()
    return path


def write_demo(out_dir: Path) -> list[Path]:
    """Write the plan and every demo return into `out_dir` (earlier demo files there are replaced)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.glob("survey_*.xlsx"), *out_dir.glob("activity_*.xlsx"), *out_dir.glob("plan.xlsx")]:
        stale.unlink()
    people = population()
    paths = [write_plan(out_dir / "plan.xlsx", people)]
    for year in YEARS:
        rng = _rng("survey submitted", year)
        for dept, table in survey_year(year, people).items():
            submitted = LATE_SURVEYS.get((year, dept), dt.date(year + 1, 1, int(rng.integers(4, 16))))
            paths.append(_write_return(out_dir / f"survey_{year}_{dept}.xlsx", "科学素质调查", dept,
                                       [("调查年度", year)], submitted, "调查数据", table,
                                       MESSY_SURVEY.get((year, dept), PLAIN)))
    sizes = audience_sizes(people)
    for dept in ACTIVITIES:
        for year in YEARS:
            table = activity_year(dept, year, sizes)
            rng = _rng("activity submitted", dept, year)
            for quarter in range(1, 5):
                key = (dept, year, quarter)
                lag = LATE_ACTIVITY.get(key, int(rng.integers(1, DEADLINE_DAYS + 1)))
                if key in MISSING_RETURNS:
                    continue
                rows = table[table["季度"] == quarter][ACTIVITY_COLUMNS]
                if key == EXTRA_COLUMN:
                    rows = rows.assign(备注=["与县农技中心联合举办" if i % 4 == 0 else None for i in range(len(rows))])
                paths.append(_write_return(out_dir / f"activity_{year}Q{quarter}_{dept}.xlsx", "科普活动", dept,
                                           [("年度", year), ("季度", quarter)],
                                           quarter_bounds(year, quarter)[1] + dt.timedelta(days=lag),
                                           "活动明细", rows, MESSY_ACTIVITY.get(key, PLAIN)))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m etl.demo --out data/sample."""
    parser = argparse.ArgumentParser(prog="python -m etl.demo", description="写出柳堡镇演示数据（工作计划和各部门报表）")
    parser.add_argument("--out", type=Path, default=Path("data/sample"), help="输出文件夹（默认 data/sample）")
    args = parser.parse_args(argv)
    paths = write_demo(args.out)
    size = sum(p.stat().st_size for p in paths)
    print(f"已写出{len(paths)}个文件，共{size / 1024:,.0f} KB：{args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The one list of indicators: code, Chinese label, unit, family, definition, function, breakdowns.

Pages build their menus from it, the export walks it, and a test checks that every code of INDICATORS.md is
here with a definition.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from indicators import activity, plan, reporting, survey
from indicators.base import ADULT_LABEL, MIN_N

SURVEY_BY = (None, "城乡", "性别", "年龄段", "文化程度", "重点人群", "村(社区)")
ACTIVITY_BY = (None, "部门", "对应任务", "村(社区)", "目标人群", "活动类型")
UNIT_WORDS = {"share": "比例", "pp": "百分点", "count": "个", "person_times": "人次", "hours": "学时",
              "yuan": "元", "per_100": "人次/百人", "yuan_per_person": "元/人", "rank": "名次",
              "score": "分", "indicator_unit": "同指标单位"}


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it is called, what it means, how it is computed and how it can be broken down."""

    code: str
    label: str
    unit: str
    family: str
    definition: str
    function: Callable
    breakdowns: tuple = (None,)
    variants: tuple[dict, ...] = field(default_factory=lambda: ({},))

    def compute(self, con, as_of, by=None, **kwargs):
        """The indicator's DataFrame for one breakdown (None = whole town)."""
        return self.function(con, as_of, **({"by": by} if len(self.breakdowns) > 1 else {}), **kwargs)


QUARTER_AND_YEAR = ({"period": "quarter"}, {"period": "year"})

INDICATORS = (
    Indicator("literacy_rate", "具备科学素质的公民比例", "share", "科学素质",
              "调查总分达到“具备”线（默认70分）的受访者的加权比例。全镇及按城乡、性别、文化程度、村(社区)分组的数字"
              f"覆盖{ADULT_LABEL}居民，与全国调查口径一致；按年龄段、重点人群分组覆盖该组全部受访者。权重在各重点人群内按城乡×性别×年龄段事后分层，"
              f"置信区间为基于设计自由度的logit区间；样本不足{MIN_N}人的组标注“样本不足”。",
              survey.literacy_rate, SURVEY_BY),
    Indicator("literacy_tier_share", "科学素质等级分布", "share", "科学素质",
              "各等级的加权比例：高阶（≥85分）、具备（70–85分）、基本具备（55–70分）、较低（<55分），分数线取自工作计划的评分标准。"
              f"覆盖{ADULT_LABEL}居民。", survey.literacy_tier_share, (None, "城乡")),
    Indicator("urban_rural_gap", "城乡差距", "pp", "科学素质",
              f"城镇居民与农村居民（{ADULT_LABEL}）具备科学素质比例之差，单位为百分点；置信区间考虑了两组估计之间的协方差。"
              "与上一调查年度相比为负表示差距缩小。", survey.urban_rural_gap),
    Indicator("group_rank", "重点人群排名", "rank", "科学素质",
              f"各成年重点人群按具备科学素质比例从高到低的名次（1为最高）；规划目标是领导干部和公务员位居第一。样本不足{MIN_N}人的人群不排名。",
              survey.group_rank),
    Indicator("minor_interest_rate", "未成年人科学兴趣比例", "share", "科学素质",
              "18岁以下受访者中“科学兴趣”回答4或5（比较感兴趣、非常感兴趣）的加权比例。",
              survey.minor_interest_rate, (None, "性别", "城乡", "村(社区)")),
    Indicator("activity_count", "科普活动次数", "count", "科普活动与经费", "各部门科普活动季报中报送的活动条数，按季度或年度合计，可按部门、任务、村(社区)、目标人群和活动类型分组。",
              activity.activity_count, ACTIVITY_BY, QUARTER_AND_YEAR),
    Indicator("participants", "参与人次", "person_times", "科普活动与经费", "科普活动季报中“参与人次”之和（同一人多次参加按多人次计），可按部门、任务、村(社区)、目标人群和活动类型分组。",
              activity.participants, ACTIVITY_BY, QUARTER_AND_YEAR),
    Indicator("participation_per_100", "每百人参与人次", "per_100", "科普活动与经费",
              "参与人次 ÷ 目标人群人口 × 100；目标人群为其重点人群（给出村(社区)时为该村的该人群），社会公众与全镇按全部人口计。",
              activity.participation_per_100, (None, "目标人群", "村(社区)")),
    Indicator("training_hours", "培训学时", "hours", "科普活动与经费", "科普活动季报中“培训学时”之和，主要来自实用技术培训等培训类活动。",
              activity.training_hours, ACTIVITY_BY, QUARTER_AND_YEAR),
    Indicator("on_theme_share", "年度主题活动占比", "share", "科普活动与经费",
              "当年标注“年度主题=是”的活动 ÷ 当年全部活动。", activity.on_theme_share),
    Indicator("spend_yuan", "科普经费支出", "yuan", "科普活动与经费", "科普活动季报中“经费(元)”之和，包括财政所报送的经费拨付，单位为元。",
              activity.spend_yuan, ACTIVITY_BY, QUARTER_AND_YEAR),
    Indicator("budget_execution", "预算执行率", "share", "科普活动与经费",
              "当年经费支出 ÷ 当年预算（按任务或部门）。", activity.budget_execution, ("对应任务", "部门", None)),
    Indicator("spend_per_resident", "人均科普经费", "yuan_per_person", "科普活动与经费",
              "当年科普经费支出 ÷ 全镇人口（元/人）。全国人均科普专项经费：2012年3.31元，2022年5.30元。",
              activity.spend_per_resident),
    Indicator("milestone_completion", "里程碑完成率", "share", "计划与进度",
              "截至所选日期已完成的里程碑 ÷ 全部里程碑，按阶段、按任务。完成日期晚于所选日期的视为当时尚未完成。",
              plan.milestone_completion, (None, "阶段", "对应任务")),
    Indicator("milestones_overdue", "逾期里程碑", "count", "计划与进度",
              "截至所选日期仍未完成、且计划完成日期已过的里程碑个数。", plan.milestones_overdue),
    Indicator("phase_elapsed", "阶段时间进度", "share", "计划与进度",
              "所选日期时各阶段已过天数占该阶段总天数的比例，用来与里程碑完成率对照。", plan.phase_elapsed),
    Indicator("target_gap", "距目标差距", "indicator_unit", "计划与进度",
              "目标值 − 最新值（单位同该指标），以及在目标年度前每年还需变化多少才能达到目标。", plan.target_gap),
    Indicator("progress_status", "目标进展状态", "score", "计划与进度",
              "按联合国可持续发展目标数据平台（Open SDG）的方法，用基线以来的年均增长与达到目标所需的年均增长之比判断："
              "已达标、进度达标、需加快、进展有限、倒退；数据不足两年时为“数据不足”。目标年度结束后为最终状态：达到目标为“已达标”，"
              "否则为“未达标”。", plan.progress_status),
    Indicator("reporting_rate", "报送率", "share", "报送情况",
              "已收到的报表 ÷ 应报报表（上限100%）；应报为工作计划“部门”表中每个部门每季度应报的每类报表（调查每年一次，计入第4季度）。"
              "没有数据行的报表计为已收到，并标注“空报”。尚未收到、报送期限未到的报表为“未到期”，不计入；没有到期报表的季度不计算报送率。",
              reporting.reporting_rate, (None, "部门", "报表类型"),
              ({"period": "quarter"}, {"period": "year"})),
    Indicator("reporting_rate_on_time", "按时报送率", "share", "报送情况",
              "首次上传不晚于季度末加报送期限（天）的报表 ÷ 应报报表。", reporting.reporting_rate_on_time,
              (None, "部门", "报表类型"), ({"period": "quarter"}, {"period": "year"})),
)

BY_CODE = {i.code: i for i in INDICATORS}
FAMILIES = tuple(dict.fromkeys(i.family for i in INDICATORS))


def indicator(code: str) -> Indicator:
    """The registry entry of `code`."""
    return BY_CODE[code]

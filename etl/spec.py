"""The three workbook kinds of DATA.md, as data: sheets, columns, types, allowed values.

Everything a department may write is described here once; the reader, the validator, the templates and the
填报说明 sheet all read it. Values that depend on the plan (villages, groups, tasks, departments) are named by
`plan_values` and filled from the current plan at check time.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds: text, int, number, date, enum (fixed `allowed`), plan (allowed values from the plan).


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its Chinese header, English alias and what a cell may hold."""

    name: str
    alias: str
    kind: str = "text"
    required: bool = False
    allowed: tuple[str, ...] = ()
    plan_values: str | None = None
    extra_allowed: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    help: str = ""

    @property
    def field(self) -> str:
        return self.alias


@dataclass(frozen=True)
class Sheet:
    """One sheet: its Chinese name, English alias, columns, and whether every row is one record."""

    name: str
    alias: str
    columns: tuple[Column, ...]
    optional: bool = False

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


@dataclass(frozen=True)
class WorkbookKind:
    """A kind of workbook: the value of 报表类型, its 填报信息 fields and its data sheets."""

    code: str
    label: str
    info: tuple[Column, ...]
    sheets: tuple[Sheet, ...] = field(default_factory=tuple)

    def sheet(self, alias: str) -> Sheet:
        return next(s for s in self.sheets if s.alias == alias)


INFO_SHEET = Sheet("填报信息", "info", ())
EDUCATION = ("小学及以下", "初中", "高中(含中专)", "大专", "本科及以上")
ACTIVITY_KINDS = ("科普讲座", "专题展览", "科普竞赛", "实用技术培训", "科技周活动", "科普日活动",
                  "青少年科技活动", "科普宣传", "经费拨付", "其他")
AGE_BANDS = ("0–17", "18–29", "30–39", "40–49", "50–59", "60–69", "70+")
TIERS = ("高阶", "具备", "基本具备")
DEFAULT_THRESHOLDS = {"高阶": 85.0, "具备": 70.0, "基本具备": 55.0}
YES_NO = ("是", "否")
MILESTONE_STATES = ("未开始", "进行中", "已完成")
# Indicator codes a plan target may name (the indicator registry checks it knows each of them).
TARGET_CODES = ("literacy_rate", "urban_rural_gap", "minor_interest_rate", "participation_per_100",
                "activity_count", "participants", "training_hours", "on_theme_share", "spend_yuan",
                "budget_execution", "spend_per_resident", "milestone_completion", "reporting_rate",
                "reporting_rate_on_time")

_REPORTER = (Column("填报人", "reporter"), Column("联系电话", "phone"),
             Column("填报日期", "submitted_on", "date"))

SURVEY = WorkbookKind(
    "survey", "科学素质调查",
    info=(Column("报表类型", "report_type", required=True),
          Column("填报单位", "department", "plan", True, plan_values="departments"),
          Column("调查年度", "year", "int", True, min=2000, max=2100),
          Column("季度", "quarter", "int", min=1, max=4), *_REPORTER),
    sheets=(Sheet("调查数据", "responses", (
        Column("问卷编号", "respondent_id", "text", True, help="每份问卷一个编号，本表内不得重复"),
        Column("调查日期", "surveyed_on", "date", help="在调查年度之内"),
        Column("村(社区)", "village", "plan", True, plan_values="villages"),
        Column("城乡", "residence", "enum", True, ("城镇", "农村")),
        Column("性别", "sex", "enum", True, ("男", "女")),
        Column("年龄", "age", "int", True, min=6, max=100, help="周岁，6–100的整数"),
        Column("文化程度", "education", "enum", False, EDUCATION, help="18岁及以上必填"),
        Column("重点人群", "group", "plan", True, plan_values="groups"),
        Column("科学知识", "knowledge", "number", min=0, max=40, help="0–40分"),
        Column("科学方法", "method", "number", min=0, max=20, help="0–20分"),
        Column("科学精神与思想", "spirit", "number", min=0, max=20, help="0–20分"),
        Column("应用科学能力", "application", "number", min=0, max=20, help="0–20分"),
        Column("总分", "score", "number", min=0, max=100,
               help="0–100分；同时填写四个维度时须等于其和（误差±0.5）"),
        Column("科学兴趣", "interest", "int", min=1, max=5, help="1–5的整数，5为最感兴趣"),
        Column("权重", "weight", "number", min=0, help="大于0；不填则按人口结构事后分层加权"),
    )), Sheet("题库", "items", (
        Column("题号", "item", "text", True),
        Column("维度", "dimension", "enum", True, ("科学知识", "科学方法", "科学精神与思想", "应用科学能力")),
        Column("正确答案", "key", "text", True),
        Column("分值", "points", "number", True, min=0, max=100),
    ), optional=True)),
)

ACTIVITY = WorkbookKind(
    "activity", "科普活动",
    info=(Column("报表类型", "report_type", required=True),
          Column("填报单位", "department", "plan", True, plan_values="departments"),
          Column("年度", "year", "int", True, min=2000, max=2100),
          Column("季度", "quarter", "int", True, min=1, max=4), *_REPORTER),
    sheets=(Sheet("活动明细", "activities", (
        Column("活动编号", "activity_id", "text", help="本表内不得重复"),
        Column("活动名称", "name", "text", True),
        Column("活动类型", "kind", "enum", True, ACTIVITY_KINDS),
        Column("对应任务", "task", "plan", True, plan_values="tasks", help="任务编号1–7"),
        Column("开始日期", "start_on", "date", True, help="在报表季度之内"),
        Column("结束日期", "end_on", "date", help="不早于开始日期"),
        Column("村(社区)", "village", "plan", True, plan_values="villages", extra_allowed=("全镇",)),
        Column("目标人群", "audience", "plan", True, plan_values="groups", extra_allowed=("社会公众",)),
        Column("参与人次", "participants", "int", True, min=0),
        Column("培训学时", "training_hours", "number", min=0),
        Column("经费(元)", "cost_yuan", "number", min=0),
        Column("志愿者人数", "volunteers", "int", min=0),
        Column("媒体报道(篇)", "media_reports", "int", min=0),
        Column("年度主题", "on_theme", "enum", allowed=YES_NO),
        Column("佐证材料", "evidence", "text", help="签到表、照片、台账等"),
    )),),
)

PLAN = WorkbookKind(
    "plan", "工作计划",
    info=(Column("报表类型", "report_type", required=True),
          Column("填报单位", "department", "text", True), Column("填报日期", "submitted_on", "date")),
    sheets=(
        Sheet("阶段", "phases", (Column("阶段", "phase", "text", True),
                                Column("开始日期", "start_on", "date", True),
                                Column("结束日期", "end_on", "date", True))),
        Sheet("任务", "tasks", (Column("任务编号", "task", "int", True, min=1, max=99),
                              Column("任务名称", "task_name", "text", True),
                              Column("牵头部门", "lead_departments", "text", True, help="多个部门用逗号分隔"),
                              Column("责任单位", "responsible", "text"))),
        Sheet("部门", "departments", (
            Column("部门名称", "department", "text", True), Column("联络员", "liaison", "text"),
            Column("联系电话", "phone", "text"),
            Column("应报调查", "owes_survey", "enum", False, YES_NO),
            Column("应报活动", "owes_activity", "enum", False, YES_NO),
            Column("报送期限(天)", "deadline_days", "int", False, min=0, max=365, help="季度结束后天数，默认15"))),
        Sheet("村社区", "villages", (Column("村(社区)", "village", "text", True),
                                  Column("城乡", "residence", "enum", True, ("城镇", "农村")))),
        Sheet("人群", "groups", (Column("重点人群", "group", "text", True), Column("说明", "description"))),
        Sheet("里程碑", "milestones", (
            Column("编号", "milestone_id", "text", True), Column("阶段", "phase", "plan", True, plan_values="phases"),
            Column("任务编号", "task", "plan", False, plan_values="tasks"),
            Column("内容", "content", "text", True),
            Column("责任部门", "department", "plan", False, plan_values="departments"),
            Column("计划完成日期", "due_on", "date", True),
            Column("状态", "status", "enum", True, MILESTONE_STATES),
            Column("完成日期", "done_on", "date"), Column("佐证", "evidence", "text"))),
        Sheet("指标目标", "targets", (
            Column("指标代码", "code", "enum", True, TARGET_CODES),
            Column("人群", "population", "plan", True, plan_values="groups", extra_allowed=("全体", "城镇", "农村")),
            Column("基线年度", "base_year", "int", True, min=2000, max=2100),
            Column("基线值", "base_value", "number", True, help="比例填百分数（15表示15%），差距填百分点，金额填元"),
            Column("目标年度", "target_year", "int", True, min=2000, max=2100),
            Column("目标值", "target_value", "number", True, help="单位同基线值"),
            Column("方向", "direction", "enum", True, ("提高", "降低")))),
        Sheet("年度主题", "themes", (Column("年度", "year", "int", True, min=2000, max=2100),
                                  Column("主题", "theme", "text", True))),
        Sheet("人口", "population", (
            Column("村(社区)", "village", "plan", True, plan_values="villages"),
            Column("城乡", "residence", "enum", True, ("城镇", "农村")),
            Column("性别", "sex", "enum", True, ("男", "女")),
            Column("年龄段", "age_band", "enum", True, AGE_BANDS),
            Column("重点人群", "group", "plan", True, plan_values="groups"),
            Column("人口数", "population", "int", True, min=0))),
        Sheet("预算", "budget", (Column("年度", "year", "int", True, min=2000, max=2100),
                               Column("任务编号", "task", "plan", True, plan_values="tasks"),
                               Column("部门", "department", "plan", False, plan_values="departments"),
                               Column("预算金额(元)", "budget_yuan", "number", True, min=0))),
        Sheet("评分标准", "scoring", (Column("等级", "tier", "enum", True, TIERS),
                                  Column("最低总分", "min_score", "number", True, min=0, max=100)),
              optional=True),
        Sheet("题库", "items", SURVEY.sheet("items").columns, optional=True),
    ),
)

KINDS = {k.code: k for k in (SURVEY, ACTIVITY, PLAN)}
KIND_BY_LABEL = {k.label: k for k in KINDS.values()}

# Tolerated spellings of allowed values (each use is listed as a note on the receipt).
VALUE_ALIASES = {
    "男性": "男", "女性": "女", "城市": "城镇", "城区": "城镇", "乡村": "农村",
    "高中": "高中(含中专)", "中专": "高中(含中专)", "高中/中专": "高中(含中专)", "小学": "小学及以下",
    "本科": "本科及以上", "研究生": "本科及以上", "Y": "是", "N": "否", "y": "是", "n": "否",
    "70岁及以上": "70+", "70及以上": "70+", "0-17": "0–17", "18-29": "18–29", "30-39": "30–39",
    "40-49": "40–49", "50-59": "50–59", "60-69": "60–69",
}

SCORE_DIMENSIONS = ("knowledge", "method", "spirit", "application")
DIMENSION_LABELS = {"科学知识": "knowledge", "科学方法": "method", "科学精神与思想": "spirit",
                    "应用科学能力": "application"}

# Target codes whose values are shares: the plan writes them as percents (15 = 15%), the database as fractions.
SHARE_CODES = ("literacy_rate", "minor_interest_rate", "on_theme_share", "budget_execution",
               "milestone_completion", "reporting_rate", "reporting_rate_on_time")

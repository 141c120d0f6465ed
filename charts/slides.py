"""The slides of 汇报模式, built from the indicator DataFrames (pure, testable).

Each builder returns a `Slide` — (title, big number text, status code or None, one sentence, figure or None)
— or None when its data is missing, so that the deck skips it. `EvaluationData` holds everything the deck and
the hand-out report (charts/report.py) read, all at one as-of date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from charts import figures, fmt, palette, sentences
from charts.present_figs import label_ends, ranked_bars, recent_reporting_grid, status_counts, time_window
from charts.targets import headline_target

ON_TRACK = ("target_achieved", "substantial_progress")
CADRE_WORDS = ("领导干部", "公务员")  # the plan's aim: this group first among the adult key groups
NO_PLAN = ("还没有数据。请先在“数据上报”页上传工作计划工作簿（含阶段、任务、部门、村社区、人群、人口等），"
           "再上传各部门的科学素质调查表和科普活动季报。")


class Slide(NamedTuple):
    """One screen: a title, the number, its status code (palette.STATUS) or None, one sentence, a figure."""

    title: str
    big: str
    status: str | None
    sentence: str
    figure: go.Figure | None


def _frame() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass
class EvaluationData:
    """Every input of the deck and the report at one as-of date (indicator frames as the indicators return them).

    labels: indicator code → (Chinese label, unit code, definition), from indicators/registry.py.
    """

    as_of: dt.date
    town: str
    has_plan: bool = True
    has_returns: bool = True
    phase: str | None = None
    phase_state: dict = field(default_factory=dict)                 # indicators.plan.phase_state
    phases: pd.DataFrame = field(default_factory=_frame)            # 阶段, start_on, end_on
    phase_elapsed: pd.DataFrame = field(default_factory=_frame)     # phase_elapsed
    completion: pd.DataFrame = field(default_factory=_frame)        # milestone_completion by 阶段
    milestones: pd.DataFrame = field(default_factory=_frame)        # the milestones query
    rate: pd.DataFrame = field(default_factory=_frame)              # literacy_rate, whole town
    gap: pd.DataFrame = field(default_factory=_frame)               # urban_rural_gap
    group_rates: pd.DataFrame = field(default_factory=_frame)       # literacy_rate by 重点人群
    group_rank: pd.DataFrame = field(default_factory=_frame)        # group_rank
    minor_interest: pd.DataFrame = field(default_factory=_frame)    # minor_interest_rate
    progress: pd.DataFrame = field(default_factory=_frame)          # progress_status
    activities: pd.DataFrame = field(default_factory=_frame)        # activity_count per year
    participants: pd.DataFrame = field(default_factory=_frame)      # participants per year
    training_hours: pd.DataFrame = field(default_factory=_frame)    # training_hours per year
    participants_by_kind: pd.DataFrame = field(default_factory=_frame)  # participants per year by 活动类型
    budget: pd.DataFrame = field(default_factory=_frame)            # budget_execution, whole town
    spend_per_resident: pd.DataFrame = field(default_factory=_frame)
    reporting: pd.DataFrame = field(default_factory=_frame)         # reporting_rate per quarter
    reporting_on_time: pd.DataFrame = field(default_factory=_frame)
    reporting_grid: pd.DataFrame = field(default_factory=_frame)    # the reporting_grid query
    reporting_quarter: object = None  # the reporting_quarter query: indicators.period.ReportingQuarter
    weighting: pd.DataFrame = field(default_factory=_frame)         # the weighting query
    labels: dict = field(default_factory=dict)


def empty(df: pd.DataFrame | None) -> bool:
    """True when a frame has no rows."""
    return df is None or len(df) == 0


def latest(df: pd.DataFrame) -> pd.Series | None:
    """The row of the latest period (None for an empty frame)."""
    return None if empty(df) else df.sort_values("period", key=lambda p: p.astype(str)).iloc[-1]


def target(d: EvaluationData, code: str, population: str = "全体", year=None) -> pd.Series | None:
    """The target row to judge a figure by (the first target year not before `year`), or None."""
    if empty(d.progress):
        return None
    return headline_target(d.progress, code, population, None if year is None else int(year))


def _status(row: pd.Series | None) -> str | None:
    return None if row is None else row["status"]


def value_text(value, unit: str) -> str:
    """An indicator value in its unit as a user reads it (share → 12.9%, pp → 7.2个百分点, 元/人 …)."""
    if fmt.is_missing(value):
        return fmt.MISSING
    return {
        "share": lambda v: fmt.share(v), "pp": lambda v: fmt.pp(v),
        "yuan_per_person": lambda v: fmt.money(v) + "/人", "yuan": lambda v: fmt.money(v),
        "person_times": lambda v: fmt.count(v), "count": lambda v: fmt.count(v, "个"),
        "hours": lambda v: fmt.count(v, "学时"), "rank": lambda v: f"第{int(v)}名",
        "per_100": lambda v: fmt.number(v, 1) + "人次/百人",
    }.get(unit, lambda v: fmt.number(v, 2))(value)


def evaluation_kind(d: EvaluationData) -> str:
    """'中期评估', '终期评估' (in the plan's last phase) or '工作进展' (in its first, or without phases)."""
    names = [] if empty(d.phases) else list(d.phases["阶段"])
    if d.phase not in names:
        return "工作进展"
    at = names.index(d.phase)
    if at == len(names) - 1 and len(names) > 1:
        return "终期评估"
    return "工作进展" if at == 0 and len(names) >= 3 else "中期评估"


def _fig(fig: go.Figure) -> go.Figure:
    """The projector copy of a figure (text ≥ 24 px)."""
    return figures.projector(fig)


# ---- the slides --------------------------------------------------------------------------------------------

def title_slide(d: EvaluationData) -> Slide:
    """1: the opening: the town rate with its interval and target status, then the plan phase and the date."""
    text = f"{fmt.as_of(d.as_of)}，"
    state = d.phase_state or {}
    if d.phase and state.get("is_plan_ended"):
        text += (f"{fmt.PLAN_ENDED}（最后为{d.phase}，{fmt.date(state['start_on'])}至{fmt.date(state['end_on'])}）。")
    elif d.phase and state:
        text += f"全镇处于{d.phase}（{fmt.date(state['start_on'])}至{fmt.date(state['end_on'])}）"
        text += "，本阶段尚未开始。" if state["state"] == "before" else f"，本阶段时间已过{fmt.share(state['elapsed'])}。"
    else:
        text += "工作计划中没有阶段安排。"
    if not d.has_returns:
        text += "尚未收到任何部门的报表。"
    title = f"{d.town}全民科学素质行动{evaluation_kind(d)}"
    last = latest(d.rate)
    if last is None:
        return Slide(title, fmt.PLAN_ENDED if state.get("is_plan_ended") else d.phase or "—", None, text, None)
    goal = target(d, "literacy_rate", "全体", last["period"])
    return Slide(title, fmt.share_ci(last["value"], last["ci_low"], last["ci_high"], named=False), _status(goal),
                 f"全镇具备科学素质的居民比例（{fmt.year(last['period'])}，{fmt.ADULTS}，括号内为95%置信区间）。"
                 + sentences.rate_sentence(d.rate, "全镇居民", goal) + text, None)


def literacy_slide(d: EvaluationData) -> Slide | None:
    """2: the town's literacy rate with its interval, its target status and the trend."""
    last = latest(d.rate)
    if last is None:
        return None
    goal = target(d, "literacy_rate", "全体", last["period"])
    goals = {} if goal is None else {int(goal["period"]): goal["target_value"]}  # one line: the target in view
    phases = None if empty(d.phases) else d.phases
    fig = time_window(label_ends(figures.rate_trend(d.rate, targets=goals, as_of=d.as_of, phases=phases)),
                      d.rate["period"], d.as_of, phases)
    return Slide(f"全镇具备科学素质的居民比例（{fmt.year(last['period'])}）",
                 fmt.share_ci(last["value"], last["ci_low"], last["ci_high"], named=False), _status(goal),
                 sentences.rate_sentence(d.rate, "全镇居民", goal), _fig(fig))


def gap_slide(d: EvaluationData) -> Slide | None:
    """3: the urban–rural gap and whether it narrowed."""
    last = latest(d.gap)
    if last is None:
        return None
    goal = target(d, "urban_rural_gap", "全体", last["period"])
    fig = _fig(figures.gap_trend(d.gap))
    # Only the latest value is labelled ("6.8个百分点" at 24 px is wider than a year's step), with room for it.
    for trace in fig.data:
        trace.text = [""] * (len(trace.x) - 1) + [trace.text[-1]]
    fig.update_xaxes(range=[-0.5, len(d.gap) - 0.5 + 1.6])
    return Slide(f"城乡差距（{fmt.year(last['period'])}，城镇−农村）", fmt.pp(last["value"]), _status(goal),
                 sentences.gap_sentence(d.gap), fig)


def cadre_group(ranks: pd.DataFrame) -> str | None:
    """The plan's cadre group among the ranked groups (领导干部和公务员 by default), or None."""
    names = [] if empty(ranks) else list(dict.fromkeys(ranks["重点人群"]))
    return next((g for g in names if any(w in str(g) for w in CADRE_WORDS)), None)


def group_row(ranks: pd.DataFrame, group: str) -> tuple[str, pd.Series]:
    """The latest survey year with the group in it, and the group's row of that year."""
    year = ranks.loc[ranks["重点人群"] == group, "period"].max()
    return year, ranks[(ranks["period"] == year) & (ranks["重点人群"] == group)].iloc[0]


def group_sentence(ranks: pd.DataFrame, group: str) -> str:
    """'2023年领导干部和公务员具备科学素质比例为27.4%，在4个成年重点人群中居第1位，位居前列的目标已实现。'"""
    year, row = group_row(ranks, group)
    rows = ranks[ranks["period"] == year]
    text = f"{fmt.year(year)}{group}具备科学素质比例为{fmt.share(row['rate'])}"
    if fmt.is_missing(row["value"]):
        return text + f"，{fmt.small_sample(row['n'])}，不参与排名。"
    ranked = int(rows["value"].notna().sum())
    text += f"，在{ranked}个成年重点人群中居第{int(row['value'])}位"
    return text + ("，位居前列的目标已实现。" if int(row["value"]) == 1 else "，尚未位居第一。")


def groups_slide(d: EvaluationData) -> Slide | None:
    """4: the key groups: the cadres' rank (group_rank) and every adult group's rate."""
    group = cadre_group(d.group_rank)
    if group is None:
        return None
    year, row = group_row(d.group_rank, group)
    big = "未排名" if fmt.is_missing(row["value"]) else f"第{int(row['value'])}名"
    adults = set(d.group_rank.loc[d.group_rank["period"] == year, "重点人群"])
    rates = d.group_rates[(d.group_rates["period"] == year) & d.group_rates["重点人群"].isin(adults)] \
        if not empty(d.group_rates) else d.group_rates
    fig = None if empty(rates) else _fig(figures.rate_bars(rates, "重点人群"))
    return Slide(f"重点人群：{group}的排名（{fmt.year(year)}）", big,
                 _status(target(d, "group_rank", group, year)), group_sentence(d.group_rank, group), fig)


def interest_sentence(df: pd.DataFrame, goal: pd.Series | None) -> str:
    """'2023年未成年人对科学感兴趣的比例为52.6%，较上年提高4.0个百分点；已达到2023年目标52.0%。'"""
    # rate_sentence says "具备科学素质比例"; the wording differs, the arithmetic (shown figures) is the same.
    text = sentences.rate_sentence(df, "未成年人", goal)
    return text.replace("未成年人具备科学素质比例", "未成年人对科学感兴趣（4–5分）的比例", 1)


def minors_slide(d: EvaluationData) -> Slide | None:
    """5: minors' interest in science with its interval, target status and trend."""
    last = latest(d.minor_interest)
    if last is None:
        return None
    goal = target(d, "minor_interest_rate", "未成年人", last["period"])
    goals = {} if goal is None else {int(goal["period"]): goal["target_value"]}
    phases = None if empty(d.phases) else d.phases
    fig = time_window(label_ends(figures.rate_trend(d.minor_interest, targets=goals, as_of=d.as_of,
                                                    phases=phases)), d.minor_interest["period"], d.as_of, phases)
    return Slide(f"未成年人对科学感兴趣的比例（{fmt.year(last['period'])}）",
                 fmt.share_ci(last["value"], last["ci_low"], last["ci_high"], named=False), _status(goal),
                 interest_sentence(d.minor_interest, goal), _fig(fig))


def overdue(d: EvaluationData) -> pd.DataFrame:
    """Milestones not done whose due date has passed at the as-of date."""
    if empty(d.milestones):
        return d.milestones
    return d.milestones[d.milestones["is_overdue"].fillna(False).astype(bool)]


def phase_slide(d: EvaluationData) -> Slide | None:
    """6: the phase timeline: milestone completion of the current phase against the time gone by."""
    if empty(d.phases) or d.phase is None:
        return None
    done = d.completion.set_index("阶段")["value"].get(d.phase) if not empty(d.completion) else None
    gone = d.phase_elapsed.set_index("阶段")["value"].get(d.phase) if not empty(d.phase_elapsed) else None
    text = sentences.phase_sentence(d.phase, done, gone, ended=bool((d.phase_state or {}).get("is_plan_ended")))
    late = overdue(d)
    text = text[:-1] + (f"；逾期里程碑{len(late)}项。" if len(late) else "；没有逾期的里程碑。")
    ms = None if empty(d.milestones) else d.milestones.rename(columns={"status_as_of": "状态"})
    title = None if ms is None else (f"全部里程碑完成{int(ms['is_done'].sum())}/{len(ms)}项，"
                                     + (f"逾期{len(late)}项" if len(late) else "无逾期"))
    fig = _fig(figures.phase_timeline(d.phases, ms, d.as_of, title=title))
    time_window(fig, [], d.as_of, d.phases)
    fig.update_xaxes(tickformat="%Y年", dtick="M12")  # one tick a year stays level on a half screen
    # Two legend entries a row above the plot, named short ("已完成 21项": the marker shows the sign); the
    # date is on the slide beside the chart, so the dotted line keeps no label to collide with the legend.
    for trace in fig.data:
        if trace.type == "scatter" and trace.name:
            trace.name = trace.name.split(" ", 1)[-1].replace("（", " ").replace("）", "")
    fig.update_layout(legend=dict(orientation="h", entrywidth=0.5, entrywidthmode="fraction", x=0,
                                  xanchor="left", y=1.02, yanchor="bottom", font=dict(size=22)))
    fig.update_annotations(selector=dict(text=fmt.as_of(d.as_of)), visible=False)
    return Slide(f"{d.phase}：里程碑完成率", fmt.share(done), None, text, fig)


def quarters_ended(year: int, as_of: dt.date) -> int:
    """How many quarters of `year` had ended by the as-of date (0–4)."""
    ends = [pd.Timestamp(year, 3 * q, 1) + pd.offsets.MonthEnd(0) for q in range(1, 5)]
    return sum(e.date() <= as_of for e in ends)


def year_label(year, as_of: dt.date) -> str:
    """'2023年', or '2024年第1–2季度' for a year not yet over at the as-of date."""
    done = quarters_ended(int(year), as_of)
    if done >= 4:
        return fmt.year(year)
    return f"{fmt.year(year)}第1季度" if done == 1 else f"{fmt.year(year)}第1–{done}季度"


def percent_change(now, before) -> str:
    """'增加6.4%' / '减少2.0%' / '持平' between two amounts."""
    if fmt.is_missing(now) or fmt.is_missing(before) or float(before) == 0:
        return fmt.MISSING
    change = float(now) / float(before) - 1
    shown = fmt.share(abs(change))
    return "持平" if shown == "0.0%" else ("增加" if change > 0 else "减少") + shown


def activity_sentence(d: EvaluationData) -> str:
    """'2023年共开展科普活动416次，参与3.8万人次，培训1,250学时；参与人次比上年增加6.4%。'"""
    last = latest(d.participants)
    year = str(last["period"])
    count = d.activities.set_index("period")["value"].get(year) if not empty(d.activities) else None
    hours = d.training_hours.set_index("period")["value"].get(year) if not empty(d.training_hours) else None
    text = f"{year_label(year, d.as_of)}共开展科普活动{fmt.count(count, '次')}，参与{fmt.count(last['value'])}"
    if not fmt.is_missing(hours) and hours:
        text += f"，培训{fmt.count(hours, '学时')}"
    before = d.participants.set_index("period")["value"].get(str(int(year) - 1))
    if quarters_ended(int(year), d.as_of) >= 4 and not fmt.is_missing(before):
        text += f"；参与人次比上年{percent_change(last['value'], before)}"
    return text + "。"


def activity_slide(d: EvaluationData) -> Slide | None:
    """7: activities and participants of the latest year, by kind of activity."""
    last = latest(d.participants)
    if last is None:
        return None
    year = str(last["period"])
    kinds = d.participants_by_kind
    rows = kinds[kinds["period"].astype(str) == year] if not empty(kinds) else kinds
    fig = None if empty(rows) else _fig(ranked_bars(rows, "活动类型", unit="人次", label="参与人次"))
    return Slide(f"科普活动参与人次（{year_label(year, d.as_of)}）", fmt.count(last["value"]), None,
                 activity_sentence(d), fig)


def budget_slide(d: EvaluationData) -> Slide | None:
    """8: budget execution of the latest year and spending per resident (with its target status)."""
    last, per = latest(d.budget), latest(d.spend_per_resident)
    if last is None and per is None:
        return None
    year = (last if last is not None else per)["period"]
    text = sentences.budget_sentence(None if last is None else last["spend_yuan"],
                                     None if last is None else last["budget_yuan"], str(year))
    if per is not None and str(per["period"]) == str(year):
        text = text[:-1] + f"；人均科普经费{fmt.money(per['value'])}。"
    big = fmt.money(per["value"]) + "/人" if per is not None else fmt.share(last["value"])
    goal = target(d, "spend_per_resident", "全体", year) if per is not None else None
    fig = None
    if not empty(d.budget):
        years = d.budget.sort_values("period")
        spent, planned = years["spend_yuan"].sum(), years["budget_yuan"].sum()
        span = f"{fmt.year(years['period'].iloc[0])}" + (
            "" if len(years) == 1 else f"至{fmt.year(years['period'].iloc[-1])}")
        title = f"{span}累计支出{fmt.money(spent)}" + (f"，执行率{fmt.share(spent / planned)}" if planned else "")
        fig = _fig(figures.budget_vs_spend(years[["period", "budget_yuan", "spend_yuan"]], title=title, by="period"))
    return Slide(f"经费投入：人均科普经费（{year_label(year, d.as_of)}）", big, _status(goal), text, fig)


def reporting_slide(d: EvaluationData) -> Slide | None:
    """9: the reporting rate of the quarter shown at the as-of date (indicators.period) and who has not reported."""
    q = d.reporting_quarter
    if q is None or q.quarter is None:
        return None
    fig = None
    if not empty(d.reporting_grid):
        fig = _fig(recent_reporting_grid(d.reporting_grid))
        # "2025年<br>第3季度": two short lines stay level where one long label would be turned on its side.
        fig.update_xaxes(ticktext=[t.replace("年", "年<br>", 1) for t in fig.layout.xaxis.categoryarray],
                         tickvals=list(fig.layout.xaxis.categoryarray))
    return Slide(f"报送率（{fmt.quarter(q.quarter)}）", fmt.share(q.rate), None,
                 sentences.reporting_sentence(q.rate, q.on_time_rate, q.missing_departments, q.quarter), fig)


def status_sentence(progress: pd.DataFrame) -> str:
    """'按截至…的数据评估14项目标：已达标5项、进度达标4项、需加快3项、倒退2项。'"""
    tally = progress["status"].fillna("not_available").value_counts()
    parts = [f"{palette.status(c).word}{int(tally[c])}项" for c in palette.STATUS if tally.get(c, 0)]
    several = progress.groupby(["指标代码", "人群"]).size().max() > 1 if {"指标代码", "人群"} <= set(progress) else False
    return f"评估{len(progress)}项目标{'（含中期和期末目标）' if several else ''}：" + "、".join(parts) + "。"


def status_slide(d: EvaluationData) -> Slide | None:
    """10: the progress status of every target, counted per status word."""
    if empty(d.progress):
        return None
    good = int(d.progress["status"].isin(ON_TRACK).sum())
    return Slide("目标进展：已达标或进度达标的目标", f"{good}/{len(d.progress)}项", None,
                 status_sentence(d.progress), _fig(status_counts(d.progress)))


BUILDERS = (title_slide, literacy_slide, gap_slide, groups_slide, minors_slide, phase_slide, activity_slide,
            budget_slide, reporting_slide, status_slide)


def build_slides(d: EvaluationData) -> list[Slide]:
    """The deck for the as-of date: the slides whose data are present, in order (one that says what to
    upload on a warehouse without a plan)."""
    if not d.has_plan:
        return [empty_slide()]
    return [s for s in (build(d) for build in BUILDERS) if s is not None]


def empty_slide() -> Slide:
    """The only slide of an empty warehouse: what to upload first."""
    return Slide("汇报模式：尚无数据", "请先上传工作计划", None, NO_PLAN, None)

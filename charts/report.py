"""The evaluation report to hand out: one self-contained HTML page (no network, no script), print-ready on A4.

Pure: `report_html(EvaluationData)` → text. The sections here are data (headings, paragraphs, tables of text);
the markup is templates/report.html.j2, rendered by Jinja2 with autoescape, so every text from a workbook (a
milestone, a department, a liaison) reaches the page escaped. Tables, not plotly charts — plotly.js inline would
weigh ~5 MB and prints poorly; rates carry a small CSS bar with their interval instead. Every number goes through
fmt, every status through palette (word and colour, never an English code).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import jinja2
import pandas as pd

from charts import fmt, palette
from charts.slides import (EvaluationData, build_slides, cadre_group, empty, evaluation_kind, group_row, latest,
                           overdue, target, value_text, year_label)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                          lstrip_blocks=True)


class Badge(NamedTuple):
    """A progress status in a cell: its icon and word on its colour."""
    label: str
    colour: str
    text_colour: str
    kind: str = "badge"


class Bar(NamedTuple):
    """A share as a small bar, with its 95% interval as a whisker (CSS lengths)."""
    fill: str
    ci_left: str | None
    ci_width: str | None
    kind: str = "bar"


def _text(x):
    return x if isinstance(x, (Badge, Bar)) else fmt.MISSING if fmt.is_missing(x) else str(x)


def _table(headers: list[str], rows: list[list], numeric: tuple[int, ...] = ()) -> dict:
    return {"kind": "table", "headers": [_text(h) for h in headers], "numeric": list(numeric),
            "rows": [[_text(c) for c in r] for r in rows]}


def _h2(text: str) -> dict:
    return {"kind": "h2", "text": text}


def _h3(text: str, late: bool = False) -> dict:
    return {"kind": "h3", "text": text, "late": late}


def _p(text: str, cls: str = "") -> dict:
    return {"kind": "p", "text": text, "cls": cls}


def badge(code: str | None) -> Badge:
    """A progress status as its icon and word on its colour."""
    s = palette.status(code)
    return Badge(s.label, s.colour, palette.text_on(s.colour))


def share_bar(value, low, high, top: float) -> Bar | str:
    """A small bar of a share with its 95% interval as a whisker, on a scale ending at `top`."""
    if fmt.is_missing(value) or not top:
        return ""
    pos = lambda x: f"{min(max(float(x) / top, 0), 1) * 100:.1f}%"  # noqa: E731
    if fmt.is_missing(low) or fmt.is_missing(high):
        return Bar(pos(value), None, None)
    return Bar(pos(value), pos(low), f"calc({pos(high)} - {pos(low)})")


def _ci(row) -> str:
    return fmt.MISSING if fmt.is_missing(row.get("ci_low")) else f"{fmt.share(row['ci_low'])}–{fmt.share(row['ci_high'])}"


def _n(row) -> str:
    return fmt.MISSING if fmt.is_missing(row.get("n")) else fmt.count(row["n"], "人")


def _label(d: EvaluationData, code: str) -> tuple[str, str]:
    label, unit, _ = d.labels.get(code, ("未登记的指标", "", ""))
    return label, unit


def report_title(d: EvaluationData) -> str:
    """'柳堡镇科学素质工作中期评估报告（截至2023年12月31日）'."""
    return f"{d.town}科学素质工作{evaluation_kind(d)}报告（{fmt.as_of(d.as_of)}）"


# ---- sections ----------------------------------------------------------------------------------------------

def _headline(d: EvaluationData, deck: list | None) -> list[dict]:
    rows = []
    last = latest(d.rate)
    if last is not None:
        goal = target(d, "literacy_rate", "全体", last["period"])
        rows.append([f"全镇具备科学素质的居民比例（{fmt.year(last['period'])}，{fmt.ADULTS}）",
                     fmt.share_ci(last["value"], last["ci_low"], last["ci_high"]), _n(last), *_goal(d, goal)])
    gap = latest(d.gap)
    if gap is not None:
        goal = target(d, "urban_rural_gap", "全体", gap["period"])
        rows.append([f"城乡差距（{fmt.year(gap['period'])}，城镇−农村）",
                     f"{fmt.pp(gap['value'])}（95%置信区间 {fmt.round_half_up(gap['ci_low'])}至"
                     f"{fmt.pp(gap['ci_high'])}）", _n(gap), *_goal(d, goal)])
    minor = latest(d.minor_interest)
    if minor is not None:
        goal = target(d, "minor_interest_rate", "未成年人", minor["period"])
        rows.append([f"未成年人对科学感兴趣的比例（{fmt.year(minor['period'])}）",
                     fmt.share_ci(minor["value"], minor["ci_low"], minor["ci_high"]), _n(minor), *_goal(d, goal)])
    group = cadre_group(d.group_rank)
    if group is not None:
        year, r = group_row(d.group_rank, group)
        rank = "未排名" if fmt.is_missing(r["value"]) else f"第{int(r['value'])}名"
        rows.append([f"{group}在成年重点人群中的排名（{fmt.year(year)}）", f"{rank}（比例{fmt.share(r['rate'])}）",
                     _n(r), "位居前列", ""])
    per = latest(d.spend_per_resident)
    if per is not None:
        goal = target(d, "spend_per_resident", "全体", per["period"])
        rows.append([f"人均科普经费（{year_label(per['period'], d.as_of)}）", value_text(per["value"], "yuan_per_person"),
                     "", *_goal(d, goal)])
    q = d.reporting_quarter
    if q is not None and q.quarter is not None:
        rows.append([f"报送率（{fmt.quarter(q.quarter)}）", f"{fmt.share(q.rate)}，按时{fmt.share(q.on_time_rate)}",
                     f"应报{fmt.count(q.n, '份')}", "", ""])
    points = [(s.title, s.sentence) for s in (build_slides(d) if deck is None else deck)[1:]]
    return [_h2("一、主要数字"),
            _table(["指标", "最新值", "样本", "目标", "进展状态"], rows) if rows else _p("尚无调查和活动数据。"),
            _h3("要点"), {"kind": "points", "entries": points}]


def _goal(d: EvaluationData, goal) -> list:
    if goal is None:
        return ["未设目标", ""]
    _, unit = _label(d, goal["指标代码"])
    return [f"{fmt.year(goal['period'])}{goal['direction']}至{value_text(goal['target_value'], unit)}",
            badge(goal["status"])]


def _progress(d: EvaluationData) -> list[dict]:
    if empty(d.progress):
        return [_h2("二、目标进展"), _p("工作计划中没有指标目标。")]
    rows = []
    for _, r in d.progress.iterrows():
        label, unit = _label(d, r["指标代码"])
        rows.append([label, r["人群"], f"{value_text(r['base_value'], unit)}（{fmt.year(r['base_year'])}）",
                     fmt.MISSING if fmt.is_missing(r["newest_year"]) else
                     f"{value_text(r['newest_value'], unit)}（{fmt.year(r['newest_year'])}）",
                     f"{value_text(r['target_value'], unit)}（{fmt.year(r['period'])}，{r['direction']}）",
                     badge(r["status"])])
    tally = d.progress["status"].fillna("not_available").value_counts()
    summary = "、".join(f"{palette.status(c).word}{int(tally[c])}项" for c in palette.STATUS if tally.get(c, 0))
    return [_h2("二、目标进展"), _p(f"工作计划共{len(d.progress)}项指标目标，按截至日期的数据评估：{summary}。"),
            _table(["指标", "人群", "基线（年度）", "最新值（年度）", "目标（年度，方向）", "进展状态"], rows),
            _p("进展状态按联合国可持续发展目标数据平台（Open SDG）的方法判断：以基线以来的年均增长与达到目标所需的"
               "年均增长之比衡量；已达到目标值为“已达标”；数据不足两年为“数据不足”；目标年度结束后为最终状态："
               "达到目标为“已达标”，否则为“未达标”。", "note")]


def _literacy(d: EvaluationData) -> list[dict]:
    parts = [_h2("三、科学素质")]
    if empty(d.rate):
        return parts + [_p("尚无调查数据。")]
    top = max(float(d.rate["ci_high"].max()), float(d.rate["value"].max())) * 1.1
    parts += [_h3(f"全镇具备科学素质的居民比例（{fmt.ADULTS}）"), _table(
        ["年度", "比例", "95%置信区间", "样本量", "示意（含置信区间）"],
        [[fmt.year(r["period"]), fmt.share(r["value"]), _ci(r), _n(r), share_bar(r["value"], r["ci_low"], r["ci_high"], top)]
         for _, r in d.rate.iterrows()], numeric=(1, 3))]
    if not empty(d.gap):
        parts += [_h3("城乡差距（城镇−农村）"), _table(
            ["年度", "差距", "95%置信区间", "较上年"],
            [[fmt.year(r["period"]), fmt.pp(r["value"]),
              f"{fmt.round_half_up(r['ci_low'])}至{fmt.pp(r['ci_high'])}",
              fmt.gap_change(r["change_pp"], "") if not fmt.is_missing(r.get("change_pp")) else "—"]
             for _, r in d.gap.iterrows()], numeric=(1,))]
    if not empty(d.group_rank):
        year = d.group_rank["period"].max()
        rows = d.group_rank[d.group_rank["period"] == year]
        rates = d.group_rates[d.group_rates["period"] == year].set_index("重点人群") if not empty(d.group_rates) else None
        top = 1.1 * max(float(rates["ci_high"].max()), float(rates["value"].max())) if rates is not None else 0
        parts += [_h3(f"成年重点人群（{fmt.year(year)}）"), _table(
            ["重点人群", "比例", "95%置信区间", "样本量", "名次", "示意"],
            [[r["重点人群"], fmt.share(r["rate"]), _ci(rates.loc[r["重点人群"]]) if rates is not None else "—", _n(r),
              "未排名（" + fmt.small_sample(r["n"]) + "）" if fmt.is_missing(r["value"]) else f"第{int(r['value'])}名",
              share_bar(r["rate"], *(rates.loc[r["重点人群"], ["ci_low", "ci_high"]] if rates is not None else (None, None)), top)]
             for _, r in rows.iterrows()], numeric=(1, 3))]
    if not empty(d.minor_interest):
        parts += [_h3("未成年人对科学感兴趣（4–5分）的比例"), _table(
            ["年度", "比例", "95%置信区间", "样本量"],
            [[fmt.year(r["period"]), fmt.share(r["value"]), _ci(r), _n(r)] for _, r in d.minor_interest.iterrows()],
            numeric=(1, 3))]
    return parts


def _plan(d: EvaluationData) -> list[dict]:
    parts = [_h2("四、阶段与里程碑")]
    if empty(d.phases):
        return parts + [_p("工作计划中没有阶段安排。")]
    gone = d.phase_elapsed.set_index("阶段")["value"] if not empty(d.phase_elapsed) else pd.Series(dtype=float)
    done = d.completion.set_index("阶段") if not empty(d.completion) else None
    ended = bool((d.phase_state or {}).get("is_plan_ended"))
    rows = [[p["阶段"] + ("（当前）" if p["阶段"] == d.phase and not ended else ""), f"{fmt.date(p['start_on'])}至{fmt.date(p['end_on'])}",
             fmt.share(gone.get(p["阶段"])),
             "—" if done is None or p["阶段"] not in done.index else
             f"{int(done.loc[p['阶段'], 'done'])}/{int(done.loc[p['阶段'], 'n'])}项（{fmt.share(done.loc[p['阶段'], 'value'])}）"]
            for _, p in d.phases.iterrows()]
    if ended:
        parts.append(_p(f"{fmt.as_of(d.as_of)}，{fmt.PLAN_ENDED}。"))
    parts.append(_table(["阶段", "起止日期", "时间进度", "里程碑完成"], rows))
    late = overdue(d)
    if empty(late):
        parts.append(_p(f"{fmt.as_of(d.as_of)}，没有逾期的里程碑。"))
    else:
        parts += [_h3(f"逾期里程碑（{len(late)}项）", late=True), _table(
            ["编号", "阶段", "内容", "责任部门", "计划完成日期"],
            [[r["milestone_id"], r["phase"], r["content"], r["department"], fmt.date(r["due_on"])]
             for _, r in late.iterrows()])]
    return parts


def _activities(d: EvaluationData) -> list[dict]:
    head = _h2("五、科普活动与经费")
    if empty(d.participants) and empty(d.budget):
        return [head, _p("尚无科普活动和经费数据。")]
    years = sorted({str(p) for df in (d.participants, d.budget) if not empty(df) for p in df["period"]})
    get = lambda df, col="value": {} if empty(df) else df.set_index(df["period"].astype(str))[col].to_dict()  # noqa: E731
    count, people, hours = get(d.activities), get(d.participants), get(d.training_hours)
    spend, budget, execution, per = get(d.budget, "spend_yuan"), get(d.budget, "budget_yuan"), get(d.budget), get(d.spend_per_resident)
    rows = [[year_label(y, d.as_of), fmt.count(count.get(y), "次"), fmt.count(people.get(y)),
             fmt.count(hours.get(y), "学时"), fmt.money(spend.get(y)), fmt.money(budget.get(y)),
             fmt.share(execution.get(y)), value_text(per.get(y), "yuan_per_person")] for y in years]
    return [head, _table(["年度", "活动", "参与人次", "培训学时", "经费支出", "预算", "执行率", "人均经费"], rows,
                         numeric=tuple(range(1, 8)))]


def _reporting(d: EvaluationData) -> list[dict]:
    head = _h2("六、报送情况")
    q = d.reporting_quarter
    if q is None or q.quarter is None:
        return [head, _p("暂无到期的报表。")]
    year = q.quarter[:4]
    rows = d.reporting[d.reporting["period"].astype(str).str.startswith(year)] if not empty(d.reporting) else d.reporting
    timely = d.reporting_on_time.set_index("period")["value"] if not empty(d.reporting_on_time) else pd.Series(dtype=float)
    table = _table(["季度", "应报", "报送率", "按时报送率", "说明"],
                   [[fmt.quarter(r["period"]), fmt.count(r["n"], "份"), fmt.share(r["value"]),
                     fmt.share(timely.get(r["period"])), "" if fmt.is_missing(r["note"]) else r["note"]] for _, r in rows.iterrows()], numeric=(1, 2, 3))
    if q.missing.empty:
        return [head, table, _p(f"{fmt.quarter(q.quarter)}到期报表均已收到。")]
    return [head, table, _h3(f"{fmt.quarter(q.quarter)}未报（{len(q.missing_departments)}个部门）", late=True), _table(
        ["部门", "报表", "应报日期", "联络员", "联系电话"],
        [[r["部门"], r["报表类型"], fmt.date(r["due_on"]), r["liaison"], r["phone"]] for _, r in q.missing.iterrows()])]


def _method(d: EvaluationData) -> list[dict]:
    parts = [_h2("七、加权方法与数据说明")]
    if not empty(d.weighting):
        parts.append(_table(["调查年度", "加权方法", "受访人数", "覆盖人口", "覆盖范围", "合并的人口单元"],
                            [[fmt.year(r["period"]), r["method"], fmt.count(r["n"], "人"),
                              fmt.count(r["covered_population"], "人"), r.get("coverage") or "—",
                              f"{len(r['merges']) if isinstance(r['merges'], pd.DataFrame) else 0}个"]
                             for _, r in d.weighting.iterrows()], numeric=(2, 3)))
    parts += [{"kind": "notes", "entries": [
        f"全镇比例及按城乡、性别、文化程度、村(社区)分组的数字覆盖{fmt.ADULTS}居民，与全国公民科学素质调查口径一致；"
        "按年龄段、重点人群分组覆盖该组全部受访者。",
        "未给出权重的调查在各重点人群内按工作计划的人口数在“重点人群×城乡×性别×年龄段”单元内事后分层加权；"
        "受访者不足两人或无人口的单元依次与同组相邻年龄段合并（步骤1）、合并性别（步骤2）、合并城乡和性别（步骤3），"
        "受访不足两人的人群和无人受访的年龄段不在覆盖范围内（步骤4），各年度覆盖情况见上表，合并明细见看板“数据质量”页。",
        "比例的95%置信区间为基于设计自由度的logit区间；城乡差距的区间考虑了两组估计之间的协方差。"
        f"样本不足{fmt.MIN_N}人的组标注“样本不足”，不参与排名。",
        f"{fmt.as_of(d.as_of)}。{fmt.AS_OF_MEANING}"]},
        _h3("指标定义")]
    terms = []
    for code in ("literacy_rate", "urban_rural_gap", "group_rank", "minor_interest_rate", "participants",
                 "budget_execution", "spend_per_resident", "milestone_completion", "reporting_rate", "progress_status"):
        if code in d.labels:
            label, _, definition = d.labels[code]
            terms.append((label, definition))
    return parts + [{"kind": "terms", "entries": terms}]


def report_html(d: EvaluationData, generated_on: dt.date | None = None, deck: list | None = None) -> str:
    """The whole report as one HTML page (UTF-8, styles inline, no script, no network).

    deck: the slides of `d` when the caller has them already (their sentences are the report's 要点).
    """
    ended = bool((d.phase_state or {}).get("is_plan_ended"))
    meta = f"{fmt.as_of(d.as_of)} · " + (fmt.PLAN_ENDED if ended else f"所处阶段：{d.phase or '—'}")
    if generated_on is not None:
        meta += f" · 生成于{fmt.date(generated_on)}"
    sections = [_headline(d, deck), _progress(d), _literacy(d), _plan(d), _activities(d), _reporting(d), _method(d)]
    return _ENV.get_template("report.html.j2").render(title=report_title(d), meta=meta, sections=sections, p=palette)

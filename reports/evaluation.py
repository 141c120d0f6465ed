"""The 中期评估 / 终期评估 report (Word), by the plan phase of the as-of date.

Every figure comes from reports.inputs.Pack (indicators at that date); the sentences are 汇报模式's
(charts.slides, charts.sentences), the charts its figures rendered to pictures.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from charts import fmt, palette, sentences
from charts.slides import (cadre_group, evaluation_kind, group_sentence, interest_sentence, latest,
                           overdue, target, value_text, year_label)
from reports import docx_kit as k
from reports import pictures
from reports.inputs import Pack

LAGGING = ("moderate_progress", "limited_progress", "deterioration", "target_missed")
# The plan's aims as the seed (《全民科学素质行动计划纲要》 town plan, §一) words them, by indicator measured.
SEED_AIMS = {("literacy_rate", "全体"): "公民科学素质明显提高",
             ("literacy_rate", "未成年人"): "重点人群带动整体：未成年人科学素质明显提高",
             ("minor_interest_rate", "未成年人"): "未成年人对科学的兴趣明显提高",
             ("literacy_rate", "农民"): "城乡劳动人口的科学素质有明显提高",
             ("literacy_rate", "城镇劳动人口"): "城乡劳动人口的科学素质有明显提高",
             ("urban_rural_gap", "全体"): "城乡居民科学素质水平差距逐步缩小",
             ("group_rank", "*"): "领导干部和公务员的科学素质在各类职业人群中位居前列",
             ("spend_per_resident", "全体"): "加大投入，科普资源和参与机会明显增多"}
NUMBERS = "一二三四五六七八九十"


def report_title(p: Pack) -> str:
    """'柳堡镇全民科学素质行动中期评估报告'."""
    return f"{p.d.town}全民科学素质行动{evaluation_kind(p.d)}报告"


def write(p: Pack, generated_on: dt.date | None = None) -> bytes:
    """The report as .docx bytes."""
    doc = k.document()
    k.title(doc, report_title(p), f"（{fmt.as_of(p.d.as_of)}）")
    if not p.d.has_plan:
        k.para(doc, "还没有工作计划，无法评估。请先在“数据上报”页上传工作计划工作簿。")
        return k.to_bytes(doc)
    sections = [_aims, _literacy, _groups, _minors, _tasks, _reporting, _problems]
    if evaluation_kind(p.d) == "终期评估":
        sections.append(_next_period)
    with pictures.session():
        for number, section in zip(NUMBERS, sections):
            section(doc, p, number)
    k.para(doc, f"本报告所有数字按{fmt.as_of(p.d.as_of)}已收到的报表，由看板同一套指标计算"
                + (f"，生成于{fmt.date(generated_on)}。" if generated_on else "。"), indent=False, size=k.TABLE_PT,
           colour=palette.MUTED_TEXT)
    return k.to_bytes(doc)


def _unit(p: Pack, code: str) -> str:
    return p.d.labels.get(code, ("", "", ""))[1]


def _label(p: Pack, code: str) -> str:
    return p.d.labels.get(code, ("未登记的指标", "", ""))[0]


def _aims(doc, p: Pack, no: str) -> None:
    k.heading(doc, f"{no}、规划目标及进展")
    prog = p.d.progress
    if prog.empty:
        k.para(doc, "工作计划中没有指标目标。")
        return
    aims = dict.fromkeys(SEED_AIMS.get((r["指标代码"], r["人群"]), SEED_AIMS.get((r["指标代码"], "*"), _label(p, r["指标代码"])))
                         for _, r in prog.iterrows())
    k.para(doc, "按照行动计划，本规划期的目标是：" + "；".join(aims) + "。各项指标目标及截至本期的进展如下"
           "（进展状态按联合国可持续发展目标数据平台的方法判断）：")
    rows = [[_label(p, r["指标代码"]), r["人群"], f"{value_text(r['base_value'], _unit(p, r['指标代码']))}（{fmt.year(r['base_year'])}）",
             f"{r['direction']}至{value_text(r['target_value'], _unit(p, r['指标代码']))}（{fmt.year(r['period'])}）",
             f"{value_text(r['latest_value'], _unit(p, r['指标代码']))}（{fmt.year(r['latest_year'])}）",
             palette.status(r["status"]).label] for _, r in prog.iterrows()]
    k.table(doc, ["指标", "人群", "基线", "目标", "最新值", "进展状态"], rows, [3.6, 2.0, 2.6, 3.0, 2.6, 1.8])


def _slide_picture(doc, p: Pack, title_starts: str) -> None:
    """The picture of 汇报模式's chart for the slide whose title starts so (its finding is the chart's title)."""
    slide = next((s for s in p.slides if s.title.startswith(title_starts)), None)
    if slide is not None and slide.figure is not None:
        k.picture(doc, pictures.png(slide.figure))


def _rate(doc, p: Pack, frame: pd.DataFrame, code: str, population: str, words: str, sentence) -> bool:
    """The latest rate with its interval and sample, the slide's sentence and status, and its chart."""
    last = latest(frame)
    if last is None:
        return False
    goal = target(p.d, code, population, last["period"])
    para = k.para(doc, f"{fmt.year(last['period'])}{words}为{fmt.share_ci(last['value'], last['ci_low'], last['ci_high'])}，"
                       f"样本{fmt.count(last['n'], '人')}。" + sentence(frame, goal))
    k.status_run(para, None if goal is None else goal["status"])
    return True


def _literacy(doc, p: Pack, no: str) -> None:
    k.heading(doc, f"{no}、全镇公民科学素质")
    if not _rate(doc, p, p.d.rate, "literacy_rate", "全体", f"全镇{fmt.ADULTS}居民中具备科学素质的比例",
                 lambda df, goal: sentences.rate_sentence(df, "全镇居民", goal)):
        k.para(doc, "尚无调查数据。")
        return
    _slide_picture(doc, p, "全镇具备科学素质")
    gap = latest(p.d.gap)
    if gap is not None:
        goal = target(p.d, "urban_rural_gap", "全体", gap["period"])
        para = k.para(doc, f"城乡差距（城镇−农村）为{fmt.pp(gap['value'])}（95%置信区间 {fmt.round_half_up(gap['ci_low'])}至"
                           f"{fmt.pp(gap['ci_high'])}）。" + sentences.gap_sentence(p.d.gap))
        k.status_run(para, None if goal is None else goal["status"])
        _slide_picture(doc, p, "城乡差距")


def _groups(doc, p: Pack, no: str) -> None:
    k.heading(doc, f"{no}、重点人群")
    ranks = p.d.group_rank
    if ranks.empty:
        k.para(doc, "尚无重点人群的调查数据。")
        return
    year = ranks["period"].max()
    rows = ranks[ranks["period"] == year]
    rates = p.d.group_rates[p.d.group_rates["period"] == year].set_index("重点人群")
    group = cadre_group(ranks)
    if group is not None:
        k.para(doc, group_sentence(ranks, group))
    table = []
    for _, r in rows.iterrows():
        rate = rates.loc[r["重点人群"]] if r["重点人群"] in rates.index else None
        table.append([r["重点人群"], fmt.share(r["rate"]),
                      "—" if rate is None else f"{fmt.share(rate['ci_low'])}–{fmt.share(rate['ci_high'])}",
                      fmt.count(r["n"], "人"),
                      f"未排名（{fmt.small_sample(r['n'])}）" if fmt.is_missing(r["value"]) else f"第{int(r['value'])}名"])
    k.table(doc, ["成年重点人群", "具备比例", "95%置信区间", "样本", "名次"], table, [4.4, 2.4, 4.2, 2.2, 2.4], (1, 3))
    _slide_picture(doc, p, "重点人群")


def _minors(doc, p: Pack, no: str) -> None:
    k.heading(doc, f"{no}、未成年人的科学兴趣")
    if not _rate(doc, p, p.d.minor_interest, "minor_interest_rate", "未成年人", "未成年人对科学感兴趣（4–5分）的比例",
                 interest_sentence):
        k.para(doc, "尚无未成年人的调查数据。")
        return
    _slide_picture(doc, p, "未成年人")


def _of_year(frame: pd.DataFrame, year: str, key: str, column: str = "value") -> dict:
    if frame.empty:
        return {}
    rows = frame[frame["period"].astype(str) == year]
    return dict(zip(rows[key].astype(str), rows[column]))


def _tasks(doc, p: Pack, no: str) -> None:
    k.heading(doc, f"{no}、七项任务的落实")
    phase_slide = next((s for s in p.slides if s.title.endswith("里程碑完成率")), None)
    if phase_slide is not None:
        k.para(doc, phase_slide.sentence)
    year = str(latest(p.task_budget)["period"]) if not p.task_budget.empty else str(p.d.as_of.year)
    done = p.task_completion.set_index(p.task_completion["对应任务"].astype(str)) if not p.task_completion.empty else None
    count, people = _of_year(p.task_activities, year, "对应任务"), _of_year(p.task_participants, year, "对应任务")
    spend, budget = _of_year(p.task_budget, year, "对应任务", "spend_yuan"), _of_year(p.task_budget, year, "对应任务", "budget_yuan")
    execution = _of_year(p.task_budget, year, "对应任务")
    rows = []
    for t in p.tasks.itertuples():
        key = str(t.task)
        ms = "—" if done is None or key not in done.index else \
            f"{int(done.loc[key, 'done'])}/{int(done.loc[key, 'n'])}项（{fmt.share(done.loc[key, 'value'])}）"
        rows.append([f"{t.task}. {t.task_name}", "、".join(t.lead_departments) or "—", ms,
                     fmt.count(count.get(key), "次"), fmt.count(people.get(key)), fmt.money(spend.get(key)),
                     fmt.money(budget.get(key)), fmt.share(execution.get(key))])
    k.para(doc, f"各项任务的牵头部门、里程碑完成情况（截至{fmt.date(p.d.as_of)}），以及{year_label(year, p.d.as_of)}的科普活动和经费：")
    k.table(doc, ["任务", "牵头部门", "里程碑完成", "活动", "参与人次", "经费支出", "预算", "执行率"], rows,
            [3.4, 2.2, 2.3, 1.4, 1.7, 1.7, 1.6, 1.3], (3, 4, 5, 6, 7))
    _slide_picture(doc, p, p.d.phase or "—")
    for start in ("科普活动参与人次", "经费投入"):
        slide = next((s for s in p.slides if s.title.startswith(start)), None)
        if slide is not None:
            k.para(doc, slide.sentence)
            _slide_picture(doc, p, start)


def _reporting(doc, p: Pack, no: str) -> None:
    k.heading(doc, f"{no}、各部门报送情况")
    if p.reporting_by_department.empty:
        k.para(doc, "截至本期没有到期的报表。")
        return
    timely = dict(zip(p.on_time_by_department["部门"], p.on_time_by_department["value"]))
    grid = p.d.reporting_grid
    rows = []
    for _, r in p.reporting_by_department.iterrows():
        mine = grid[grid["部门"] == r["部门"]]
        rows.append([r["部门"], fmt.count(r["n"], "份"), fmt.share(r["value"]), fmt.share(timely.get(r["部门"])),
                     *(f"{int((mine['state'] == s).sum())}份" for s in ("逾期", "未报", "空报"))])
    k.para(doc, f"规划期开始至{fmt.date(p.d.as_of)}，各部门应报报表的报送情况：")
    k.table(doc, ["部门", "应报", "报送率", "按时报送率", "逾期", "未报", "空报"], rows,
            [4.0, 1.8, 2.0, 2.2, 1.8, 1.9, 1.9], (1, 2, 3, 4, 5, 6))


def _problems(doc, p: Pack, no: str) -> None:
    k.heading(doc, f"{no}、发现的问题")
    found = []
    late = overdue(p.d)
    for _, m in late.iterrows():
        found.append(f"里程碑{m['milestone_id']}“{m['content']}”（{m['department']}）应于{fmt.date(m['due_on'])}完成，至今未完成。")
    for _, r in p.d.progress.iterrows():
        if r["status"] in LAGGING:
            found.append(f"{_label(p, r['指标代码'])}（{r['人群']}）{fmt.year(r['period'])}目标为"
                         f"{value_text(r['target_value'], _unit(p, r['指标代码']))}，最新值"
                         f"{value_text(r['latest_value'], _unit(p, r['指标代码']))}，进展状态为“{palette.status(r['status']).word}”。")
    grid = p.d.reporting_grid
    for dept, rows in grid[grid["state"].isin(("未报", "逾期"))].groupby("部门", sort=False):
        parts = [f"{s}{int((rows['state'] == s).sum())}份" for s in ("未报", "逾期") if (rows["state"] == s).any()]
        found.append(f"{dept}报表{'、'.join(parts)}（{'、'.join(fmt.quarter(q) for q in dict.fromkeys(rows['period']))}）。")
    if not found:
        k.para(doc, "截至本期，未发现逾期里程碑、落后目标或迟报漏报的部门。")
    for i, text in enumerate(found, 1):
        k.para(doc, f"{i}. {text}")


def _next_period(doc, p: Pack, no: str) -> None:
    k.heading(doc, f"{no}、下一规划期目标建议")
    if p.outlook.empty:
        k.para(doc, "工作计划中没有指标目标，无法提出建议。")
        return
    end = p.next_end_year
    k.para(doc, f"按各指标基线以来的年均变化推算到{fmt.year(end)}的数值，与沿本期目标路径（基线到目标的直线）延伸到"
                f"{fmt.year(end)}的数值并列如下，供确定下一规划期目标参考：")
    rows = []
    for r in p.outlook.itertuples():
        unit = _unit(p, r.指标代码)
        rows.append([_label(p, r.指标代码), r.人群,
                     f"{value_text(r.latest_value, unit)}（{fmt.year(r.latest_year) if r.latest_year else '—'}）",
                     _per_year(r.observed_yearly_change, unit), value_text(r.projected_value, unit),
                     value_text(r.path_value, unit)])
    k.table(doc, ["指标", "人群", "最新值", "年均变化", f"按实际变化到{fmt.year(end)}", f"按目标路径到{fmt.year(end)}"],
            rows, [3.8, 2.0, 2.8, 2.2, 2.4, 2.4], (2, 3, 4, 5))


def _per_year(change, unit: str) -> str:
    """A yearly change in the indicator's unit: shares in 个百分点."""
    if fmt.is_missing(change):
        return fmt.MISSING
    return (fmt.pp(float(change) * 100) if unit == "share" else value_text(change, unit)) + "/年"

"""Row and cross-sheet rules of each workbook kind, applied after every cell has been parsed.

Each rule appends problems to the CheckedReturn and may complete records (a survey row's 总分 from its
dimensions or item answers). `history` carries the department's earlier values for outlier warnings.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pandas as pd

from etl.cells import display
from etl.plan_context import PlanContext
from etl.receipt import error, note, warning
from etl.spec import ACTIVITY, DIMENSION_LABELS, SCORE_DIMENSIONS, SHARE_CODES, SURVEY

MIN_GROUP_SAMPLE = 30
SCORE_TOLERANCE = 0.5
DONT_KNOW = ("不知道", "不清楚", "")
OUTLIER_MIN_HISTORY = 20


def apply(kind: str, result, plan: PlanContext, history: dict, today: dt.date) -> None:
    """Run the rules of `kind` on a parsed return."""
    {"survey": _survey, "activity": _activity, "plan": _plan}[kind](result, plan, history, today)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def _duplicates(rows, field: str, sheet: str, column: str, problems: list) -> None:
    """An error on each row repeating an earlier row's `field` (empty cells never repeat)."""
    if rows is None or not len(rows):
        return
    keys = rows.column(field)
    codes, _ = pd.factorize(keys)
    seen = codes >= 0
    repeated = seen & pd.Series(codes).duplicated().to_numpy()
    if not repeated.any():
        return
    first = np.full(codes.max() + 1, -1)
    firsts = np.flatnonzero(seen & ~repeated)
    first[codes[firsts]] = rows.row_no[firsts]
    for i in np.flatnonzero(repeated).tolist():
        problems.append(error("duplicate_id", f"编号与第{first[codes[i]]}行重复", sheet=sheet, row=int(rows.row_no[i]),
                              column=column, value=str(keys[i]), expected="本表内唯一的编号"))


def _info_checks(result, plan: PlanContext, today: dt.date, owes: str) -> None:
    info, problems = result.info, result.problems
    department = info.get("department")
    if department and department in plan.departments and plan.departments[department].get(owes) == "否":
        problems.append(warning("not_owed", f"工作计划中该部门不需报送{result.kind.label}报表",
                                sheet="填报信息", column="填报单位", value=department))
    year, quarter = info.get("year"), info.get("quarter")
    if year is None:
        return
    start = quarter_bounds(year, quarter)[0] if quarter else dt.date(year, 1, 1)
    if start > today:
        field = "quarter" if quarter else "year"
        problems.append(error("future_period", "报表期间尚未开始", sheet="填报信息", row=result.info_rows.get(field),
                              column=next(c.name for c in result.kind.info if c.field == field),
                              value=f"{year}年" + (f"第{quarter}季度" if quarter else ""),
                              expected=f"不晚于{today.isoformat()}所在期间"))


def _survey(result, plan: PlanContext, history: dict, today: dt.date) -> None:
    problems, sheet = result.problems, result.title("responses")
    _info_checks(result, plan, today, "owes_survey")
    rows = result.tables.get("responses")
    items = {str(i["item"]): i for i in ((result.tables["items"].records() if "items" in result.tables else None)
                                         or plan.items)}
    year = result.info.get("year")
    _duplicates(rows, "respondent_id", sheet, "问卷编号", problems)
    if rows is None or not len(rows):
        problems.append(warning("empty_return", "报表没有数据行（空报），已记为已报送", sheet=sheet))
        return
    col = {f: SURVEY.sheet("responses").column(f).name for f in
           ("age", "education", "score", "surveyed_on", "group", *SCORE_DIMENSIONS)}
    found: list[tuple[int, int, object]] = []  # (row index, order within the row, problem)
    where = lambda i: {"sheet": sheet, "row": int(rows.row_no[i])}  # noqa: E731
    age, education, group = rows.numbers("age"), rows.column("education"), rows.column("group")
    adult = age >= 18
    missing_education = adult & pd.isna(education) & ~rows.failed_any(["education"])
    for i in np.flatnonzero(missing_education).tolist():
        found.append((i, 0, error("required", "18岁及以上须填写文化程度", **where(i), column=col["education"],
                                  expected="小学及以下、初中、高中(含中专)、大专、本科及以上之一")))
    if year:
        surveyed = rows.column("surveyed_on")
        for i in np.flatnonzero([d is not None and d.year != year for d in surveyed.tolist()]).tolist():
            found.append((i, 1, error("wrong_year", "调查日期不在填报信息的调查年度内", **where(i),
                                      column=col["surveyed_on"], value=surveyed[i].isoformat(),
                                      expected=f"{year}年内的日期")))
    for i in np.flatnonzero(adult & (group == "未成年人")).tolist():
        found.append((i, 2, warning("group_age", "重点人群为未成年人，但年龄在18岁及以上", **where(i),
                                    column=col["group"], value=f"{rows.column('age')[i]}岁")))
    found += [(i, 3, p) for i, p in _scores(rows, items, col, where)]
    found.sort(key=lambda f: f[:2])
    problems += [p for *_, p in found]
    counts = Counter(g for g in group.tolist() if g)
    for name, n in sorted(counts.items()):
        if n < MIN_GROUP_SAMPLE:
            problems.append(warning("small_sample", f"重点人群“{name}”样本仅{n}人，低于{MIN_GROUP_SAMPLE}人，"
                                    "该人群的比例将标注“样本不足”", sheet=sheet, column="重点人群", value=name))


def _scores(rows, items: dict, col: dict, where) -> list[tuple[int, object]]:
    """Complete 总分 from the dimensions or the item answers; check dimensions against 总分 (row index, problem)."""
    found = []
    skip = rows.failed_any(["score", *SCORE_DIMENSIONS])  # the bad cell is reported once, by the cell check
    dims = np.column_stack([rows.numbers(d) for d in SCORE_DIMENSIONS])
    given = ~np.isnan(dims)
    count = given.sum(axis=1)
    score = rows.numbers("score")
    for i in np.flatnonzero(~skip & (count > 0) & (count < 4)).tolist():
        missing = col[SCORE_DIMENSIONS[int(np.argmin(given[i]))]]
        found.append((i, error("partial_scores", "四个维度得分须全部填写", **where(i), column=missing,
                               expected="科学知识、科学方法、科学精神与思想、应用科学能力均填写，或只填总分")))
    full = np.flatnonzero(~skip & (count == 4))
    sums = 0.0 + dims[full, 0] + dims[full, 1] + dims[full, 2] + dims[full, 3]  # left to right, as sum() adds
    totals = _rounded_totals(sums, score[full])
    wrong = ~np.isnan(score[full]) & (np.abs(score[full] - totals) > SCORE_TOLERANCE)
    scores = rows.column("score")
    for i, total in zip(full[wrong].tolist(), totals[wrong].tolist()):
        found.append((i, error("score_sum", "总分与四个维度之和不符", **where(i), column=col["score"],
                               value=display(scores[i]), expected=f"{total:g}（四个维度之和，误差±0.5）")))
    completed = np.isnan(score[full])
    if completed.any():
        scores = scores.copy()
        scores[full[completed]] = np.array(totals[completed].tolist() + [None], dtype=object)[:-1]
        rows.values["score"] = scores
    answers = {k: rows.column(k) for k in rows.values if k.startswith("item:")}
    for i in np.flatnonzero(~skip & (count == 0) & np.isnan(score)).tolist():
        found += [(i, p) for p in _score_from_items(rows, i, {k[5:]: a[i] for k, a in answers.items()}, items, col,
                                                     where)]
    return found


def _rounded_totals(sums: np.ndarray, given: np.ndarray) -> np.ndarray:
    """round(sum, 6) as Python rounds it, wherever it can matter: a blank 总分 it fills in, a 总分 it contradicts,
    and a sum within a millionth of the tolerance (elsewhere 总分 agrees with the sum either way, rounded or not)."""
    gap = np.abs(given - sums)
    need = np.isnan(given) | (gap > SCORE_TOLERANCE - 1e-6)
    totals = sums.copy()
    totals[need] = [round(x, 6) for x in sums[need].tolist()]
    return totals


def _score_from_items(rows, i: int, answers: dict, items: dict, col: dict, where) -> list:
    """A row with neither dimensions nor 总分: score its item answers, or report that it has no score."""
    if answers and items and any(str(a).strip() for a in answers.values() if a is not None):
        sums = dict.fromkeys(SCORE_DIMENSIONS, 0.0)
        for code, answer in answers.items():
            item = items.get(code)
            given = "" if answer is None else str(answer).strip().upper()
            if item and given not in DONT_KNOW and given == str(item["key"]).strip().upper():
                sums[DIMENSION_LABELS[item["dimension"]]] += float(item["points"])
        for field, value in [*sums.items(), ("score", round(sum(sums.values()), 6))]:
            if field not in rows.values or not rows.values[field].flags.writeable:  # the checked column: copy
                rows.values[field] = rows.column(field).copy()
            rows.values[field][i] = value
        return []
    return [error("no_score", "没有得分", **where(i), column=col["score"],
                  expected="四个维度得分、总分或题目作答之一")]


def _activity(result, plan: PlanContext, history: dict, today: dt.date) -> None:
    problems, spec = result.problems, ACTIVITY.sheet("activities")
    sheet = result.title("activities")
    _info_checks(result, plan, today, "owes_activity")
    rows = result.tables.get("activities")
    year, quarter = result.info.get("year"), result.info.get("quarter")
    _duplicates(rows, "activity_id", sheet, "活动编号", problems)
    if rows is None or not len(rows):
        problems.append(warning("empty_return", "报表没有活动（空报），已记为已报送", sheet=sheet))
        return
    found: list[tuple[int, int, object]] = []  # (row index, order within the row, problem)
    where = lambda i: {"sheet": sheet, "row": int(rows.row_no[i])}  # noqa: E731
    starts, ends = rows.column("start_on"), rows.column("end_on")
    start, end = _ordinals(starts), _ordinals(ends)
    if year and quarter:
        low, high = quarter_bounds(year, quarter)
        for i in np.flatnonzero((start > 0) & ((start < low.toordinal()) | (start > high.toordinal()))).tolist():
            found.append((i, 0, error("outside_quarter", "开始日期不在报表季度内", **where(i), column="开始日期",
                                      value=starts[i].isoformat(), expected=f"{low.isoformat()}至{high.isoformat()}之间")))
    for i in np.flatnonzero((start > 0) & (end > 0) & (end < start)).tolist():
        found.append((i, 1, error("end_before_start", "结束日期早于开始日期", **where(i), column="结束日期",
                                  value=ends[i].isoformat(), expected=f"不早于{starts[i].isoformat()}")))
    people = rows.column("participants")
    if plan.population:
        places = list(zip(rows.column("village").tolist(), rows.column("audience").tolist()))
        population = np.array([plan.population_of(v, a) for v, a in places], dtype=float)
        count = rows.numbers("participants")
        for i in np.flatnonzero((count > population) & (population > 0)).tolist():
            found.append((i, 2, warning("over_population", f"参与人次超过该村(社区)目标人群人口（{int(population[i]):,}人）",
                                        **where(i), column="参与人次", value=f"{people[i]:,}")))
    for order, field in enumerate(("participants", "cost_yuan"), start=3):
        limit = _outlier_limit(history.get(field))
        if limit is not None:
            values = rows.column(field)
            for i in np.flatnonzero(rows.numbers(field) > limit).tolist():
                found.append((i, order, warning("outlier", f"数值异常偏大（该部门以往同类数值通常不超过{limit:,.0f}）",
                                                **where(i), column=spec.column(field).name, value=f"{values[i]:,.0f}")))
    found.sort(key=lambda f: f[:2])
    problems += [p for *_, p in found]


def _ordinals(dates: np.ndarray) -> np.ndarray:
    """Each date as its proleptic ordinal (0 where empty), for comparing whole columns."""
    return np.array([0 if d is None else d.toordinal() for d in dates.tolist()], dtype=np.int64)


def _outlier_limit(values) -> float | None:
    """Q3 + 3·IQR of the department's earlier values (Tukey's far-out fence), given enough history."""
    if values is None or len(values) < OUTLIER_MIN_HISTORY:
        return None
    q1, q3 = np.percentile(np.asarray(values, dtype=float), [25, 75])
    return float(q3 + 3 * max(q3 - q1, 1.0))


def _plan(result, plan: PlanContext, history: dict, today: dt.date) -> None:
    problems, records = result.problems, result.records
    for alias, key, label in (("phases", "phase", "阶段"), ("departments", "department", "部门名称"),
                              ("villages", "village", "村(社区)"), ("groups", "group", "重点人群"),
                              ("tasks", "task", "任务编号"), ("milestones", "milestone_id", "编号")):
        _duplicates(result.tables.get(alias), key, result.title(alias), label, problems)
        if alias != "milestones" and not records.get(alias) and alias in result.sheet_titles:
            problems.append(error("empty_sheet", "工作计划的该工作表没有数据", sheet=result.title(alias)))
    departments = {r["department"] for r in records.get("departments", []) if r.get("department")}
    for r in records.get("tasks", []):
        for name in str(r.get("lead_departments") or "").replace("，", ",").replace("、", ",").split(","):
            if name.strip() and name.strip() not in departments:
                problems.append(error("unknown_department", "牵头部门不在“部门”表中", sheet="任务", row=r["row_no"],
                                      column="牵头部门", value=name.strip(), expected="“部门”表中的部门名称"))
    for r in records.get("phases", []):
        if r.get("start_on") and r.get("end_on") and r["end_on"] < r["start_on"]:
            problems.append(error("end_before_start", "结束日期早于开始日期", sheet="阶段", row=r["row_no"],
                                  column="结束日期", value=r["end_on"].isoformat()))
    for r in records.get("milestones", []):
        if r.get("status") == "已完成" and r.get("done_on") is None:
            problems.append(error("required", "状态为已完成时须填写完成日期", sheet="里程碑", row=r["row_no"],
                                  column="完成日期", expected="日期"))
    table = result.tables.get("departments")
    for field, default in (("deadline_days", 15), ("owes_survey", "否"), ("owes_activity", "是")):
        if table is not None:
            values = table.column(field).copy()
            values[pd.isna(values) if field == "deadline_days" else ~values.astype(bool)] = default
            table.values[field] = values
    for r in records.get("targets", []):
        if r.get("base_year") and r.get("target_year") and r["target_year"] <= r["base_year"]:
            problems.append(error("target_year", "目标年度须晚于基线年度", sheet="指标目标", row=r["row_no"],
                                  column="目标年度", value=str(r["target_year"])))
        if r.get("code") in SHARE_CODES:
            for field, label in (("base_value", "基线值"), ("target_value", "目标值")):
                v = r.get(field)
                if v is not None and not 0 <= v <= 100:
                    problems.append(error("share_range", "比例类指标须填百分数（0–100）", sheet="指标目标",
                                          row=r["row_no"], column=label, value=display(v), expected="0–100，如15表示15%"))
                elif v is not None and 0 < v <= 1:
                    problems.append(warning("share_fraction", "比例类指标按百分数读取：此值将被理解为不到1%，"
                                            "如本意是小数形式请改为百分数", sheet="指标目标", row=r["row_no"],
                                            column=label, value=display(v)))
    if not records.get("population"):
        problems.append(warning("no_population", "工作计划没有“人口”数据：调查结果无法按人口加权，参与率无法计算",
                                sheet="人口"))
    for r in records.get("population", []):
        village_residence = plan.villages.get(r.get("village"))
        if village_residence and r.get("residence") and r["residence"] != village_residence:
            problems.append(note("residence_mix", f"该村(社区)在“村社区”表中为{village_residence}，此行城乡为{r['residence']}",
                                 sheet="人口", row=r["row_no"], column="城乡", value=r["residence"]))

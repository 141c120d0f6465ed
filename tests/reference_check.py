"""The cell-by-cell check as it was before checking went columnar: the reference the columnar check must equal.

`reference_check()` runs `etl.validate.check_return` with this module's row-by-row parser and row rules in
place of the columnar ones (etl/columns.py, the vectorised rules of etl/rules.py). It is kept word for word from
the last row-by-row version, so that tests/test_etl_columns.py can compare every problem and every typed row.
"""
from __future__ import annotations

from collections import Counter
from typing import Any
from unittest import mock

from etl import rules, validate
from etl.cells import CellError, display, is_blank, parse_cell
from etl.columns import SPACES, invalid_message
from etl.receipt import error, note, warning
from etl.rules import (DONT_KNOW, MIN_GROUP_SAMPLE, SCORE_TOLERANCE, _info_checks,
                       _outlier_limit, quarter_bounds)
from etl.spec import ACTIVITY, DIMENSION_LABELS, SCORE_DIMENSIONS, SHARE_CODES, SURVEY


class DictRows:
    """A sheet's rows as the row-by-row check kept them: dicts, and (row_no, raw cells) pairs."""

    def __init__(self, records: list[dict], raw: list[tuple[int, dict]]):
        self._records, self.raw_pairs = records, raw

    def __len__(self) -> int:
        return len(self._records)

    def records(self) -> list[dict]:
        return self._records

    def raw_cells(self) -> list[dict]:
        return [c for _, c in self.raw_pairs]


def parse_rows(table, allowed: dict, expected, problems, notes: Counter, first_seen: dict) -> DictRows:
    """The row-by-row parser (etl/validate.py `_parse_rows` before columns), less the unused `extra` field."""
    records, raw = [], []
    for row_no, cells in table.rows:
        record: dict[str, Any] = {"row_no": row_no}
        for column in table.columns.values():
            value = table.cell(cells, column)
            where = {"sheet": table.title, "row": row_no, "column": column.name}
            if is_blank(value):
                record[column.field] = None
                if column.required:
                    problems.append(error("required", "必填项为空", **where, expected=expected(column)))
                continue
            if isinstance(value, str) and value != value.strip() and value.strip():
                key = (table.title, column.name, SPACES)
                notes[key] += 1
                first_seen.setdefault(key, row_no)
            try:
                parsed = parse_cell(value, column, allowed.get(column.plan_values, ()))
            except CellError as exc:
                record[column.field] = None
                record.setdefault("_failed", set()).add(column.field)
                problems.append(error("invalid", exc.message or invalid_message(column), **where,
                                      value=display(value), expected=exc.expected))
                continue
            record[column.field] = parsed.value
            if parsed.note:
                key = (table.title, column.name, parsed.note)
                notes[key] += 1
                first_seen.setdefault(key, row_no)
        records.append(record)
        raw.append((row_no, table.raw_record(cells)))
    return DictRows(records, raw)


def _duplicates(records, field, sheet, column, problems):
    seen: dict = {}
    for r in records:
        key = r.get(field)
        if key is None:
            continue
        if key in seen:
            problems.append(error("duplicate_id", f"编号与第{seen[key]}行重复", sheet=sheet, row=r["row_no"],
                                  column=column, value=str(key), expected="本表内唯一的编号"))
        else:
            seen[key] = r["row_no"]


def _survey(result, plan, history, today):
    problems, sheet = result.problems, result.title("responses")
    _info_checks(result, plan, today, "owes_survey")
    rows = result.records.get("responses", [])
    items = {str(i["item"]): i for i in (result.records.get("items") or plan.items)}
    year = result.info.get("year")
    _duplicates(rows, "respondent_id", sheet, "问卷编号", problems)
    col = {f: SURVEY.sheet("responses").column(f).name for f in
           ("age", "education", "score", "surveyed_on", "group", *SCORE_DIMENSIONS)}
    for r in rows:
        where = {"sheet": sheet, "row": r["row_no"]}
        failed = r.get("_failed", set())
        if r.get("age") is not None and r["age"] >= 18 and r.get("education") is None and "education" not in failed:
            problems.append(error("required", "18岁及以上须填写文化程度", **where, column=col["education"],
                                  expected="小学及以下、初中、高中(含中专)、大专、本科及以上之一"))
        if year and r.get("surveyed_on") and r["surveyed_on"].year != year:
            problems.append(error("wrong_year", "调查日期不在填报信息的调查年度内", **where,
                                  column=col["surveyed_on"], value=r["surveyed_on"].isoformat(),
                                  expected=f"{year}年内的日期"))
        if r.get("group") == "未成年人" and r.get("age") is not None and r["age"] >= 18:
            problems.append(warning("group_age", "重点人群为未成年人，但年龄在18岁及以上", **where,
                                    column=col["group"], value=f"{r['age']}岁"))
        _score_row(r, items, col, where, problems)
    counts = Counter(r.get("group") for r in rows if r.get("group"))
    for group, n in sorted(counts.items()):
        if n < MIN_GROUP_SAMPLE:
            problems.append(warning("small_sample", f"重点人群“{group}”样本仅{n}人，低于{MIN_GROUP_SAMPLE}人，"
                                    "该人群的比例将标注“样本不足”", sheet=sheet, column="重点人群", value=group))
    if not rows:
        problems.append(warning("empty_return", "报表没有数据行（空报），已记为已报送", sheet=sheet))


def _score_row(r, items, col, where, problems):
    if r.get("_failed", set()) & {"score", *SCORE_DIMENSIONS}:
        return
    dims = [r.get(d) for d in SCORE_DIMENSIONS]
    answers = {k[5:]: v for k, v in r.items() if k.startswith("item:")}
    if any(v is not None for v in dims) and not all(v is not None for v in dims):
        missing = [col[d] for d, v in zip(SCORE_DIMENSIONS, dims) if v is None]
        problems.append(error("partial_scores", "四个维度得分须全部填写", **where, column=missing[0],
                              expected="科学知识、科学方法、科学精神与思想、应用科学能力均填写，或只填总分"))
        return
    if all(v is not None for v in dims):
        total = round(float(sum(dims)), 6)
        if r.get("score") is not None and abs(r["score"] - total) > SCORE_TOLERANCE:
            problems.append(error("score_sum", "总分与四个维度之和不符", **where, column=col["score"],
                                  value=display(r["score"]), expected=f"{total:g}（四个维度之和，误差±0.5）"))
        elif r.get("score") is None:
            r["score"] = total
        return
    if r.get("score") is not None:
        return
    if answers and items and any(str(a).strip() for a in answers.values() if a is not None):
        sums = dict.fromkeys(SCORE_DIMENSIONS, 0.0)
        for code, answer in answers.items():
            item = items.get(code)
            given = "" if answer is None else str(answer).strip().upper()
            if item and given not in DONT_KNOW and given == str(item["key"]).strip().upper():
                sums[DIMENSION_LABELS[item["dimension"]]] += float(item["points"])
        r.update(sums)
        r["score"] = round(sum(sums.values()), 6)
        return
    problems.append(error("no_score", "没有得分", **where, column=col["score"],
                          expected="四个维度得分、总分或题目作答之一"))


def _activity(result, plan, history, today):
    problems, spec = result.problems, ACTIVITY.sheet("activities")
    sheet = result.title("activities")
    _info_checks(result, plan, today, "owes_activity")
    rows = result.records.get("activities", [])
    year, quarter = result.info.get("year"), result.info.get("quarter")
    _duplicates(rows, "activity_id", sheet, "活动编号", problems)
    bounds = quarter_bounds(year, quarter) if year and quarter else None
    limits = {f: _outlier_limit(history.get(f)) for f in ("participants", "cost_yuan")}
    for r in rows:
        where = {"sheet": sheet, "row": r["row_no"]}
        start, end = r.get("start_on"), r.get("end_on")
        if bounds and start and not bounds[0] <= start <= bounds[1]:
            problems.append(error("outside_quarter", "开始日期不在报表季度内", **where, column="开始日期",
                                  value=start.isoformat(),
                                  expected=f"{bounds[0].isoformat()}至{bounds[1].isoformat()}之间"))
        if start and end and end < start:
            problems.append(error("end_before_start", "结束日期早于开始日期", **where, column="结束日期",
                                  value=end.isoformat(), expected=f"不早于{start.isoformat()}"))
        people = r.get("participants")
        population = plan.population_of(r.get("village"), r.get("audience"))
        if people is not None and population is not None and people > population > 0:
            problems.append(warning("over_population", f"参与人次超过该村(社区)目标人群人口（{population:,}人）",
                                    **where, column="参与人次", value=f"{people:,}"))
        for field, limit in limits.items():
            if limit is not None and r.get(field) is not None and r[field] > limit:
                problems.append(warning("outlier", f"数值异常偏大（该部门以往同类数值通常不超过{limit:,.0f}）", **where,
                                        column=spec.column(field).name, value=f"{r[field]:,.0f}"))
    if not rows:
        problems.append(warning("empty_return", "报表没有活动（空报），已记为已报送", sheet=sheet))


def _plan(result, plan, history, today):
    problems, records = result.problems, result.records
    for alias, key, label in (("phases", "phase", "阶段"), ("departments", "department", "部门名称"),
                              ("villages", "village", "村(社区)"), ("groups", "group", "重点人群"),
                              ("tasks", "task", "任务编号"), ("milestones", "milestone_id", "编号")):
        _duplicates(records.get(alias, []), key, result.title(alias), label, problems)
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
    for r in records.get("departments", []):
        r["deadline_days"] = 15 if r.get("deadline_days") is None else r["deadline_days"]
        r["owes_survey"] = r.get("owes_survey") or "否"
        r["owes_activity"] = r.get("owes_activity") or "是"
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


def apply(kind, result, plan, history, today):
    """The row rules as they were."""
    {"survey": _survey, "activity": _activity, "plan": _plan}[kind](result, plan, history, today)


def reference_check(data: bytes, plan, history=None, today=None):
    """check_return with the row-by-row parser and rules."""
    with mock.patch.object(validate, "check_sheet", parse_rows), mock.patch.object(rules, "apply", apply):
        return validate.check_return(data, plan, history, today)

"""Export every indicator the data allows, in the format of INDICATORS.md (.json, or .xlsx for the office)."""
from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd

from indicators import export_file
from indicators.base import VALUE_COLUMNS, to_date
from indicators.marts import materialised
from indicators.registry import BY_CODE, INDICATORS, UNIT_WORDS
from indicators.survey import survey_coverage
from etl.safe_xlsx import write_frames

STATUS_WORDS = {"target_achieved": "已达标", "substantial_progress": "进度达标", "moderate_progress": "需加快",
                "limited_progress": "进展有限", "deterioration": "倒退", "target_missed": "未达标", "not_available": "数据不足"}
ROW_KEYS = ("value", "unit", "n", "se", "ci_low", "ci_high", "note")


def export_rows(con, as_of) -> list[dict]:
    """One dict per value: code, period, by, value, unit, n, se, ci_low, ci_high, note.

    The note of a survey row also says which population its year covers (survey.survey_coverage). A survey or
    activity indicator's rows come from its mart (materialised once per data and period end).
    """
    return [row for ind in INDICATORS for row in indicator_export(con, as_of, ind.code)]


def indicator_export(con, as_of, code: str, as_text: bool = False) -> list[dict] | str:
    """One indicator's export rows, from its mart (keyed by period end, or for dated indicators by the date);
    `as_text`: the rows as the JSON array text the mart keeps."""
    function = BY_CODE[code].function
    family = getattr(function, "materialised", None) or "dated"
    mart = materialised(family, getattr(function, "also", None), f"export:{code}", as_text=as_text)
    return mart(indicator_rows)(con, as_of, code)


def indicator_rows(con, as_of, code: str) -> list[dict]:
    """The export rows of one indicator, every breakdown and variant, each value once."""
    ind, rows, seen = BY_CODE[code], [], set()
    covers = ind.function.__module__ == survey_coverage.__module__
    coverage = survey_coverage(con, as_of) if covers else {}
    for by in ind.breakdowns:
        for variant in ind.variants:
            frame = ind.compute(con, as_of, by=by, **variant)
            keys = [c for c in frame.columns if c not in ("period", *VALUE_COLUMNS)
                    and c in _breakdown_columns(frame, by)]
            for record in frame.to_dict("records"):
                row = {"code": ind.code, "period": str(record["period"]),
                       "by": {k: str(_plain(record[k])) for k in keys}}
                row.update({k: _plain(record.get(k)) for k in ROW_KEYS})
                if coverage.get(row["period"]):
                    row["note"] = "；".join(x for x in (row["note"], coverage[row["period"]]) if x)
                key = json.dumps([row["period"], row["by"]], ensure_ascii=False, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
    return rows


def _breakdown_columns(frame: pd.DataFrame, by) -> list[str]:
    """Columns that say which slice a row is: the breakdown, plus fixed ones such as 等级 or 阶段."""
    fixed = ("等级", "阶段", "指标代码", "人群", "部门", "报表类型", "重点人群", "对应任务", "目标人群", "村(社区)",
             "城乡", "性别", "年龄段", "文化程度", "活动类型")
    return [c for c in frame.columns if c == by or c in fixed]


def _plain(value):
    """JSON-friendly scalars: numpy to Python, NaN to None, dates to ISO text."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()[:10]
    return value


def write_export(con, as_of, out: Path) -> int:
    """Write the export to .json or .xlsx; returns the number of rows. The .json rows are kept whole in the
    marts (indicators/export_file.py), so the next export of the same data and date only copies them."""
    if out.suffix.lower() == ".json":
        day = to_date(as_of)
        rows = export_file.stored_rows(con, day)
        if rows is None:
            rows = file_rows(con, day)
        out.write_text(export_file.document(day, dt.datetime.now(), rows), encoding="utf-8")
        return export_file.count_rows(rows)
    if out.suffix.lower() != ".xlsx":
        raise ValueError("导出文件须为 .json 或 .xlsx")
    rows = export_rows(con, as_of)
    write_frames(out, xlsx_frames(rows))
    return len(rows)


def file_rows(con, as_of) -> str:
    """The .json export's rows for the date, from each indicator's mart text, kept whole for the next export."""
    day = to_date(as_of)
    rows = export_file.join_rows([indicator_export(con, day, ind.code, as_text=True) for ind in INDICATORS])
    export_file.store_rows(con, day, rows)
    return rows


def xlsx_frames(rows: list[dict]) -> dict[str, pd.DataFrame]:
    """The rows as one Chinese-headed table per indicator family, for the office to forward."""
    labels = {i.code: i for i in INDICATORS}
    frames: dict[str, list] = {}
    for row in rows:
        ind = labels[row["code"]]
        frames.setdefault(ind.family, []).append({
            "指标": ind.label, "指标代码": row["code"], "期间": row["period"],
            "分组": "；".join(f"{k}：{v}" for k, v in row["by"].items()) or "全镇",
            "数值": row["value"], "单位": UNIT_WORDS.get(row["unit"], row["unit"]), "样本量/基数": row["n"],
            "标准误": row["se"], "95%置信区间下限": row["ci_low"], "95%置信区间上限": row["ci_high"],
            "备注": STATUS_WORDS.get(row["note"], row["note"])})
    return {family: pd.DataFrame(items) for family, items in frames.items()}

"""What the 科普活动与经费 page needs beside the indicators: task names, one year's rows, national references."""
from __future__ import annotations

import duckdb
import pandas as pd

# 人均科普专项经费 in China (元 per resident), the figure the town's spend_per_resident is set beside.
# Reference data, not plan data: it does not change with the plan workbook.
NATIONAL_SPEND_PER_RESIDENT_SOURCE = "科学技术部《全国科普统计》（2012年度、2022年度）"
NATIONAL_SPEND_PER_RESIDENT = (
    {"year": 2012, "value_yuan": 3.31},
    {"year": 2022, "value_yuan": 5.30},
)


def national_spend_per_resident() -> pd.DataFrame:
    """The national 人均科普专项经费 by year. Columns: period, value (元/人), source."""
    frame = pd.DataFrame(NATIONAL_SPEND_PER_RESIDENT)
    return pd.DataFrame({"period": frame["year"].astype(str), "value": frame["value_yuan"].astype(float),
                         "source": NATIONAL_SPEND_PER_RESIDENT_SOURCE})


def task_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current plan's tasks. Columns: 对应任务 (its number), task_name."""
    return con.execute("select task as 对应任务, task_name from v_plan_tasks order by task").fetchdf()


def task_label(task, names: dict) -> str:
    """"任务1 未成年人科学素质行动" (or "任务1" when the plan has no name for it)."""
    try:
        number = int(task)
    except (TypeError, ValueError):
        return str(task)
    name = names.get(number)
    return f"任务{number} {name}" if name else f"任务{number}"


def with_task_labels(frame: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """The frame with its 对应任务 numbers replaced by their labels (rows ordered by task number)."""
    if frame.empty or "对应任务" not in frame.columns:
        return frame
    lookup = {int(k): v for k, v in zip(names["对应任务"], names["task_name"])} if len(names) else {}
    ordered = frame.assign(_task=pd.to_numeric(frame["对应任务"], errors="coerce")).sort_values(
        ["period", "_task"], kind="stable")
    return ordered.assign(对应任务=[task_label(t, lookup) for t in ordered["对应任务"]]).drop(columns="_task")


def years_with_data(*frames: pd.DataFrame) -> list[str]:
    """The years ("2025") any of the frames has a row for, oldest first (quarters count for their year)."""
    years = set()
    for frame in frames:
        if frame is not None and len(frame):
            years |= {str(p)[:4] for p in frame["period"]}
    return sorted(years)


def of_year(frame: pd.DataFrame, year: str) -> pd.DataFrame:
    """The rows of one year (period "2025", or quarters "2025Qn"), index reset."""
    if frame is None or frame.empty:
        return frame
    return frame[frame["period"].astype(str).str[:4] == str(year)].reset_index(drop=True)


def with_counts_note(values: pd.DataFrame, counts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Participants (or any sum) by `by`, each row's note saying how many activities made it: "活动25次"."""
    if values.empty:
        return values
    n = counts.set_index(["period", by])["value"]
    notes = [f"活动{int(n[(p, k)])}次" if (p, k) in n.index else None for p, k in zip(values["period"], values[by])]
    return values.assign(note=notes)

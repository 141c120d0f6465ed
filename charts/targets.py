"""Which target row a figure is shown beside (a choice of presentation over the progress table)."""
from __future__ import annotations

import pandas as pd


def headline_target(progress: pd.DataFrame, code: str, population: str = "全体", year: int | None = None):
    """The target row to show beside a figure: the first target year not before `year`, else the last one."""
    rows = progress[(progress["指标代码"] == code) & (progress["人群"] == population)].copy()
    if rows.empty:
        return None
    rows["target_year"] = rows["period"].astype(int)
    rows = rows.sort_values("target_year")
    ahead = rows[rows["target_year"] >= year] if year is not None else rows.iloc[0:0]
    return (ahead if len(ahead) else rows).iloc[0 if len(ahead) else -1]

"""Small shapings of survey indicators for the 科学素质 page: target lines and the change of the gap."""
from __future__ import annotations

import math
from statistics import NormalDist

import pandas as pd

Z95 = NormalDist().inv_cdf(0.975)


def target_lines(progress: pd.DataFrame, code: str, population: str = "全体") -> dict[int, float]:
    """{target year: target value} of the plan's 指标目标 rows for `code` and `population` (from progress_status)."""
    if progress is None or progress.empty:
        return {}
    rows = progress[(progress["指标代码"] == code) & (progress["人群"] == population)]
    return {int(r["period"]): float(r["target_value"]) for _, r in rows.iterrows()
            if r["target_value"] is not None and not pd.isna(r["target_value"])}


def gap_change(gap: pd.DataFrame, start: str, end: str) -> dict | None:
    """Change of the urban–rural gap from survey `start` to `end` (points) with its 95% interval.

    Each survey year is its own sample, so the two estimates are independent and their variances add.
    Returns {start, end, change, se, ci_low, ci_high, is_clear} (is_clear: the interval excludes 0), or None.
    """
    if gap is None or gap.empty:
        return None
    rows = gap.set_index(gap["period"].astype(str))
    if start not in rows.index or end not in rows.index or start == end:
        return None
    a, b = rows.loc[start], rows.loc[end]
    change = float(b["value"]) - float(a["value"])
    se = None
    if not (pd.isna(a["se"]) or pd.isna(b["se"])):
        se = math.sqrt(float(a["se"]) ** 2 + float(b["se"]) ** 2)
    low, high = (None, None) if se is None else (change - Z95 * se, change + Z95 * se)
    return {"start": start, "end": end, "change": change, "se": se, "ci_low": low, "ci_high": high,
            "is_clear": se is not None and (low > 0 or high < 0)}

"""下一规划期目标建议: where each target indicator's observed yearly change leads by the next period's end,
beside where the current target path leads (for the final evaluation report)."""
from __future__ import annotations

import pandas as pd

from indicators import plan
from indicators.series import yearly_series

COLUMNS = ["指标代码", "人群", "direction", "base_year", "base_value", "latest_year", "latest_value",
           "target_year", "target_value", "observed_yearly_change", "path_yearly_change", "next_end_year",
           "projected_value", "path_value"]


def next_period_end(con) -> int | None:
    """The last year of the next plan period: the plan's last year plus the plan's length in years."""
    phases = plan.phases(con)
    if phases.empty:
        return None
    first, last = phases["start_on"].min().year, phases["end_on"].max().year
    return last + (last - first + 1)


def next_period_targets(con, as_of) -> pd.DataFrame:
    """Per target indicator (its latest target row): the observed yearly change since the base year carried to
    the next period's end (projected_value), and the current target path (base → target, straight line)
    carried to the same year (path_value); shares kept within 0–1. Columns: COLUMNS; values in the indicator's unit."""
    end = next_period_end(con)
    targets = plan.targets(con)
    if end is None or targets.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    last_rows = targets.sort_values("target_year").groupby(["code", "population"], sort=False).tail(1)
    for t in last_rows.itertuples():
        series = yearly_series(con, as_of, t.code, t.population).dropna(subset=["value"])
        base_year, base_value = int(t.base_year), float(t.base_value)
        path = (float(t.target_value) - base_value) / (int(t.target_year) - base_year) \
            if int(t.target_year) > base_year else None
        latest_year = int(series["year"].iloc[-1]) if len(series) else None
        latest_value = float(series["value"].iloc[-1]) if len(series) else None
        observed = None
        if latest_year is not None and latest_year > base_year:
            observed = (latest_value - base_value) / (latest_year - base_year)
        rows.append({"指标代码": t.code, "人群": t.population, "direction": t.direction, "base_year": base_year,
                     "base_value": base_value, "latest_year": latest_year, "latest_value": latest_value,
                     "target_year": int(t.target_year), "target_value": float(t.target_value),
                     "observed_yearly_change": observed, "path_yearly_change": path, "next_end_year": end,
                     "projected_value": None if observed is None else latest_value + observed * (end - latest_year),
                     "path_value": None if path is None else base_value + path * (end - base_year)})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    shares = frame["指标代码"].map(plan._unit_of) == "share"  # a share carried forward stays within 0–100%
    for col in ("projected_value", "path_value"):
        frame.loc[shares, col] = frame.loc[shares, col].astype(float).clip(0.0, 1.0)
    return frame

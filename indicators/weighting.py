"""Post-stratification of a survey year to the plan's population, with the cell-merging rule of INDICATORS.md.

Cells are 城乡 × 性别 × 年龄段. An age band with no respondent at all lies outside the survey (left out, never
merged in). Within the surveyed bands, a cell with population but fewer than two respondents — or with
respondents but no population — is merged with the neighbouring age band of the same 城乡 × 性别 (the
younger one first), then across 性别. Every merge is listed. The loop runs over cells (at most 28), never
over respondents.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.spec import AGE_BANDS  # the plan's 年龄段, as DATA.md names them

_BAND_EDGES = np.array([18, 30, 40, 50, 60, 70])
MIN_PER_CELL = 2


def age_band(age) -> np.ndarray:
    """Age band label for each age (0–17, 18–29, …, 70+)."""
    return np.asarray(AGE_BANDS, dtype=object)[np.searchsorted(_BAND_EDGES, np.asarray(age), side="right")]


@dataclass(frozen=True)
class Weighting:
    """Weights of one survey year: per respondent weight and stratum, the merges, the population covered."""

    weights: np.ndarray
    strata: np.ndarray
    merges: pd.DataFrame  # 合并后的层, 原始单元, 受访人数, 人口数, 原因
    covered_population: int
    left_out_bands: tuple[str, ...]


def post_stratify(respondents: pd.DataFrame, population: pd.DataFrame) -> Weighting:
    """Weights for `respondents` (residence, sex, age_band) from `population` (same keys, population)."""
    keys = ["residence", "sex", "age_band"]
    surveyed = [b for b in AGE_BANDS if (respondents["age_band"] == b).any()]
    pop = population.groupby(keys, as_index=False)["population"].sum()
    counts = respondents.groupby(keys).size().rename("n").reset_index()
    grid = pd.MultiIndex.from_product([sorted(set(pop["residence"]) | set(respondents["residence"])),
                                       sorted(set(pop["sex"]) | set(respondents["sex"])), surveyed],
                                      names=keys).to_frame(index=False)
    cells = grid.merge(pop, on=keys, how="left").merge(counts, on=keys, how="left").fillna({"population": 0, "n": 0})
    cells = cells[(cells["population"] > 0) | (cells["n"] > 0)].reset_index(drop=True)
    cells["band_no"] = cells["age_band"].map({b: i for i, b in enumerate(AGE_BANDS)})
    group = np.arange(len(cells))
    merges = []
    while True:
        totals = pd.DataFrame({"g": group, "n": cells["n"], "p": cells["population"]}).groupby("g").sum()
        weak = totals[((totals["n"] < MIN_PER_CELL) & (totals["p"] > 0)) | ((totals["n"] > 0) & (totals["p"] == 0))]
        if weak.empty or totals.shape[0] == 1:
            break
        g = int(weak.index[0])
        target, reason = _neighbour(cells, group, g)
        if target is None:
            break
        merges.append({"from": _label(cells, group == g), "into": _label(cells, group == target), "reason": reason,
                       "n": int(totals.loc[g, "n"]), "population": int(totals.loc[g, "p"])})
        group[group == g] = target
    cells["stratum"] = [_label(cells, group == g) for g in group]
    lookup = cells.set_index(keys)["stratum"]
    strata = lookup.reindex(pd.MultiIndex.from_frame(respondents[keys])).to_numpy()
    stratum_totals = pd.DataFrame({"s": cells["stratum"], "n": cells["n"], "p": cells["population"]}).groupby("s").sum()
    weights = (stratum_totals["p"] / stratum_totals["n"]).reindex(strata).to_numpy(dtype=float)
    merged = pd.DataFrame(merges, columns=["from", "into", "reason", "n", "population"]).rename(columns={
        "from": "原单元", "into": "并入", "reason": "原因", "n": "受访人数", "population": "人口数"})
    left_out = tuple(b for b in AGE_BANDS if b not in surveyed and (population["age_band"] == b).any())
    return Weighting(weights, strata, merged, int(cells["population"].sum()), left_out)


def _neighbour(cells: pd.DataFrame, group: np.ndarray, g: int) -> tuple[int | None, str]:
    """The group to merge `g` into: younger band, older band (same 城乡×性别), then the other 性别."""
    members = cells[group == g]
    residence, sex = members["residence"].iloc[0], members["sex"].iloc[0]
    same = (cells["residence"] == residence) & (cells["sex"] == sex) & (group != g)
    low, high = members["band_no"].min(), members["band_no"].max()
    younger = cells[same & (cells["band_no"] < low)]
    if not younger.empty:
        return int(group[younger["band_no"].idxmax()]), "受访人数不足2人，并入相邻较低年龄段"
    older = cells[same & (cells["band_no"] > high)]
    if not older.empty:
        return int(group[older["band_no"].idxmin()]), "受访人数不足2人，并入相邻较高年龄段"
    other = cells[(cells["residence"] == residence) & (cells["sex"] != sex) & (group != g)]
    if not other.empty:
        nearest = (other["band_no"] - low).abs().idxmin()
        return int(group[nearest]), "同城乡同性别无可合并年龄段，跨性别合并"
    rest = cells[group != g]
    if rest.empty:
        return None, ""
    return int(group[rest.index[0]]), "同城乡无可合并单元，跨城乡合并"


def _label(cells: pd.DataFrame, mask) -> str:
    part = cells[mask]
    return "＋".join(f"{r}·{s}·{b}" for r, s, b in zip(part["residence"], part["sex"], part["age_band"]))

"""Post-stratification of a survey year inside each key group, with the merge order of INDICATORS.md ("Weights").

Cells are 重点人群 × 城乡 × 性别 × 年龄段. A key group with no respondent, and an age band with no respondent at
all that year, lie outside the survey. Inside each surveyed group (never across groups), so that every cell has
at least two respondents and a population above zero:
  1. per group × 城乡 × 性别, the youngest weak band unit merges with its younger neighbour (older if youngest);
     a band where that group × 城乡 × 性别 has neither people nor respondents is no unit (merging it moves nobody);
  2. a group × 城乡 where one 性别 is thin (over all its bands) is weighted with both 性别 pooled;
  3. a group where one 城乡 is thin (pooled over 性别) is weighted pooled over 城乡 and 性别;
  4. a group with fewer than two respondents, or no population in its bands, is left out.
Every merge is listed with its step. Loops run over groups and cells, never over respondents.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.spec import AGE_BANDS  # the plan's 年龄段, as DATA.md names them

_BAND_EDGES = np.array([18, 30, 40, 50, 60, 70])
MIN_PER_CELL = 2
KEYS = ["group_name", "residence", "sex", "age_band"]
POOLED_RESIDENCE = "城乡合并"
POOLED_SEX = "男女合并"
STEP_WORDS = {1: "相邻年龄段合并", 2: "男女合并", 3: "城乡、男女合并", 4: "不纳入加权"}
MERGE_COLUMNS = ["步骤", "重点人群", "单元", "并入", "受访人数", "人口数", "原因"]
_ORDER = {"residence": ("城镇", "农村"), "sex": ("男", "女")}


def age_band(age) -> np.ndarray:
    """Age band label for each age (0–17, 18–29, …, 70+)."""
    return np.asarray(AGE_BANDS, dtype=object)[np.searchsorted(_BAND_EDGES, np.asarray(age), side="right")]


@dataclass(frozen=True)
class Weighting:
    """Weights of one survey year: per respondent weight and cell (NaN / None outside coverage), how they were made."""

    weights: np.ndarray
    strata: np.ndarray
    units: pd.DataFrame  # group_name, residence, sex, age_band, n, population, cell (None = not covered)
    merges: pd.DataFrame  # MERGE_COLUMNS
    covered_population: int
    left_out_groups: tuple[str, ...]  # surveyed, but too thin to weight (step 4)
    unsurveyed_groups: tuple[str, ...]  # population, but no respondent that year
    left_out_bands: tuple[str, ...]  # population, but no respondent at all that year

    @property
    def covered(self) -> np.ndarray:
        """Which respondents lie inside the weighted population."""
        return ~np.isnan(self.weights)


def _weak(n, p) -> bool:
    return n < MIN_PER_CELL or p <= 0


def _why(n, p) -> str:
    if n == 0:
        return "无人受访"
    return f"受访{int(n)}人，不足{MIN_PER_CELL}人" if n < MIN_PER_CELL else "人口数为0"


def _label(group, residence=None, sex=None, bands=None) -> str:
    parts = [group, residence or POOLED_RESIDENCE, sex or POOLED_SEX]
    return "·".join(parts + (["＋".join(bands)] if bands else []))


def _ordered(values, kind: str | None = None) -> list:
    present = list(dict.fromkeys(v for v in values if pd.notna(v)))
    order = _ORDER.get(kind, ())
    return [v for v in order if v in present] + [v for v in present if v not in order]


def merge_bands(bands: list[str], n: list[float], p: list[float]) -> tuple[list[list[str]], list[dict]]:
    """Step 1 on one column of band units: the merged band lists (age order) and each merge made."""
    units, n, p = [[b] for b in bands], list(n), list(p)
    merges = []
    while len(units) > 1:
        weak = [i for i in range(len(units)) if _weak(n[i], p[i])]
        if not weak:
            break
        i = weak[0]
        j = i - 1 if i > 0 else i + 1
        merges.append({"from": units[i], "into": units[j], "n": n[i], "p": p[i],
                       "why": f"{_why(n[i], p[i])}，并入相邻{'较低' if j < i else '较高'}年龄段"})
        lo, hi = min(i, j), max(i, j)
        units[lo], n[lo], p[lo] = units[lo] + units[hi], n[lo] + n[hi], p[lo] + p[hi]
        del units[hi], n[hi], p[hi]
    return units, merges


def post_stratify(respondents: pd.DataFrame, population: pd.DataFrame) -> Weighting:
    """Weights for `respondents` (group_name, residence, sex, age_band) from `population` (same keys + population)."""
    counts = respondents.groupby(KEYS).size().rename("n")
    pop = population.groupby(KEYS)["population"].sum()
    units = pd.concat([counts, pop], axis=1).fillna(0).reset_index()
    present_bands = set(respondents["age_band"].unique())
    surveyed = [b for b in AGE_BANDS if b in present_bands]
    band_pop = units.groupby("age_band")["population"].sum()
    left_out_bands = tuple(b for b in AGE_BANDS if b not in present_bands and band_pop.get(b, 0) > 0)
    units = units[units["age_band"].isin(surveyed)].reset_index(drop=True)
    # The unit table is small (groups × 2 × 2 × 7 at most): the steps run on plain tuples.
    table = [_Unit(*key) for key in units[KEYS + ["n", "population"]].itertuples(index=False, name=None)]
    cell_of: dict[tuple, str] = {}
    merges: list[dict] = []
    left_out, unsurveyed = [], []
    group_pop = population.groupby("group_name")["population"].sum()
    for group in _ordered(list(population["group_name"].unique()) + list(respondents["group_name"].unique())):
        part = [u for u in table if u.group == group and (u.n or u.p)]
        n_g, p_g = _sum(part)
        if n_g == 0:
            if group_pop.get(group, 0) > 0:
                unsurveyed.append(group)
            continue
        if _weak(n_g, p_g):
            left_out.append(group)
            merges.append(_row(4, group, group, "—", n_g, p_g, f"{_why(n_g, p_g)}，该人群不纳入加权，不在覆盖范围内"))
            continue
        for residence, sex in _columns(part, group, merges):
            column = [u for u in part if residence in (None, u.residence) and sex in (None, u.sex)]
            bands = [b for b in surveyed if any(u.band == b for u in column)]
            sums = [_sum(u for u in column if u.band == b) for b in bands]
            cells, steps = merge_bands(bands, [n for n, _ in sums], [p for _, p in sums])
            for m in steps:
                merges.append(_row(1, group, _label(group, residence, sex, m["from"]),
                                   _label(group, residence, sex, m["into"]), m["n"], m["p"], m["why"]))
            for cell in cells:
                label = _label(group, residence, sex, cell)
                cell_of.update({u.key: label for u in column if u.band in cell})
    units["cell"] = [cell_of.get(u.key) for u in table]
    return _weights(respondents, units, merges, tuple(left_out), tuple(unsurveyed), left_out_bands)


@dataclass(frozen=True)
class _Unit:
    group: str
    residence: str
    sex: str
    band: str
    n: float
    p: float

    @property
    def key(self) -> tuple:
        return self.group, self.residence, self.sex, self.band


def _sum(units) -> tuple[float, float]:
    units = list(units)
    return sum(u.n for u in units), sum(u.p for u in units)


def _columns(part: list[_Unit], group: str, merges: list[dict]) -> list[tuple[str | None, str | None]]:
    """Steps 2 and 3: the (城乡, 性别) columns of one group, None where pooled; the pooling is listed."""
    residences = _ordered([u.residence for u in part], "residence")
    thin = [(r, *_sum(u for u in part if u.residence == r)) for r in residences]
    thin = [(r, n, p) for r, n, p in thin if _weak(n, p)]
    for r, n, p in thin:
        merges.append(_row(3, group, f"{group}·{r}", _label(group), n, p, f"{r}{_why(n, p)}，该人群城乡、男女合并加权"))
    if thin:
        return [(None, None)]
    columns = []
    for r in residences:
        sexes = _ordered([u.sex for u in part if u.residence == r], "sex")
        weak = [(s, *_sum(u for u in part if u.residence == r and u.sex == s)) for s in sexes]
        weak = [(s, n, p) for s, n, p in weak if _weak(n, p)]
        for s, n, p in weak:
            merges.append(_row(2, group, f"{group}·{r}·{s}", _label(group, r), n, p,
                               f"{s}性{_why(n, p)}，{r}男女合并加权"))
        columns += [(r, None)] if weak else [(r, s) for s in sexes]
    return columns


def _row(step, group, unit, into, n, p, why) -> dict:
    return dict(zip(MERGE_COLUMNS, [step, group, unit, into, int(n), int(p), why]))


def _weights(respondents, units, merges, left_out, unsurveyed, left_out_bands) -> Weighting:
    covered = units[units["cell"].notna()]
    totals = covered.groupby("cell")[["n", "population"]].sum()
    rate = totals["population"] / totals["n"]
    lookup = covered.set_index(KEYS)["cell"]
    strata = lookup.reindex(pd.MultiIndex.from_frame(respondents[KEYS])).to_numpy(dtype=object)
    weights = rate.reindex(strata).to_numpy(dtype=float)
    strata = np.where(np.isnan(weights), None, strata)
    return Weighting(weights, strata, units, pd.DataFrame(merges, columns=MERGE_COLUMNS),
                     int(round(covered["population"].sum())), left_out, unsurveyed, left_out_bands)

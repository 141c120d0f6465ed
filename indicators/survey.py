"""Survey indicators: literacy rate, tiers, urban–rural gap, group rank, minors' interest, weighting report.

Each survey year is estimated on its own design: post-stratification cells as strata, each respondent its own
PSU (R: svydesign(ids=~1, strata=~cell, weights=~w)), domains estimated with the full design.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from indicators.base import SURVEY_BREAKDOWNS, finish, population, thresholds, to_date
from indicators.sql import sql
from indicators.survey_stats import domain_estimates, domain_gap
from indicators.weighting import AGE_BANDS, age_band, post_stratify

MIN_N = 30
ADULT_AGES = (18, 69)
EDUCATION_ORDER = ("小学及以下", "初中", "高中(含中专)", "大专", "本科及以上")
TIER_ORDER = ("高阶", "具备", "基本具备", "较低")
# Breakdowns that cover everyone in the band or group; the rest cover residents aged 18–69.
ALL_AGES_BREAKDOWNS = ("年龄段", "重点人群")


@dataclass(frozen=True)
class SurveyYear:
    """One survey year ready for estimation: respondents, weights, strata and how they were made."""

    year: int
    frame: pd.DataFrame
    weights: np.ndarray
    strata: np.ndarray | None
    merges: pd.DataFrame
    method: str
    covered_population: int
    left_out_bands: tuple[str, ...]


_MEMO: dict = {}


def survey_years(con: duckdb.DuckDBPyConnection, as_of) -> list[SurveyYear]:
    """Every survey year up to the as-of date, weighted (given weights, or post-stratified to the plan).

    Remembered per (database file, data version, as-of date): every survey indicator starts from the same
    weighted years, and the data version changes with every load.
    """
    key = (con.execute("select file from pragma_database_list where name = current_database()").fetchone()[0],
           con.execute("select value from meta where key = 'data_version'").fetchone()[0], str(to_date(as_of)))
    if key[0] and key in _MEMO:
        return _MEMO[key]
    years = _weighted_years(con, as_of)
    if key[0]:
        if len(_MEMO) > 16:
            _MEMO.clear()
        _MEMO[key] = years
    return years


def _weighted_years(con: duckdb.DuckDBPyConnection, as_of) -> list[SurveyYear]:
    frame = con.execute(sql("survey_respondents"), {"as_of": to_date(as_of)}).fetchdf()
    if frame.empty:
        return []
    frame["age_band"] = age_band(frame["age"].to_numpy())
    pop = population(con).rename(columns={"group_name": "group"})
    years = []
    for year, part in frame.groupby("year", sort=True):
        part = part.reset_index(drop=True)
        if part["is_fully_weighted"].all():
            years.append(SurveyYear(int(year), part, part["weight"].to_numpy(float), None, pd.DataFrame(),
                                    "given", int(round(part["weight"].sum())), ()))
        elif pop.empty:
            years.append(SurveyYear(int(year), part, np.ones(len(part)), None, pd.DataFrame(), "unweighted",
                                    len(part), ()))
        else:
            w = post_stratify(part, pop)
            years.append(SurveyYear(int(year), part, w.weights, w.strata, w.merges, "post_stratified",
                                    w.covered_population, w.left_out_bands))
    return years


def _domains(sy: SurveyYear, by: str | None, base: np.ndarray, con):
    """The domains of `by` (or the whole town), applying the 18–69 rule: a Categorical, or {label: mask}."""
    frame = sy.frame
    if by not in ALL_AGES_BREAKDOWNS:
        base = base & frame["age"].between(*ADULT_AGES).to_numpy()
    return {"全镇": base} if by is None else _category_masks(sy, by, base, con)


def _category_masks(sy: SurveyYear, by: str, base: np.ndarray, con) -> pd.Categorical:
    """Each row's category of `by` within `base` (else none), categories in the plan's order, empty ones left out."""
    codes = _category_codes(sy, by, con)
    return pd.Categorical.from_codes(np.where(base, codes.codes, -1), dtype=codes.dtype).remove_unused_categories()


_CODES: dict = {}


def _category_codes(sy: SurveyYear, by: str, con) -> pd.Categorical:
    """The column of `by` as a Categorical in the plan's order, built once per weighted year."""
    key = (id(sy.frame), by)
    held = _CODES.get(key)
    if held is not None and held[0] is sy.frame:
        return held[1]
    column = sy.frame[SURVEY_BREAKDOWNS[by]]
    codes = pd.Categorical(column, categories=_categories(by, column, con))
    if len(_CODES) > 256:
        _CODES.clear()
    _CODES[key] = (sy.frame, codes)
    return codes


def _categories(by: str, values: pd.Series, con) -> list:
    order = {"城乡": ("城镇", "农村"), "性别": ("男", "女"), "年龄段": AGE_BANDS, "文化程度": EDUCATION_ORDER}.get(by)
    if order is None:
        table = {"重点人群": "select group_name from v_plan_groups order by row_no",
                 "村(社区)": "select village from v_plan_villages order by row_no"}[by]
        order = [r[0] for r in con.execute(table).fetchall()]
    present = set(values.dropna().unique())
    return [c for c in order if c in present] + sorted(present - set(order))


def _labels(domains) -> list:
    """The domain labels of what _domains returned."""
    return list(domains.categories) if isinstance(domains, pd.Categorical) else list(domains)


def _estimate_table(sy: SurveyYear, y: np.ndarray, domains: dict, by: str | None) -> pd.DataFrame:
    est = domain_estimates(y, sy.weights, domains, strata=sy.strata, kind="share")
    table = est.table.rename(columns={"domain": by or "全镇"})
    table.insert(0, "period", str(sy.year))
    table["note"] = np.where(table["n"] < MIN_N, [f"样本不足（n={n}）" for n in table["n"]], None)
    return table.drop(columns=["ci_method"])


def literacy_rate(con: duckdb.DuckDBPyConnection, as_of, by: str | None = None) -> pd.DataFrame:
    """Weighted share with 总分 ≥ the 具备 threshold, per survey year (and category of `by`).

    Columns: period, [by], value, unit, n, se, df, ci_low, ci_high, note.
    """
    cut = thresholds(con)["具备"]
    tables = []
    for sy in survey_years(con, as_of):
        y = (sy.frame["score"].to_numpy(float) >= cut).astype(float)
        domains = _domains(sy, by, np.ones(len(y), bool), con)
        if _labels(domains):
            tables.append(_estimate_table(sy, y, domains, by))
    return _combine(tables, by, "share")


def literacy_tier_share(con: duckdb.DuckDBPyConnection, as_of, by: str | None = None) -> pd.DataFrame:
    """Weighted share in each tier (高阶 / 具备 / 基本具备 / 较低) per survey year.

    Columns: period, [by], 等级, value, unit, n, se, df, ci_low, ci_high, note.
    """
    cuts = thresholds(con)
    tables = []
    for sy in survey_years(con, as_of):
        score = sy.frame["score"].to_numpy(float)
        tier = np.select([score >= cuts["高阶"], score >= cuts["具备"], score >= cuts["基本具备"]],
                         ["高阶", "具备", "基本具备"], "较低")
        domains = _domains(sy, by, np.ones(len(score), bool), con)
        for name in TIER_ORDER:
            if _labels(domains):
                table = _estimate_table(sy, (tier == name).astype(float), domains, by)
                table.insert(2 if by else 1, "等级", name)
                tables.append(table)
    return _combine(tables, by, "share")


def urban_rural_gap(con: duckdb.DuckDBPyConnection, as_of) -> pd.DataFrame:
    """城镇 − 农村 literacy rate (residents 18–69) in percentage points, with its CI and yearly change.

    Columns: period, value, unit, n, se, df, ci_low, ci_high, note, change_pp (negative = narrowing).
    """
    cut = thresholds(con)["具备"]
    rows = []
    for sy in survey_years(con, as_of):
        y = (sy.frame["score"].to_numpy(float) >= cut).astype(float)
        domains = _domains(sy, "城乡", np.ones(len(y), bool), con)
        if not {"城镇", "农村"} <= set(_labels(domains)):
            continue
        est = domain_estimates(y, sy.weights, domains, strata=sy.strata, kind="share")
        gap = domain_gap(est, "城镇", "农村")
        n = est.table.set_index("domain")["n"]
        rows.append({"period": str(sy.year), "value": 100 * gap["diff"], "n": int(n["城镇"] + n["农村"]),
                     "se": 100 * gap["se"], "df": gap["df"], "ci_low": 100 * gap["ci_low"],
                     "ci_high": 100 * gap["ci_high"],
                     "note": "样本不足" if min(n) < MIN_N else None})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["change_pp"] = frame["value"].diff()
    return finish(frame, [], "pp") if not frame.empty else finish(pd.DataFrame(columns=["period"]), [], "pp")


def group_rank(con: duckdb.DuckDBPyConnection, as_of) -> pd.DataFrame:
    """Rank (1 = highest) of each adult key group by literacy rate; groups with n < 30 are not ranked.

    Columns: period, 重点人群, value (the rank), unit, n, se, df, ci_low, ci_high, note, rate.
    """
    rates = literacy_rate(con, as_of, by="重点人群")
    if rates.empty:
        return finish(pd.DataFrame(columns=["period", "重点人群"]), ["重点人群"], "rank")
    minors = {r[0] for r in con.execute("select distinct group_name from v_plan_population where age_band = ?",
                                        [AGE_BANDS[0]]).fetchall()}
    rates = rates[~rates["重点人群"].isin(minors)].copy()
    rankable = rates["n"] >= MIN_N
    rates["rate"] = rates["value"]
    rates["value"] = rates["rate"].where(rankable).groupby(rates["period"]).rank(ascending=False, method="min")
    rates[["se", "df", "ci_low", "ci_high"]] = None
    return finish(rates, ["重点人群"], "rank")


def minor_interest_rate(con: duckdb.DuckDBPyConnection, as_of, by: str | None = None) -> pd.DataFrame:
    """Weighted share of minors (age < 18) answering 4 or 5 on 科学兴趣, per survey year.

    Columns: period, [by], value, unit, n, se, df, ci_low, ci_high, note.
    """
    tables = []
    for sy in survey_years(con, as_of):
        interest = sy.frame["interest"].to_numpy(float)
        y = np.where(np.isnan(interest), np.nan, (interest >= 4).astype(float))
        minors = (sy.frame["age"] < 18).to_numpy() & ~np.isnan(interest)
        domains = {"未成年人": minors} if by is None else _category_masks(sy, by, minors, con)
        if _labels(domains):
            tables.append(_estimate_table(sy, y, domains, by))
    return _combine(tables, by, "share")


def weighting_report(con: duckdb.DuckDBPyConnection, as_of) -> pd.DataFrame:
    """How each survey year was weighted: method, respondents, population covered, bands left out, merges.

    Columns: period, method, n, covered_population, left_out_bands, merges (DataFrame per year).
    """
    words = {"given": "使用报表中的权重", "post_stratified": "按人口结构事后分层加权", "unweighted": "未加权（计划无人口数据）"}
    return pd.DataFrame([{"period": str(sy.year), "method": words[sy.method], "n": len(sy.frame),
                          "covered_population": sy.covered_population,
                          "left_out_bands": "、".join(sy.left_out_bands), "merges": sy.merges}
                         for sy in survey_years(con, as_of)])


def _combine(tables: list[pd.DataFrame], by: str | None, unit: str) -> pd.DataFrame:
    keys = [by] if by else []
    if not tables:
        return finish(pd.DataFrame(columns=["period", *keys]), keys, unit)
    frame = pd.concat(tables, ignore_index=True)
    if by is None:
        frame = frame.drop(columns=["全镇"], errors="ignore")
    extra = ["等级"] if "等级" in frame else []
    return finish(frame, keys + extra, unit)

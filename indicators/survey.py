"""Survey indicators: literacy rate, tiers, urban–rural gap, group rank, minors' interest, weighting report.

Each survey year is estimated on its own design: post-stratification cells as strata, each respondent its own
PSU (R: svydesign(ids=~1, strata=~cell, weights=~w)), domains estimated with the full design.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import numpy as np
import pandas as pd

from indicators.base import (ADULT_AGES, ADULT_LABEL, MIN_N, SURVEY_BREAKDOWNS, finish, population, thresholds,
                             to_date)
from indicators.marts import database_file, materialised, survey_year_keys, year_result
from indicators.sql import arrow_frame, sql
from indicators.survey_stats import domain_estimates, domain_gap
from indicators.weighting import AGE_BANDS, MIN_PER_CELL, age_band, post_stratify

__all__ = ["MIN_N", "ADULT_AGES", "ADULT_LABEL"]  # re-exported: the one n ≥ 30 rule and the one 18–69 population
EDUCATION_ORDER = ("小学及以下", "初中", "高中(含中专)", "大专", "本科及以上")
TIER_ORDER = ("高阶", "具备", "基本具备", "较低")
ADULT_BANDS = tuple(b for b in AGE_BANDS[:-1] if ADULT_AGES[0] <= int(b.split("–")[0]) <= ADULT_AGES[1])
# Breakdowns that cover everyone in the band or group; the rest cover residents aged 18–69.
ALL_AGES_BREAKDOWNS = ("年龄段", "重点人群")


@dataclass(frozen=True)
class SurveyYear:
    """One survey year ready for estimation: respondents, weights, strata and how they were made."""

    year: int
    frame: pd.DataFrame
    weights: np.ndarray
    strata: pd.Categorical | np.ndarray | None  # the weighting cell of each respondent
    merges: pd.DataFrame
    method: str
    covered_population: int
    left_out_bands: tuple[str, ...]
    n_all: int = 0  # respondents of the year, inside coverage or not
    left_out_groups: tuple[str, ...] = ()  # surveyed, too thin to weight (step 4)
    unsurveyed_groups: tuple[str, ...] = ()
    covered_share: float | None = None  # of the plan's 18–69 population

    @property
    def coverage(self) -> str:
        """'覆盖18–69岁常住人口的76.0%，未调查人群：其他' — which population the year's figures cover."""
        return coverage_text(self.covered_share, self.unsurveyed_groups, self.left_out_groups, self.left_out_bands)


_MEMO: dict = {}
WEIGHED: list[int] = []  # the years weighed in this process, in order (a refresh after one return weighs one year)


def survey_years(con: duckdb.DuckDBPyConnection, as_of) -> list[SurveyYear]:
    """Every survey year up to the as-of date, weighted (given weights, or post-stratified to the plan)."""
    return [survey_year(con, *year) for year in survey_year_keys(con, as_of)]


def survey_year(con: duckdb.DuckDBPyConnection, year: int, key: str, return_ids: tuple) -> SurveyYear:
    """One survey year (from marts.survey_year_keys: its key and returns), weighted on its own; remembered per
    key, so that a load of another year's return does not weigh this year again."""
    path = database_file(con)
    if path and (path, key) in _MEMO:
        return _MEMO[(path, key)]
    frame = arrow_frame(con, "survey_respondents", {"as_of": dt.date.max}, where="return_id in (select unnest($ids))",
                        order="year, return_id, row_no", extra={"ids": list(return_ids)})
    WEIGHED.append(year)
    frame["age_band"] = age_band(frame["age"].to_numpy())
    result = _weighted_year(year, frame, population(con))
    if path:
        if len(_MEMO) > 32:
            _MEMO.clear()
        _MEMO[(path, key)] = result
    return result


def _weighted_year(year: int, part: pd.DataFrame, pop: pd.DataFrame) -> SurveyYear:
    if part["is_fully_weighted"].all() or pop.empty:
        given = part["is_fully_weighted"].all()
        weights = part["weight"].to_numpy(float) if given else np.ones(len(part))
        return SurveyYear(year, part, weights, None, pd.DataFrame(), "given" if given else "unweighted",
                          int(round(weights.sum())), _bands_left_out(part, pop), len(part),
                          unsurveyed_groups=_groups_unsurveyed(part, pop),
                          covered_share=_adult_share(pop, set(part["group_name"].unique()),
                                                     set(part["age_band"].unique())))
    w = post_stratify(part, pop)
    covered = w.covered
    groups = set(part["group_name"].unique()) - set(w.left_out_groups)
    # The strata are factorised once here (in order of appearance, as survey_stats would), not per estimate
    codes, cells = pd.factorize(pd.Series(w.strata[covered], dtype=object), sort=False)
    return SurveyYear(year, part[covered].reset_index(drop=True), w.weights[covered],
                      pd.Categorical.from_codes(codes, cells), w.merges, "post_stratified", w.covered_population,
                      w.left_out_bands, len(part), w.left_out_groups, w.unsurveyed_groups,
                      _adult_share(pop, groups, set(part["age_band"].unique())))


def _per_year(con, as_of, name: str, args, table_of) -> list[pd.DataFrame]:
    """Each survey year's part of a result: `table_of(survey_year)` (a frame, or None where the year has no
    domain), kept per year in the marts so that only a year whose returns changed is estimated again."""
    tables = []
    for year, key, ids in survey_year_keys(con, as_of):
        table = year_result(con, key, year, name, args,
                            lambda: _or_empty(table_of(survey_year(con, year, key, ids))))
        if len(table):
            tables.append(table)
    return tables


def _or_empty(table: pd.DataFrame | None) -> pd.DataFrame:
    return pd.DataFrame() if table is None else table


def _bands_left_out(part: pd.DataFrame, pop: pd.DataFrame) -> tuple[str, ...]:
    with_people = set(pop.loc[pop["population"] > 0, "age_band"])
    return tuple(b for b in AGE_BANDS if b in with_people and b not in set(part["age_band"].unique()))


def _groups_unsurveyed(part: pd.DataFrame, pop: pd.DataFrame) -> tuple[str, ...]:
    with_people = pop.loc[pop["population"] > 0, "group_name"]
    return tuple(g for g in dict.fromkeys(with_people) if g not in set(part["group_name"].unique()))


def _adult_share(pop: pd.DataFrame, groups: set, bands: set) -> float | None:
    """Share of the plan's 18–69 population in the covered groups and surveyed bands (None without population)."""
    adult = pop[pop["age_band"].isin(ADULT_BANDS)]
    total = adult["population"].sum()
    if pop.empty or total <= 0:
        return None
    inside = adult["group_name"].isin(groups) & adult["age_band"].isin(bands)
    return float(adult.loc[inside, "population"].sum() / total)


def coverage_text(share: float | None, unsurveyed: tuple = (), left_out: tuple = (), bands: tuple = ()) -> str:
    """The population a survey year covers: '覆盖18–69岁常住人口的76.0%，未调查人群：其他'."""
    if share is None:
        text = "工作计划无人口数据，覆盖比例无法计算"
    else:
        percent = Decimal(repr(100 * share)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        text = f"覆盖{ADULT_LABEL}常住人口的{percent}%"
    if unsurveyed:
        text += f"，未调查人群：{'、'.join(unsurveyed)}"
    if left_out:
        text += f"，受访不足{MIN_PER_CELL}人未纳入：{'、'.join(left_out)}"
    if bands:
        text += f"，无人受访的年龄段：{'、'.join(band_words(b) for b in bands)}"
    return text


def band_words(band: str) -> str:
    """'18–29' → '18–29岁', '70+' → '70岁及以上'."""
    return f"{band[:-1]}岁及以上" if band.endswith("+") else f"{band}岁"


def survey_coverage(con: duckdb.DuckDBPyConnection, as_of) -> dict[str, str]:
    """Per survey year ('2025'), the sentence saying which population its figures cover."""
    report = weighting_report(con, as_of)  # materialised: no re-weighting of every respondent
    return dict(zip(report["period"], report["coverage"])) if len(report) else {}


def _domains(sy: SurveyYear, by: str | None, base: np.ndarray, con):
    """The domains of `by` (or the whole town), applying the 18–69 rule: a Categorical, or {label: mask}."""
    frame = sy.frame
    if by not in ALL_AGES_BREAKDOWNS:
        base = base & frame["age"].between(*ADULT_AGES).to_numpy()
    if by is None:
        return {"全镇": base} if base.any() else {}
    return _category_masks(sy, by, base, con)


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


@materialised("survey")
def literacy_rate(con: duckdb.DuckDBPyConnection, as_of, by: str | None = None) -> pd.DataFrame:
    """Weighted share with 总分 ≥ the 具备 threshold, per survey year (and category of `by`).

    Columns: period, [by], value, unit, n, se, df, ci_low, ci_high, note.
    """
    cut = thresholds(con)["具备"]

    def year_table(sy: SurveyYear) -> pd.DataFrame | None:
        y = (sy.frame["score"].to_numpy(float) >= cut).astype(float)
        domains = _domains(sy, by, np.ones(len(y), bool), con)
        return _estimate_table(sy, y, domains, by) if _labels(domains) else None
    return _combine(_per_year(con, as_of, "literacy_rate", [by], year_table), by, "share")


@materialised("survey")
def literacy_tier_share(con: duckdb.DuckDBPyConnection, as_of, by: str | None = None) -> pd.DataFrame:
    """Weighted share in each tier (高阶 / 具备 / 基本具备 / 较低) per survey year.

    Columns: period, [by], 等级, value, unit, n, se, df, ci_low, ci_high, note.
    """
    cuts = thresholds(con)

    def year_table(sy: SurveyYear) -> pd.DataFrame | None:
        score = sy.frame["score"].to_numpy(float)
        tier = np.select([score >= cuts["高阶"], score >= cuts["具备"], score >= cuts["基本具备"]],
                         ["高阶", "具备", "基本具备"], "较低")
        domains = _domains(sy, by, np.ones(len(score), bool), con)
        if not _labels(domains):
            return None
        tables = []
        for name in TIER_ORDER:
            table = _estimate_table(sy, (tier == name).astype(float), domains, by)
            table.insert(2 if by else 1, "等级", name)
            tables.append(table)
        return pd.concat(tables, ignore_index=True)
    return _combine(_per_year(con, as_of, "literacy_tier_share", [by], year_table), by, "share")


@materialised("survey")
def urban_rural_gap(con: duckdb.DuckDBPyConnection, as_of) -> pd.DataFrame:
    """城镇 − 农村 literacy rate (residents 18–69) in percentage points, with its CI and yearly change.

    Columns: period, value, unit, n, se, df, ci_low, ci_high, note, change_pp (negative = narrowing).
    """
    cut = thresholds(con)["具备"]

    def year_table(sy: SurveyYear) -> pd.DataFrame | None:
        y = (sy.frame["score"].to_numpy(float) >= cut).astype(float)
        domains = _domains(sy, "城乡", np.ones(len(y), bool), con)
        if not {"城镇", "农村"} <= set(_labels(domains)):
            return None
        est = domain_estimates(y, sy.weights, domains, strata=sy.strata, kind="share")
        gap = domain_gap(est, "城镇", "农村")
        n = est.table.set_index("domain")["n"]
        return pd.DataFrame([{"period": str(sy.year), "value": 100 * gap["diff"], "n": int(n["城镇"] + n["农村"]),
                              "se": 100 * gap["se"], "df": gap["df"], "ci_low": 100 * gap["ci_low"],
                              "ci_high": 100 * gap["ci_high"], "note": "样本不足" if min(n) < MIN_N else None}])
    tables = _per_year(con, as_of, "urban_rural_gap", [], year_table)
    frame = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if not frame.empty:
        frame["change_pp"] = frame["value"].diff()
    return finish(frame, [], "pp") if not frame.empty else finish(pd.DataFrame(columns=["period"]), [], "pp")


@materialised("survey")
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


@materialised("survey")
def minor_interest_rate(con: duckdb.DuckDBPyConnection, as_of, by: str | None = None) -> pd.DataFrame:
    """Weighted share of minors (age < 18) answering 4 or 5 on 科学兴趣, per survey year.

    Columns: period, [by], value, unit, n, se, df, ci_low, ci_high, note.
    """
    def year_table(sy: SurveyYear) -> pd.DataFrame | None:
        interest = sy.frame["interest"].to_numpy(float)
        y = np.where(np.isnan(interest), np.nan, (interest >= 4).astype(float))
        minors = (sy.frame["age"] < 18).to_numpy() & ~np.isnan(interest)
        domains = ({"未成年人": minors} if minors.any() else {}) if by is None else _category_masks(sy, by, minors, con)
        return _estimate_table(sy, y, domains, by) if _labels(domains) else None
    return _combine(_per_year(con, as_of, "minor_interest_rate", [by], year_table), by, "share")


@materialised("survey")
def weighting_report(con: duckdb.DuckDBPyConnection, as_of) -> pd.DataFrame:
    """How each survey year was weighted: method, respondents, population covered, groups and bands left out, merges.

    Columns: period, method, n (all respondents), n_covered, covered_population, covered_share, left_out_bands,
    left_out_groups, unsurveyed_groups, coverage (the sentence), merges (DataFrame per year, MERGE_COLUMNS).
    """
    words = {"given": "使用报表中的权重", "post_stratified": "在各重点人群内按城乡×性别×年龄段事后分层加权",
             "unweighted": "未加权（计划无人口数据）"}
    def year_table(sy: SurveyYear) -> pd.DataFrame:
        return pd.DataFrame([{"period": str(sy.year), "method": words[sy.method], "n": sy.n_all or len(sy.frame),
                              "n_covered": len(sy.frame), "covered_population": sy.covered_population,
                              "covered_share": sy.covered_share, "left_out_bands": "、".join(sy.left_out_bands),
                              "left_out_groups": "、".join(sy.left_out_groups),
                              "unsurveyed_groups": "、".join(sy.unsurveyed_groups), "coverage": sy.coverage,
                              "merges": sy.merges}])
    tables = _per_year(con, as_of, "weighting_report", [], year_table)
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def _combine(tables: list[pd.DataFrame], by: str | None, unit: str) -> pd.DataFrame:
    keys = [by] if by else []
    if not tables:
        return finish(pd.DataFrame(columns=["period", *keys]), keys, unit)
    frame = pd.concat(tables, ignore_index=True)
    if by is None:
        frame = frame.drop(columns=["全镇"], errors="ignore")
    extra = ["等级"] if "等级" in frame else []
    return finish(frame, keys + extra, unit)

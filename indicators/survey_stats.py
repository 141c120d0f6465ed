"""Design-based (Taylor-linearised) shares and means for many domains at once, with their covariance.

The estimator is the one of R's `survey` package (`svydesign` + `svymean`/`svyby`, ultimate-cluster
variance between PSUs within strata, optional FPC), checked case by case against
`../shared/oracle/survey_cases.json` (R 4.2.2 / survey 4.1-1, samplics 0.6.1, svy 0.35).

Why the formulas are written here rather than taken from `samplics` or `svy` (which INDICATORS.md would
otherwise prefer):
- gaps need the full-design covariance matrix between domains (urban vs rural share PSUs, so the
  covariance is not zero: oracle C04, C14, C18); here it comes out of the same pass as the estimates;
- at a share of exactly 0 or 1 samplics returns the interval [0, 0] and svy NaN (oracle C05); the dashboard
  needs the documented Clopper–Pearson convention on the unweighted domain count instead;
- missing answers must stay in the design as zero contributions (R's na.rm); dropping the rows first, as
  samplics' `remove_nan` does, shrinks strata and changes the SE (oracle C06);
- the indicators estimate dozens of domains (villages × groups) from one DuckDB result: arrays in, all
  domains in one vectorised pass, no per-domain refit, and no extra dependency to pin.
The oracle cases are the contract: if a library is adopted later, it must pass the same tests.

Formulas (domain j, rows i, PSU g in stratum h, n_h sampled PSUs, N_h PSUs in the population):
  value_j = sum_i w_i d_ij y_i / W_j,   W_j = sum_i w_i d_ij
  z_ij    = w_i d_ij (y_i - value_j) / W_j                    (linearised value; 0 outside the domain)
  Z_gj    = sum_{i in g} z_ij,   V = sum_h (1 - n_h/N_h) n_h/(n_h - 1) sum_{g in h} (Z_g - mean_h Z)(Z_g - mean_h Z)'
  df      = #PSUs - #strata  (of the whole design, whatever the domain)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

# scipy is imported where it is used: reading materialised results (the export, a page) never estimates, and
# importing scipy would be most of such a process's start-up.
CONFIDENCE = 0.95
LONELY_PSU_RULES = ("certainty", "adjust", "average", "fail")
KINDS = ("auto", "share", "mean")
ALL_ROWS = "all"


@dataclass(frozen=True)
class DomainEstimates:
    """Estimates for several domains of one variable: `table` (one row per domain) and their covariance."""

    table: pd.DataFrame  # domain, n, value, se, df, ci_low, ci_high, ci_method
    cov: pd.DataFrame  # k × k, index and columns = table["domain"], same order as the table
    kind: str  # "share" or "mean"
    df: int


@dataclass(frozen=True)
class _Design:
    psu_of_row: np.ndarray  # PSU index of each row (PSUs numbered 0..G-1 across strata)
    stratum_of_psu: np.ndarray  # stratum index of each PSU
    strata_labels: np.ndarray
    n_psu: np.ndarray  # n_h, sampled PSUs per stratum
    fpc_factor: np.ndarray  # 1 - n_h/N_h per stratum (1 without fpc)

    @property
    def df(self) -> int:
        return len(self.stratum_of_psu) - len(self.n_psu)


def _codes(labels, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and unique labels; design columns may not have gaps. A pd.Categorical (labels factorised
    once for many estimates) gives its own codes and categories."""
    if isinstance(labels, pd.Categorical):
        codes, uniques = labels.codes, labels.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(pd.Series(np.asarray(labels, dtype=object)), sort=False)
    if (codes < 0).any():
        raise ValueError(f"{what} has missing labels: every row must belong to a {what} of the design")
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _design(n: int, strata, psu, fpc) -> _Design:
    """The design's PSUs, strata and FPC factors, with PSU ids nested within strata."""
    if strata is None:
        s_code, s_labels = np.zeros(n, np.int64), np.array([None], dtype=object)
    else:
        s_code, s_labels = _codes(strata, "stratum")
    # Without a PSU column every respondent is its own PSU (R: ids = ~1).
    p_code = np.arange(n, dtype=np.int64) if psu is None else _codes(psu, "psu")[0]
    # The same PSU label in two strata is two PSUs (R: nest = TRUE; NHANES psuid is 1/2 in every stratum).
    width = int(p_code.max()) + 1 if n else 1
    psu_keys, psu_of_row = np.unique(s_code * width + p_code, return_inverse=True)
    stratum_of_psu = psu_keys // width
    n_psu = np.bincount(stratum_of_psu, minlength=len(s_labels))
    fpc_factor = np.ones(len(s_labels))
    if fpc is not None:
        fpc = np.asarray(fpc, dtype=float).ravel()
        if fpc.shape != (n,) or np.isnan(fpc).any():
            raise ValueError("fpc must give a population PSU count N_h on every row")
        pop = np.empty(len(s_labels))
        pop[s_code] = fpc
        if not np.array_equal(pop[s_code], fpc):
            raise ValueError("fpc must be constant within a stratum (it is N_h, the stratum's PSUs in the population)")
        if (pop < n_psu).any():
            bad = list(s_labels[pop < n_psu])
            raise ValueError(f"fpc is smaller than the number of sampled PSUs in strata {bad}: "
                             "fpc is the population count N_h, not a sampling fraction")
        fpc_factor = 1.0 - n_psu / pop
    return _Design(psu_of_row.ravel(), stratum_of_psu, s_labels, n_psu, fpc_factor)


def _domain_members(domains, n: int) -> tuple[list, np.ndarray, np.ndarray]:
    """Domain labels and the (row, domain) pairs of membership, as two index arrays."""
    if domains is None:
        return [ALL_ROWS], np.arange(n), np.zeros(n, np.int64)
    if isinstance(domains, Mapping):
        labels = list(domains)
        masks = [np.asarray(domains[k], dtype=bool).ravel() for k in labels]
        if any(m.shape != (n,) for m in masks):
            raise ValueError("every domain mask must have one entry per row")
        rows = [np.flatnonzero(m) for m in masks]
        cols = [np.full(len(r), j, np.int64) for j, r in enumerate(rows)]
        if not rows:
            return labels, np.zeros(0, np.int64), np.zeros(0, np.int64)
        return labels, np.concatenate(rows), np.concatenate(cols)
    if isinstance(domains, pd.Categorical):  # disjoint domains in the categories' own order
        if len(domains) != n:
            raise ValueError("domains must have one label per row")
        codes = np.asarray(domains.codes, dtype=np.int64)
        rows = np.flatnonzero(codes >= 0)
        return list(domains.categories), rows, codes[rows]
    values = pd.Series(np.asarray(domains, dtype=object).ravel())
    if len(values) != n:
        raise ValueError("domains must have one label per row")
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # labels of mixed types cannot be sorted; keep their order of appearance
        codes, uniques = pd.factorize(values, sort=False)
    rows = np.flatnonzero(codes >= 0)  # None/NaN label: in no domain, but still in the design
    return list(uniques), rows, codes[rows].astype(np.int64)


def _psu_covariance(totals, design: _Design, lonely_psu: str) -> np.ndarray:
    """Between-PSU covariance of the domain totals: centred within stratum, FPC and n_h/(n_h-1) applied.

    Only per-stratum sums are needed: with c_h the centre of stratum h (its mean PSU total, or 0 for a
    lonely PSU under "adjust"), S_h the sum and C_h = sum_g Z_g Z_g' the cross-products of its PSU totals,
    sum_{g in h} (Z_g - c_h)(Z_g - c_h)' = C_h - c_h S_h' - S_h c_h' + n_h c_h c_h'. The PSU totals stay
    sparse (a respondent is in one domain of a breakdown), so nothing of size PSUs × domains is built.
    """
    from scipy import sparse
    n_h, f_h, s = design.n_psu, design.fpc_factor, design.stratum_of_psu
    # A stratum with every PSU sampled (f_h = 0) adds no variance and is not "lonely" (as in R).
    lonely = (n_h == 1) & (f_h > 0)
    if lonely.any() and lonely_psu == "fail":
        raise ValueError(f"strata {list(design.strata_labels[lonely])} have only one PSU, so their variance "
                         "cannot be estimated; pass lonely_psu='certainty', 'adjust' or 'average'")
    n_strata = len(n_h)
    stratum_sum = np.asarray((sparse.csr_matrix((np.ones(len(s)), (s, np.arange(len(s)))),
                                                shape=(n_strata, len(s))) @ totals).todense())
    centre = stratum_sum / np.maximum(n_h, 1)[:, None]
    scale = f_h * n_h / np.maximum(n_h - 1, 1)
    if lonely_psu == "adjust":
        # R centres a lonely PSU at the grand mean of PSU totals, which is 0 here because each domain's
        # linearised values sum to zero; its deviation then counts once, times the FPC factor.
        centre[lonely] = 0.0
        scale = np.where(lonely, f_h, scale)
    else:
        scale = np.where(lonely, 0.0, scale)  # certainty / remove: the stratum adds nothing
    cross = np.asarray((totals.T @ sparse.diags(scale[s]) @ totals).todense())
    weighted_centre = centre * scale[:, None]
    cov = (cross - weighted_centre.T @ stratum_sum - stratum_sum.T @ weighted_centre
           + (weighted_centre * n_h[:, None]).T @ centre)
    if lonely_psu == "average" and lonely.any():
        # R scales the other strata's variance up by #strata / #strata that could be estimated.
        usable = n_strata - int(lonely.sum())
        cov = cov * (n_strata / usable if usable else np.nan)
    return cov


def _resolve_kind(y_observed: np.ndarray, kind: str) -> str:
    """'share' for a 0/1 variable, 'mean' otherwise (or as asked, checked)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    is_binary = bool(np.isin(y_observed, (0.0, 1.0)).all())
    if kind == "share" and not is_binary:
        raise ValueError("kind='share' needs y coded 0/1 (NaN for missing)")
    if kind == "auto":
        return "share" if is_binary else "mean"
    return kind


def _intervals(kind, value, se, n, zero, one, df) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """95% intervals: logit-t for shares (Clopper–Pearson at exactly 0 or 1), Wald-t for means."""
    from scipy import special
    t = _t_quantile(df)
    k = len(value)
    if kind == "mean":
        return value - t * se, value + t * se, np.full(k, "wald_t", dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = t * se / (value * (1.0 - value))
        low, high = special.expit(special.logit(value) - half), special.expit(special.logit(value) + half)
    # At 0 or 1 the logit interval collapses; use the exact interval on the unweighted count (0 or n of n).
    alpha = 1.0 - CONFIDENCE
    n_safe = np.maximum(n, 1)
    # Beta quantiles (scipy.stats.beta.ppf computes the same with special.betaincinv).
    low = np.where(zero, 0.0, np.where(one, special.betaincinv(n_safe, 1, alpha / 2), low))
    high = np.where(one, 1.0, np.where(zero, special.betaincinv(1, n_safe, 1 - alpha / 2), high))
    method = np.where(zero | one, "clopper_pearson", "logit_t").astype(object)
    return low, high, method


def _t_quantile(df: int) -> float:
    """The t quantile of the 95% interval on df degrees of freedom (scipy.stats.t.ppf, via special.stdtrit)."""
    from scipy import special
    return float(special.stdtrit(df, 0.5 + CONFIDENCE / 2)) if df > 0 else np.nan


def domain_estimates(y, weights, domains=None, strata=None, psu=None, fpc=None, *,
                     kind: str = "auto", lonely_psu: str = "certainty") -> DomainEstimates:
    """Weighted share or mean of y in each domain, with Taylor SE, full-design df, 95% CI and covariance.

    y: float array, NaN = missing (the row stays in the design with zero contribution, R's na.rm).
    domains: None (one domain, "all", every row), a 1-D array of labels (None/NaN = in no domain), a
    pd.Categorical (its categories, in their order, are the domains), or a dict {label: boolean mask};
    masks may overlap. strata/psu: labels per row (PSU nested in stratum;
    no psu = each row its own PSU). fpc: N_h per row, the stratum's PSU count in the population.
    kind: "share" (0/1 y), "mean" or "auto" (share when every observed y is 0 or 1).
    lonely_psu: rule for a stratum with one PSU, as R's survey.lonely.psu: "certainty" (adds 0),
    "adjust", "average" or "fail" (ValueError).

    table columns: domain, n (unweighted rows with y), value, se, df, ci_low, ci_high,
    ci_method ("logit_t", "clopper_pearson" or "wald_t"). cov: k × k covariance of the values.
    """
    if lonely_psu not in LONELY_PSU_RULES:
        raise ValueError(f"lonely_psu must be one of {LONELY_PSU_RULES}, not {lonely_psu!r}")
    y = np.asarray(y, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    n_rows = len(y)
    if w.shape != (n_rows,):
        raise ValueError("weights must have one value per row of y")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and non-negative")
    observed = ~np.isnan(y)
    kind = _resolve_kind(y[observed], kind)
    design = _design(n_rows, strata, psu, fpc)
    labels, rows, cols = _domain_members(domains, n_rows)
    keep = observed[rows]  # a missing answer is in no domain (R's na.rm), but its PSU stays
    rows, cols = rows[keep], cols[keep]
    k = len(labels)

    wr, yr = w[rows], y[rows]
    n = np.bincount(cols, minlength=k)
    weight_sum = np.bincount(cols, weights=wr, minlength=k)
    has_weight = weight_sum > 0
    inv_weight = np.divide(1.0, weight_sum, out=np.zeros(k), where=has_weight)
    value = np.bincount(cols, weights=wr * yr, minlength=k) * inv_weight
    zero = one = np.zeros(k, bool)
    if kind == "share":
        # Decide 0 and 1 from the weighted counts themselves, so rounding in the ratio cannot hide them.
        zero = has_weight & (np.bincount(cols, weights=wr * yr, minlength=k) == 0)
        one = has_weight & (np.bincount(cols, weights=wr * (1.0 - yr), minlength=k) == 0)
        value = np.where(zero, 0.0, np.where(one, 1.0, value))

    # Linearised values, summed into PSU totals; rows outside a domain simply add nothing to its column.
    z = wr * (yr - value[cols]) * inv_weight[cols]
    n_psu_total = len(design.stratum_of_psu)
    from scipy import sparse
    totals = sparse.csr_matrix((z, (design.psu_of_row[rows], cols)), shape=(n_psu_total, k))
    cov = _psu_covariance(totals, design, lonely_psu)

    empty = ~has_weight  # no observed, positively weighted row: nothing to estimate
    value = np.where(empty, np.nan, value)
    cov[empty, :] = np.nan
    cov[:, empty] = np.nan
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))  # rounding may leave a zero variance a hair below 0
    low, high, method = _intervals(kind, value, se, n, zero, one, design.df)
    method = np.where(empty, "none", method).astype(object)

    index = pd.Index(labels, dtype=object, name="domain")
    table = pd.DataFrame({
        "domain": pd.Series(labels, dtype=object),
        "n": n.astype(np.int64),
        "value": value,
        "se": se,
        "df": np.full(k, design.df, dtype=np.int64),
        "ci_low": low,
        "ci_high": high,
        "ci_method": pd.Series(method, dtype=object),
    })
    return DomainEstimates(table=table, cov=pd.DataFrame(cov, index=index, columns=index),
                           kind=kind, df=design.df)


def domain_gap(est: DomainEstimates, a: Hashable, b: Hashable) -> dict:
    """Difference value_a − value_b with its SE from the domain covariance and a 95% Wald-t interval.

    Returns a, b, diff, se, cov (between a and b), df, ci_low, ci_high, ci_method ("wald_t").
    """
    position = {label: i for i, label in enumerate(est.table["domain"])}
    for label in (a, b):
        if label not in position:
            raise KeyError(f"no domain {label!r}; domains are {list(position)}")
    i, j = position[a], position[b]
    cov = est.cov.to_numpy()
    diff = float(est.table["value"].iat[i] - est.table["value"].iat[j])
    # Never drop the covariance: domains sharing PSUs are correlated (oracle C04).
    variance = cov[i, i] + cov[j, j] - 2.0 * cov[i, j]
    se = float(np.sqrt(max(variance, 0.0)))  # a negative value can only be rounding of a ~0 variance
    t = float(_t_quantile(est.df))
    return {"a": a, "b": b, "diff": diff, "se": se, "cov": float(cov[i, j]), "df": est.df,
            "ci_low": diff - t * se, "ci_high": diff + t * se, "ci_method": "wald_t"}

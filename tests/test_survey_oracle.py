"""indicators.survey_stats reproduces every case of ../shared/oracle/survey_cases.json (R survey / samplics)."""

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.survey_stats import domain_estimates, domain_gap

ORACLE = Path(__file__).resolve().parents[1].parent / "shared" / "oracle"
CASES = json.loads((ORACLE / "survey_cases.json").read_text(encoding="utf-8"))
CASE_BY_ID = {case["id"]: case for case in CASES["cases"]}


def close(expected):
    """The oracle's tolerance: values are rounded to 6 significant digits."""
    return pytest.approx(expected, rel=1e-5, abs=1e-6)


@cache
def data(name: str) -> pd.DataFrame:
    return pd.read_csv(ORACLE / CASES["datasets"][name].get("copy", CASES["datasets"][name].get("file")))


def design_of(name: str) -> dict:
    """The design columns of each dataset, as the oracle's R calls declare them."""
    df = data(name)
    if name == "s0_weighted_srs":
        return {"weights": df["weight"]}
    if name in ("s1_literacy", "s3_lonely_psu"):
        return {"weights": df["weight"], "strata": df["stratum"], "psu": df["psu"]}
    if name == "apiclus1":
        return {"weights": df["pw"], "psu": df["dnum"], "fpc": df["fpc"]}
    if name == "apistrat":
        return {"weights": df["pw"], "strata": df["stype"], "fpc": df["fpc"]}
    if name == "nhanes2_samplics":  # psuid is 1/2 in every stratum: the PSU is (stratid, psuid)
        return {"weights": df["finalwgt"], "strata": df["stratid"], "psu": df["psuid"]}
    raise KeyError(name)


def estimate(case_id: str, y, domains=None, **options):
    case = CASE_BY_ID[case_id]
    args = {key: np.asarray(value) for key, value in design_of(case["dataset"]).items()}
    return domain_estimates(np.asarray(y, dtype=float), domains=domains, **args, **options)


def row(est, label) -> pd.Series:
    return est.table.set_index("domain").loc[label]


def check_share(r: pd.Series, expected: dict, ci_key: str = "logit_t") -> None:
    assert r["value"] == close(expected["p"])
    assert r["se"] == close(expected["se"])
    if "n" in expected:
        assert r["n"] == expected["n"]
    if "df" in expected:
        assert r["df"] == expected["df"]
    ci = expected.get("ci95", {}).get(ci_key)
    if ci is not None:
        assert r["ci_method"] == "logit_t"
        assert [r["ci_low"], r["ci_high"]] == close(ci)


def check_gap(gap: dict, expected: dict) -> None:
    assert gap["diff"] == close(expected["diff"])
    assert gap["se"] == close(expected["se"])
    if "cov" in expected:
        assert gap["cov"] == close(expected["cov"])
    if "df" in expected:
        assert gap["df"] == expected["df"]
    assert [gap["ci_low"], gap["ci_high"]] == close(expected["ci95_wald_t"])


def overall_share(case_id: str, column: str) -> None:
    case = CASE_BY_ID[case_id]
    est = estimate(case_id, data(case["dataset"])[column])
    assert est.kind == "share"
    check_share(row(est, "all"), case["expected"])


def urban_rural(case_id: str):
    s1 = data("s1_literacy")
    return estimate(case_id, s1["literate"], domains=s1["urban"].map({1: "urban", 0: "rural"}))


def check_c03() -> None:
    expected = CASE_BY_ID["C03"]["expected"]
    est = urban_rural("C03")
    for label in ("rural", "urban"):
        e = expected[label]
        r = row(est, label)
        check_share(r, {"p": e["p"], "se": e["se"], "n": e["n"], "df": e["df_full_design"],
                        "ci95": e["ci95_full_design_df"]})
    assert est.cov.loc["rural", "urban"] == close(expected["cov_rural_urban"])


def check_c04() -> None:
    check_gap(domain_gap(urban_rural("C04"), "urban", "rural"), CASE_BY_ID["C04"]["expected"])


def check_c05() -> None:
    expected = CASE_BY_ID["C05"]["expected"]
    s1 = data("s1_literacy")
    est = estimate("C05", s1["literate"], domains=s1["elderly"])
    elderly, other = row(est, 1), row(est, 0)
    assert (elderly["value"], elderly["se"], elderly["n"]) == (0.0, 0.0, expected["n"])
    assert elderly["ci_method"] == "clopper_pearson"
    assert [elderly["ci_low"], elderly["ci_high"]] == close(expected["convention_clopper_pearson_n_eff_equals_n"])
    assert (other["value"], other["se"]) == close((expected["other_domain"]["p"], expected["other_domain"]["se"]))


def check_c06() -> None:
    expected = CASE_BY_ID["C06"]["expected"]
    est = estimate("C06", data("s1_literacy")["literate_na"])
    r = row(est, "all")
    check_share(r, {"p": expected["p"], "se": expected["se"], "n": expected["n_nonmissing"],
                    "df": expected["df_used_by_R_svyciprop"], "ci95": expected["ci95_R_svyciprop_na_rm"]})
    # Dropping the rows first would give the other (wrong for R's na.rm) SE.
    assert r["se"] != close(expected["alternative_drop_rows_then_design"]["se"])


def check_c07() -> None:
    expected = CASE_BY_ID["C07"]["expected"]
    y = data("s3_lonely_psu")["literate"]
    for rule, key in (("certainty", "R_certainty"), ("certainty", "R_remove"),
                      ("adjust", "R_adjust"), ("average", "R_average")):
        e = expected[key]
        check_share(row(estimate("C07", y, lonely_psu=rule), "all"),
                    {"p": e["p"], "se": e["se"], "df": e["df"], "ci95": {"logit_t": e["logit_t"]}})
    with pytest.raises(ValueError, match=r"\['L'\].*only one PSU"):
        estimate("C07", y, lonely_psu="fail")


def check_c08() -> None:
    expected = CASE_BY_ID["C08"]["expected"]
    clus = data("apiclus1")
    mean = row(estimate("C08", clus["api00"]), "all")
    assert (mean["value"], mean["se"], mean["df"]) == close((expected["mean_api00"], expected["se_api00"],
                                                             expected["df"]))
    assert mean["ci_method"] == "wald_t"
    for stype in ("E", "H", "M"):
        check_share(row(estimate("C08", clus["stype"] == stype), "all"), expected[f"stype{stype}"])


def check_c09() -> None:
    clus = data("apiclus1")
    cell = clus["stype"] + "." + clus["comp.imp"]
    for label, e in CASE_BY_ID["C09"]["expected"].items():
        check_share(row(estimate("C09", cell == label, kind="share"), "all"), e)


def check_c10() -> None:
    check_share(row(estimate("C10", data("apiclus1")["sch.wide"] == "Yes"), "all"), CASE_BY_ID["C10"]["expected"])


def check_c11() -> None:
    expected = CASE_BY_ID["C11"]["expected"]
    strat = data("apistrat")
    meets = strat["sch.wide"] == "Yes"
    check_share(row(estimate("C11", meets), "all"), expected)
    no_fpc = {key: np.asarray(v) for key, v in design_of("apistrat").items() if key != "fpc"}
    assert row(domain_estimates(np.asarray(meets, float), **no_fpc), "all")["se"] == close(expected["se_without_fpc"])
    api = row(estimate("C11", strat["api00"]), "all")
    assert (api["value"], api["se"]) == close((expected["mean_api00"], expected["se_api00"]))
    by_stype = estimate("C11", meets, domains=strat["stype"])
    for stype, e in expected["by_stype"].items():
        check_share(row(by_stype, stype), e)
    check_gap(domain_gap(by_stype, "E", "H"), expected["diff_E_minus_H"])


def check_c12() -> None:
    clus = data("apiclus1")
    cell = clus["stype"] + "." + clus["sch.wide"]
    by_variable = {v: estimate("C12", clus[v], domains=cell, kind="mean") for v in ("api99", "api00")}
    for label, variables in CASE_BY_ID["C12"]["expected"].items():
        for variable, e in variables.items():
            r = row(by_variable[variable], label)
            assert (r["value"], r["se"], r["df"]) == close((e["mean"], e["se"], 14))


def check_c14() -> None:
    expected = CASE_BY_ID["C14"]["expected"]
    nh = data("nhanes2_samplics")
    est = estimate("C14", nh["highbp"], domains=nh["race"])
    for race in (1, 2, 3):
        e = expected[f"race{race}"]
        check_share(row(est, race), {"p": e["p"], "se": e["se"], "n": e["n"], "df": 31,
                                     "ci95": {"logit_t": e["logit_t_full_design_df"]}})
    check_gap(domain_gap(est, 1, 2), expected["diff_race1_minus_race2"])


def check_c15() -> None:
    expected = CASE_BY_ID["C15"]["expected"]
    r = row(estimate("C15", data("nhanes2_samplics")["highlead"]), "all")
    check_share(r, expected)
    assert r["n"] == expected["n_nonmissing"]


def check_c16() -> None:
    expected = CASE_BY_ID["C16"]["expected"]
    r = row(estimate("C16", data("nhanes2_samplics")["zinc"]), "all")
    assert (r["value"], r["se"], r["df"]) == close((expected["mean"], expected["se"], expected["df"]))
    assert r["ci_method"] == "wald_t"
    assert [r["ci_low"], r["ci_high"]] == close(expected["ci95_t"])


def check_c18() -> None:
    expected = CASE_BY_ID["C18"]["expected"]
    strat = data("apistrat")
    est = estimate("C18", strat["sch.wide"] == "Yes", domains=strat["yr.rnd"])
    for label in ("No", "Yes"):
        e = expected[f"yr_rnd_{label}"]
        check_share(row(est, label), {"p": e["p"], "se": e["se"], "n": e["n"], "df": 197,
                                      "ci95": {"logit_t": e["logit_t_full_design_df"]}})
    check_gap(domain_gap(est, "Yes", "No"), expected["diff_Yes_minus_No"])


CHECKS = {
    "C01": lambda: overall_share("C01", "literate"),
    "C02": lambda: overall_share("C02", "literate"),
    "C03": check_c03,
    "C04": check_c04,
    "C05": check_c05,
    "C06": check_c06,
    "C07": check_c07,
    "C08": check_c08,
    "C09": check_c09,
    "C10": check_c10,
    "C11": check_c11,
    "C12": check_c12,
    "C13": lambda: overall_share("C13", "highbp"),
    "C14": check_c14,
    "C15": check_c15,
    "C16": check_c16,
    "C17": lambda: overall_share("C17", "diabetes"),
    "C18": check_c18,
}


def test_every_oracle_case_has_a_check():
    assert sorted(CHECKS) == sorted(CASE_BY_ID) == [f"C{i:02d}" for i in range(1, 19)]


@pytest.mark.parametrize("case_id", sorted(CASE_BY_ID))
def test_oracle_case(case_id):
    CHECKS[case_id]()


def test_gap_keeps_the_domain_covariance():
    expected = CASE_BY_ID["C04"]["expected"]
    gap = domain_gap(urban_rural("C04"), "urban", "rural")
    assert gap["se"] != close(expected["se_if_covariance_ignored"])
    assert gap["cov"] != 0.0

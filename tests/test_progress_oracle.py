"""progress_status against the 25 published sdg-build cases, and hand-worked checks of the helpers."""

import json
import math
from pathlib import Path

import pytest

from indicators.progress import (
    STATUSES,
    combined_score,
    combined_status,
    progress_status,
    required_yearly_change,
)

ORACLE = Path(__file__).resolve().parents[1].parent / "shared" / "oracle" / "progress_cases.json"
CASES = json.loads(ORACLE.read_text(encoding="utf-8"))
TOL = 1e-9

# The oracle disagrees with itself once. This sdg-build fixture's progress value was produced by the legacy
# PR#318 code (plain g / r) and is marked "not used: target already achieved"; the 2.4 rule s·d·g/|r| flips
# its sign. The 2.4 production case ca_3-1-1 (same shape: values rising, 降低, target far above) publishes
# the 2.4 sign (−0.40), and synthetic_base_already_beyond_target pins it, so 2.4 wins and we expect −v here.
LEGACY_SIGN_CASES = {"sdgbuild_fixture_3-1-1_target_achieved"}


def _run(years, values, config):
    return progress_status(
        years,
        values,
        config["direction"],
        target=config["target"],
        base_year=config["base_year"],
        target_year=config["target_year"],
        limit=config["limit"],
    )


def _assert_close(actual, expected, what):
    if expected is None:
        assert actual is None, f"{what}: expected None, got {actual}"
    else:
        assert actual == pytest.approx(expected, abs=TOL, rel=0), what


def test_oracle_holds_25_cases():
    assert len(CASES) == 25


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_oracle_case(case):
    expected, config = case["expected"], case["config"]
    if isinstance(case["years"], dict):
        # Several series of one indicator: each series, then the mean of the scores that exist.
        got = {name: _run(case["years"][name], case["values"][name], config) for name in case["years"]}
        for row in expected["series"]:
            p = got[row["series"]]
            assert p.status == row["status"], row["series"]
            _assert_close(p.progress_value, row["progress_value"], f"{row['series']} progress_value")
            _assert_close(p.score, row["score"], f"{row['series']} score")
        scores = [p.score for p in got.values()]
        _assert_close(combined_score(scores), expected["indicator_score"], "indicator_score")
        assert combined_status(scores) == expected["indicator_status"]
        return

    p = _run(case["years"], case["values"], config)
    assert p.status == expected["status"]
    v = expected["progress_value"]
    _assert_close(p.progress_value, -v if case["name"] in LEGACY_SIGN_CASES else v, "progress_value")
    # sdg-build's own fixtures predate the score; the oracle derives it with the 2.4 rules.
    score = expected["score"] if "score" in expected else case["derived_v2_4_score"]
    _assert_close(p.score, score, "score")
    assert p.base_year_used == expected["base_year_used"]
    assert p.current_year == expected["current_year"]
    assert p.target_achieved is expected["target_achieved"]
    for field in ("base_value", "current_value", "target_used"):
        if field in expected:
            _assert_close(getattr(p, field), expected[field], field)
    for field in ("direction_sign", "value_sign"):
        if field in expected:
            assert getattr(p, field) == expected[field], field
    if "indicator_score" in expected:  # an indicator with one series scores as that series
        _assert_close(combined_score([p.score]), expected["indicator_score"], "indicator_score")

    derived = case.get("derived_check", {})
    if "observed_cagr" in derived:
        _assert_close(p.observed_growth, derived["observed_cagr"], "observed growth")
    if "required_cagr" in derived:
        _assert_close(p.required_growth, derived["required_cagr"], "required growth")
    if "limit_coefficient" in derived:
        _assert_close(p.limit_coefficient, derived["limit_coefficient"], "limit coefficient")


def test_chinese_directions_match_english():
    years, values = [2020, 2021, 2022], [0.10, 0.11, 0.12]
    assert progress_status(years, values, "提高", target=0.15, base_year=2020, target_year=2025) == \
        progress_status(years, values, "positive", target=0.15, base_year=2020, target_year=2025)
    assert progress_status(years, values, "降低") == progress_status(years, values, "negative")


def test_missing_values_are_skipped_and_base_moves_on():
    # 2020 missing → base 2021 (0.10); 2023 NaN → current 2022 (0.121); one year: g = 0.121/0.10 − 1 = 0.21.
    p = progress_status([2020, 2021, 2022, 2023], [None, 0.10, 0.121, math.nan], "提高", base_year=2020)
    assert (p.base_year_used, p.current_year) == (2021, 2022)
    assert p.progress_value == pytest.approx(0.21, abs=TOL)
    assert p.status == "substantial_progress" and p.score == 5.0


def test_opposite_signs_not_available():
    p = progress_status([2020, 2022], [-1.0, 2.0], "提高")
    assert p.status == "not_available" and p.progress_value is None and p.score is None


def test_zero_base_replaced():
    # y0 = 0 → 0.001; g = (0.004/0.001)^(1/2) − 1 = 1.0
    p = progress_status([2020, 2022], [0.0, 0.004], "提高")
    assert p.observed_growth == pytest.approx(1.0, abs=TOL)
    assert p.status == "substantial_progress"


def test_single_point_meeting_target_counts_as_achieved():
    # sdg-build checks the target on the latest value before any growth rate.
    p = progress_status([2024], [0.2], "提高", target=0.15, base_year=2020, target_year=2025)
    assert (p.status, p.score, p.progress_value) == ("target_achieved", 5.0, None)


def test_statuses_best_to_worst():
    assert STATUSES[0] == "target_achieved" and STATUSES[-1] == "not_available"
    assert len(STATUSES) == 7 and STATUSES[-2] == "target_missed"


@pytest.mark.parametrize(
    ("scores", "status", "mean"),
    [
        ([5.0, 0.0], "substantial_progress", 2.5),  # boundary belongs to the better status
        ([1.0, -1.0, None], "moderate_progress", 0.0),
        ([-2.5], "limited_progress", -2.5),
        ([-5.0, -1.0], "deterioration", -3.0),
        ([2.0, math.nan, 4.0], "substantial_progress", 3.0),
        ([None, None], "not_available", None),
        ([], "not_available", None),
    ],
)
def test_combined_status(scores, status, mean):
    assert combined_status(scores) == status
    _assert_close(combined_score(scores), mean, "mean score")


def test_combined_status_all_targets_achieved():
    assert combined_status([5.0, 5.0], all_targets_achieved=True) == "target_achieved"


def test_required_yearly_change():
    # (0.15 − 0.12) / (2025 − 2023) = 0.015 per year
    assert required_yearly_change(2023, 0.12, 2025, 0.15) == pytest.approx(0.015, abs=TOL)
    # a falling target: (20 − 26) / (2030 − 2024) = −1 per year
    assert required_yearly_change(2024, 26.0, 2030, 20.0, "降低") == pytest.approx(-1.0, abs=TOL)


def test_required_yearly_change_met_or_too_late():
    assert required_yearly_change(2023, 0.16, 2025, 0.15, "提高") == 0.0  # already beyond
    assert required_yearly_change(2025, 0.15, 2025, 0.15) == 0.0  # exactly on target
    assert required_yearly_change(2025, 0.12, 2025, 0.15) is None  # deadline reached, not met
    assert required_yearly_change(2026, 0.12, 2025, 0.15, "提高") is None
    assert required_yearly_change(2023, None, 2025, 0.15) is None

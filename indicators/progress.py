"""Progress towards a target: the Open SDG / sdg-build 2.4 method (after Eurostat), as in INDICATORS.md.

Pure Python on purpose: the method works on one short yearly series at a time, so DataFrames would only hide
the arithmetic. `../shared/oracle/progress_cases.json` pins every rule below to the published outputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable

# Best to worst; pages order legends and tables by it. The Chinese words live in the UI module.
STATUSES = (
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "target_missed",  # final: the target year has ended and the target was not reached
    "not_available",
)

_DIRECTIONS = {"提高": 1, "positive": 1, "降低": -1, "negative": -1}
# sdg-build cannot divide by a zero base or target, so it swaps in this stand-in; kept for identical results.
_ZERO_STANDIN = 0.001
_WITH_TARGET = {"high": 0.95, "med": 0.6, "low": 0.0}
_WITHOUT_TARGET = {"high": 0.015, "med": 0.005, "low": 0.0}
_LIMIT_EXPONENT = 4.44


@dataclass(frozen=True)
class Progress:
    """One series' progress: the status, the value v it was read from, the score and every input used."""

    status: str
    progress_value: float | None
    score: float | None
    base_year_used: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target_used: float | None
    direction_sign: int
    value_sign: int | None
    target_achieved: bool
    observed_growth: float | None
    required_growth: float | None
    limit_coefficient: float | None  # C; None when no limit applies (a target is set, or no limit)


def direction_sign(direction: str | int) -> int:
    """+1 for 提高/positive, −1 for 降低/negative."""
    if direction in (1, -1):
        return int(direction)
    key = direction.strip() if isinstance(direction, str) else direction
    if key not in _DIRECTIONS:
        raise ValueError(f"direction must be 提高/降低 or positive/negative, not {direction!r}")
    return _DIRECTIONS[key]


def _observations(years: Iterable, values: Iterable) -> list[tuple[int, float]]:
    """(year, value) pairs sorted by year, missing values dropped."""
    pairs = []
    for year, value in zip(years, values, strict=True):
        if value is None or year is None:
            continue
        try:
            number = float(value)
        except TypeError:  # pandas.NA and the like: missing, not malformed
            continue
        if math.isnan(number):
            continue
        pairs.append((int(year), number))
    pairs.sort()
    seen = [y for y, _ in pairs]
    if len(seen) != len(set(seen)):
        # Two values for one year means the caller mixed two series; guessing which to keep would be silent.
        raise ValueError(f"duplicate years in series: {sorted({y for y in seen if seen.count(y) > 1})}")
    return pairs


def _growth(end: float, start: float, end_year: int, start_year: int) -> float:
    """Compound yearly growth rate, written as sdg-build writes it so the floats agree to the last digit."""
    return ((end / start) ** (1 / (end_year - start_year))) - 1


def _limit_coefficient(base_value: float, limit: float) -> float:
    """C: shrinks the no-target thresholds as the base nears the limit, where growth naturally slows."""
    b, lim = abs(base_value), abs(limit)
    # Tested first so that b = L = 0 gives C = 1, as in sdg-build.
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1 - (b / lim) ** _LIMIT_EXPONENT
    return 1 - ((2 * lim - b) / lim) ** _LIMIT_EXPONENT


def _status_from_value(v: float, thresholds: dict[str, float]) -> str:
    if v >= thresholds["high"]:
        return "substantial_progress"
    if v >= thresholds["med"]:
        return "moderate_progress"
    if v >= thresholds["low"]:
        return "limited_progress"
    return "deterioration"


def _score_with_target(v: float) -> float:
    # The constants map v = 0.6 → 0 and v = 1.3 → 5, and v = 0 → −2.5 (sdg-build's hard-coded fit).
    if v >= _WITH_TARGET["med"]:
        return min(7.1429 * v - 4.2857, 5.0)
    return max(4.1667 * v - 2.5, -5.0)


def _score_without_target(v: float, coeff: float) -> float:
    if v < 0:
        return max(125 * v - 2.5, -5.0)  # decline is not scaled by C: moving away from the limit is not excused
    if coeff == 0:
        return 5.0  # base sits on the limit and did not fall back: nothing more to gain
    if v >= _WITHOUT_TARGET["high"] * coeff:
        return min(500 * v / coeff - 5, 5.0)
    if v >= _WITHOUT_TARGET["med"] * coeff:
        return 250 * v / coeff - 1.25
    return 500 * v / coeff - 2.5


def progress_status(
    years: Iterable,
    values: Iterable,
    direction: str | int,
    target: float | None = None,
    base_year: int | None = None,
    target_year: int | None = None,
    limit: float | None = None,
) -> Progress:
    """Status, progress value v and score (−5…5) of one yearly series against a target or a direction."""
    d = direction_sign(direction)
    target_used = None if target is None else (_ZERO_STANDIN if target == 0 else float(target))
    if target_used is not None and target_year is None:
        raise ValueError("a target needs a target year")
    obs = _observations(years, values)
    fields = dict(
        status="not_available", progress_value=None, score=None, base_year_used=None, base_value=None,
        current_year=None, current_value=None, target_used=target_used, direction_sign=d, value_sign=None,
        target_achieved=False, observed_growth=None, required_growth=None, limit_coefficient=None,
    )
    if not obs:
        return Progress(**fields)

    current_year, current_value = obs[-1]
    # Years before the base year are ignored; without a base year the first observation is the base.
    later = [(y, v) for y, v in obs if base_year is None or y >= base_year]
    fields.update(current_year=current_year, current_value=current_value)
    # Checked on the latest value alone, before any growth rate (sdg-build does the same): a met target is
    # met even when the series is too short for a rate. INDICATORS.md lists "fewer than two years" first, but
    # sdg-build, whose outputs make the oracle, reports target_achieved / 5 there; no oracle case has both.
    achieved = target_used is not None and (current_value - target_used) * d >= 0
    fields.update(target_achieved=achieved)
    if achieved:
        fields.update(status="target_achieved", score=5.0)
    if not later:
        return Progress(**fields)

    t0, y0 = later[0]
    s = -1 if y0 < 0 else 1
    fields.update(base_year_used=t0, base_value=y0, value_sign=s)
    if current_year - t0 < 1:
        return Progress(**fields)
    if y0 == 0:
        y0 = _ZERO_STANDIN
    # A growth rate between values of opposite signs has no meaning (fractional power of a negative ratio).
    if y0 * current_value < 0:
        return Progress(**fields)
    g = _growth(current_value, y0, current_year, t0)
    fields.update(observed_growth=g)

    if target_used is not None:
        # Undefined required growth → no v: target on the other side of zero, or no years left after the base.
        if y0 * target_used < 0 or target_year <= t0:
            return Progress(**fields)
        r = _growth(target_used, y0, target_year, t0)
        fields.update(required_growth=r)
        if r == 0:
            # Base already at the target: the oracle (ca_2-1-1) publishes no progress value, only the status.
            return Progress(**fields)
        # |r|, not r: a base already beyond the target makes r point the wrong way, and the direction d must
        # still decide the sign (oracle synthetic_base_already_beyond_target: −5.64, not +5.64). The fixture
        # sdgbuild_fixture_3-1-1 shows +0.097 from the legacy PR#318 code (g / r); 2.4's production output
        # ca_3-1-1 has this sign rule, so we follow it and the test expects −0.097 there.
        v = s * d * g / abs(r)
        fields.update(progress_value=v)
        if not achieved:
            fields.update(status=_status_from_value(v, _WITH_TARGET), score=_score_with_target(v))
        return Progress(**fields)

    coeff = 1.0 if limit is None else _limit_coefficient(y0, limit)
    v = s * d * g
    thresholds = {k: t * coeff for k, t in _WITHOUT_TARGET.items()}
    fields.update(
        progress_value=v,
        limit_coefficient=None if limit is None else coeff,
        status=_status_from_value(v, thresholds),
        score=_score_without_target(v, coeff),
    )
    return Progress(**fields)


def final_status(result: Progress, target: float, direction: str | int) -> Progress:
    """The final status of a target whose year has ended (INDICATORS.md, last rule of the method).

    `result` was read on the values up to the target year; its latest value (the target year's, or the latest
    before it) decides: target_achieved (score 5) when it reached the target, else target_missed (score −5).
    Never 进度达标 / 需加快 / 进展有限. Without any value the status stays not_available.
    """
    if result.current_value is None:
        return result
    reached = (result.current_value - float(target)) * direction_sign(direction) >= 0
    return replace(result, status="target_achieved" if reached else "target_missed", score=5.0 if reached else -5.0,
                   target_achieved=reached)


def combined_score(scores: Iterable[float | None]) -> float | None:
    """Mean of the series scores that exist (None/NaN skipped), or None when there is none."""
    kept = [float(s) for s in scores if s is not None and not math.isnan(s)]
    return sum(kept) / len(kept) if kept else None


def combined_status(scores: Iterable[float | None], all_targets_achieved: bool = False) -> str:
    """Status of an indicator with several series: its mean score read back with 2.5 / 0 / −2.5."""
    # sdg-build reports target_achieved only when every scored series met its target; the caller knows that.
    if all_targets_achieved:
        return "target_achieved"
    mean = combined_score(scores)
    if mean is None:
        return "not_available"
    if mean >= 2.5:
        return "substantial_progress"
    if mean >= 0:
        return "moderate_progress"
    if mean >= -2.5:
        return "limited_progress"
    return "deterioration"


def required_yearly_change(
    current_year: int,
    current_value: float | None,
    target_year: int,
    target_value: float | None,
    direction: str | int | None = None,
) -> float | None:
    """Change per year (indicator's unit) still needed to reach the target by the target year.

    0.0 when the target is already met (with `direction`, met means at or beyond it; without, equal to it).
    None when a value is missing, or when the target year is not after the current year and the target is
    not met: no yearly pace can reach it in time any more, and the page says so rather than show a number.
    """
    if current_value is None or target_value is None:
        return None
    gap = target_value - current_value
    met = gap == 0 or (direction is not None and gap * direction_sign(direction) <= 0)
    if met:
        return 0.0
    if target_year <= current_year:
        return None
    return gap / (target_year - current_year)

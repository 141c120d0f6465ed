"""charts.fmt: the exact text a user reads for every kind of number (UI.md, "Words and numbers")."""

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from charts import fmt

MISSING_VALUES = [None, float("nan"), np.nan, pd.NA, pd.NaT, np.float64("nan")]


@pytest.mark.parametrize("x, text", [
    (0.129, "12.9%"),
    (0.12849, "12.8%"),
    (0.1285, "12.9%"),       # half-up on the decimal: repr(0.1285) is "0.1285" though the binary value is below
    (0.12850, "12.9%"),
    (0.1275, "12.8%"),       # banker's rounding would give 12.8 here too; next line tells them apart
    (0.1225, "12.3%"),       # banker's: 12.2
    (0.0005, "0.1%"),
    (0.00049, "0.0%"),
    (0, "0.0%"),
    (1, "100.0%"),
    (0.1537, "15.4%"),
    (np.float64(0.1285), "12.9%"),
    (Decimal("0.12845"), "12.8%"),
    (-0.0004, "0.0%"),       # never "-0.0%"
    (-0.0125, "-1.3%"),      # half away from zero
])
def test_share(x, text):
    assert fmt.share(x) == text


def test_share_rounds_the_float_repr_not_the_binary_value():
    # 0.1285 is stored as 0.12849999999999999200…; the user typed (and sees elsewhere) 0.1285.
    assert repr(0.1285) == "0.1285"
    assert fmt.share(0.1285) == "12.9%"
    # A float that arithmetic left just below the half is honestly below it.
    assert fmt.share(0.12849999999999998) == "12.8%"


@pytest.mark.parametrize("fn", [fmt.share, fmt.pp, fmt.count, fmt.money, fmt.year, fmt.quarter, fmt.date,
                                fmt.as_of, fmt.period, fmt.number])
@pytest.mark.parametrize("missing", MISSING_VALUES)
def test_missing_is_a_dash(fn, missing):
    assert fn(missing) == "—"


def test_missing_in_composites():
    assert fmt.share_ci(None, 0.1, 0.2) == "—"
    assert fmt.share_ci(float("nan"), 0.1, 0.2) == "—"
    assert fmt.share_ci(pd.NA, 0.1, 0.2, named=False) == "—"
    assert fmt.pp_change(None, "城乡差距") == "—"
    assert fmt.gap_change(float("nan")) == "—"
    assert fmt.small_sample(None) == "样本不足"


def test_share_ci():
    assert fmt.share_ci(0.129, 0.108, 0.152) == "12.9%（95%置信区间 10.8%–15.2%）"
    assert fmt.share_ci(0.0916, 0.0712, 0.1170) == "9.2%（95%置信区间 7.1%–11.7%）"
    assert fmt.share_ci(0.1285, 0.10849, 0.15250) == "12.9%（95%置信区间 10.8%–15.3%）"
    # Without an interval, the share alone.
    assert fmt.share_ci(0.129, None, 0.152) == "12.9%"
    assert fmt.share_ci(0.129, float("nan"), float("nan")) == "12.9%"


def test_cards_show_the_interval_in_brackets_never_plus_minus():
    assert fmt.share_ci(0.135, 0.113, 0.161, named=False) == "13.5%（11.3%–16.1%）"  # UI.md's card form
    assert fmt.share_ci(0.129, 0.100, 0.150, named=False) == "12.9%（10.0%–15.0%）"   # skewed: both ends shown
    assert fmt.share_ci(0.5, 0.49949, 0.50051, named=False) == "50.0%（49.9%–50.1%）"
    assert fmt.share_ci(0.129, None, None, named=False) == "12.9%"


@pytest.mark.parametrize("x, text", [
    (7.3, "7.3个百分点"), (7.25, "7.3个百分点"), (7.249, "7.2个百分点"), (0, "0.0个百分点"),
    (-0.04, "0.0个百分点"), (-2.35, "-2.4个百分点"), (12, "12.0个百分点"),
])
def test_pp(x, text):
    assert fmt.pp(x) == text


@pytest.mark.parametrize("delta, text", [
    (1.2, "农村居民比例提高1.2个百分点"),
    (-0.75, "农村居民比例降低0.8个百分点"),
    (0.04, "农村居民比例持平"),         # rounds to 0.0: no "提高0.0个百分点"
    (0, "农村居民比例持平"),
    (-0.05, "农村居民比例降低0.1个百分点"),
])
def test_pp_change(delta, text):
    assert fmt.pp_change(delta, "农村居民比例") == text


def test_pp_change_custom_words_and_gap_variant():
    assert fmt.pp_change(2.0, "人均经费", up_word="增加", down_word="减少") == "人均经费增加2.0个百分点"
    assert fmt.gap_change(-0.8) == "城乡差距缩小0.8个百分点"
    assert fmt.gap_change(0.45) == "城乡差距扩大0.5个百分点"
    assert fmt.gap_change(0.0) == "城乡差距持平"
    assert fmt.gap_change(-1.2, "性别差距") == "性别差距缩小1.2个百分点"


@pytest.mark.parametrize("n, text", [
    (3482, "3,482人次"), (0, "0人次"), (9999, "9,999人次"), (10000, "1.0万人次"), (126000, "12.6万人次"),
    (125500, "12.6万人次"), (125499, "12.5万人次"), (1234567, "123.5万人次"), (123456789, "12,345.7万人次"),
    (np.int64(3482), "3,482人次"), (3482.0, "3,482人次"),
])
def test_count(n, text):
    assert fmt.count(n) == text


def test_count_other_units():
    assert fmt.count(57, "次") == "57次"
    assert fmt.count(12.5, "学时") == "12.5学时"
    assert fmt.count(48000, "学时") == "4.8万学时"


@pytest.mark.parametrize("yuan, text", [
    (8800, "8,800元"), (0, "0元"), (9999, "9,999元"), (8800.5, "8,800.50元"), (10000, "1.00万元"),
    (234500, "23.45万元"), (234550, "23.46万元"), (234549, "23.45万元"), (12345678.9, "1,234.57万元"),
    (Decimal("234545"), "23.45万元"),
])
def test_money(yuan, text):
    assert fmt.money(yuan) == text


def test_amount_picks_money_by_unit():
    assert fmt.amount(234500, "元") == "23.45万元"
    assert fmt.amount(234500, "人次") == "23.5万人次"


def test_periods_and_dates():
    assert fmt.year(2025) == "2025年"
    assert fmt.year("2025") == "2025年"
    assert fmt.year(np.int64(2025)) == "2025年"
    assert fmt.quarter("2025Q3") == "2025年第3季度"
    assert fmt.quarter("2025q1") == "2025年第1季度"
    with pytest.raises(ValueError):
        fmt.quarter("2025Q5")
    assert fmt.date(dt.date(2025, 3, 5)) == "2025年3月5日"
    assert fmt.date("2025-12-31") == "2025年12月31日"
    assert fmt.as_of(dt.date(2025, 12, 31)) == "截至2025年12月31日"
    assert fmt.as_of(pd.Timestamp("2025-06-30 13:00")) == "截至2025年6月30日"
    assert fmt.as_of("2025-12-31") == "截至2025年12月31日"
    assert fmt.period("2024") == "2024年"
    assert fmt.period(2024) == "2024年"
    assert fmt.period("2024Q2") == "2024年第2季度"
    assert fmt.period(dt.date(2024, 5, 1)) == "2024年5月1日"


def test_small_sample():
    assert fmt.small_sample(18) == "样本不足（n=18）"
    assert fmt.small_sample(np.int64(7)) == "样本不足（n=7）"
    assert fmt.is_small_sample(29) and not fmt.is_small_sample(30)
    assert not fmt.is_small_sample(None) and not fmt.is_small_sample(float("nan"))


def test_shown_values_are_exactly_what_is_printed():
    assert fmt.shown_pct(0.1285) == Decimal("12.9")
    assert fmt.shown_pct(0.13751) - fmt.shown_pct(0.12849) == Decimal("1.0")
    assert fmt.shown_pp(7.349) == Decimal("7.3")


def test_number():
    assert fmt.number(1234) == "1,234"
    assert fmt.number(1234.56, 1) == "1,234.6"


def test_never_a_bare_float_or_english():
    outputs = [fmt.share(0.129), fmt.share_ci(0.129, 0.108, 0.152), fmt.share_ci(0.129, 0.108, 0.152, named=False),
               fmt.pp(7.3), fmt.count(126000), fmt.money(234500), fmt.quarter("2025Q3"), fmt.as_of("2025-12-31")]
    for text in outputs:
        assert isinstance(text, str)
        assert not any(c.isascii() and c.isalpha() for c in text), text
    assert fmt.share(1 / 3) == "33.3%"  # never 0.3333333333333333


def test_infinite_values_are_refused():
    with pytest.raises(ValueError):
        fmt.share(math.inf)

"""Chinese number and date formats for everything a user reads (UI.md, "Words and numbers").

Every function returns text; a missing value (None, NaN, pandas NA/NaT) becomes "—".

Rounding is half-up on the number's shortest decimal representation, because a leader who repeats
"12.9%" must be able to check it against the 12.85% printed elsewhere.  A float is read through
``repr(float(x))`` — the shortest string that round-trips, so 0.1285 is taken as Decimal("0.1285"),
not as the binary value 0.12849999999999999200… — and then rounded with ``ROUND_HALF_UP``.
A float that arithmetic has left just below a half (0.12849999999999998) therefore rounds down;
pass a ``Decimal`` to be exact.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from numbers import Integral
from pathlib import Path

import pandas as pd

# The survey method's two rules live in data/method.toml, which indicators/ reads for the numbers; the words here
# are built from the same file, so that a label never disagrees with the rule behind the number.
_SURVEY_METHOD = tomllib.loads((Path(__file__).resolve().parent.parent / "data" / "method.toml")
                               .read_text(encoding="utf-8"))["survey"]
MIN_N = int(_SURVEY_METHOD["min_n"])
ADULT_AGES = tuple(_SURVEY_METHOD["adult_ages"])
ADULT_LABEL = f"{ADULT_AGES[0]}–{ADULT_AGES[1]}岁"

MISSING = "—"
ADULTS = ADULT_LABEL  # "18–69岁": whom the town rate covers
PLAN_ENDED = "规划期已结束"  # said by every page, slide and report once the plan's last phase has ended
# What the 截至 date means for each family of figures (said once, under the banner of every page and in the report).
AS_OF_MEANING = ("截至日期的含义：科普活动和调查数据计入截至该日已结束的季度和年度，按目前已收到的报表计算；"
                 "报送情况和里程碑按该日当时的状态（该日以后收到的报表、完成的里程碑不计）。")
_HUNDRED = Decimal(100)
_WAN = Decimal(10_000)


def is_missing(x) -> bool:
    """True for None, NaN, pandas NA and NaT."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):  # lists and other containers are not "missing"
        return False


def to_decimal(x) -> Decimal:
    """The exact decimal a user means by x: Decimal as is, int exactly, float via its shortest repr."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError("a flag is not a number")
    if isinstance(x, Integral):  # int and numpy integers, exactly
        return Decimal(int(x))
    if isinstance(x, str):
        return Decimal(x.strip())
    f = float(x)  # numpy scalars: their repr is "np.float64(…)", so go through a plain float
    if not math.isfinite(f):
        raise ValueError(f"not a finite number: {x!r}")
    return Decimal(repr(f))


def round_half_up(x, digits: int = 1) -> Decimal:
    """x rounded half-up to `digits` decimals (on its decimal representation), never "-0"."""
    q = Decimal(1).scaleb(-digits)
    d = to_decimal(x).quantize(q, rounding=ROUND_HALF_UP)
    return d if d != 0 else abs(d)


def shown_pct(share_) -> Decimal:
    """A share in percent exactly as share() shows it (12.85% → Decimal("12.9")).

    Changes are computed from the shown figures, so that "提高0.9个百分点" agrees with 12.9% → 13.8%
    printed beside it.
    """
    return round_half_up(to_decimal(share_) * _HUNDRED, 1)


def shown_pp(x) -> Decimal:
    """Percentage points exactly as pp() shows them."""
    return round_half_up(x, 1)


def number(x, digits: int = 0) -> str:
    """A plain number with thousands separators: 3,482 · 1,234.5."""
    if is_missing(x):
        return MISSING
    return f"{round_half_up(x, digits):,.{digits}f}"


def share(x, digits: int = 1) -> str:
    """A share (fraction 0–1) as a percent: 0.129 → "12.9%"."""
    if is_missing(x):
        return MISSING
    return f"{round_half_up(to_decimal(x) * _HUNDRED, digits)}%"


def share_ci(p, lo, hi, named: bool = True) -> str:
    """A share with its 95% interval in brackets, never as a half-width (a logit interval is not symmetric):
    "12.9%（95%置信区间 10.8%–15.2%）", or on cards (named=False) "12.9%（10.8%–15.2%）"; without an interval
    just the share."""
    if is_missing(p):
        return MISSING
    if is_missing(lo) or is_missing(hi):
        return share(p)
    return f"{share(p)}（{'95%置信区间 ' if named else ''}{share(lo)}–{share(hi)}）"


def pp(x) -> str:
    """Percentage points: 7.3 → "7.3个百分点" (x is already in points)."""
    if is_missing(x):
        return MISSING
    return f"{round_half_up(x, 1)}个百分点"


def pp_change(delta_pp, subject: str = "", up_word: str = "提高", down_word: str = "降低") -> str:
    """A change in points with its direction in words: (1.2, "农村居民比例") → "农村居民比例提高1.2个百分点".

    A change that rounds to 0.0 is "持平".
    """
    if is_missing(delta_pp):
        return MISSING
    d = round_half_up(delta_pp, 1)
    if d == 0:
        return f"{subject}持平"
    return f"{subject}{up_word if d > 0 else down_word}{abs(d)}个百分点"


def change_vs(than: str, delta_pp, up_word: str = "提高", down_word: str = "降低") -> str:
    """A change against something named: "较上年提高1.2个百分点", and "与上年持平" when it rounds to 0.0."""
    if is_missing(delta_pp):
        return MISSING
    if round_half_up(delta_pp, 1) == 0:
        return f"与{than}持平"
    return f"较{than}" + pp_change(delta_pp, "", up_word, down_word)


def gap_change(delta_pp, subject: str = "城乡差距") -> str:
    """A change of a gap: −0.8 → "城乡差距缩小0.8个百分点", +0.5 → "…扩大0.5个百分点", 0 → "…持平"."""
    return pp_change(delta_pp, subject, up_word="扩大", down_word="缩小")


def _wan_or_plain(x, unit: str, plain_digits: int, wan_digits: int) -> str:
    d = to_decimal(x)
    if abs(d) >= _WAN:
        return f"{round_half_up(d / _WAN, wan_digits):,}万{unit}"
    digits = 0 if d == d.to_integral_value() else plain_digits
    return f"{number(d, digits)}{unit}"


def count(n, unit: str = "人次") -> str:
    """A count: 3482 → "3,482人次"; from 10,000 in 万 with one decimal: 126000 → "12.6万人次"."""
    if is_missing(n):
        return MISSING
    return _wan_or_plain(n, unit, plain_digits=1, wan_digits=1)


def money(yuan) -> str:
    """Money in yuan: 8800 → "8,800元"; from 10,000 in 万元 with two decimals: 234500 → "23.45万元"."""
    if is_missing(yuan):
        return MISSING
    return _wan_or_plain(yuan, "元", plain_digits=2, wan_digits=2)


def amount(x, unit: str) -> str:
    """A count or a sum of money, chosen by its unit ("元" → money, anything else → count)."""
    return money(x) if unit == "元" else count(x, unit)


def year(y) -> str:
    """A year: 2025 → "2025年"."""
    if is_missing(y):
        return MISSING
    return f"{int(str(y).strip()[:4])}年"


_QUARTER = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


def quarter(q) -> str:
    """A quarter: "2025Q3" → "2025年第3季度"."""
    if is_missing(q):
        return MISSING
    m = _QUARTER.match(str(q))
    if not m:
        raise ValueError(f"not a quarter like 2025Q3: {q!r}")
    return f"{m.group(1)}年第{m.group(2)}季度"


def date(d) -> str:
    """A date: 2025-12-31 → "2025年12月31日" (date, datetime, Timestamp or ISO text)."""
    if is_missing(d):
        return MISSING
    t = pd.Timestamp(d)
    return f"{t.year}年{t.month}月{t.day}日"


def as_of(d) -> str:
    """The as-of date: "截至2025年12月31日"."""
    if is_missing(d):
        return MISSING
    return f"截至{date(d)}"


def period(p) -> str:
    """A period as the project writes it ("2025", "2025Q3" or a date) in Chinese."""
    if is_missing(p):
        return MISSING
    if isinstance(p, (dt.date, pd.Timestamp)):
        return date(p)
    s = str(p).strip()
    if re.fullmatch(r"\d{4}(\.0)?", s):
        return year(s)
    if _QUARTER.match(s):
        return quarter(s)
    return date(s)


def small_sample(n) -> str:
    """The note for a rate on too few respondents: "样本不足（n=18）"."""
    if is_missing(n):
        return "样本不足"
    return f"样本不足（n={int(n)}）"


def is_small_sample(n) -> bool:
    """True when n is known and below MIN_N (30): the value is greyed and never ranked."""
    return not is_missing(n) and int(n) < MIN_N

"""One plain Chinese sentence per card, generated from the indicator DataFrames (pure, testable)."""
from __future__ import annotations

import math

import pandas as pd

from charts import fmt


def _last_two(df: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    if df is None or df.empty:
        return None, None
    rows = df.sort_values("period")
    latest = rows.iloc[-1]
    previous = rows.iloc[-2] if len(rows) > 1 else None
    return latest, previous


# Changes and remainders are computed from the shown figures (fmt.shown_pct / shown_pp) so that a sentence
# always agrees with the numbers printed beside it (12.9% → 13.8% reads "提高0.9个百分点", never 0.8).
def shown_pct(share) -> float:
    """The share in percent as the page shows it (one decimal, half up)."""
    return float(fmt.shown_pct(share))


def _shown_pp(value) -> float:
    return float(fmt.shown_pp(value))


def _delta_pp(latest, previous) -> float | None:
    if previous is None or latest is None:
        return None
    return shown_pct(latest["value"]) - shown_pct(previous["value"])


def rate_sentence(df: pd.DataFrame, subject: str, target: pd.Series | None = None) -> str:
    """'2025年全镇居民具备科学素质比例为13.6%，较上年提高0.8个百分点；距2025年目标15.0%还差1.4个百分点。'"""
    latest, previous = _last_two(df)
    if latest is None:
        return f"暂无{subject}的调查数据。"
    text = f"{fmt.year(latest['period'])}{subject}具备科学素质比例为{fmt.share(latest['value'])}"
    if fmt.is_small_sample(latest["n"]):
        return text + f"，{fmt.small_sample(latest['n'])}，仅供参考。"
    delta = _delta_pp(latest, previous)
    if delta is not None:
        text += "，" + fmt.change_vs(_before(latest, previous), delta)
    if target is not None and not _missing(target.get("target_value")):
        remaining = shown_pct(target["target_value"]) - shown_pct(latest["value"])
        goal = f"{fmt.year(target['period'])}目标{fmt.share(target['target_value'])}"
        text += f"；已达到{goal}" if remaining <= 0 else f"；距{goal}还差{fmt.pp(remaining)}"
    return text + "。"


def gap_sentence(gap: pd.DataFrame) -> str:
    """'2025年城镇比农村高7.2个百分点，城乡差距较上年缩小0.3个百分点。'"""
    latest, previous = _last_two(gap)
    if latest is None:
        return "暂无城乡两类居民都有的调查数据。"
    value = float(latest["value"])
    lead = "城镇比农村高" if value >= 0 else "农村比城镇高"
    text = f"{fmt.year(latest['period'])}{lead}{fmt.pp(abs(value))}"
    delta = None if previous is None else _shown_pp(value) - _shown_pp(previous["value"])
    if delta is not None:
        text += "，城乡差距" + fmt.change_vs(_before(latest, previous), delta, "扩大", "缩小")
    if not _missing(latest.get("ci_low")) and latest["ci_low"] <= 0 <= latest["ci_high"]:
        text += "（差距在统计上不显著）"
    return text + "。"


def phase_sentence(phase: str | None, completion: float | None, elapsed: float | None, ended: bool = False) -> str:
    """'全面推进阶段已过62.0%的时间，里程碑完成55.6%，进度略慢于时间。'"""
    if phase is None:
        return "工作计划中没有阶段安排。"
    if ended:
        done = f"，{phase}的里程碑完成{fmt.share(completion)}" if completion is not None else ""
        return f"{fmt.PLAN_ENDED}（最后为{phase}）{done}。"
    if completion is None or elapsed is None:
        return f"当前处于{phase}。"
    verdict = "进度与时间同步" if abs(completion - elapsed) < 0.05 else (
        "进度快于时间" if completion > elapsed else "进度慢于时间")
    return f"{phase}已过{fmt.share(elapsed)}的时间，里程碑完成{fmt.share(completion)}，{verdict}。"


def reporting_sentence(rate: float | None, on_time: float | None, missing: list[str], period: str | None) -> str:
    """'2025年第4季度报送率88.9%，按时77.8%；未报：财政所。'"""
    if rate is None or period is None:
        return "暂无应报报表。"
    text = f"{fmt.quarter(period)}报送率{fmt.share(rate)}，按时{fmt.share(on_time)}"
    # "到期", not "各部门": a return not yet due (未到期) has not been sent and is not missing either.
    return text + (f"；未报：{'、'.join(missing)}。" if missing else "；到期报表均已收到。")


def budget_sentence(spend: float | None, budget: float | None, year: str | None) -> str:
    """'2025年已支出23.45万元，占预算50.00万元的46.9%。'"""
    if year is None or _missing(spend):
        return "暂无经费数据。"
    if _missing(budget) or not budget:
        return f"{fmt.year(year)}已支出{fmt.money(spend)}，未编列预算。"
    return f"{fmt.year(year)}已支出{fmt.money(spend)}，占预算{fmt.money(budget)}的{fmt.share(spend / budget)}。"


def _before(latest, previous) -> str:
    """'上年' when the previous value is the year before, else '2022年'."""
    gap = int(str(latest["period"])[:4]) - int(str(previous["period"])[:4])
    return "上年" if gap == 1 else fmt.year(str(previous["period"])[:4])


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def groups_sentence(rates: pd.DataFrame, ranks: pd.DataFrame) -> str:
    """'2025年领导干部和公务员（49.6%）在成年重点人群中居首；农民最低（8.2%），较上年提高1.9个百分点。'"""
    if ranks is None or ranks.empty or ranks["value"].isna().all():
        return "样本足够的成年重点人群不到两个，暂不排名。"
    year = ranks["period"].max()
    ranked = ranks[(ranks["period"] == year) & ranks["value"].notna()].sort_values("value")
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    text = f"{fmt.year(year)}“{top['重点人群']}”（{fmt.share(top['rate'])}）在成年重点人群中居首"
    if len(ranked) > 1:
        text += f"；“{bottom['重点人群']}”最低（{fmt.share(bottom['rate'])}）"
        before = rates[(rates["重点人群"] == bottom["重点人群"]) & (rates["period"] < year)].sort_values("period")
        if len(before) and not fmt.is_small_sample(before.iloc[-1]["n"]):
            text += "，" + fmt.change_vs(_before(bottom, before.iloc[-1]),
                                         shown_pct(bottom["rate"]) - shown_pct(before.iloc[-1]["value"]))
    return text + "。"


def change_words(now, before, unit: str) -> str:
    """"增加27次" / "减少3.2万人次" / "持平"."""
    delta = float(now) - float(before)
    if delta == 0:
        return "持平"
    return ("增加" if delta > 0 else "减少") + fmt.count(abs(delta), unit)

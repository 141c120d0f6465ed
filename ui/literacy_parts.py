"""Sections of the 科学素质 page: layout only; the words and tables come from charts.literacy_figs."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from charts import figures, fmt, palette, sentences
from charts import literacy_figs as lf
from indicators.literacy_views import gap_change, target_lines
from charts.targets import headline_target
from ui import data, frame, layout

BREAKDOWNS = ("重点人群", "城乡", "性别", "年龄段", "文化程度", "村(社区)")
WHOLE = "全体"


def status_badge(code: str | None) -> str:
    """A progress status as its word on its palette colour (never colour alone)."""
    s = palette.status(code)
    return (f"<span style='background:{s.colour};color:{palette.text_on(s.colour)};padding:1px 8px;"
            f"border-radius:10px'>{html.escape(s.label)}</span>")


def digits(table: pd.DataFrame, key: str, label: str = "查看数字") -> None:
    """The numbers behind a chart, as formatted text with Chinese headers, folded away."""
    with st.expander(label, icon=":material/table:"):
        st.dataframe(table, hide_index=True, key=key)


def weighting_note() -> None:
    """How the survey years were weighted and which residents they cover."""
    weighting = data.query("weighting")
    if weighting.empty:
        return
    latest = weighting.sort_values("period").iloc[-1]
    st.caption(f":material/groups: {lf.population_sentence()}  \n:material/balance: 加权：{lf.weighting_sentence(latest)}")
    if len(weighting) > 1:
        with st.expander("各调查年度的加权方法", icon=":material/balance:"):
            st.markdown("\n".join(f"- {lf.weighting_sentence(r)}" for _, r in weighting.iterrows()))


def _series(rate: pd.DataFrame, population: str) -> pd.DataFrame:
    """The yearly literacy rate of the town (全体), of 城镇/农村, or of a key group."""
    if population == WHOLE:
        return rate
    by = "城乡" if population in ("城镇", "农村") else "重点人群"
    rows = data.frame("literacy_rate", by=by)
    return rows[rows[by] == population].drop(columns=[by])


def trend_section(rate: pd.DataFrame, progress: pd.DataFrame, phases: pd.DataFrame) -> None:
    """The rate over the survey years against the plan's targets, with the as-of line and the phases."""
    st.subheader("历年变化与目标")
    rows = progress[progress["指标代码"] == "literacy_rate"]
    populations = [WHOLE] + [p for p in dict.fromkeys(rows["人群"]) if p != WHOLE]
    choice = st.segmented_control("人群", populations, default=WHOLE, required=True, key="lit_trend_population",
                                  format_func=lambda p: f"全镇（{fmt.ADULTS}）" if p == WHOLE else p)
    series = _series(rate, choice)
    subject = "全镇居民" if choice == WHOLE else choice
    fig = figures.rate_trend(series, targets=target_lines(progress, "literacy_rate", choice),
                             as_of=data.as_of(), phases=phases)
    layout.chart(lf.with_subject(fig, f"{subject}具备科学素质比例"), key="lit_trend_chart")
    if not series.empty:
        latest = int(series["period"].max())
        target = headline_target(progress, "literacy_rate", choice, latest) if not progress.empty else None
        badge = "" if target is None else f" 目标进展：{status_badge(target['status'])}"
        st.markdown(sentences.rate_sentence(series, subject, target) + badge, unsafe_allow_html=True)
    st.caption(lf.coverage_sentence(None if choice in (WHOLE, "城镇", "农村") else "重点人群"))
    frame.definition("literacy_rate")
    digits(lf.rates_table(series, subject="具备科学素质比例"), key="lit_trend_table")


def breakdown_section(years: list[str]) -> None:
    """Rates by one breakdown in one survey year, with their intervals; small groups greyed."""
    st.subheader("分组比较")
    left, right = st.columns([4, 1])
    with left:
        by = st.segmented_control("分组", BREAKDOWNS, default=BREAKDOWNS[0], required=True, key="lit_by")
    with right:
        year = st.selectbox("调查年度", sorted(years, reverse=True), format_func=fmt.year, key="lit_year")
    rates = data.frame("literacy_rate", by=by)
    rows = rates[rates["period"] == year]
    layout.chart(figures.rate_bars(rows, by), key="lit_by_chart")
    note = lf.small_sample_note(rows, by) if not rows.empty else None
    st.caption(lf.coverage_sentence(by) + (f" {note}" if note else "") + " 误差线为95%置信区间。")
    frame.definition("literacy_rate")
    digits(lf.rates_table(rates, by, "具备科学素质比例"), key="lit_by_table", label=f"查看数字（按{by}，各年度）")


def tier_section() -> None:
    """The shares in the four tiers by survey year."""
    st.subheader("等级分布")
    tiers = data.frame("literacy_tier_share")
    layout.chart(figures.tier_stack(tiers), key="lit_tier_chart", share=0.5)
    st.caption(lf.coverage_sentence(None))
    frame.definition("literacy_tier_share")
    digits(lf.rates_table(tiers, "等级", "比例"), key="lit_tier_table")


def gap_section() -> None:
    """The urban–rural gap over the survey years with its interval, and whether it narrowed."""
    st.subheader("城乡差距")
    gap = data.frame("urban_rural_gap")
    layout.chart(figures.gap_trend(gap), key="lit_gap_chart")
    change = None if len(gap) < 2 else gap_change(gap, str(gap["period"].min()), str(gap["period"].max()))
    st.markdown(lf.gap_verdict(gap, change))
    frame.definition("urban_rural_gap")
    digits(lf.gap_table(gap), key="lit_gap_table")


def minors_section(progress: pd.DataFrame, phases: pd.DataFrame) -> None:
    """Minors' interest in science over the survey years against its targets."""
    st.subheader("未成年人的科学兴趣")
    interest = data.frame("minor_interest_rate")
    fig = figures.rate_trend(interest, targets=target_lines(progress, "minor_interest_rate", "未成年人"),
                             as_of=data.as_of(), phases=phases)
    if not interest.empty:
        fig = lf.with_subject(fig, "对科学感兴趣的未成年人比例")
    layout.chart(fig, key="lit_minor_chart", share=0.5)
    st.caption("覆盖18岁以下受访者；“感兴趣”指科学兴趣回答4（比较感兴趣）或5（非常感兴趣）。")
    frame.definition("minor_interest_rate")
    digits(lf.rates_table(interest, subject="感兴趣的比例"), key="lit_minor_table")

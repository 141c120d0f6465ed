"""Pieces of the 科普活动与经费 page: the year picker, the task names, the headline cards and their sentences."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import fmt, sentences
from indicators import activities_views as views
from ui import cards, data

YEAR_KEY = "activities_year"


def year_picker(years: list[str]) -> str:
    """The year the breakdown charts show; defaults to the latest year with data (and to it again when the
    as-of date leaves the chosen year out)."""
    if st.session_state.get(YEAR_KEY) not in years:
        st.session_state.pop(YEAR_KEY, None)
    return st.selectbox("分类图表的年份", years, index=len(years) - 1, format_func=fmt.year, key=YEAR_KEY,
                        width=240)


def quarters_covered(quarterly: pd.DataFrame, year: str) -> list[int]:
    """The quarters (1–4) of `year` that have rows in a quarterly frame."""
    rows = views.of_year(quarterly, year)
    return sorted({int(str(p)[-1]) for p in rows["period"]}) if rows is not None and len(rows) else []


def year_sentence(quarterly: pd.DataFrame, year: str, unit: str) -> str:
    """How the year's total compares with the same quarters of the year before."""
    covered = quarters_covered(quarterly, year)
    previous = views.of_year(quarterly, str(int(year) - 1))
    if not covered or previous is None or previous.empty:
        return "无上年同期数据可比。"
    same = previous[previous["period"].str[-1].astype(int).isin(covered)]
    if same.empty:
        return "无上年同期数据可比。"
    now = views.of_year(quarterly, year)["value"].sum()
    span = "上年" if len(covered) == 4 else f"上年同期（第{covered[0]}–{covered[-1]}季度）"
    return f"较{span}{sentences.change_words(now, same['value'].sum(), unit)}。"


def headline(year: str, count_q: pd.DataFrame, people_q: pd.DataFrame, per_100: pd.DataFrame,
             theme: pd.DataFrame, budget: pd.DataFrame, per_resident: pd.DataFrame,
             national: pd.DataFrame) -> None:
    """Four cards for the chosen year: activities, participants, the theme's share, money spent."""
    covered = quarters_covered(count_q, year)
    span = fmt.year(year) + ("" if len(covered) in (0, 4) else f"第{covered[0]}–{covered[-1]}季度")
    columns = st.columns(4)
    with columns[0]:
        total = views.of_year(count_q, year)["value"].sum()
        cards.card(f"科普活动（{span}）", fmt.count(total, "次"), year_sentence(count_q, year, "次"),
                   key="card_activities")
    with columns[1]:
        people = views.of_year(people_q, year)["value"].sum()
        town = views.of_year(per_100, year)
        detail = "" if town.empty else f"每百名居民参与{fmt.count(town['value'].iloc[0])}"
        cards.card(f"参与人次（{span}）", fmt.count(people), year_sentence(people_q, year, "人次"),
                   detail=detail, key="card_participants")
    with columns[2]:
        row = views.of_year(theme, year)
        if row.empty:
            cards.card(f"年度主题活动占比（{span}）", "—", "当年没有活动。", key="card_theme")
        else:
            r = row.iloc[0]
            on = round(float(r["value"]) * int(r["n"]))
            cards.card(f"年度主题活动占比（{span}）", fmt.share(r["value"]),
                       f"{r['note'] or '工作计划未定当年主题'}；{int(r['n'])}次活动中{on}次围绕主题。",
                       key="card_theme")
    with columns[3]:
        row = views.of_year(budget, year)
        spend = row["spend_yuan"].iloc[0] if len(row) else None
        money = None if row.empty else row["budget_yuan"].iloc[0]
        resident = views.of_year(per_resident, year)
        latest = national.sort_values("period").iloc[-1] if len(national) else None
        detail = "" if resident.empty else f"人均{fmt.money(resident['value'].iloc[0])}" + (
            "" if latest is None else f"（全国{fmt.year(latest['period'])}{fmt.money(latest['value'])}）")
        cards.card(f"科普经费支出（{span}）", fmt.money(spend) if spend is not None else "—",
                   sentences.budget_sentence(spend, money, year if spend is not None else None),
                   detail=detail, key="card_spend")

"""Words and tables of the 科学素质 page: who the figures cover, how they were weighted, whether the gap narrowed.

Pure functions of indicator DataFrames (testable without Streamlit); every number goes through charts.fmt.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import fmt

# INDICATORS.md, "Population covered": these breakdowns cover everyone in the band or group.
ALL_AGES = ("年龄段", "重点人群")


def coverage_sentence(by: str | None) -> str:
    """Which residents a breakdown's figures cover (INDICATORS.md, "Population covered")."""
    if by == "年龄段":
        return "按年龄段的数字覆盖各年龄段的全部受访者：0–17岁为未成年人，70岁及以上单列一段。"
    if by == "重点人群":
        return f"按重点人群的数字覆盖该人群的全部受访者，不限于{fmt.ADULTS}（“未成年人”为18岁以下）。"
    what = "全镇" if by is None else f"按{by}分组的"
    return f"{what}数字覆盖{fmt.ADULTS}居民，与全国公民科学素质调查口径一致。"


def population_sentence() -> str:
    """The page-wide statement of who the figures cover."""
    return (f"全镇及按城乡、性别、文化程度、村(社区)分组的数字覆盖{fmt.ADULTS}居民（与全国调查口径一致）；"
            "按年龄段、重点人群分组的数字覆盖该组全部受访者，含18岁以下和70岁及以上。")


def weighting_sentence(row: pd.Series) -> str:
    """'2025年调查：…事后分层加权，受访1,114人，代表人口4.5万人；覆盖18–69岁常住人口的97.3%，未调查人群：其他。'"""
    text = (f"{fmt.year(row['period'])}调查：{row['method']}，受访{fmt.count(row['n'], '人')}，"
            f"代表人口{fmt.count(row['covered_population'], '人')}")
    coverage = str(row.get("coverage") or "").strip()
    if coverage:
        text += f"；{coverage}"
    merges = row.get("merges")
    if isinstance(merges, pd.DataFrame) and len(merges):
        text += f"；受访过少的加权单元合并{len(merges)}处（详见“数据质量”页）"
    return text + "。"


def small_sample_note(rows: pd.DataFrame, by: str) -> str | None:
    """'灰色为样本不足30人的组，比例仅供参考、不参与排序：南洼村（n=20）。' or None."""
    small = rows[rows["n"].map(fmt.is_small_sample)]
    if small.empty:
        return None
    names = "、".join(f"{r[by]}（n={int(r['n'])}）" for _, r in small.iterrows())
    return f"灰色为样本不足{fmt.MIN_N}人的组，比例仅供参考、不参与排序：{names}。"


def rates_table(df: pd.DataFrame, by: str | None = None, subject: str = "比例") -> pd.DataFrame:
    """A share indicator as text with Chinese headers: 调查年度, [by], subject, 95%置信区间, 样本量, 说明."""
    columns = ["调查年度", *([by] if by else []), subject, "95%置信区间", "样本量", "说明"]
    if df is None or df.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for _, r in df.iterrows():
        small = fmt.is_small_sample(r.get("n"))
        rows.append([fmt.year(r["period"]), *([str(r[by])] if by else []), fmt.share(r["value"]),
                     f"{fmt.share(r['ci_low'])}–{fmt.share(r['ci_high'])}", fmt.count(r["n"], "人"),
                     fmt.small_sample(r["n"]) if small else ""])
    return pd.DataFrame(rows, columns=columns)


def gap_table(gap: pd.DataFrame) -> pd.DataFrame:
    """The urban–rural gap as text: 调查年度, 城乡差距, 95%置信区间, 比上次调查, 样本量."""
    columns = ["调查年度", "城乡差距（城镇−农村）", "95%置信区间", "比上次调查", "样本量"]
    if gap is None or gap.empty:
        return pd.DataFrame(columns=columns)
    rows = [[fmt.year(r["period"]), fmt.pp(r["value"]),
             f"{fmt.round_half_up(r['ci_low'])}至{fmt.round_half_up(r['ci_high'])}个百分点",
             "" if fmt.is_missing(r.get("change_pp")) else fmt.gap_change(r["change_pp"], ""),
             fmt.count(r["n"], "人")] for _, r in gap.iterrows()]
    return pd.DataFrame(rows, columns=columns)


def gap_verdict(gap: pd.DataFrame, change: dict | None) -> str:
    """One sentence: did the urban–rural gap narrow since the first survey, and is that beyond the noise?

    `change` is indicators.literacy_views.gap_change(first → latest). Narrowing means a smaller distance
    whichever side is ahead; the change is taken between the shown figures so that it agrees with them.
    """
    if gap is None or gap.empty:
        return "暂无城乡两类居民都有的调查数据，无法判断城乡差距的变化。"
    rows = gap.sort_values("period")
    first, last = rows.iloc[0], rows.iloc[-1]
    if len(rows) < 2:
        return f"{fmt.year(last['period'])}城乡差距为{fmt.pp(last['value'])}，只有一次调查，尚不能判断是否缩小。"
    delta = abs(fmt.shown_pp(last["value"])) - abs(fmt.shown_pp(first["value"]))
    text = (f"城乡差距从{fmt.year(first['period'])}的{fmt.pp(abs(first['value']))}到"
            f"{fmt.year(last['period'])}的{fmt.pp(abs(last['value']))}，{fmt.gap_change(delta, '')}")
    if change is None or change["se"] is None or delta == 0:
        return text + "。"
    if change["is_clear"]:
        return text + "，超出了抽样误差的范围。"
    return text + (f"；但这一变化在抽样误差之内（95%置信区间 {fmt.round_half_up(change['ci_low'])}至"
                   f"{fmt.round_half_up(change['ci_high'])}个百分点），还不能断定差距确实"
                   f"{'缩小' if delta < 0 else '扩大'}。")


def with_subject(fig: go.Figure, subject: str) -> go.Figure:
    """Put the subject before a figure's finding title: '未成年人对科学感兴趣的比例' + '连续4年提高，…'."""
    title = fig.layout.title.text or ""
    joiner = "" if title[:1].isdigit() or title.startswith("连续") else "："
    fig.update_layout(title_text=f"{subject}{joiner}{title}")
    return fig

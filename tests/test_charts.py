"""charts.figures and charts.palette: what a user sees in each figure (values, words, colours, lines)."""

import datetime as dt
import itertools
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from charts import figures as F
from charts import palette

ROOT = Path(__file__).resolve().parents[1]

PHASES = pd.DataFrame({"阶段": ["启动实施阶段", "全面推进阶段", "评估总结阶段"],
                       "start_on": ["2021-06-01", "2022-01-01", "2025-01-01"],
                       "end_on": ["2021-12-31", "2024-12-31", "2025-12-31"]})


def rates_by_residence():
    # 外来 has the highest value but n = 18: greyed, and never ranked in the title.
    return pd.DataFrame({"period": ["2025"] * 3, "城乡": ["城镇", "农村", "外来"],
                         "value": [0.1725, 0.0916, 0.30], "n": [412, 380, 18], "se": [0.01, 0.012, 0.1],
                         "ci_low": [0.150, 0.071, 0.12], "ci_high": [0.196, 0.117, 0.55],
                         "note": [None, None, "含流动人口"]})


def trend():
    return pd.DataFrame({"period": ["2022", "2023", "2024", "2025"], "value": [0.1093, 0.121, 0.1305, 0.1543],
                         "n": [300, 310, 320, 330], "ci_low": [0.09, 0.10, 0.11, 0.13],
                         "ci_high": [0.13, 0.14, 0.15, 0.18], "note": [None] * 4})


def traces(fig, kind):
    return [t for t in fig.data if t.type == kind]


def texts_of(fig) -> list[str]:
    """Every string a user can read in a figure: title, names, labels, hovers, annotations, axes."""
    out = [fig.layout.title.text or ""]
    for t in fig.data:
        if t.showlegend is not False and t.name:
            out.append(t.name)
        for attr in ("text", "hovertext"):
            v = getattr(t, attr, None)
            out.extend([v] if isinstance(v, str) else [x for x in (v or ()) if x is not None])
    out += [a.text for a in fig.layout.annotations]
    for ax in (fig.layout.xaxis, fig.layout.yaxis):
        out.append(ax.title.text or "")
        out.extend(ax.ticktext or ())
    return [str(s) for s in out]


def assert_reads_chinese(fig):
    """No English word, no code, no long bare float anywhere a user can read."""
    for s in texts_of(fig):
        assert not re.search(r"[A-Za-z]{2,}", s.replace("<br>", " ")), s
        assert not re.search(r"\d\.\d{3,}", s), s


# ---- rate_bars ----------------------------------------------------------------------------------------

def test_rate_bars_values_intervals_and_labels():
    fig = F.rate_bars(rates_by_residence(), "城乡")
    (bar,), (labels,) = traces(fig, "bar"), traces(fig, "scatter")
    assert bar.orientation == "h"
    assert list(bar.y) == ["城镇", "农村", "外来"]
    assert list(bar.x) == pytest.approx([17.25, 9.16, 30.0])
    assert list(bar.error_x.array) == pytest.approx([2.35, 2.54, 25.0])
    assert list(bar.error_x.arrayminus) == pytest.approx([2.25, 2.06, 18.0])
    assert list(labels.text) == ["17.3%", "9.2%", "样本不足（n=18）"]
    # labels sit beyond the error bars, clear of their caps by 1.5% of the furthest cap (55.0)
    assert list(labels.x) == pytest.approx([19.6 + 0.825, 11.7 + 0.825, 55.0 + 0.825])
    assert fig.layout.xaxis.ticksuffix == "%"
    assert fig.layout.xaxis.title.text == "比例（%）"
    assert_reads_chinese(fig)


def test_rate_bars_greys_small_samples_and_leaves_them_out_of_the_ranking():
    fig = F.rate_bars(rates_by_residence(), "城乡")
    bar = traces(fig, "bar")[0]
    assert list(bar.marker.color) == [palette.SERIES[0], palette.SERIES[0], palette.MUTED]
    assert list(traces(fig, "scatter")[0].textfont.color)[2] == palette.MUTED_TEXT
    assert fig.layout.title.text == "2025年城镇（17.3%）高于农村（9.2%）"
    assert "样本不足（n=18）" in bar.hovertext[2] and "说明：含流动人口" in bar.hovertext[2]
    assert bar.hovertext[0] == "2025年 城乡：城镇<br>比例：17.3%（95%置信区间 15.0%–19.6%）<br>样本量：412人"


def test_rate_bars_title_ranks_three_or_more_and_caller_title_wins():
    df = pd.DataFrame({"period": "2024", "重点人群": ["青少年", "农民", "领导干部和公务员"],
                       "value": [0.2, 0.05, 0.31], "n": [100, 200, 50]})
    assert F.rate_bars(df, "重点人群").layout.title.text == "2024年领导干部和公务员最高（31.0%），农民最低（5.0%）"
    assert F.rate_bars(df, "重点人群", title="干部领先").layout.title.text == "干部领先"


def test_rate_bars_vertical_and_several_periods():
    df = pd.concat([rates_by_residence().assign(period="2024"), rates_by_residence()])
    fig = F.rate_bars(df, "城乡", orientation="v")
    bars = traces(fig, "bar")
    assert [b.name for b in bars] == ["2024年", "2025年"]
    assert all(b.error_y.array is not None for b in bars)
    assert list(bars[1].x) == ["城镇", "农村", "外来"]
    assert fig.layout.barmode == "group"


# ---- rate_trend ---------------------------------------------------------------------------------------

def test_rate_trend_target_line_as_of_and_phases():
    fig = F.rate_trend(trend(), targets={2025: 0.15, 2035: 0.25}, as_of=dt.date(2025, 12, 31), phases=PHASES)
    shapes = fig.layout.shapes
    targets = [s for s in shapes if s.type == "line" and s.yref == "y"]
    # Each target runs from the base year (the first survey, 2022) to its own year, and no further.
    assert sorted((s.y0, s.x0, s.x1, s.line.dash) for s in targets) == [
        (15.0, "2022-07-01", "2025-07-01", "dash"), (25.0, "2022-07-01", "2035-07-01", "dash")]
    notes = {a.text: a for a in fig.layout.annotations}
    assert notes["2025年目标 15.0%"].x == notes["2035年目标 25.0%"].x == "2022-07-01"
    # The axis ends with the last year of data; 31 Dec 2025 is inside it, so the as-of line is drawn.
    assert fig.layout.xaxis.range == ("2022-01-01", "2025-12-31")
    (as_of,) = [s for s in shapes if s.type == "line" and s.yref == "y domain"]
    assert as_of.x0 == as_of.x1 == "2025-12-31"
    assert notes["截至2025年12月31日"].xanchor == "right"  # inside the plot, left of its line
    bands = [s for s in shapes if s.type == "rect"]
    assert [(s.x0, s.x1) for s in bands] == [("2021-06-01", "2022-01-01"), ("2022-01-01", "2025-01-01"),
                                             ("2025-01-01", "2026-01-01")]
    assert all(s.layer == "below" for s in bands)
    # Phase names are in the legend (the first phase ends before the data start), never inside the bands.
    assert [t.name for t in fig.data if t.legendgroup == "阶段"] == ["全面推进阶段", "评估总结阶段"]
    assert not {"启动实施阶段", "全面推进阶段", "评估总结阶段"} & set(notes)
    assert_reads_chinese(fig)


def test_rate_trend_as_of_line_only_inside_the_axis():
    later = F.rate_trend(trend(), as_of=dt.date(2026, 11, 30))
    assert not [s for s in later.layout.shapes if s.type == "line"] and not later.layout.annotations
    inside = F.rate_trend(trend(), as_of=dt.date(2022, 9, 30))
    assert [a.text for a in inside.layout.annotations] == ["截至2022年9月30日"]
    assert inside.layout.annotations[0].xanchor == "left"  # early in the axis: the label reads rightwards


def test_rate_trend_target_labels_close_together_go_either_side_of_their_lines():
    fig = F.rate_trend(trend(), targets={2024: 0.15, 2025: 0.155})
    sides = {a.text: a.yanchor for a in fig.layout.annotations}
    assert sides == {"2025年目标 15.5%": "bottom", "2024年目标 15.0%": "top"}


def test_rate_trend_line_band_and_title():
    fig = F.rate_trend(trend())
    upper, lower, line = traces(fig, "scatter")
    assert list(line.y) == pytest.approx([10.93, 12.1, 13.05, 15.43])
    assert list(line.text) == ["", "", "", "15.4%"]  # the latest value only: the rest are in the hover
    assert line.textposition == "top left"  # a rising line comes in from below left
    assert list(upper.y) == pytest.approx([13, 14, 15, 18]) and list(lower.y) == pytest.approx([9, 10, 11, 13])
    assert lower.fill == "tonexty"
    assert list(fig.layout.xaxis.ticktext) == ["2022年", "2023年", "2024年", "2025年"]
    assert fig.layout.title.text == "连续3年提高，2025年为15.4%"
    assert line.hovertext[3].startswith("2025年<br>比例：15.4%（95%置信区间 13.0%–18.0%）")


def test_rate_trend_title_after_a_fall_and_small_last_sample():
    df = trend()
    df.loc[3, "value"] = 0.1275
    assert F.rate_trend(df).layout.title.text == "2025年为12.8%，较2024年降低0.3个百分点"
    df.loc[3, "n"] = 20  # the greyed point is not a finding
    fig = F.rate_trend(df)
    assert fig.layout.title.text == "连续2年提高，2024年为13.1%"
    assert traces(fig, "scatter")[-1].text[3] == "样本不足（n=20）"
    assert traces(fig, "scatter")[-1].marker.color[3] == palette.MUTED


def test_rate_trend_title_agrees_with_the_shown_figures():
    # 12.849% → 13.751% is a rise of 0.902 points, but the figures read 12.8% and 13.8%: say 1.0.
    df = pd.DataFrame({"period": ["2024", "2025"], "value": [0.12849, 0.13751], "n": [300, 300]})
    assert F.rate_trend(df).layout.title.text == "2025年为13.8%，较2024年提高1.0个百分点"
    # Rises that do not show (12.91% → 12.94%) end a run.
    df = pd.DataFrame({"period": ["2022", "2023", "2024", "2025"], "value": [0.11, 0.1291, 0.1294, 0.14]})
    assert F.rate_trend(df).layout.title.text == "2025年为14.0%，较2024年提高1.1个百分点"


def test_rate_trend_title_for_surveys_that_are_not_yearly():
    df = pd.DataFrame({"period": ["2020", "2022", "2025"], "value": [0.10, 0.12, 0.15]})
    assert F.rate_trend(df).layout.title.text == "连续2次调查提高，2025年为15.0%"


def test_rate_trend_by_group_and_targets_in_fractions_only():
    df = pd.concat([trend().assign(城乡="城镇"), trend().assign(城乡="农村", value=trend()["value"] - 0.05)])
    fig = F.rate_trend(df, by="城乡")
    lines = [t for t in traces(fig, "scatter") if t.mode == "lines+markers+text"]
    assert [t.name for t in lines] == ["城镇", "农村"]
    assert lines[0].line.color != lines[1].line.color
    with pytest.raises(ValueError):
        F.rate_trend(trend(), targets={2025: 15})  # 15 means 15%: pass 0.15


def test_rate_trend_quarters():
    df = pd.DataFrame({"period": ["2025Q1", "2025Q2"], "value": [0.1, 0.12], "n": [40, 50]})
    fig = F.rate_trend(df)
    assert list(fig.layout.xaxis.ticktext) == ["2025年第1季度", "2025年第2季度"]
    assert fig.layout.title.text == "2025年第2季度为12.0%，较2025年第1季度提高2.0个百分点"


# ---- gap_trend ----------------------------------------------------------------------------------------

def test_gap_trend_points_with_error_bars_and_finding():
    df = pd.DataFrame({"period": [2023, 2024, 2025], "value": [8.1, 7.3, 6.5],
                       "ci_low": [5.9, 5.1, 4.0], "ci_high": [10.3, 9.5, 9.0]})
    fig = F.gap_trend(df)
    (line,) = fig.data
    assert list(line.x) == ["2023年", "2024年", "2025年"]
    assert list(line.y) == pytest.approx([8.1, 7.3, 6.5])
    assert list(line.error_y.array) == pytest.approx([2.2, 2.2, 2.5])
    assert list(line.error_y.arrayminus) == pytest.approx([2.2, 2.2, 2.5])
    assert list(line.text) == ["", "", "6.5个百分点"]  # the latest only; the others are in the hover
    assert line.hovertext[2] == "2025年<br>城乡差距：6.5个百分点（95%置信区间 4.0–9.0个百分点）"
    assert fig.layout.yaxis.title.text == "城乡差距（个百分点）"
    assert fig.layout.title.text == "城乡差距缩小0.8个百分点，2025年为6.5个百分点"
    assert_reads_chinese(fig)


def test_gap_trend_widening_and_change_between_shown_figures():
    df = pd.DataFrame({"period": ["2024", "2025"], "value": [7.3, 7.8]})
    assert F.gap_trend(df).layout.title.text == "城乡差距扩大0.5个百分点，2025年为7.8个百分点"
    df = pd.DataFrame({"period": ["2024", "2025"], "value": [7.349, 7.751]})  # shown 7.3 → 7.8
    assert F.gap_trend(df).layout.title.text == "城乡差距扩大0.5个百分点，2025年为7.8个百分点"
    df = pd.DataFrame({"period": ["2024", "2025"], "value": [-3.0, -2.2]})  # rural ahead, by less
    assert F.gap_trend(df).layout.title.text == "城乡差距缩小0.8个百分点，2025年为-2.2个百分点"


# ---- tier_stack ---------------------------------------------------------------------------------------

def test_tier_stack_order_colours_and_labels():
    df = pd.DataFrame({"period": ["2024"] * 4 + ["2025"] * 4, "等级": ["较低", "基本具备", "具备", "高阶"] * 2,
                       "value": [0.57, 0.30, 0.10, 0.03, 0.535, 0.31, 0.115, 0.04]})
    fig = F.tier_stack(df)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["高阶", "具备", "基本具备", "较低"]  # 高阶 at the bottom
    assert [t.marker.color for t in fig.data] == [palette.TIER_COLOURS[t] for t in palette.TIERS]
    assert list(fig.data[1].text) == ["10.0%", "11.5%"]
    assert list(fig.layout.xaxis.ticktext) == ["2024年", "2025年"]
    # The 3.0% 高阶 slice is too thin to hold its label: it is set beside the bar, so every slice is labelled.
    assert list(fig.data[0].text) == ["", "4.0%"]
    (beside,) = fig.layout.annotations
    assert (beside.text, beside.x, beside.xanchor) == ("3.0%", palette.TIER_BAR_WIDTH / 2, "left")
    assert fig.layout.title.text == "2025年具备科学素质（含高阶）15.5%，较2024年提高2.5个百分点"
    assert_reads_chinese(fig)


# ---- phase_timeline -----------------------------------------------------------------------------------

MILESTONES = pd.DataFrame({
    "编号": ["M1", "M2", "M3", "M4"], "阶段": ["启动实施阶段", "全面推进阶段", "全面推进阶段", "评估总结阶段"],
    "内容": ["成立领导小组", "开展中期评估", "建设科普馆", "总结评估"], "责任部门": ["科协", "科协", "文旅", "科协"],
    "due_on": ["2021-09-30", "2023-12-31", "2024-06-30", "2025-12-31"],
    "状态": ["已完成", "进行中", "未开始", "未开始"], "done_on": ["2021-09-20", None, None, None]})


def test_phase_timeline_bars_milestones_overdue_red_and_as_of():
    fig = F.phase_timeline(PHASES, MILESTONES, dt.date(2025, 6, 30))
    bars = traces(fig, "bar")
    assert [b.y[0] for b in bars] == ["启动实施阶段", "全面推进阶段", "评估总结阶段"]
    assert [b.base[0] for b in bars] == ["2021-06-01", "2022-01-01", "2025-01-01"]
    dots = {t.name: t for t in traces(fig, "scatter")}
    assert set(dots) == {"√ 已完成（1项）", "！ 逾期（2项）", "○ 未开始（1项）"}
    overdue = dots["！ 逾期（2项）"]
    assert overdue.marker.color == palette.OVERDUE == palette.STATUS["deterioration"].colour
    assert list(overdue.x) == ["2023-12-31", "2024-06-30"]
    assert overdue.hovertext[0] == "M2 开展中期评估<br>责任部门：科协<br>计划完成：2023年12月31日<br>状态：！ 逾期"
    assert "完成日期：2021年9月20日" in dots["√ 已完成（1项）"].hovertext[0]
    (line,) = [s for s in fig.layout.shapes if s.type == "line"]
    assert line.x0 == "2025-06-30"
    assert "截至2025年6月30日" in [a.text for a in fig.layout.annotations]
    assert fig.layout.title.text == "截至2025年6月30日，里程碑完成1/4项，逾期2项"
    assert fig.layout.xaxis.tickformat == "%Y年%-m月"
    assert_reads_chinese(fig)


def test_phase_timeline_takes_the_etl_aliases_and_an_is_overdue_flag():
    ms = MILESTONES.rename(columns={"编号": "milestone_id", "阶段": "phase", "内容": "content",
                                    "责任部门": "department", "状态": "status"})
    ms["is_overdue"] = [False, False, False, False]
    fig = F.phase_timeline(PHASES.rename(columns={"阶段": "phase"}), ms, "2025-06-30")
    assert fig.layout.title.text == "截至2025年6月30日，里程碑完成1/4项，无逾期"


# ---- reporting_grid -----------------------------------------------------------------------------------

def test_reporting_grid_cells_words_colours_and_hatching():
    df = pd.DataFrame({"部门": ["科协", "科协", "教育局", "教育局", "农业农村办", "农业农村办"],
                       "period": ["2025Q2", "2025Q3"] * 3,
                       "状态": ["按时", "逾期", "空报", "按时", "未报", "late"]})  # codes are read too
    fig = F.reporting_grid(df)
    cells = {t.text[0]: t for t in fig.data}
    assert set(cells) == {"按时", "逾期", "未报", "空报"}
    for word, t in cells.items():
        assert all(x == word for x in t.text)
        assert t.marker.color == palette.reporting(word).colour
    assert cells["空报"].marker.pattern.shape == "/"
    assert cells["按时"].marker.pattern.shape == ""
    assert cells["按时"].marker.color == palette.BLUISH_GREEN and cells["未报"].marker.color == palette.RED
    # 教育局 (row 1) in 2025Q2 is the empty return; rows are one unit high, centred on their department.
    assert list(cells["空报"].x) == ["2025年第2季度"] and list(cells["空报"].base) == [pytest.approx(0.55)]
    assert list(cells["逾期"].x) == ["2025年第3季度", "2025年第3季度"]
    assert list(fig.layout.yaxis.ticktext) == ["科协", "教育局", "农业农村办"]
    assert cells["空报"].hovertext[0] == "教育局 · 2025年第2季度<br>报送：○ 空报"
    assert fig.layout.title.text == "2025年第3季度应报3个部门：按时1个，逾期2个"
    assert_reads_chinese(fig)


# ---- bar_by and budget_vs_spend -----------------------------------------------------------------------

def test_bar_by_counts_in_wan():
    df = pd.DataFrame({"period": ["2025Q2", "2025Q1", "2025Q3"], "value": [126000, 3482, 9999]})
    fig = F.bar_by(df, "period", "value", None, "人次", label="参与人次")
    (bar,) = fig.data
    assert list(bar.x) == ["2025年第1季度", "2025年第2季度", "2025年第3季度"]
    assert list(bar.text) == ["", "12.6万人次", "9,999人次"]  # the largest (the title names it) and the latest
    assert list(bar.y) == pytest.approx([0.3482, 12.6, 0.9999])
    assert fig.layout.yaxis.title.text == "参与人次（万人次）"
    assert bar.hovertext[1] == "2025年第2季度：12.6万人次"
    assert fig.layout.title.text == "2025年第2季度最多（12.6万人次）"
    assert_reads_chinese(fig)


def test_bar_by_many_quarters_names_each_year_once():
    periods = [f"{y}Q{q}" for y in (2021, 2022, 2023) for q in (1, 2, 3, 4)]
    fig = F.bar_by(pd.DataFrame({"period": periods, "value": range(1, 13)}), "period", unit="次")
    assert list(fig.layout.xaxis.ticktext) == ["2021年", "2022年", "2023年"]
    assert list(fig.layout.xaxis.tickvals) == ["2021年第1季度", "2022年第1季度", "2023年第1季度"]
    assert [t for t in fig.data[0].text if t] == ["12次"]  # the latest is also the largest


def test_bar_by_kind_grouped_and_small_counts():
    df = pd.DataFrame({"活动类型": ["科普讲座", "科普讲座", "专题展览"], "城乡": ["城镇", "农村", "城镇"],
                       "value": [12, 7, 3]})
    fig = F.bar_by(df, "活动类型", "value", "讲座最多", "次", by="城乡")
    assert [t.name for t in fig.data] == ["城镇", "农村"]
    assert list(fig.data[1].text) == ["7次", "—"]
    assert list(fig.data[0].y) == ["科普讲座", "专题展览"] and fig.data[0].orientation == "h"  # names read level
    assert fig.layout.xaxis.title.text == "（次）"
    assert fig.layout.title.text == "讲座最多"


def test_budget_vs_spend():
    df = pd.DataFrame({"任务": ["青少年", "农民"], "budget_yuan": [234500, 8800], "spend_yuan": [180000, 9200]})
    fig = F.budget_vs_spend(df)
    budget, spend = fig.data
    assert (budget.name, spend.name) == ("预算", "支出")
    assert list(budget.text) == ["23.45万元", "8,800元"] and list(spend.text) == ["18.00万元", "9,200元"]
    assert list(spend.x) == pytest.approx([18.0, 0.92]) and list(spend.y) == ["青少年", "农民"]
    assert fig.layout.xaxis.title.text == "金额（万元）"
    assert spend.hovertext[0] == "青少年<br>预算：23.45万元<br>支出：18.00万元<br>执行率：76.8%"
    assert fig.layout.title.text == "经费执行率77.8%（支出18.92万元，预算24.33万元）"
    assert_reads_chinese(fig)


# ---- every figure -------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: F.rate_bars(pd.DataFrame(), "城乡"), lambda: F.rate_trend(pd.DataFrame()),
    lambda: F.gap_trend(pd.DataFrame()), lambda: F.tier_stack(pd.DataFrame()),
    lambda: F.phase_timeline(pd.DataFrame(), None, "2025-12-31"), lambda: F.reporting_grid(pd.DataFrame()),
    lambda: F.bar_by(pd.DataFrame(), "period", "value", None, "人次"), lambda: F.budget_vs_spend(pd.DataFrame()),
])
def test_empty_data_says_so(make):
    fig = make()
    assert [a.text for a in fig.layout.annotations] == ["暂无数据"]


def test_figures_use_the_template_and_need_no_network():
    fig = F.rate_trend(trend(), targets={2025: 0.15}, as_of="2025-12-31", phases=PHASES)
    assert fig.layout.template.layout.font.family == palette.FONT_FAMILY
    assert list(fig.layout.template.layout.colorway) == list(palette.SERIES)
    html = fig.to_html(include_plotlyjs=True, full_html=True)
    assert not re.search(r"<script[^>]*\bsrc=", html)  # plotly.js is inlined from the package, no CDN
    assert "http" not in fig.to_json()


def test_projector_variant_is_large():
    t = pio.templates[palette.PROJECTOR].layout
    assert t.font.size >= 24 and t.title.font.size >= 24 and t.legend.font.size >= 24
    assert t.xaxis.tickfont.size >= 20 and t.yaxis.tickfont.size >= 20
    assert t.hoverlabel.font.size >= 24 and t.uniformtext.minsize >= 18
    fig = F.projector(F.rate_trend(trend()))
    assert fig.layout.template.layout.font.size >= 24
    # the figure sets no font size of its own that would escape the template
    assert all(a.font.size is None for a in fig.layout.annotations)
    assert all(getattr(tr, "textfont", None) is None or tr.textfont.size is None for tr in fig.data)


# ---- palette ------------------------------------------------------------------------------------------

def test_status_words_and_colours():
    assert {k: v.word for k, v in palette.STATUS.items()} == {
        "target_achieved": "已达标", "substantial_progress": "进度达标", "moderate_progress": "需加快",
        "limited_progress": "进展有限", "deterioration": "倒退", "target_missed": "未达标",
        "not_available": "数据不足"}
    word, colour = palette.status("target_achieved")
    assert (word, colour) == ("已达标", palette.DEEP_GREEN)
    assert palette.status(None).word == "数据不足"
    assert [palette.reporting(c).word for c in ("on_time", "late", "missing", "empty")] == ["按时", "逾期", "未报", "空报"]
    assert palette.reporting("逾期") is palette.REPORTING["late"]
    assert all(s.icon for s in [*palette.STATUS.values(), *palette.REPORTING.values(), *palette.MILESTONE.values()])


def _contrast(a: str, b: str) -> float:
    def lum(c):
        ch = [int(c.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        ch = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_status_words_are_legible_in_their_colour():
    for s in [*palette.STATUS.values(), *palette.REPORTING.values()]:
        assert _contrast(s.text_colour, "#FFFFFF") >= 4.5, s
        assert _contrast(palette.text_on(s.colour), s.colour) >= 3.0, s


# Machado, Oliveira & Fernandes (2009), full severity, on linear RGB.
_CVD = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "normal": np.eye(3),
}


def _lab(colour: str, sim: np.ndarray) -> np.ndarray:
    c = np.array([int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]) / 255
    lin = np.clip(sim @ np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4), 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    f = (xyz / np.array([0.95047, 1.0, 1.08883]))
    f = np.where(f > 0.008856, np.cbrt(f), 7.787 * f + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", list(_CVD))
@pytest.mark.parametrize("group", ["STATUS", "REPORTING", "MILESTONE"])
def test_colours_stay_apart_for_red_green_colour_blindness(vision, group):
    colours = [s.colour for s in getattr(palette, group).values()]
    for a, b in itertools.combinations(colours, 2):
        delta_e = np.linalg.norm(_lab(a, _CVD[vision]) - _lab(b, _CVD[vision]))
        assert delta_e >= 15, (group, vision, a, b, round(float(delta_e), 1))


def test_streamlit_config_mirrors_the_palette():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["theme"] == palette.THEME
    assert config["server"]["maxUploadSize"] == 20
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "minimal"


def test_templates_are_registered():
    assert palette.KEXUE in pio.templates and palette.PROJECTOR in pio.templates
    t = pio.templates[palette.KEXUE].layout
    assert t.font.family == "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"
    assert t.xaxis.exponentformat == "none"  # no "12k": numbers on axes are never in English SI
    assert isinstance(F.rate_trend(trend()), go.Figure)


# ---- per_100_bars -------------------------------------------------------------------------------------

def test_per_100_bars_put_a_group_far_above_the_rest_on_its_own_panel():
    from charts.activities_figs import per_100_bars
    df = pd.DataFrame({"目标人群": ["农民", "领导干部和公务员", "未成年人", "其他"],
                       "value": [61.45, 2767.66, 182.77, 7.22]})
    fig = per_100_bars(df, "目标人群")
    rest, far = fig.data
    assert list(rest.y) == ["未成年人", "农民", "其他"] and list(far.y) == ["领导干部和公务员"]
    assert list(far.text) == ["2,767.7人次/百人"] and far.xaxis == "x2"  # its own scale
    assert fig.layout.xaxis.range[1] == pytest.approx(182.77 * palette.BAR_LABEL_ROOM)
    assert fig.layout.title.text == "领导干部和公务员最多（2,767.7人次/百人），远高于其他组（单列一栏）"
    assert_reads_chinese(fig)


def test_per_100_bars_draw_the_town_as_a_line_not_a_bar():
    from charts.activities_figs import per_100_bars
    df = pd.DataFrame({"村(社区)": ["东庄村", "全镇", "南洼村", "河滨社区"], "value": [58.26, 41.4, 76.45, 16.18]})
    fig = per_100_bars(df, "村(社区)")
    (bars,) = fig.data
    assert list(bars.y) == ["南洼村", "东庄村", "河滨社区"]  # 全镇 is not among them
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1, line.line.dash) == (41.4, 41.4, "dash")
    assert [a.text for a in fig.layout.annotations] == ["全镇 41.4人次/百人"]


# ---- fitting to the container -------------------------------------------------------------------------

def test_three_layout_classes_by_container_width():
    assert [palette.layout_for(w).name for w in (1500, 1000, 820, 600, 564, 270, None)] == [
        "wide", "wide", "medium", "medium", "narrow", "narrow", "wide"]
    heights = [palette.layout_for(w).height for w in (1500, 820, 400)]
    fonts = [palette.layout_for(w).font for w in (1500, 820, 400)]
    assert heights == sorted(heights, reverse=True) and fonts == sorted(fonts, reverse=True)


def test_fit_wraps_the_title_at_a_comma_and_makes_room_for_it_and_the_legend():
    from charts import _base
    fig = F.rate_trend(trend(), phases=PHASES, title="全镇居民具备科学素质比例连续3年提高，2025年为15.4%")
    _base.fit(fig, 300)
    look = palette.layout_for(300)
    assert fig.layout.title.text == "全镇居民具备科学素质比例连续3年提高，<br>2025年为15.4%"
    assert fig.layout.font.size == look.font and fig.layout.xaxis.tickfont.size == look.ticks
    # two title lines and the legend of the two phases in view above the plot: the top margin holds both
    legend = _base.legend_rows(["全面推进阶段", "评估总结阶段"], 300 - 2 * look.margin - 80, look.font)
    expected = (palette.TITLE_PAD + 2 * look.title * palette.LINE_HEIGHT + palette.LABEL_GAP
                + legend * look.font * palette.LEGEND_ROW)
    assert fig.layout.margin.t == round(expected)
    big = _base.fit(F.rate_trend(trend()), 1500, projector=True)
    assert big.layout.font.size == palette.PROJECTOR_SIZES["font"] >= 18


def test_wrap_never_exceeds_the_width():
    from charts import _base
    text = "2025年领导干部和公务员最高（49.6%），其他最低（5.8%）"
    for width in (120, 200, 400):
        lines = _base.wrap(text, width, 15)
        assert "".join(lines) == text and all(_base.text_px(line, 15) <= width for line in lines)

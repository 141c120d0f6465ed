"""Pieces of the 报送情况 page: the list of gaps with whom to call, the yearly scorecard and the bulletin.

The shaping functions are pure (DataFrames in, DataFrame or text out) so that tests can call them; only
`year_picker` touches Streamlit.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts import fmt
from ui.activities_parts import change_words

GAP_STATES = ("未报", "逾期", "空报")
GAP_COLUMNS = ["部门", "报表类型", "期间", "应报日期", "收到日期", "状态", "联络员", "联系电话"]
YEAR_KEY = "reporting_year"
OFFICE = "科学素质工作领导小组办公室"


def year_picker(years: list[str]) -> str:
    """The year of the scorecard; defaults to the latest year owed (again when the as-of date drops the choice)."""
    if st.session_state.get(YEAR_KEY) not in years:
        st.session_state.pop(YEAR_KEY, None)
    return st.selectbox("督促检查年度", years, index=len(years) - 1, format_func=fmt.year, key=YEAR_KEY,
                        width=240)


def grid_cells(grid: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The grid of one return type as charts.figures.reporting_grid reads it: 部门, period, 状态, note."""
    rows = grid[grid["报表类型"] == kind]
    notes = [f"应报日期：{fmt.date(due)}<br>收到日期：{fmt.date(got) if not fmt.is_missing(got) else '未收到'}"
             f"<br>联络员：{'—' if fmt.is_missing(who) else who} {'' if fmt.is_missing(phone) else phone}"
             for due, got, who, phone in zip(rows["due_on"], rows["first_received_on"], rows["liaison"], rows["phone"])]
    return pd.DataFrame({"部门": rows["部门"], "period": rows["period"], "状态": rows["state"], "note": notes})


def gaps(grid: pd.DataFrame) -> pd.DataFrame:
    """Every return 未报, 逾期 or 空报, newest quarter first, with the liaison to call. Columns: GAP_COLUMNS."""
    rows = grid[grid["state"].isin(GAP_STATES)].copy()
    rows["_order"] = rows["state"].map({s: i for i, s in enumerate(GAP_STATES)})
    rows = rows.sort_values(["period", "_order", "部门"], ascending=[False, True, True])
    return pd.DataFrame({
        "部门": rows["部门"], "报表类型": rows["报表类型"], "期间": rows["period"].map(fmt.quarter),
        "应报日期": rows["due_on"].map(fmt.date),
        "收到日期": [fmt.date(d) if not fmt.is_missing(d) else "未收到" for d in rows["first_received_on"]],
        "状态": rows["state"], "联络员": rows["liaison"].fillna("—"), "联系电话": rows["phone"].fillna("—"),
    }, columns=GAP_COLUMNS).reset_index(drop=True)


def scorecard(card: pd.DataFrame) -> pd.DataFrame:
    """The yearly inspection (督促检查) scorecard of indicators.inspection as text a leader reads: the same
    figures and score as the downloaded spreadsheet.

    Columns: 部门, 联络员, 应报, 已报, 按时, 逾期, 未报, 空报, 报送率, 到期里程碑完成, 活动次数, 经费支出, 待处理提醒, 总分.
    """
    if card.empty or not card["应报"].any():
        return pd.DataFrame()
    shown = card[card["应报"] > 0].copy()
    shown["已报"] = shown["按时"] + shown["逾期"] + shown["空报"]
    shown["报送率"] = [fmt.share(min(r / n, 1.0)) for r, n in zip(shown["已报"], shown["应报"])]
    shown["到期里程碑完成"] = [f"{done}/{due}" if due else "—"
                         for done, due in zip(shown["已完成里程碑"], shown["到期里程碑"])]
    shown["经费支出"] = [fmt.money(v) for v in shown["经费支出"]]
    shown["总分"] = [fmt.number(v, 1) for v in shown["总分"]]
    return shown[["部门", "联络员", "应报", "已报", "按时", "逾期", "未报", "空报", "报送率", "到期里程碑完成",
                  "活动次数", "经费支出", "待处理提醒", "总分"]].reset_index(drop=True)


def _listing(rows: pd.DataFrame, detail) -> str:
    return "；".join(f"{d}（{'、'.join(detail(r) for _, r in g.iterrows())}）" for d, g in rows.groupby("部门", sort=False))


def bulletin(q, count_q: pd.DataFrame, people_q: pd.DataFrame, issued_on: dt.date) -> str:
    """The quarterly 情况通报 of the reporting quarter `q` (indicators.period.ReportingQuarter) as plain text:
    who reported, what is late, what the departments did, whom to call."""
    period = q.quarter
    lines = [f"{OFFICE}情况通报", f"（{fmt.quarter(period)}，{fmt.as_of(q.as_of)}）", "", "一、报表报送情况",
             f"本季度到期应报报表{q.n}份，已收到{q.received}份，报送率{fmt.share(q.rate)}；"
             f"其中按时报送{q.on_time}份，按时报送率{fmt.share(q.on_time_rate)}。"
             + (f"另有{q.pending}份尚未到报送期限，不计入。" if q.pending else "")]
    rows = q.counted
    all_on_time = rows.groupby("部门", sort=False)["state"].apply(lambda s: (s == "按时").all())
    if all_on_time.any():
        lines.append(f"按时报送的部门（{int(all_on_time.sum())}个）：{'、'.join(all_on_time[all_on_time].index)}。")
    late, empty, missing = (q.in_state(s) for s in ("逾期", "空报", "未报"))
    if len(late):
        lines.append("逾期报送：" + _listing(late, lambda r: f"{r['报表类型']}，应于{fmt.date(r['due_on'])}前报送，"
                                                     f"{fmt.date(r['first_received_on'])}收到") + "。")
    if len(empty):
        lines.append("空报（报表无数据行，已记为已报送）：" + _listing(empty, lambda r: r["报表类型"]) + "。")
    lines.append("尚未报送：" + (_listing(missing, lambda r: f"{r['报表类型']}，应于{fmt.date(r['due_on'])}前报送")
                            if len(missing) else "无") + "。")
    overdue = q.earlier_missing
    if len(overdue):
        lines.append("往期仍未报送：" + _listing(overdue, lambda r: f"{fmt.quarter(r['period'])}{r['报表类型']}") + "。")
    lines += ["", "二、科普活动开展情况", _activity_line(count_q, people_q, period)]
    chase = pd.concat([missing, overdue]).drop_duplicates("部门")
    lines += ["", "三、请相关部门抓紧补报"]
    lines += ([f"{r['部门']}：联络员{_text(r['liaison'])}，电话{_text(r['phone'])}" for _, r in chase.iterrows()]
              if len(chase) else ["各部门到期报表均已报送。"])
    if len(late):
        lines.append(f"请{'、'.join(dict.fromkeys(late['部门']))}今后在报送期限内报送。")
    lines += ["", OFFICE, fmt.date(issued_on)]
    return "\n".join(lines)


def callees(q) -> pd.DataFrame:
    """Whom to call about the quarter's missing returns: 部门, 联络员, 联系电话, 份数 (one row per department)."""
    rows = q.missing.assign(联络员=q.missing["liaison"].map(_text), 联系电话=q.missing["phone"].map(_text))
    return rows.groupby(["部门", "联络员", "联系电话"], sort=False).size().reset_index(name="份数")


def _text(x) -> str:
    return "—" if fmt.is_missing(x) or str(x).strip() == "" else str(x)


def _activity_line(count_q: pd.DataFrame, people_q: pd.DataFrame, period: str) -> str:
    counts = count_q.set_index("period")["value"] if len(count_q) else pd.Series(dtype=float)
    people = people_q.set_index("period")["value"] if len(people_q) else pd.Series(dtype=float)
    if period not in counts.index:
        return "本季度没有收到科普活动记录。"
    text = f"本季度各部门共开展科普活动{fmt.count(counts[period], '次')}，参与{fmt.count(people.get(period, 0))}"
    earlier = [p for p in counts.index if p < period]
    if earlier:
        before = max(earlier)
        text += (f"；与{fmt.quarter(before)}相比，活动{change_words(counts[period], counts[before], '次')}，"
                 f"参与人次{change_words(people.get(period, 0), people.get(before, 0), '人次')}")
    return text + "。"

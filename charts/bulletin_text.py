"""The quarterly 情况通报 as plain text: who reported, what is late, what the departments did, whom to call.

The page (报送情况) shows it and the Word bulletin (reports/bulletin.py) prints it: one text, two places.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from charts import fmt
from charts.sentences import change_words

OFFICE = "科学素质工作领导小组办公室"


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
    lines += ([f"{r['部门']}：联络员{text_or_dash(r['liaison'])}，电话{text_or_dash(r['phone'])}" for _, r in chase.iterrows()]
              if len(chase) else ["各部门到期报表均已报送。"])
    if len(late):
        lines.append(f"请{'、'.join(dict.fromkeys(late['部门']))}今后在报送期限内报送。")
    lines += ["", OFFICE, fmt.date(issued_on)]
    return "\n".join(lines)


def text_or_dash(x) -> str:
    """The text, or "—" where it is missing or blank."""
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

"""The quarterly 情况通报 (Word): the 报送情况 page's bulletin text, laid out as an office sends it, with tables of
the quarter's late, missing and empty returns (liaison and phone) and of its activities by task and theme.

Who is due, received, late and missing is indicators.period.ReportingQuarter's; the wording is the page's
(charts.bulletin_text.bulletin), so the page, its .txt and this document say the same.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH

from charts import fmt, palette
from charts.bulletin_text import bulletin
from reports import docx_kit as k

SECTION_STARTS = ("一、", "二、", "三、", "四、")
GAP_STATES = ("未报", "逾期", "空报", "未到期")


def write(q, count_q: pd.DataFrame, people_q: pd.DataFrame, by_task: pd.DataFrame, theme: str | None,
          issued_on: dt.date, town: str) -> bytes:
    """The bulletin of reporting quarter `q` as .docx bytes (count_q, people_q: activity_count and participants
    per quarter; by_task: indicators.quarter_activities.activities_by_task)."""
    doc = k.document()
    if q.quarter is None:
        k.title(doc, "科学素质工作情况通报", "所选季度还没有到期的报表。")
        return k.to_bytes(doc)
    lines = bulletin(q, count_q, people_q, issued_on).split("\n")
    k.title(doc, f"{town}{lines[0]}", lines[1])
    doc.paragraphs[0].runs[0].font.color.rgb = k.RGBColor.from_string(palette.RED.lstrip("#"))
    section = None
    for line in lines[2:-2]:
        if not line:
            continue
        if line.startswith(SECTION_STARTS):
            _after(doc, section, q, by_task, theme)
            section = line[:2]
            k.heading(doc, line)
        else:
            k.para(doc, line)
    _after(doc, section, q, by_task, theme)
    for line in lines[-2:]:
        k.para(doc, f"{town}{line}" if line == lines[-2] else line, indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return k.to_bytes(doc)


def _after(doc, section: str | None, q, by_task: pd.DataFrame, theme: str | None) -> None:
    """The table that closes a section: returns to chase after 一, activities by task after 二."""
    if section == "一、":
        rows = pd.concat([q.in_state(s) for s in GAP_STATES] + [q.earlier_missing])
        if len(rows):
            k.table(doc, ["部门", "报表", "期间", "状态", "应报日期", "收到日期", "联络员", "联系电话"],
                    [[r["部门"], r["报表类型"], fmt.quarter(r["period"]), r["state"], fmt.date(r["due_on"]),
                      "未收到" if fmt.is_missing(r["first_received_on"]) else fmt.date(r["first_received_on"]),
                      _text(r["liaison"]), _text(r["phone"])] for _, r in rows.iterrows()],
                    [2.4, 2.0, 2.2, 1.2, 2.2, 1.9, 1.6, 2.1])
    elif section == "二、" and len(by_task):
        if theme:
            k.para(doc, f"本年度工作主题为“{theme}”。各项任务本季度开展的科普活动：")
        k.table(doc, ["任务", "活动（次）", "其中年度主题活动（次）", "参与人次"],
                [[f"{r['对应任务']}. {r['任务名称']}", fmt.count(r["活动次数"], ""), fmt.count(r["年度主题活动"], ""),
                  fmt.count(r["参与人次"])] for _, r in by_task.iterrows()], [7.0, 2.6, 3.4, 2.6], (1, 2, 3))


def _text(x) -> str:
    return "—" if fmt.is_missing(x) or str(x).strip() == "" else str(x)

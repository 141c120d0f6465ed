"""The four documents by name, from a warehouse file: read under the lock, drawn after it is released.

Each function returns (file name, bytes); the command line, the snapshot and the pages' download buttons
all call these, so a document is the same wherever it is made.
"""
from __future__ import annotations

import datetime as dt

from etl import db
from indicators.base import to_date
from indicators.status import town_name
from reports import bulletin, deck, evaluation, inputs, scorecard

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def evaluation_report(db_file, as_of, generated_on: dt.date | None = None) -> tuple[str, bytes]:
    """The 中期/终期评估 report at the date (.docx)."""
    with db.connect(db_file) as con:
        pack = inputs.pack(con, to_date(as_of))
    return f"{evaluation.report_title(pack)}（{to_date(as_of):%Y%m%d}）.docx", evaluation.write(pack, generated_on)


def meeting_deck(db_file, as_of) -> tuple[str, bytes]:
    """The meeting deck at the date (.pptx)."""
    with db.connect(db_file) as con:
        pack = inputs.pack(con, to_date(as_of))
    return f"{evaluation.report_title(pack).removesuffix('报告')}汇报（{to_date(as_of):%Y%m%d}）.pptx", deck.write(pack)


def inspection_scorecard(db_file, year, as_of) -> tuple[str, bytes]:
    """The 督促检查 scorecard of the year, as the returns stood on the date (.xlsx)."""
    with db.connect(db_file) as con:
        card = inputs.scorecard(con, to_date(as_of), year)
    return f"{year}年度督促检查记分卡.xlsx", scorecard.write(card, year, to_date(as_of), town_name())


def quarterly_bulletin(db_file, quarter: str, as_of, issued_on: dt.date | None = None) -> tuple[str, bytes]:
    """The 情况通报 of `quarter` ("2025Q3") with the returns as they stood on the date (.docx)."""
    from indicators.period import reporting_quarter
    from indicators.quarter_activities import activities_by_task, year_theme
    from indicators.registry import indicator
    day = to_date(as_of)
    with db.connect(db_file) as con:
        q = reporting_quarter(con, day, quarter)
        counts = indicator("activity_count").compute(con, day, period="quarter")
        people = indicator("participants").compute(con, day, period="quarter")
        by_task = activities_by_task(con, day, quarter)
        theme = year_theme(con, int(quarter[:4]))
    data = bulletin.write(q, counts, people, by_task, theme, issued_on or day, town_name())
    return f"情况通报（{quarter}）.docx", data

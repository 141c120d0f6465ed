"""The hand-out evaluation report: the figures the indicators compute, status words (never codes), self-contained."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from charts import fmt, palette, report
from charts.slides import EvaluationData
from etl import db
from indicators import plan, survey
from reports.inputs import evaluation_at

MIDTERM = dt.date(2023, 12, 31)


@pytest.fixture(scope="module")
def midterm(demo_db_master):
    with db.connect(demo_db_master) as con:
        d = evaluation_at(con, MIDTERM, town="柳堡镇")
        rate = survey.literacy_rate(con, MIDTERM).set_index("period").loc["2023"]
        progress = plan.progress_status(con, MIDTERM)
        milestones = plan.milestones(con, "2025-12-31")
    return d, report.report_html(d, generated_on=dt.date(2024, 1, 15)), rate, progress, milestones


def test_the_report_has_its_title_the_town_rate_with_interval_and_every_status_word(midterm):
    d, page, rate, progress, _ = midterm
    assert "<title>柳堡镇科学素质工作中期评估报告（截至2023年12月31日）</title>" in page
    assert fmt.share_ci(rate["value"], rate["ci_low"], rate["ci_high"]) in page
    for code in set(progress["status"]):
        assert palette.status(code).label in page
    tally = progress["status"].value_counts()
    assert all(f"{palette.status(c).word}{n}项" in page for c, n in tally.items())


def test_the_report_shows_no_english_codes_and_needs_no_network(midterm):
    _, page, *_ = midterm
    text = re.sub(r"<[^>]+>", " ", page.split("</style>")[1])  # what a reader sees, without markup and style
    for code in list(palette.STATUS) + ["literacy_rate", "urban_rural_gap", "share", "yuan_per_person", "nan",
                                        "None", "NaN", "NaT"]:
        assert code not in text, code
    assert "<script" not in page and "http" not in page
    assert len(page.encode("utf-8")) < 5_000_000


def test_the_report_lists_overdue_milestones_and_prints_one_section_a_page(demo_db_master, midterm):
    *_, milestones = midterm
    with db.connect(demo_db_master) as con:
        final = report.report_html(evaluation_at(con, dt.date(2025, 12, 31), town="柳堡镇"))
    assert "柳堡镇科学素质工作终期评估报告（截至2025年12月31日）" in final
    late = milestones[milestones["is_overdue"]]
    assert f"逾期里程碑（{len(late)}项）" in final
    assert all(str(m) in final for m in late["milestone_id"])
    assert "@page { size: A4" in final and "break-before: page" in final


def test_a_report_on_a_plan_with_no_returns_yet_says_so():
    phases = pd.DataFrame({"阶段": ["启动实施阶段", "全面推进阶段", "评估总结阶段"],
                           "start_on": [dt.date(2021, 1, 1), dt.date(2022, 1, 1), dt.date(2025, 1, 1)],
                           "end_on": [dt.date(2021, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 12, 31)]})
    d = EvaluationData(as_of=dt.date(2022, 6, 30), town="示例镇", has_returns=False, phase="全面推进阶段", phases=phases)
    page = report.report_html(d)
    assert "示例镇科学素质工作中期评估报告（截至2022年6月30日）" in page
    assert "尚无调查数据" in page and "没有逾期的里程碑" in page

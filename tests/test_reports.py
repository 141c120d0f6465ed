"""The evaluation pack on the demo warehouse: each document opened with its own library (python-docx,
python-pptx, openpyxl) and its figures checked against `indicators` at the same date."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation
from pptx.util import Pt

from charts import fmt, palette, targets
from etl import db
from indicators import inspection, outlook, plan, reporting, survey, tasks_views
from reports import documents

MID, FINAL = dt.date(2023, 12, 31), dt.date(2025, 12, 31)


def _docx(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def _paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _table(doc, first_header: str) -> list[list[str]]:
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def mid_report(demo_db_master):
    return documents.evaluation_report(demo_db_master, MID)


@pytest.fixture(scope="module")
def final_report(demo_db_master):
    return documents.evaluation_report(demo_db_master, FINAL, dt.date(2026, 1, 5))


@pytest.fixture(scope="module")
def final_deck(demo_db_master):
    return documents.meeting_deck(demo_db_master, FINAL)


def test_the_midterm_report_states_the_town_rate_gap_and_targets_of_its_date(demo_db_master, mid_report):
    name, data = mid_report
    assert name == "柳堡镇全民科学素质行动中期评估报告（20231231）.docx"
    doc = _docx(data)
    text = "\n".join(_paragraphs(doc))
    assert _paragraphs(doc)[0] == "柳堡镇全民科学素质行动中期评估报告"
    with db.connect(demo_db_master) as con:
        rate = survey.literacy_rate(con, MID).set_index("period").loc["2023"]
        gap = survey.urban_rural_gap(con, MID).set_index("period").loc["2023"]
        progress = plan.progress_status(con, MID)
        tasks = tasks_views.plan_tasks(con)
    assert (f"2023年全镇18–69岁居民中具备科学素质的比例为{fmt.share_ci(rate['value'], rate['ci_low'], rate['ci_high'])}，"
            f"样本{fmt.count(rate['n'], '人')}。") in text
    assert f"城乡差距（城镇−农村）为{fmt.pp(gap['value'])}" in text
    goal = targets.headline_target(progress, "literacy_rate", "全体", 2023)
    assert f"（{palette.status(goal['status']).label}）" in text
    aims = _table(doc, "指标")
    assert len(aims) == 1 + len(progress)
    assert [r[-1] for r in aims[1:]] == [palette.status(s).label for s in progress["status"]]
    assert "下一规划期目标建议" not in text  # only the final report proposes the next period's targets
    task_rows = _table(doc, "任务")
    assert [r[0] for r in task_rows[1:]] == [f"{t.task}. {t.task_name}" for t in tasks.itertuples()]
    assert [r[1] for r in task_rows[1:]] == ["、".join(t.lead_departments) for t in tasks.itertuples()]
    assert len(doc.inline_shapes) >= 5  # the charts, as pictures


def test_the_final_report_lists_reporting_by_department_problems_and_next_period_targets(demo_db_master, final_report):
    doc = _docx(final_report[1])
    text = "\n".join(_paragraphs(doc))
    assert _paragraphs(doc)[0] == "柳堡镇全民科学素质行动终期评估报告"
    with db.connect(demo_db_master) as con:
        by_dept = reporting.reporting_rate(con, FINAL, by="部门", period="all")
        timely = reporting.reporting_rate_on_time(con, FINAL, by="部门", period="all").set_index("部门")["value"]
        ahead = outlook.next_period_targets(con, FINAL)
        overdue = plan.milestones(con, FINAL).query("is_overdue")
    rows = _table(doc, "部门")
    assert rows[1:] == [[r["部门"], fmt.count(r["n"], "份"), fmt.share(r["value"]), fmt.share(timely[r["部门"]]), *row[4:]]
                        for (_, r), row in zip(by_dept.iterrows(), rows[1:])]
    for m in overdue.itertuples():
        assert f"里程碑{m.milestone_id}“{m.content}”（{m.department}）应于{fmt.date(m.due_on)}完成，至今未完成。" in text
    assert "下一规划期目标建议" in text
    table = _table(doc, "指标")  # the first "指标" table is the aims; the last is the proposal
    proposal = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert proposal[0][4] == "按实际变化到2030年" and len(proposal) == 1 + len(ahead)
    literacy = ahead[(ahead["指标代码"] == "literacy_rate") & (ahead["人群"] == "全体")].iloc[0]
    row = next(r for r in proposal if r[1] == "全体" and r[0] == "具备科学素质的公民比例")
    assert row[4:] == [fmt.share(literacy["projected_value"]), fmt.share(literacy["path_value"])]
    # By hand: base 2021 8.8% (the demo plan's baseline), latest 2025 13.5364…%: (0.135364 − 0.088) / 4 per year,
    # carried 5 years on: 0.135364 + 0.059205 = 19.5%.
    assert row[4] == fmt.share(literacy["latest_value"] + (literacy["latest_value"] - 0.088) / 4 * 5) == "19.5%"
    # 8.8% → 15.0% over 2021–2025 is 1.55 points a year; 2030: 8.8 + 1.55 × 9 = 22.75; the path is computed in
    # floating point and lands just below 22.75, so it reads 22.7%
    assert row[5] == "22.7%"
    assert len(table) > 1


def test_the_deck_is_16_9_one_message_a_slide_with_the_number_first_and_large(demo_db_master, final_deck):
    name, data = final_deck
    assert name.endswith(".pptx")
    prs = Presentation(io.BytesIO(data))
    assert (prs.slide_width, prs.slide_height) == (12192295, 6858000) or abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    with db.connect(demo_db_master) as con:
        rate = survey.literacy_rate(con, FINAL).set_index("period").loc["2025"]
        goal = targets.headline_target(plan.progress_status(con, FINAL), "literacy_rate", "全体", 2025)
    slides = list(prs.slides)
    assert len(slides) == 10
    texts = [[s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in slides]
    # The opening: the town rate with its interval, and its status word, not only the phase.
    assert texts[0][0] == "柳堡镇全民科学素质行动终期评估"
    assert texts[0][1] == f"{fmt.share(rate['value'])}（{fmt.share(rate['ci_low'])}–{fmt.share(rate['ci_high'])}）"
    assert palette.status(goal["status"]).label in texts[0]
    for slide in slides:
        big = [s for s in slide.shapes if s.has_text_frame][1]  # the number comes right after the title
        assert big.text_frame.paragraphs[0].runs[0].font.size >= Pt(40)
    assert sum(1 for slide in slides for s in slide.shapes if s.shape_type == 13) == 9  # pictures of the charts
    assert texts[1][1] == fmt.share_ci(rate["value"], rate["ci_low"], rate["ci_high"], named=False)


def test_the_scorecard_is_values_only_with_chinese_headers_frozen_panes_print_settings_and_weights(demo_db_master):
    as_of = dt.date(2026, 3, 31)
    name, data = documents.inspection_scorecard(demo_db_master, 2025, as_of)
    assert name == "2025年度督促检查记分卡.xlsx"
    book = load_workbook(io.BytesIO(data))
    sheet = book["督促检查记分卡"]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    headers = [c.value for c in sheet[4]]
    assert headers[:4] == ["部门", "联络员", "联系电话", "应报报表（份）"] and headers[-1] == "总分（满分100）"
    assert sheet.freeze_panes == "B5"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$4:$4"
    weights = "、".join(f"{p}{w}分" for p, w in inspection.SCORE_WEIGHTS.items())
    assert weights in sheet["A2"].value and sum(inspection.SCORE_WEIGHTS.values()) == 100
    rules = book["评分说明"]
    assert [(r[0].value, r[1].value) for r in rules.iter_rows(min_row=4, max_row=3 + len(inspection.SCORE_WEIGHTS))] \
        == list(inspection.SCORE_WEIGHTS.items())
    with db.connect(demo_db_master) as con:
        grid = reporting.reporting_grid(con, as_of)
    grid = grid[grid["year"] == 2025]
    rows = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=5)}
    for dept, mine in grid.groupby("部门"):
        states = mine["state"].value_counts()
        row = rows[dept]
        assert row[4:9] == [int(states.get(s, 0)) for s in ("按时", "逾期", "未报", "空报", "未到期")]
        assert row[3] == int((mine["state"] != "未到期").sum())
        assert row[-1] == pytest.approx(sum(row[-1 - len(inspection.SCORE_WEIGHTS):-1]))
    assert rows["农业站"][5] == 1  # the demo's one late return of 2025 (农业站, 2025年第2季度)


def test_a_small_plan_scores_by_hand(db_file):
    # The test plan with nothing reported. 2021, as of 2021-06-30: 中小学 owed its 2021Q1 activity return (未报;
    # Q2 not yet due) and its milestone M1 (due 2021-06-30) was done.
    with db.connect(db_file) as con:
        early = inspection.department_scorecard(con, dt.date(2021, 6, 30), 2021).set_index("部门")
        later = inspection.department_scorecard(con, dt.date(2025, 6, 30), 2025).set_index("部门")
    school = early.loc["中小学"]
    assert [school[c] for c in ("应报", "未报", "未到期", "到期里程碑", "已完成里程碑")] == [1, 1, 1, 1, 1]
    # 2025, as of 2025-06-30: no milestone due yet; 中小学 has a budget of 20,000元 and spent nothing:
    # 报送 0/1 → 0; 里程碑 none due → 25; 活动 0 of 1 quarter → 0; 经费 0/20,000 → 0; no warnings → 10.
    assert [later.loc["中小学", f"{p}得分"] for p in inspection.SCORE_WEIGHTS] == [0.0, 25.0, 0.0, 0.0, 10.0]
    assert later.loc["中小学", "总分"] == 35.0
    assert later.loc["科协", "总分"] == 50.0  # no budget line: 经费 counts in full (25 + 15 + 10)
    assert later.loc["党政办", "总分"] == 100.0  # owes no return, has no milestone or budget


@pytest.mark.slow
def test_one_page_of_each_demo_document_is_rendered_to_png(demo_db_master, final_report, final_deck):
    from tests.reports_render import render_first_page
    render_first_page("demo-bulletin.docx", documents.quarterly_bulletin(demo_db_master, "2023Q3", dt.date(2023, 10, 20))[1])
    render_first_page("demo-evaluation.docx", final_report[1])
    render_first_page("demo-deck.pptx", final_deck[1])
    render_first_page("demo-scorecard.xlsx", documents.inspection_scorecard(demo_db_master, 2025, FINAL)[1])


def test_the_bulletin_gives_returns_due_received_missing_with_whom_to_call_and_activities_by_task(demo_db_master):
    from indicators.period import reporting_quarter
    from indicators.quarter_activities import activities_by_task
    as_of = dt.date(2023, 10, 20)  # 2023Q3 returns were due on 15 October
    name, data = documents.quarterly_bulletin(demo_db_master, "2023Q3", as_of)
    assert name == "情况通报（2023Q3）.docx"
    doc = _docx(data)
    text = "\n".join(_paragraphs(doc))
    with db.connect(demo_db_master) as con:
        q = reporting_quarter(con, as_of, "2023Q3")
        tasks = activities_by_task(con, as_of, "2023Q3")
        total = indicator_total(con, as_of, "2023Q3")
    assert q.quarter == "2023Q3" and q.missing_departments
    assert (f"本季度到期应报报表{q.n}份，已收到{q.received}份，报送率{fmt.share(q.rate)}；"
            f"其中按时报送{q.on_time}份，按时报送率{fmt.share(q.on_time_rate)}。") in text
    chase = _table(doc, "部门")
    missing = q.missing
    for r in missing.itertuples():
        assert [r.部门, r.报表类型, "2023年第3季度", "未报", fmt.date(r.due_on), "未收到", r.liaison, r.phone] in chase
    by_task = _table(doc, "任务")
    assert [row[1] for row in by_task[1:]] == [fmt.count(n, "") for n in tasks["活动次数"]]
    assert sum(tasks["活动次数"]) == total  # every activity of the quarter falls under one task
    assert f"本季度各部门共开展科普活动{fmt.count(total, '次')}" in text


def indicator_total(con, as_of, quarter: str) -> int:
    from indicators.registry import indicator
    counts = indicator("activity_count").compute(con, as_of, period="quarter").set_index("period")["value"]
    return int(counts[quarter])

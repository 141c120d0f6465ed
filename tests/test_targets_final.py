"""Targets whose year has ended are final (已达标 / 未达标), and the plan's phase state (规划期已结束)."""
from __future__ import annotations

import datetime as dt

import pytest

from charts import fmt, palette
from etl import db
from indicators import plan, survey
from indicators.progress import final_status, progress_status


def test_a_target_missed_in_its_year_is_final_whatever_the_pace():
    # 10% (2021) → 12% (2023) against 15% by 2023: growth v = ((1.2)^(1/2) − 1) / ((1.5)^(1/2) − 1) ≈ 0.41,
    # "进展有限" while the year runs; once it is over, 12% < 15%: 未达标, score −5.
    running = progress_status([2021, 2023], [0.10, 0.12], "提高", target=0.15, base_year=2021, target_year=2023)
    assert running.status == "limited_progress"
    final = final_status(running, 0.15, "提高")
    assert (final.status, final.score) == ("target_missed", -5.0)
    assert palette.status(final.status).word == "未达标"


def test_a_target_reached_is_final_achieved_and_lowering_targets_read_the_other_way():
    reached = progress_status([2021, 2023], [0.10, 0.16], "提高", target=0.15, base_year=2021, target_year=2023)
    assert (final_status(reached, 0.15, "提高").status, final_status(reached, 0.15, "提高").score) == (
        "target_achieved", 5.0)
    # A gap to bring down to 5 points: 5.4 is missed, 4.9 reached.
    gap = progress_status([2021, 2023], [8.0, 5.4], "降低", target=5, base_year=2021, target_year=2023)
    assert final_status(gap, 5, "降低").status == "target_missed"
    gap = progress_status([2021, 2023], [8.0, 4.9], "降低", target=5, base_year=2021, target_year=2023)
    assert final_status(gap, 5, "降低").status == "target_achieved"


def test_without_any_value_a_final_target_stays_not_available():
    none = progress_status([], [], "提高", target=0.15, base_year=2021, target_year=2023)
    assert final_status(none, 0.15, "提高").status == "not_available"


def test_demo_targets_past_their_year_are_final_and_judged_on_their_years_value(demo_db_master):
    with db.connect(demo_db_master) as con:
        before = plan.progress_status(con, dt.date(2024, 6, 30))
        after = plan.progress_status(con, dt.date(2026, 3, 31))
        rate_2023 = survey.literacy_rate(con, dt.date(2026, 3, 31)).set_index("period").loc["2023", "value"]
        rate_2025 = survey.literacy_rate(con, dt.date(2026, 3, 31)).set_index("period").loc["2025", "value"]
    # On 2024-06-30 the 2023 targets are final, the 2025 ones are not.
    final = before["period"] == "2023"
    assert set(before.loc[final, "status"]) <= {"target_achieved", "target_missed", "not_available"}
    assert set(after["status"]) <= {"target_achieved", "target_missed", "not_available"}
    town = after[(after["指标代码"] == "literacy_rate") & (after["人群"] == "全体")].set_index("period")
    for year, value in (("2023", rate_2023), ("2025", rate_2025)):
        row = town.loc[year]
        assert row["latest_year"] == int(year) and row["latest_value"] == pytest.approx(value)
        assert row["status"] == ("target_achieved" if value >= row["target_value"] else "target_missed")
        # the newest value is the 2025 one, also beside the 2023 target (任务与阶段's 最新)
        assert (row["newest_year"], row["newest_value"]) == (2025, pytest.approx(rate_2025))


@pytest.mark.parametrize(("day", "phase", "state"), [
    (dt.date(2020, 6, 1), "启动实施阶段", "before"), (dt.date(2023, 6, 30), "全面推进阶段", "current"),
    (dt.date(2025, 12, 31), "评估总结阶段", "current"), (dt.date(2026, 1, 1), "评估总结阶段", "ended")])
def test_phase_state(db_file, day, phase, state):
    with db.connect(db_file) as con:
        got = plan.phase_state(con, day)
    assert (got["phase"], got["state"], got["is_plan_ended"]) == (phase, state, state == "ended")
    # 全面推进阶段 2022-01-01 … 2024-12-31: 546 of its 1,096 days gone by on 2023-06-30.
    if state == "current" and phase == "全面推进阶段":
        assert got["elapsed"] == 546 / 1096


def test_latest_column_shows_the_newest_value_and_its_year(demo_db_master):
    from ui.tasks_parts import target_table
    with db.connect(demo_db_master) as con:
        progress, gap = plan.progress_status(con, "2026-03-31"), plan.target_gap(con, "2026-03-31")
        rate_2025 = survey.literacy_rate(con, "2026-03-31").set_index("period").loc["2025", "value"]
    table = target_table(progress, gap)
    town = table[(table["指标"] == "具备科学素质的公民比例") & (table["人群"] == "全镇")]
    # the mid-term (2023) and final (2025) targets both show the 2025 value as 最新, never a past target 需加快
    assert list(town["最新"]) == [f"{fmt.share(rate_2025)}（2025年）"] * 2
    assert not table["进展状态"].str.contains("需加快|进度达标|进展有限").any()


def test_after_the_plan_every_slide_and_the_report_say_it_has_ended(demo_db_master):
    from charts import report, slides
    from reports.inputs import evaluation_at
    with db.connect(demo_db_master) as con:
        d = evaluation_at(con, dt.date(2026, 3, 31), town="柳堡镇")
    deck = slides.build_slides(d)
    # the opening slide leads with the town rate, then where the plan stands
    assert deck[0].sentence.endswith(
        "。截至2026年3月31日，规划期已结束（最后为评估总结阶段，2025年1月1日至2025年12月31日）。")
    phase = next(s for s in deck if s.title.endswith("里程碑完成率"))
    assert phase.sentence.startswith("规划期已结束（最后为评估总结阶段）")
    assert not any("已过" in s.sentence or "处于" in s.sentence for s in deck)
    page = report.report_html(d, dt.date(2026, 3, 31), deck)
    assert "截至2026年3月31日 · 规划期已结束" in page and "（当前）" not in page


def test_after_the_plan_the_overview_and_tasks_pages_say_it_has_ended(demo_db, app_env):
    from tests.apptest_util import cards, run_app
    app_env(demo_db)  # today: 2026-03-31
    assert cards(run_app())["规划阶段"]["value"] == "规划期已结束"
    at = run_app(page="pages/tasks.py")
    assert [i.value for i in at.info][:1] == ["截至2026年3月31日，规划期已结束。"]

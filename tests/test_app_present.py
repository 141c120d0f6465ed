"""汇报模式 under AppTest and its slides: each slide shows what the indicators compute for the as-of date."""
from __future__ import annotations

import datetime as dt

import pytest

from charts import fmt, palette, slides, targets
from etl import db
from indicators import activity, plan, reporting, survey
from tests.apptest_util import page_text, run_app
from reports.inputs import evaluation_at

PAGE = "pages/present.py"
MIDTERM = dt.date(2023, 12, 31)


@pytest.fixture(scope="module")
def midterm(demo_db_master):
    """The deck's inputs and slides at the mid-term date, and the indicators computed independently."""
    with db.connect(demo_db_master) as con:
        d = evaluation_at(con, MIDTERM, town="柳堡镇")
        truth = {
            "rate": survey.literacy_rate(con, MIDTERM).set_index("period").loc["2023"],
            "gap": survey.urban_rural_gap(con, MIDTERM).set_index("period").loc["2023"],
            "rank": survey.group_rank(con, MIDTERM).set_index(["period", "重点人群"]).loc[("2023", "领导干部和公务员")],
            "interest": survey.minor_interest_rate(con, MIDTERM).set_index("period").loc["2023"],
            "completion": plan.milestone_completion(con, MIDTERM, by="阶段").set_index("阶段").loc["全面推进阶段"],
            "participants": activity.participants(con, MIDTERM, period="year").set_index("period").loc["2023"],
            "per_resident": activity.spend_per_resident(con, MIDTERM).set_index("period").loc["2023"],
            # On 2023-12-31 the fourth quarter's returns are not yet due (2024-01-15): the third is shown.
            "reporting": reporting.reporting_rate(con, MIDTERM).set_index("period").loc["2023Q3"],
            "progress": plan.progress_status(con, MIDTERM),
        }
    return d, {s.title: s for s in slides.build_slides(d)}, truth


def test_every_slide_shows_the_indicators_values_for_the_as_of_date(midterm):
    d, deck, t = midterm
    assert len(deck) == 10
    first = next(iter(deck.values()))
    goal = targets.headline_target(t["progress"], "literacy_rate", "全体", 2023)
    # The opening states the town rate with its interval and its status, then the phase (as the deck does).
    assert first.title == "柳堡镇全民科学素质行动中期评估" and first.status == goal["status"]
    assert first.big == f"{fmt.share(t['rate']['value'])}（{fmt.share(t['rate']['ci_low'])}–{fmt.share(t['rate']['ci_high'])}）"
    assert "截至2023年12月31日" in first.sentence and "全面推进阶段" in first.sentence
    rate = deck["全镇具备科学素质的居民比例（2023年）"]
    assert rate.big == fmt.share_ci(t["rate"]["value"], t["rate"]["ci_low"], t["rate"]["ci_high"], named=False)
    assert fmt.share(t["rate"]["value"]) in rate.big and rate.status == goal["status"]
    assert rate.figure is not None and rate.figure.layout.template.layout.font.size >= 24  # the projector template
    assert deck["城乡差距（2023年，城镇−农村）"].big == fmt.pp(t["gap"]["value"])
    assert deck["重点人群：领导干部和公务员的排名（2023年）"].big == f"第{int(t['rank']['value'])}名"
    interest = deck["未成年人对科学感兴趣的比例（2023年）"]
    assert interest.big.startswith(fmt.share(t["interest"]["value"]))
    assert deck["全面推进阶段：里程碑完成率"].big == fmt.share(t["completion"]["value"])
    assert deck["科普活动参与人次（2023年）"].big == fmt.count(t["participants"]["value"])
    assert deck["经费投入：人均科普经费（2023年）"].big == fmt.money(t["per_resident"]["value"]) + "/人"
    assert deck["报送率（2023年第3季度）"].big == fmt.share(t["reporting"]["value"])
    summary = deck["目标进展：已达标或进度达标的目标"]
    on_track = t["progress"]["status"].isin(["target_achieved", "substantial_progress"]).sum()
    assert summary.big == f"{on_track}/{len(t['progress'])}项"
    for code, n in t["progress"]["status"].value_counts().items():
        assert f"{palette.status(code).word}{n}项" in summary.sentence


def test_next_and_prev_move_through_the_deck_and_slide_2_shows_the_town_rate(demo_db, app_env):
    app_env(demo_db)
    at = run_app(page=PAGE, as_of=dt.date(2025, 12, 31))
    with db.connect(demo_db) as con:
        rate = survey.literacy_rate(con, "2025-12-31").set_index("period").loc["2025"]
        progress = plan.progress_status(con, "2025-12-31")
    word = palette.status(targets.headline_target(progress, "literacy_rate", "全体", 2025)["status"]).word
    text = page_text(at)
    assert "1 / 10" in text and "终期评估" in text and "评估总结阶段" in text
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    text = page_text(at)
    assert "2 / 10" in text and "全镇具备科学素质的居民比例（2025年）" in text
    assert fmt.share_ci(rate["value"], rate["ci_low"], rate["ci_high"], named=False) in text and word in text
    assert "截至2025年12月31日" in text
    at.button(key="present_prev").click().run()
    assert "1 / 10" in page_text(at)
    while not at.button(key="present_next").disabled:  # to the last slide, and no further
        at.button(key="present_next").click().run()
    assert "10 / 10" in page_text(at) and at.button(key="present_next").disabled
    assert at.get("download_button")[0].key == "present_report"


def test_the_as_of_date_changes_slide_2(demo_db, app_env):
    app_env(demo_db)
    at = run_app(page=PAGE, as_of=MIDTERM)
    at.button(key="present_next").click().run()
    text = page_text(at)
    with db.connect(demo_db) as con:
        rates = survey.literacy_rate(con, "2025-12-31").set_index("period")
    then, now = rates.loc["2023"], rates.loc["2025"]
    assert "全镇具备科学素质的居民比例（2023年）" in text and "截至2023年12月31日" in text
    assert fmt.share_ci(then["value"], then["ci_low"], then["ci_high"], named=False) in text
    assert fmt.share(now["value"]) not in text


def test_an_empty_database_shows_a_slide_that_says_what_to_upload(empty_db, app_env):
    app_env(empty_db)
    at = run_app(page=PAGE)
    text = page_text(at)
    assert "请先在“数据上报”页上传工作计划工作簿" in text and "1 / 1" in text
    assert not at.get("download_button")


def test_a_plan_without_returns_shows_the_plan_slides_and_who_has_not_reported(tmp_path, app_env):
    from etl import bulk
    path = tmp_path / "plan.duckdb"
    plan_file = bulk.SAMPLE_DIR / "plan.xlsx"
    assert [r.status for r in bulk.load_many([(plan_file.name, plan_file.read_bytes())], db_file=path)] == ["stored"]
    app_env(path)
    at = run_app(page=PAGE, as_of=dt.date(2022, 3, 31))
    assert "尚未收到任何部门的报表" in page_text(at) and "1 / 4" in page_text(at)
    shown = {}
    while not at.button(key="present_next").disabled:
        at.button(key="present_next").click().run()
        shown[at.title[0].value] = page_text(at)
    # 2022Q1's returns fall due on 04-15: the quarter shown is 2021Q4, whose returns were all due and none came.
    assert list(shown) == ["全面推进阶段：里程碑完成率", "报送率（2021年第4季度）", "目标进展：已达标或进度达标的目标"]
    assert "报送率0.0%" in shown["报送率（2021年第4季度）"] and "未报：中小学、" in shown["报送率（2021年第4季度）"]
    assert "数据不足14项" in shown["目标进展：已达标或进度达标的目标"]


# ---- the figures of charts/present_figs.py ---------------------------------------------------------------------

def test_status_counts_bars_carry_word_count_and_colour():
    import pandas as pd

    from charts.present_figs import status_counts
    fig = status_counts(pd.DataFrame({"status": ["target_achieved", "deterioration", "target_achieved", None]}))
    bar = fig.data[0]
    assert list(bar.y) == ["√ 已达标", "↓ 倒退", "？ 数据不足"] and list(bar.x) == [2, 1, 1]
    assert list(bar.text) == ["2项", "1项", "1项"] and bar.marker.color[1] == palette.RED
    assert fig.layout.title.text == "共4项目标：已达标2项，倒退1项，数据不足1项"


def test_ranked_bars_sum_the_tail_and_label_in_wan():
    import pandas as pd

    from charts.present_figs import ranked_bars
    df = pd.DataFrame({"活动类型": list("ABCD"), "value": [12000, 500, 300, 200]})
    fig = ranked_bars(df, "活动类型", top=3)
    assert list(fig.data[0].y) == ["A", "B", "其余各类"] and list(fig.data[0].text) == ["1.2万人次", "500人次", "500人次"]
    assert fig.layout.title.text == "A最多（1.2万人次）"


def test_recent_reporting_grid_keeps_four_quarters_and_the_worse_state():
    import pandas as pd

    from charts.present_figs import recent_reporting_grid
    grid = pd.DataFrame({"部门": ["科协"] * 6, "period": ["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q3"],
                         "state": ["按时"] * 5 + ["未报"]})
    fig = recent_reporting_grid(grid)
    cells = {(x, t.name.split("（")[0]) for t in fig.data for x in t.x}
    assert ("2024年第3季度", "√ 按时") not in cells and ("2025年第3季度", "× 未报") in cells
    assert ("2025年第3季度", "√ 按时") not in cells


def test_a_trend_slide_ends_with_its_data_and_labels_the_latest_value(midterm):
    d, deck, _ = midterm
    fig = deck["全镇具备科学素质的居民比例（2023年）"].figure
    start, end = (dt.date.fromisoformat(x) for x in fig.layout.xaxis.range)
    first, last = d.rate["period"].astype(str).min(), d.rate["period"].astype(str).max()
    assert (start, end) == (dt.date(int(first), 1, 1), dt.date(int(last), 12, 31))  # surveys, not the plan's years
    labelled = [t for t in fig.data if t.mode and "text" in t.mode][0].text
    assert labelled[-1] == fmt.share(d.rate["value"].iloc[-1]) and not any(labelled[:-1])

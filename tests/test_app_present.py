"""汇报模式 under AppTest and its slides: each slide shows what the indicators compute for the as-of date."""
from __future__ import annotations

import datetime as dt

import pytest

from charts import fmt, palette, slides
from etl import db
from indicators import activity, plan, reporting, survey
from tests.apptest_util import page_text, run_app
from ui.present_parts import evaluation_at

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
            "reporting": reporting.reporting_rate(con, MIDTERM).set_index("period").loc["2023Q4"],
            "progress": plan.progress_status(con, MIDTERM),
        }
    return d, {s.title: s for s in slides.build_slides(d)}, truth


def test_every_slide_shows_the_indicators_values_for_the_as_of_date(midterm):
    d, deck, t = midterm
    assert len(deck) == 10
    first = next(iter(deck.values()))
    assert first.title == "柳堡镇全民科学素质行动中期评估" and first.big == "全面推进阶段"
    assert "截至2023年12月31日" in first.sentence
    goal = plan.headline_target(t["progress"], "literacy_rate", "全体", 2023)
    rate = deck["全镇具备科学素质的居民比例（2023年）"]
    assert rate.big == fmt.share_pm(t["rate"]["value"], t["rate"]["ci_low"], t["rate"]["ci_high"])
    assert fmt.share(t["rate"]["value"]) in rate.big and rate.status == goal["status"]
    assert rate.figure is not None and rate.figure.layout.template.layout.font.size >= 24  # the projector template
    assert deck["城乡差距（2023年，城镇−农村）"].big == fmt.pp(t["gap"]["value"])
    assert deck["重点人群：领导干部和公务员的排名（2023年）"].big == f"第{int(t['rank']['value'])}名"
    interest = deck["未成年人对科学感兴趣的比例（2023年）"]
    assert interest.big.startswith(fmt.share(t["interest"]["value"]))
    assert deck["全面推进阶段：里程碑完成率"].big == fmt.share(t["completion"]["value"])
    assert deck["科普活动参与人次（2023年）"].big == fmt.count(t["participants"]["value"])
    assert deck["经费投入：人均科普经费（2023年）"].big == fmt.money(t["per_resident"]["value"]) + "/人"
    assert deck["报送率（2023年第4季度）"].big == fmt.share(t["reporting"]["value"])
    summary = deck["目标进展：已达标或进度达标的目标"]
    on_track = t["progress"]["status"].isin(["target_achieved", "substantial_progress"]).sum()
    assert summary.big == f"{on_track}/{len(t['progress'])}项"
    for code, n in t["progress"]["status"].value_counts().items():
        assert f"{palette.status(code).word}{n}项" in summary.sentence


def test_next_and_prev_move_through_the_deck_and_slide_2_shows_the_town_rate(demo_db, app_env):
    app_env(demo_db)
    at = run_app(page=PAGE)
    with db.connect(demo_db) as con:
        rate = survey.literacy_rate(con, "2025-12-31").set_index("period").loc["2025"]
        progress = plan.progress_status(con, "2025-12-31")
    word = palette.status(plan.headline_target(progress, "literacy_rate", "全体", 2025)["status"]).word
    text = page_text(at)
    assert "1 / 10" in text and "终期评估" in text and "评估总结阶段" in text
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    text = page_text(at)
    assert "2 / 10" in text and "全镇具备科学素质的居民比例（2025年）" in text
    assert fmt.share_pm(rate["value"], rate["ci_low"], rate["ci_high"]) in text and word in text
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
    assert fmt.share_pm(then["value"], then["ci_low"], then["ci_high"]) in text
    assert fmt.share(now["value"]) not in text


def test_an_empty_database_shows_a_slide_that_says_what_to_upload(tmp_path, app_env):
    path = tmp_path / "empty.duckdb"
    with db.connect(path):
        pass
    app_env(path)
    at = run_app(page=PAGE)
    text = page_text(at)
    assert "请先在“数据上报”页上传工作计划工作簿" in text and "1 / 1" in text
    assert not at.get("download_button")

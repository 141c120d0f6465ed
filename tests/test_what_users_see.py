"""What a user reads about reporting, on a town worked out by hand (tests/reporting_town.py), matched whole.

Two dates inside a reporting window: on 2023-06-30 the second quarter's returns are not due until 07-15, on
2024-01-05 the fourth quarter's not until 01-15. Every page, slide, the banner, the bulletin and the report
must speak of the same quarter, with the same rate and the same missing departments, and never of one not
yet due. The two open warnings of the town: 科协's empty 2023Q1 return, and the 3 respondents of 中小学's survey.
"""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from charts import fmt, report, slides
from etl import db
from indicators import period
from tests import reporting_town
from tests.apptest_util import banner, cards, run_app
from reports.inputs import evaluation_at

MID_2023, EARLY_2024, LATE_JAN_2024 = dt.date(2023, 6, 30), dt.date(2024, 1, 5), dt.date(2024, 1, 16)
PAGES = ["pages/overview.py", "pages/literacy.py", "pages/tasks.py", "pages/activities.py", "pages/reporting.py",
         "pages/upload.py", "pages/quality.py", "pages/present.py"]


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    return reporting_town.build(tmp_path_factory.mktemp("town"))


@pytest.fixture
def town_app(town, app_env, monkeypatch):
    app_env(town)
    monkeypatch.setenv("KEXUE_TODAY", "2024-03-01")
    return town


# ---- each page's figures, by hand -------------------------------------------------------------------------

BANNERS = {
    MID_2023: "截至2023年6月30日 · 2023年第1季度报送率75.0%，4个部门中3个已报送（未报：财政所） · 2条提醒待处理",
    EARLY_2024: "截至2024年1月5日 · 2023年第3季度报送率50.0%，4个部门中2个已报送（未报：农业站、科协） · 2条提醒待处理",
    # 2023Q4: 中小学's two returns came early; 农业站's two and 科协's one are due and missing (2 of 5 = 40.0%);
    # 财政所's is due on 01-20: 未到期, not missing, not in the rate.
    LATE_JAN_2024: "截至2024年1月16日 · 2023年第4季度报送率40.0%，3个部门中1个已报送（未报：农业站、科协），"
                   "另有1份未到报送期限 · 2条提醒待处理",
}


@pytest.mark.parametrize("day", list(BANNERS))
def test_the_banner(town_app, day):
    assert banner(run_app(as_of=day)) == BANNERS[day]


def test_before_anything_is_due_no_page_shows_a_reporting_rate(town_app):
    at = run_app(as_of=dt.date(2023, 4, 14))
    assert banner(at) == "截至2023年4月14日 · 尚无到期的报表 · 2条提醒待处理"
    assert cards(at)["报送率"] == {"value": "—", "badge": None, "detail": "",
                                 "sentence": "截至所选日期还没有到期的报表。"}
    at = run_app(page="pages/reporting.py", as_of=dt.date(2023, 4, 14))
    assert [i.value for i in at.info] == ["截至所选日期还没有到期的报表。工作计划“部门”表写明各部门每季度应报哪些报表和报送期限。"]


def test_overview_mid_2023(town_app):
    card = cards(run_app(as_of=MID_2023))["报送率（2023年第1季度）"]
    assert card == {"value": "75.0%", "badge": None, "detail": "到期应报4份",
                    "sentence": "2023年第1季度报送率75.0%，按时50.0%；未报：财政所。"}


def test_overview_early_2024(town_app):
    card = cards(run_app(as_of=EARLY_2024))["报送率（2023年第3季度）"]
    assert card == {"value": "50.0%", "badge": None, "detail": "到期应报4份",
                    "sentence": "2023年第3季度报送率50.0%，按时50.0%；未报：农业站、科协。"}


def test_reporting_page_mid_2023(town_app):
    at = run_app(page="pages/reporting.py", as_of=MID_2023)
    shown = cards(at)
    assert shown["报送率（2023年第1季度）"] == {
        "value": "75.0%", "badge": None, "detail": "到期应报4份 · 已收到3份",
        "sentence": "2023年第1季度报送率75.0%，按时50.0%；未报：财政所。"}
    assert shown["按时报送率（2023年第1季度）"] == {
        "value": "50.0%", "badge": "× 未报", "detail": "", "sentence": "按时1份；逾期1份；未报1份；空报1份。"}
    assert shown["未报报表（2023年第1季度）"] == {
        "value": "1份", "badge": "× 未报", "detail": "", "sentence": "需联系：财政所1份（联络员赵会计，13800000004）。"}
    assert at.code[0].value == "\n".join([
        "科学素质工作领导小组办公室情况通报", "（2023年第1季度，截至2023年6月30日）", "", "一、报表报送情况",
        "本季度到期应报报表4份，已收到3份，报送率75.0%；其中按时报送2份，按时报送率50.0%。",
        "按时报送的部门（1个）：中小学。",
        "逾期报送：农业站（科普活动，应于2023年4月15日前报送，2023年4月18日收到）。",
        "空报（报表无数据行，已记为已报送）：科协（科普活动）。",
        "尚未报送：财政所（科普活动，应于2023年4月20日前报送）。", "",
        "二、科普活动开展情况", "本季度各部门共开展科普活动2次，参与80人次。", "",
        "三、请相关部门抓紧补报", "财政所：联络员赵会计，电话13800000004", "请农业站今后在报送期限内报送。", "",
        "科学素质工作领导小组办公室", fmt.date(dt.date.today())])


def test_reporting_page_early_2024(town_app):
    at = run_app(page="pages/reporting.py", as_of=EARLY_2024)
    shown = cards(at)
    assert shown["报送率（2023年第3季度）"]["value"] == "50.0%"
    assert shown["按时报送率（2023年第3季度）"] == {
        "value": "50.0%", "badge": "× 未报", "detail": "", "sentence": "按时2份；逾期0份；未报2份；空报0份。"}
    assert shown["未报报表（2023年第3季度）"] == {
        "value": "2份", "badge": "× 未报", "detail": "",
        "sentence": "需联系：农业站1份（联络员李站长，13800000002）；科协1份（联络员张主任，13800000003）。"
                    "往期另有1份仍未报送，见下表。"}
    assert at.code[0].value == "\n".join([
        "科学素质工作领导小组办公室情况通报", "（2023年第3季度，截至2024年1月5日）", "", "一、报表报送情况",
        "本季度到期应报报表4份，已收到2份，报送率50.0%；其中按时报送2份，按时报送率50.0%。",
        "按时报送的部门（2个）：中小学、财政所。",
        "尚未报送：农业站（科普活动，应于2023年10月15日前报送）；科协（科普活动，应于2023年10月15日前报送）。",
        "往期仍未报送：财政所（2023年第1季度科普活动）。", "",
        "二、科普活动开展情况",
        "本季度各部门共开展科普活动2次，参与80人次；与2023年第2季度相比，活动减少2次，参与人次减少80人次。", "",
        "三、请相关部门抓紧补报", "农业站：联络员李站长，电话13800000002", "科协：联络员张主任，电话13800000003",
        "财政所：联络员赵会计，电话13800000004", "",
        "科学素质工作领导小组办公室", fmt.date(dt.date.today())])
    # the yearly scorecard counts what is due or came early, never what is 未到期: 中小学 owed Q1–Q3 and sent
    # its 2023Q4 activity and survey returns early (5 of 5); 财政所's 2023Q4 return is 未到期 (2 of 3).
    score = next(d.value for d in at.dataframe if "到期里程碑完成" in d.value.columns).set_index("部门")
    assert score.loc["中小学", ["应报", "已报", "报送率"]].tolist() == [5, 5, "100.0%"]
    assert score.loc["财政所", ["应报", "已报", "未报", "报送率"]].tolist() == [3, 2, 1, "66.7%"]


def _slide(at) -> dict:
    block = next(str(m.value) for m in at.markdown if "class='kx-big'" in str(m.value))
    pick = lambda name: html.unescape(re.search(rf"<div class='{name}'>(.*?)</div>", block).group(1))  # noqa: E731
    return {"title": at.title[0].value, "big": pick("kx-big"), "sentence": pick("kx-sentence")}


@pytest.mark.parametrize(("day", "expected"), [
    (MID_2023, {"title": "报送率（2023年第1季度）", "big": "75.0%",
                "sentence": "2023年第1季度报送率75.0%，按时50.0%；未报：财政所。"}),
    (EARLY_2024, {"title": "报送率（2023年第3季度）", "big": "50.0%",
                  "sentence": "2023年第3季度报送率50.0%，按时50.0%；未报：农业站、科协。"})])
def test_the_reporting_slide(town_app, day, expected):
    at = run_app(page="pages/present.py", as_of=day)
    while not at.title[0].value.startswith("报送率") and not at.button(key="present_next").disabled:
        at.button(key="present_next").click().run()
    assert _slide(at) == expected


# ---- one story everywhere -------------------------------------------------------------------------------

def _statements(text: str) -> set[tuple[str, str]]:
    """Every (quarter, rate) a text states: '2023年第3季度报送率50.0%' or a card '报送率（2023年第3季度）' + value."""
    return {m for m in re.findall(r"(\d{4}年第[1-4]季度)报送率(\d+\.\d%)", text)}


def _page_statements(at) -> set[tuple[str, str]]:
    said = _statements(banner(at))
    for label, card in cards(at).items():
        said |= _statements(card["sentence"])
        quarter = re.fullmatch(r"报送率（(\d{4}年第[1-4]季度)）", label)
        if quarter:
            said.add((quarter.group(1), card["value"]))
    for block in at.code:
        said |= _statements(str(block.value).replace("\n", ""))
        head = re.search(r"（(\d{4}年第[1-4]季度)，截至", str(block.value))
        rate = re.search(r"，报送率(\d+\.\d%)；", str(block.value))
        said.add((head.group(1), rate.group(1)))
    return said


@pytest.mark.parametrize("day", [MID_2023, EARLY_2024, LATE_JAN_2024])
def test_every_page_slide_bulletin_and_report_state_the_same_quarter_and_rate(town, town_app, day):
    with db.connect(town) as con:
        truth = period.reporting_quarter(con, day)
        evaluation = evaluation_at(con, day, town="测试镇")
    expected = {(fmt.quarter(truth.quarter), fmt.share(truth.rate))}
    for page in PAGES:
        said = _page_statements(run_app(page=None if page == "pages/overview.py" else page, as_of=day))
        assert said == expected, page
    deck = slides.build_slides(evaluation)
    for slide in deck:
        said = _statements(slide.sentence) | ({(slide.title[4:-1], slide.big)} if slide.title.startswith("报送率（") else set())
        assert said <= expected, slide.title
    assert any(s.title == f"报送率（{fmt.quarter(truth.quarter)}）" for s in deck)
    text = re.sub(r"<[^>]+>", "|", report.report_html(evaluation, day, deck))
    assert re.findall(r"报送率（(\d{4}年第[1-4]季度)）\|+(\d+\.\d%)，", text) == [next(iter(expected))]
    missing = re.search(r"(\d{4}年第[1-4]季度)未报（(\d+)个部门）", text)
    assert (missing.group(1), int(missing.group(2))) == (fmt.quarter(truth.quarter), len(truth.missing_departments))

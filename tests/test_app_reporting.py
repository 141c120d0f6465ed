"""报送情况 under AppTest: rates, gaps and the bulletin shown equal what `indicators.reporting` computes."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from charts import bulletin_text, fmt
from etl import db
from indicators import period, reporting
from tests.apptest_util import page_text, run_app
from ui import reporting_parts as parts

PAGE = "pages/reporting.py"


def _table(at, column: str) -> pd.DataFrame:
    """The one table on the page with this column (AppTest gives a read-only table no key)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, column
    return found[0]


def test_reporting_shows_the_rate_gaps_scorecard_and_bulletin_that_indicators_compute(demo_db, app_env):
    app_env(demo_db)
    at = run_app(page=PAGE, as_of=dt.date(2026, 3, 31))
    text = page_text(at)
    with db.connect(demo_db) as con:
        grid = reporting.reporting_grid(con, "2026-03-31")
        rate = reporting.reporting_rate(con, "2026-03-31").set_index("period").loc["2025Q4"]
        on_time = reporting.reporting_rate_on_time(con, "2026-03-31").set_index("period").loc["2025Q4"]
    assert "报送率（2025年第4季度）" in text and fmt.share(rate["value"]) in text
    assert "按时报送率（2025年第4季度）" in text and fmt.share(on_time["value"]) in text

    gaps = _table(at, "联系电话")
    for state in ("未报", "逾期", "空报"):
        assert (gaps["状态"] == state).sum() == (grid["state"] == state).sum()
    missing = grid[grid["state"] == "未报"].iloc[0]
    row = gaps[gaps["状态"] == "未报"].iloc[0]
    assert (row["部门"], row["期间"], row["联络员"], row["联系电话"]) == (
        missing["部门"], fmt.quarter(missing["period"]), missing["liaison"], missing["phone"])

    score = _table(at, "到期里程碑完成")
    owed = grid[grid["year"] == 2025]
    assert score["应报"].sum() == len(owed) and score["逾期"].sum() == (owed["state"] == "逾期").sum()

    bulletin = at.code[0].value
    assert "（2025年第4季度，截至2026年3月31日）" in bulletin
    assert f"往期仍未报送：{missing['部门']}（{fmt.quarter(missing['period'])}{missing['报表类型']}）" in bulletin
    assert f"{missing['部门']}：联络员{missing['liaison']}，电话{missing['phone']}" in bulletin
    assert f"报送率{fmt.share(rate['value'])}" in bulletin and f"按时报送率{fmt.share(on_time['value'])}" in bulletin
    assert at.get("download_button")[0].key == "download_bulletin"


def test_reporting_follows_the_as_of_date(demo_db, app_env):
    app_env(demo_db)
    # A month after the quarter: its returns were due on 10-15, so the one never sent shows as 未报.
    at = run_app(page=PAGE, as_of=dt.date(2023, 10, 31))
    text = page_text(at)
    with db.connect(demo_db) as con:
        grid = reporting.reporting_grid(con, "2023-10-31")
        rate = reporting.reporting_rate(con, "2023-10-31").set_index("period").loc["2023Q3"]
    late = grid[(grid["period"] == "2023Q3") & (grid["state"] == "未报")]
    assert rate["value"] < 1 and len(late) == 1  # the demo's one return never sent
    assert "报送率（2023年第3季度）" in text and fmt.share(rate["value"]) in text
    gaps = _table(at, "联系电话")
    assert len(gaps) == grid["state"].isin(parts.GAP_STATES).sum()
    assert not gaps["期间"].str.startswith("2024").any()
    assert at.selectbox(key="reporting_year").value == "2023"
    bulletin = at.code[0].value
    who = late.iloc[0]
    assert "尚未报送：" + who["部门"] in bulletin
    assert f"{who['部门']}：联络员{who['liaison']}，电话{who['phone']}" in bulletin


def test_reporting_on_an_empty_database_says_what_to_upload(empty_db, app_env):
    app_env(empty_db)
    at = run_app(page=PAGE)
    assert any("请先在“数据上报”页上传工作计划" in i.value for i in at.info)


def _grid(rows: list[tuple]) -> pd.DataFrame:
    """A hand-made reporting grid: (部门, state, received_on or None) for 2025Q1, due 2025-04-15."""
    return pd.DataFrame({
        "部门": [r[0] for r in rows], "报表类型": "科普活动", "period": "2025Q1", "year": 2025, "quarter": 1,
        "due_on": pd.Timestamp("2025-04-15"), "first_received_on": [pd.Timestamp(r[2]) if r[2] else pd.NaT for r in rows],
        "state": [r[1] for r in rows], "is_received": [r[1] != "未报" for r in rows],
        "is_on_time": [r[1] in ("按时", "空报") for r in rows], "is_empty": [r[1] == "空报" for r in rows],
        "is_pending": [r[1] == "未到期" for r in rows],
        "liaison": ["甲", "乙", "丙", "丁"][:len(rows)], "phone": ["1", "2", "3", "4"][:len(rows)]})


def test_bulletin_and_scorecard_by_hand():
    grid = _grid([("科协", "按时", "2025-04-10"), ("团委", "逾期", "2025-04-20"), ("教委", "未报", None),
                  ("党政办", "空报", "2025-04-01")])
    counts = pd.DataFrame({"period": ["2024Q4", "2025Q1"], "value": [10, 12]})
    people = pd.DataFrame({"period": ["2024Q4", "2025Q1"], "value": [900, 800]})
    text = bulletin_text.bulletin(period.quarter_of(grid, dt.date(2025, 4, 25)), counts, people, dt.date(2025, 4, 25))
    assert "往期" not in text
    assert "本季度到期应报报表4份，已收到3份，报送率75.0%；其中按时报送2份，按时报送率50.0%。" in text
    assert "按时报送的部门（1个）：科协。" in text
    assert "逾期报送：团委（科普活动，应于2025年4月15日前报送，2025年4月20日收到）。" in text
    assert "空报（报表无数据行，已记为已报送）：党政办（科普活动）。" in text
    assert "尚未报送：教委（科普活动，应于2025年4月15日前报送）。" in text
    assert "共开展科普活动12次，参与800人次；与2024年第4季度相比，活动增加2次，参与人次减少100人次。" in text
    assert "教委：联络员丙，电话3" in text and text.endswith("2025年4月25日")

    gaps = parts.gaps(grid)
    assert list(gaps["状态"]) == ["未报", "逾期", "空报"] and gaps.iloc[0]["收到日期"] == "未收到"

"""The one reporting quarter (indicators.period) on a town worked out by hand (tests/reporting_town.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from etl import db
from indicators import period, reporting, status
from tests import reporting_town


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    return reporting_town.build(tmp_path_factory.mktemp("town"))


def _who(frame) -> list[tuple]:
    return [tuple(r) for r in frame[["部门", "period", "liaison", "phone"]].itertuples(index=False)]


def test_mid_2023_shows_the_first_quarter_not_the_one_not_yet_due(town):
    with db.connect(town) as con:
        shown = period.reporting_quarter(con, dt.date(2023, 6, 30))
        rates = reporting.reporting_rate(con, dt.date(2023, 6, 30))
    assert shown.quarter == "2023Q1"
    assert (shown.n, shown.received, shown.on_time, shown.pending) == (4, 3, 2, 0)
    assert (shown.rate, shown.on_time_rate) == (0.75, 0.5)
    assert list(shown.returns["state"]) == ["按时", "逾期", "空报", "未报"]
    assert _who(shown.missing) == [("财政所", "2023Q1", "赵会计", "13800000004")]
    assert shown.missing_departments == ["财政所"]
    assert shown.reported_departments == ["中小学", "农业站", "科协"]
    # 2023Q2 has only 科协's early return and nothing due: no rate at all, neither 0% nor 100%.
    assert list(rates["period"]) == ["2023Q1"] and list(rates["value"]) == [0.75]


def test_early_january_shows_the_third_quarter_with_who_is_missing(town):
    with db.connect(town) as con:
        shown = period.reporting_quarter(con, dt.date(2024, 1, 5))
        rates = reporting.reporting_rate(con, dt.date(2024, 1, 5)).set_index("period")
        on_time = reporting.reporting_rate_on_time(con, dt.date(2024, 1, 5)).set_index("period")
    assert shown.quarter == "2023Q3"
    assert (shown.n, shown.received, shown.on_time, shown.pending) == (4, 2, 2, 0)
    assert _who(shown.missing) == [("农业站", "2023Q3", "李站长", "13800000002"),
                                   ("科协", "2023Q3", "张主任", "13800000003")]
    assert _who(shown.earlier_missing) == [("财政所", "2023Q1", "赵会计", "13800000004")]
    assert list(rates.index) == ["2023Q1", "2023Q2", "2023Q3"]  # 2023Q4: nothing due until 01-15
    assert (rates.loc["2023Q3", "value"], on_time.loc["2023Q3", "value"]) == (shown.rate, shown.on_time_rate)


def test_a_return_not_yet_due_is_pending_never_missing(town):
    # On 2024-01-16 the 15-day returns of 2023Q4 are due, 财政所's (20 days) not yet.
    with db.connect(town) as con:
        shown = period.reporting_quarter(con, dt.date(2024, 1, 16))
    assert shown.quarter == "2023Q4"
    states = dict(zip(shown.returns["部门"] + shown.returns["报表类型"], shown.returns["state"]))
    assert states == {"中小学科普活动": "按时", "中小学科学素质调查": "按时", "农业站科普活动": "未报",
                      "农业站科学素质调查": "未报", "科协科普活动": "未报", "财政所科普活动": "未到期"}
    assert (shown.n, shown.received, shown.pending) == (5, 2, 1)
    assert shown.missing_departments == ["农业站", "科协"] and "财政所" not in shown.owing_departments


def test_before_anything_is_due_there_is_no_quarter(town):
    with db.connect(town) as con:
        shown = period.reporting_quarter(con, dt.date(2023, 4, 14))
        facts = status.data_status(con, dt.date(2023, 4, 14))
        rates = reporting.reporting_rate(con, dt.date(2023, 4, 14))
    assert shown.quarter is None and shown.rate is None and facts["quarter"] is None and rates.empty


def test_the_banner_facts_are_the_quarters(town):
    with db.connect(town) as con:
        facts = status.data_status(con, dt.date(2024, 1, 5))
    assert {k: facts[k] for k in ("quarter", "owing", "reported", "missing", "pending", "rate")} == {
        "quarter": "2023Q3", "owing": 4, "reported": 2, "missing": ["农业站", "科协"], "pending": 0, "rate": 0.5}

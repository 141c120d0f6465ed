"""One load shares its sheet work: each sheet is scanned once, the largest is parsed in the background once proven
small, and read_table keeps plain data rows without a per-row look. The receipts stay those of the step-by-step
way; each test compares with it or with the exact words a user reads."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from etl import data_rows, limits, sheet_cache
from etl.read import read_workbook
from etl.spec import ACTIVITY
from etl.store import load_return
from tests.make_bad_files import hidden_rows_book, wide_sheet
from tests.make_fixtures import copy_database
from tests.workbooks import SURVEY_HEADER, activity, activity_book, plan_book, respondent, survey_book

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    db_file = tmp_path_factory.mktemp("planned") / "w.duckdb"
    assert load_return(plan_book(), "plan.xlsx", db_file, today=TODAY).status == "stored"
    return db_file


@pytest.fixture
def db_file(planned, tmp_path) -> Path:
    return copy_database(planned, tmp_path / "db")


@pytest.fixture
def scans(monkeypatch) -> Counter:
    """Sheet part → times the limits scan read it."""
    counted, scan = Counter(), limits.scan_sheet

    def counting(archive, path, *args, **kwargs):
        counted[path] += 1
        return scan(archive, path, *args, **kwargs)
    monkeypatch.setattr(limits, "scan_sheet", counting)
    return counted


@pytest.fixture
def parses(monkeypatch) -> list[tuple[str, bool]]:
    """(sheet, whether the reader took it) for every background parse; every sheet parsed in the background."""
    monkeypatch.setattr(sheet_cache, "PARALLEL_BYTES", 0)
    started, take = [], sheet_cache.SharedSheets.take_parse
    start = sheet_cache.SharedSheets.parse_in_background

    def starting(self, name):
        started.append([name, False])
        return start(self, name)

    def taking(self, name):
        found = take(self, name)
        for entry in started:
            if entry[0] == name and found is not None:
                entry[1] = True
        return found
    monkeypatch.setattr(sheet_cache.SharedSheets, "parse_in_background", starting)
    monkeypatch.setattr(sheet_cache.SharedSheets, "take_parse", taking)
    return started


def test_each_sheet_is_scanned_once_per_load_and_hidden_rows_are_still_reported(db_file, scans):
    receipt = load_return(hidden_rows_book(), "活动.xlsx", db_file, today=TODAY)
    assert receipt.status == "stored", receipt.to_text()
    assert sorted(scans.values()) == [1, 1]  # 填报信息 and 活动明细, once each
    assert [(p.code, p.sheet, p.row, p.column, p.message) for p in receipt.warnings] == [
        ("hidden_rows", "活动明细", 3, "", "该行等2行被隐藏（第3、4行），已照常读取"),
        ("hidden_columns", "活动明细", None, "佐证材料", "该列被隐藏，已照常读取")]


def test_the_reader_scans_on_its_own_outside_a_load(scans):
    book = read_workbook(hidden_rows_book(), ACTIVITY)
    assert [p.code for p in book.problems] == ["hidden_rows", "hidden_columns"]
    assert list(scans.values()) == [1]  # no limits check ran: the reader scanned 活动明细 itself


def test_the_background_parse_is_used_and_gives_the_same_receipt(db_file, planned, tmp_path, parses, monkeypatch):
    data = hidden_rows_book()
    receipt = load_return(data, "活动.xlsx", db_file, today=TODAY)
    assert parses == [["活动明细", True]]
    monkeypatch.setattr(sheet_cache, "PARALLEL_BYTES", 1 << 40)  # no background parse: the reader reads it
    again = load_return(data, "活动.xlsx", copy_database(planned, tmp_path / "again"), today=TODAY)
    assert len(parses) == 1
    assert receipt.to_text() == again.to_text() and receipt.rows == again.rows == 4


def test_a_sheet_not_proven_small_is_never_parsed_in_the_background(db_file, parses):
    receipt = load_return(wide_sheet(30), "活动.xlsx", db_file, today=TODAY)  # a cell in column AD
    assert receipt.status == "stored", receipt.to_text()
    assert parses == []


def test_a_refused_return_is_read_from_the_background_parse_too(db_file, parses):
    rows = [activity(1), activity(2, participants="很多")]
    receipt = load_return(activity_book(rows), "活动.xlsx", db_file, today=TODAY)
    assert receipt.status == "refused" and parses == [["活动明细", True]]
    assert sheet_cache.shared_for(b"") is None


TRICKY = [
    activity(1),
    ["合计", "", "", "", "", "", "", "", 80],
    [" 小 计：", *activity(3)[1:]],
    [None, None, None, None, None],
    ["  ", *activity(5)[1:]],
    ["None", "nan", *activity(6)[2:]],
    [activity(7)[0], "总计", *activity(7)[2:]],
    ["填表人：张三", "审核人：李四", *activity(8)[2:]],
    ["填表人：张三", "审核人：李四", "日期"],
    [*activity(10)[:3], " ", *activity(10)[4:]],
    activity(11),
]


def test_rows_kept_without_a_look_are_those_the_row_by_row_look_keeps(monkeypatch):
    data = activity_book(TRICKY)
    fast = read_workbook(data, ACTIVITY)
    sure = data_rows.sure_data_rows
    seen = []
    monkeypatch.setattr(data_rows, "sure_data_rows", lambda grid, start: seen.append(sure(grid, start)) or
                        [False] * (len(grid) - start))
    slow = read_workbook(data, ACTIVITY)
    assert seen == [[True, False, False, False, False, True, False, True, False, False, True]]
    assert fast.sheets["activities"].rows == slow.sheets["activities"].rows
    assert [p.text for p in fast.problems] == [p.text for p in slow.problems]
    assert [(p.code, p.row) for p in fast.problems] == [("total_row", 3), ("total_row", 4), ("total_row", 8),
                                                        ("footer_row", 10), ("blank_rows", None)]
    assert [r for r, _ in fast.sheets["activities"].rows] == [2, 6, 7, 9, 11, 12]


def test_the_collector_is_paused_during_loads_and_resumes_after_the_last(db_file):
    import gc
    import threading
    inside, release = threading.Event(), threading.Event()

    def other_load():
        with sheet_cache.collector_paused():
            inside.set()
            release.wait(10)
    other = threading.Thread(target=other_load)
    other.start()
    inside.wait(10)
    receipt = load_return(hidden_rows_book(), "活动.xlsx", db_file, today=TODAY)
    assert receipt.status == "stored"
    assert not gc.isenabled()  # the other load still runs
    release.set()
    other.join(10)
    assert gc.isenabled()


def test_scores_a_rule_fills_in_from_item_answers_are_the_ones_stored(db_file):
    """Rules replace a checked column's values (never change them in place), so the store's each-distinct-value-
    once path (SheetRows.codes) never writes the values as read over the ones a rule worked out."""
    header = [*SURVEY_HEADER[:13], "K01", "K02", "M01"]  # the four dimensions and 总分, blank on item rows
    items = [["题号", "维度", "正确答案", "分值"], ["K01", "科学知识", "A", 10], ["K02", "科学知识", "b", 5],
             ["M01", "科学方法", "C", 20]]
    rows = [respondent(i)[:8] + [None] * 5 + answers for i, answers in enumerate(
        [["A", "B", "C"], ["a", "不知道", None], ["D", " b ", "C"]], start=1)] + [respondent(4)[:13] + [None] * 3]
    receipt = load_return(survey_book(rows, header=header, 题库=items), "调查.xlsx", db_file, today=TODAY)
    assert receipt.status == "stored", receipt.to_text()
    with duckdb.connect(str(db_file), read_only=True) as con:
        stored = con.execute("select row_no, score from survey_responses order by row_no").fetchall()
    # 10 + 5 + 20 (b is B); 10 + 0 (不知道); 0 + 5 + 20; the dimensions as written 30 + 15 + 15 + 15
    assert stored == [(2, 35.0), (3, 10.0), (4, 25.0), (5, 75.0)]


def test_sums_are_rounded_wherever_the_rounding_can_change_what_a_user_reads():
    import numpy as np
    from etl.rules import SCORE_TOLERANCE, _rounded_totals
    rng = np.random.default_rng(7)
    sums = np.round(rng.uniform(0, 100, 2000), 1) + rng.choice([0, 1e-7, -1e-7, 3e-7], 2000)
    given = sums + rng.choice([0.0, 0.5, -0.5, 0.4999996, 0.5000004, 2.0, np.nan], 2000)
    rounded = np.array([round(x, 6) for x in sums.tolist()])
    totals = _rounded_totals(sums, given)
    assert np.array_equal(np.abs(given - totals) > SCORE_TOLERANCE, np.abs(given - rounded) > SCORE_TOLERANCE)
    shown = np.isnan(given) | (np.abs(given - rounded) > SCORE_TOLERANCE)  # filled in, or named in the message
    assert totals[shown].tolist() == rounded[shown].tolist()


def test_a_sheet_reaching_xfd1048576_is_refused_and_never_handed_to_calamine(db_file, parses):
    from tests.test_limits_scan import sheet
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 200))  # the largest sheet
    receipt = load_return(sheet(rows + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'), "活动.xlsx",
                          db_file, today=TODAY)
    assert [(p.code, p.message) for p in receipt.errors] == [("too_many_rows", "工作表有1,048,576行，超过上限100,000行")]
    assert parses == []

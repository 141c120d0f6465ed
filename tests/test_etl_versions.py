"""Versions of a return: the same bytes twice, replace, restore, the byte-for-byte archive, refused uploads,
back-filled returns, and a load that fails half-way leaving the database exactly as it was."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

import etl.store
from etl import db
from etl.store import history, load_return, restore
from tests.make_fixtures import (PLAN, TODAY, fixture_bytes, table_snapshot,
                                 workbook_bytes)
from tests.workbooks import activity, activity_book, respondent, survey_book

D = dt.date
ACTIVITY_V1 = fixture_bytes("activity")  # 科协 2025 Q1: A001, A002, A003
ACTIVITY_V2 = activity_book([activity(11, start=D(2025, 2, 1)), activity(12, start=D(2025, 3, 1))], year=2025)
SURVEY_V1 = fixture_bytes("survey")  # 中小学 2025: Q0001 … Q0006
SURVEY_V2 = survey_book([respondent(i, surveyed_on=D(2025, 9, 1)) for i in (101, 102)], year=2025)
PLAN_V2 = workbook_bytes({**PLAN, "村社区": [*PLAN["村社区"], ["西湖村", "农村"]]})
KEY = "activity|科协|2025Q1"


def load(data: bytes, db_file, name: str = "科协2025Q1.xlsx", **options):
    return load_return(data, name, db_file, today=TODAY, **options)


def query(db_file, sql: str, params=()) -> list[tuple]:
    with db.connect(db_file) as con:
        return con.execute(sql, list(params)).fetchall()


def snapshot(db_file) -> dict:
    with db.connect(db_file) as con:
        return table_snapshot(con)


def versions(db_file, key: str = KEY) -> list[tuple]:
    return query(db_file, "select version, is_current from returns where return_key = ? order by version", [key])


def test_same_bytes_twice_is_recognised(db_file):
    first = load(ACTIVITY_V1, db_file)
    again = load(ACTIVITY_V1, db_file, name="又传了一次.xlsx")
    replaced = load(ACTIVITY_V1, db_file, name="又传了一次.xlsx", replace=True)
    assert first.status == "stored"
    assert (again.status, again.return_id, again.version) == ("duplicate", first.return_id, 1)
    assert replaced.status == "duplicate"
    assert query(db_file, "select count(*) from returns where kind = 'activity'") == [(1,)]
    assert query(db_file, "select count(*) from activities") == [(3,)]


def test_another_file_for_the_same_period_needs_confirmation(db_file):
    first = load(ACTIVITY_V1, db_file)
    before = snapshot(db_file)
    second = load(ACTIVITY_V2, db_file, name="科协2025Q1修改.xlsx")
    assert (second.status, second.return_id, second.version) == ("needs_replace", first.return_id, 1)
    assert snapshot(db_file) == before
    assert not (db.archive_dir(db_file) / f"{second.sha256}.xlsx").exists()


def test_replace_keeps_the_earlier_version(db_file):
    first = load(ACTIVITY_V1, db_file)
    second = load(ACTIVITY_V2, db_file, name="科协2025Q1修改.xlsx", replace=True)
    assert (second.status, second.version) == ("stored", 2)
    assert versions(db_file) == [(1, False), (2, True)]
    assert query(db_file, "select activity_id from activities where return_id = ? order by row_no",
                 [first.return_id]) == [("A001",), ("A002",), ("A003",)]
    assert query(db_file, "select activity_id from v_activities order by row_no") == [("A011",), ("A012",)]
    assert query(db_file, "select action from return_events order by event_id")[-2:] == [("store",), ("replace",)]


@pytest.mark.parametrize("v1, v2, view, table, key", [
    (ACTIVITY_V1, ACTIVITY_V2, "v_activities", "activities", KEY),
    (SURVEY_V1, SURVEY_V2, "v_survey", "survey_responses", "survey|中小学|2025"),
], ids=["activity", "survey"])
def test_restore_brings_the_earlier_version_back(db_file, v1, v2, view, table, key):
    first = load(v1, db_file)
    second = load(v2, db_file, replace=True)
    version_before = db.data_version(db_file)
    message = restore(first.return_id, db_file, user="办公室")
    assert message.startswith("已恢复") and "第1版" in message
    assert versions(db_file, key) == [(1, True), (2, False)]
    shown = query(db_file, f"select * exclude (year, quarter, department) from {view} order by row_no")
    assert shown == query(db_file, f"select * from {table} where return_id = ? order by row_no", [first.return_id])
    assert len(shown) == (3 if table == "activities" else 6)
    assert db.data_version(db_file) > version_before
    assert query(db_file, "select action, done_by from return_events where return_id = ? order by event_id",
                 [first.return_id])[-1] == ("restore", "办公室")
    listed = history(db_file)
    listed = listed[listed["return_id"].isin([first.return_id, second.return_id])]
    assert dict(zip(listed["version"], listed["is_current"])) == {1: True, 2: False}


def test_restore_of_an_unknown_version(db_file):
    with pytest.raises(LookupError, match="没有编号为999的报表版本"):
        restore(999, db_file)


def test_every_stored_version_is_archived_byte_for_byte(db_file):
    load(ACTIVITY_V1, db_file)
    load(ACTIVITY_V2, db_file, replace=True)
    rows = query(db_file, "select sha256, archive_path, size_bytes from returns where return_key = ? order by version",
                 [KEY])
    for data, (digest, path, size) in zip((ACTIVITY_V1, ACTIVITY_V2), rows):
        archived = db.archive_dir(db_file) / f"{digest}.xlsx"
        assert Path(path).name == archived.name
        assert archived.read_bytes() == data
        assert hashlib.sha256(archived.read_bytes()).hexdigest() == digest
        assert size == len(data)


def test_refused_upload_is_archived_with_its_errors(db_file):
    bad = activity_book([activity(1, start=D(2025, 2, 1), participants=-3)], year=2025)
    before = snapshot(db_file)
    receipt = load(bad, db_file, name="科协一季度.xlsx", user="张主任")
    assert receipt.status == "refused"
    assert snapshot(db_file) == before
    folder = db.archive_dir(db_file) / "refused"
    assert (folder / f"{receipt.sha256}.xlsx").read_bytes() == bad
    [entry] = [json.loads(line) for line in (folder / "refused.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (entry["file_name"], entry["sha256"], entry["user"]) == ("科协一季度.xlsx", receipt.sha256, "张主任")
    assert entry["errors"] == ["错误：【活动明细】第2行「参与人次」超出允许范围，填写的值“-3”，应为不小于0的整数"]


def test_a_check_only_run_archives_nothing(db_file):
    bad = activity_book([activity(1, start=D(2025, 2, 1), participants=-3)], year=2025)
    assert load(bad, db_file, dry_run=True).status == "refused"
    assert load(ACTIVITY_V1, db_file, dry_run=True).status == "checked"
    assert not (db.archive_dir(db_file) / "refused").exists()
    assert versions(db_file) == []


def test_backfilled_return_records_when_it_was_received_and_who_entered_it(db_file):
    receipt = load(ACTIVITY_V1, db_file, received_on=D(2025, 4, 10), user="办公室李")
    assert query(db_file, "select received_on, is_backfilled, uploaded_by from returns where return_id = ?",
                 [receipt.return_id]) == [(D(2025, 4, 10), True, "办公室李")]
    [(note,)] = query(db_file, "select note from return_events where return_id = ?", [receipt.return_id])
    assert "补录" in note and "2025-04-10" in note


def test_backfilled_from_the_info_sheet_takes_the_submission_date(db_file):
    receipt = load(ACTIVITY_V1, db_file, received_from_info=True)
    assert query(db_file, "select received_on, is_backfilled from returns where return_id = ?",
                 [receipt.return_id]) == [(D(2025, 4, 8), True)]


def test_an_ordinary_upload_is_received_the_day_it_is_uploaded(db_file):
    receipt = load(ACTIVITY_V1, db_file, user="张主任")
    assert query(db_file, "select received_on, is_backfilled, uploaded_by from returns where return_id = ?",
                 [receipt.return_id]) == [(dt.date.today(), False, "张主任")]


# --- a load that fails half-way ------------------------------------------------------------------------------------

def fail_after_inserting_table(monkeypatch, number: int) -> None:
    """_insert_rows writes its table, then the `number`-th call raises (as a full disk would)."""
    real, calls = etl.store._insert_rows, []

    def insert_then_fail(con, table, return_id, records):
        calls.append(table)
        real(con, table, return_id, records)
        if len(calls) == number:
            raise OSError("磁盘已满")

    monkeypatch.setattr(etl.store, "_insert_rows", insert_then_fail)


def fail_when_bumping_the_version(monkeypatch) -> None:
    """Everything is written, then the very last statement before commit raises."""
    def fail(con):
        raise OSError("磁盘已满")

    monkeypatch.setattr(db, "bump_version", fail)


def collide_with_the_next_event(db_file):
    """A real DuckDB constraint: the event id the load will draw is already taken. Returns the undoing."""
    with db.connect(db_file) as con:
        taken = con.execute("select nextval('seq_event_id')").fetchone()[0] + 1
        con.execute("insert into return_events values (?, 0, 'test', 'test', now(), null)", [taken])

    def undo():
        with db.connect(db_file) as con:
            con.execute("delete from return_events where return_id = 0")
    return undo


@pytest.mark.parametrize("first, second, sabotage", [
    (None, PLAN_V2, lambda mp, db_file: fail_after_inserting_table(mp, 2) or mp.undo),
    (ACTIVITY_V1, ACTIVITY_V2, lambda mp, db_file: fail_after_inserting_table(mp, 1) or mp.undo),
    (None, SURVEY_V1, lambda mp, db_file: fail_when_bumping_the_version(mp) or mp.undo),
    (ACTIVITY_V1, ACTIVITY_V2, lambda mp, db_file: collide_with_the_next_event(db_file)),
], ids=["plan-second-table", "activity-replace", "survey-last-statement", "duckdb-constraint"])
def test_a_failure_in_the_middle_of_a_load_changes_nothing(db_file, monkeypatch, first, second, sabotage):
    if first is not None:
        assert load(first, db_file).status == "stored"
    undo = sabotage(monkeypatch, db_file)
    before, current_before, version_before = snapshot(db_file), versions(db_file), db.data_version(db_file)
    with pytest.raises(Exception):
        load(second, db_file, name="第二版.xlsx", replace=True)
    assert snapshot(db_file) == before
    assert query(db_file, "select count(*) from returns where file_name = '第二版.xlsx'") == [(0,)]
    assert versions(db_file) == current_before
    assert db.data_version(db_file) == version_before
    undo()
    assert load(second, db_file, name="第二版.xlsx", replace=True).status == "stored"

"""Golden workbooks: each fixture of tests/fixtures/ loads into a fresh DuckDB and produces exactly the typed rows,
return record, notes and warnings written out by hand in its <name>.expected.json."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from etl import db
from etl.store import load_return
from tests.make_fixtures import (FIXTURE_BOOKS, FIXTURES, TODAY, copy_database, database_with_plan, fixture_bytes,
                                 write_fixtures)

CASES = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))
RETURN_COLUMNS = ("kind", "department", "period", "year", "quarter", "reporter", "phone", "submitted_on",
                  "row_count", "is_empty")


def expected_of(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


def plain(value):
    """A database value as the golden files write it: dates as ISO text."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def stored_rows(con, table: str, return_id: int) -> list[dict]:
    """The typed rows one return version left in `table`, without return_id, in sheet order."""
    cursor = con.execute(f"select * exclude (return_id) from {table} where return_id = ? order by row_no", [return_id])
    names = [d[0] for d in cursor.description]
    return [{n: plain(v) for n, v in zip(names, row)} for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A database holding the plan fixture, copied by each case that loads after the plan."""
    return database_with_plan(tmp_path_factory.mktemp("planned"))


def load_case(name: str, folder, planned):
    """Load the fixture into a database of its own in `folder` (holding the plan when it needs one)."""
    expected = expected_of(name)
    db_file = copy_database(planned, folder) if expected["after"] == "plan.xlsx" else folder / "w.duckdb"
    receipt = load_return(fixture_bytes(name), expected["fixture"], db_file, today=TODAY)
    return expected, receipt, db_file


@pytest.fixture(scope="module", params=CASES)
def golden(request, tmp_path_factory, planned):
    """Each fixture loaded once: (expectation, receipt, database file)."""
    return load_case(request.param, tmp_path_factory.mktemp(request.param), planned)


def test_every_fixture_has_a_golden_file_and_every_golden_file_a_fixture():
    assert set(CASES) == set(FIXTURE_BOOKS)
    assert all((FIXTURES / f"{name}.xlsx").exists() for name in CASES)


def test_committed_fixtures_are_what_make_fixtures_writes(tmp_path):
    for path in write_fixtures(tmp_path):
        assert path.read_bytes() == (FIXTURES / path.name).read_bytes(), f"{path.name}: run tests/make_fixtures.py"


def test_fixture_produces_its_golden_rows(golden):
    expected, receipt, db_file = golden
    assert receipt.status == "stored", receipt.to_text()
    assert receipt.errors == []
    with db.connect(db_file) as con:
        cursor = con.execute(f"select {', '.join(RETURN_COLUMNS)} from returns where return_id = ?",
                             [receipt.return_id])
        assert dict(zip(RETURN_COLUMNS, map(plain, cursor.fetchone()))) == expected["return"]
        for table, rows in expected["tables"].items():
            assert stored_rows(con, table, receipt.return_id) == rows, table
        raw_rows = con.execute("select row_no from raw_rows where return_id = ? order by sheet, row_no",
                               [receipt.return_id]).fetchall()
    typed_rows = sorted(r["row_no"] for rows in expected["tables"].values() for r in rows)
    assert sorted(r[0] for r in raw_rows) == typed_rows


def test_fixture_receipt_lists_the_tolerated_forms(golden):
    expected, receipt, _ = golden
    where = lambda p: (p["code"], p["sheet"], p["row"], p["column"], p["value"])  # noqa: E731
    got = {(p.code, p.sheet, p.row, p.column, p.value): p for p in receipt.notes}
    assert len(got) == len(receipt.notes)
    assert Counter(got.keys()) == Counter(where(n) for n in expected["notes"])
    for n in expected["notes"]:
        assert n["says"] in got[where(n)].message
        assert n["says"] in got[where(n)].text
    assert Counter((p.code, p.row, p.column, p.value) for p in receipt.warnings) == Counter(
        (w["code"], w["row"], w["column"], w["value"]) for w in expected["warnings"])


def test_notes_and_warnings_are_stored_with_the_return(golden):
    _, receipt, db_file = golden
    with db.connect(db_file) as con:
        stored = con.execute("select severity, code, sheet, row_no, column_name, value, message from problems "
                             "where return_id = ?", [receipt.return_id]).fetchall()
    assert Counter(stored) == Counter((p.severity, p.code, p.sheet, p.row, p.column, p.value, p.message)
                                      for p in receipt.problems)


def test_headers_with_spaces_or_full_width_brackets_are_noted(tmp_path, planned):
    _, receipt, _ = load_case("activity_header_variants", tmp_path, planned)
    noted = {p.column for p in receipt.notes if p.code == "header_alias"}
    assert {"活动编号", "活动名称", "村(社区)", "经费(元)", "媒体报道(篇)", "佐证材料"} <= noted


def test_trailing_spaces_are_noted(tmp_path, planned):
    _, receipt, _ = load_case("survey_trailing_spaces", tmp_path, planned)
    assert receipt.status == "stored"
    assert any("空格" in p.message for p in receipt.notes)

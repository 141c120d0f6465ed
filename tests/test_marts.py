"""Marts: results read back from the warehouse equal the results computed afresh, whatever the as-of date, and
a load of one kind of return leaves the other kind's marts as they were."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl import db, store
from indicators import marts, survey
from indicators.export import export_rows
from indicators.marts_refresh import refresh
from tests.workbooks import activity, activity_book


def fresh(db_file) -> duckdb.DuckDBPyConnection:
    """The warehouse copied into memory: no marts there, every figure computed from the typed tables."""
    con = duckdb.connect()
    con.execute(f"attach '{db_file}' as source (read_only)")
    con.execute("copy from database source to memory")
    con.execute("detach source")
    return con


@pytest.fixture(scope="module")
def refreshed(demo_db_master, tmp_path_factory):
    """A copy of the demo warehouse with its marts built for 2026-03-31."""
    from tests.make_fixtures import copy_database
    path = copy_database(demo_db_master, tmp_path_factory.mktemp("marts"))
    with db.connect(path) as con:
        refresh(con, as_of="2026-03-31")
    return path


@pytest.fixture(scope="module")
def afresh_today(refreshed):
    """The export at 2026-03-31 computed afresh from the typed tables (no marts), once for the module."""
    return export_rows(fresh(refreshed), "2026-03-31")


# Today (every period ended), mid-year (an earlier epoch) and before any data
@pytest.mark.parametrize("as_of", ["2026-03-31", "2024-08-15", "2020-06-30"])
def test_export_from_the_marts_equals_the_export_computed_afresh(refreshed, afresh_today, as_of):
    marts._MEMO.clear()  # read back from the warehouse, not from this process
    with db.connect(refreshed) as con:
        built = con.execute("select count(*) from mart_frames").fetchone()[0]
        from_marts = export_rows(con, as_of)
    assert built > 20
    assert from_marts == (afresh_today if as_of == "2026-03-31" else export_rows(fresh(refreshed), as_of))


def test_weighting_report_with_its_merge_tables_reads_back_unchanged(refreshed):
    marts._MEMO.clear()
    with db.connect(refreshed) as con:
        read_back = survey.weighting_report(con, "2026-03-31")
    expected = survey.weighting_report.__wrapped__(fresh(refreshed), "2026-03-31")
    assert read_back.drop(columns="merges").equals(expected.drop(columns="merges"))
    assert all(a.equals(b) for a, b in zip(read_back["merges"], expected["merges"]))


def test_an_activity_load_keeps_the_survey_marts_and_replaces_the_activity_ones(demo_db):
    with db.connect(demo_db) as con:
        refresh(con, as_of="2026-03-31")
        before = dict(con.execute("select name || args, content_key from mart_frames").fetchall())
    receipt = store.load_return(activity_book([activity(1, start=dt.date(2026, 1, 20), village="柳堡社区",
                                                        audience="社会公众")], year=2026, quarter=1),
                                "activity.xlsx", demo_db, today=dt.date(2026, 4, 1))
    assert receipt.status == "stored", receipt.to_text()
    with db.connect(demo_db) as con:
        refresh(con, as_of="2026-03-31")
        after = dict(con.execute("select name || args, content_key from mart_frames").fetchall())
    survey_names = [k for k in before if k.split("[")[0] in ("literacy_rate", "urban_rural_gap", "weighting_report",
                                                             "export:literacy_rate")]
    assert survey_names and all(after[k] == before[k] for k in survey_names)
    count = 'activity_count[[], [["by", null], ["period", "quarter"]]]'
    assert after[count] != before[count]


def test_a_new_survey_return_weighs_and_estimates_only_its_own_year_again(demo_db):
    """Survey marts are kept per survey year: replacing 2023's 科协 return re-weighs 2023 alone (the other years'
    parts are read back from the warehouse), and the export then equals one computed afresh."""
    import io

    import openpyxl
    from etl.bulk import SAMPLE_DIR
    with db.connect(demo_db) as con:
        refresh(con, as_of="2026-03-31")
    book = openpyxl.load_workbook(SAMPLE_DIR / "survey_2023_科协.xlsx")
    sheet = book["调查数据"]
    sheet.delete_rows(sheet.max_row)  # one respondent fewer
    data = io.BytesIO()
    book.save(data)
    receipt = store.load_return(data.getvalue(), "survey_2023_科协.xlsx", demo_db, replace=True,
                                today=dt.date(2026, 4, 1))
    assert receipt.status == "stored", receipt.to_text()
    marts._MEMO.clear()
    survey._MEMO.clear()
    survey.WEIGHED.clear()
    with db.connect(demo_db) as con:
        refresh(con, as_of="2026-03-31")
        from_marts = export_rows(con, "2026-03-31")
    assert survey.WEIGHED == [2023]
    assert from_marts == export_rows(fresh(demo_db), "2026-03-31")


def test_a_mart_made_by_other_code_is_never_served(refreshed, monkeypatch):
    """Mart keys carry a fingerprint of the indicator code: after an upgrade the figures are computed again,
    never read from what the previous release stored."""
    from indicators import mart_keys
    marts._MEMO.clear()
    with db.connect(refreshed) as con:
        key = marts.content_key(con, "survey")
        assert key in {r[0] for r in con.execute("select distinct content_key from mart_frames").fetchall()}
        monkeypatch.setattr(mart_keys, "CODE", "another-release")
        assert marts.content_key(con, "survey") != key
        assert [y for y, _, _ in marts.survey_year_keys(con, "2026-03-31")] == [2021, 2022, 2023, 2024, 2025]
        assert not set(k for _, k, _ in marts.survey_year_keys(con, "2026-03-31")) & {
            r[0] for r in con.execute("select distinct content_key from mart_frames").fetchall()}


def test_the_code_fingerprint_follows_the_indicator_code(tmp_path):
    from indicators import mart_keys
    for part in ("indicators/sql", "etl/sql", "data"):
        (tmp_path / part).mkdir(parents=True)
    (tmp_path / "indicators" / "survey.py").write_text("RATE = 1\n")
    (tmp_path / "etl" / "sql" / "views.sql").write_text("create view v as select 1;\n")
    (tmp_path / "data" / "method.toml").write_text("[survey]\nmin_n = 30\n")
    before = mart_keys.code_fingerprint(tmp_path)
    (tmp_path / "data" / "method.toml").write_text("[survey]\nmin_n = 50\n")
    assert mart_keys.code_fingerprint(tmp_path) != before
    assert mart_keys.CODE == mart_keys.code_fingerprint()


def test_a_second_export_of_the_same_data_and_date_copies_the_kept_file_rows(refreshed, afresh_today, tmp_path):
    """`python -m indicators export` writes the rows kept by the refresh (no pandas imported), the same rows the
    full computation gives."""
    import json
    import subprocess
    import sys
    out = tmp_path / "export.json"
    code = ("import sys; from indicators.__main__ import main; code = main(['export', '--db', sys.argv[1], "
            "'--as-of', '2026-03-31', '--out', sys.argv[2]]); print('pandas' in sys.modules); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, str(refreshed), str(out)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert done.stdout.splitlines() == [f"已导出{len(rows)}行指标：{out}", "False"]
    assert rows == afresh_today

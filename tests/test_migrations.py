"""Versioned schema: a warehouse made by the previous release upgrades itself on opening (backup first, one
transaction) and then gives exactly the export a fresh warehouse gives; keys and required fields hold; a
warehouse from a newer release is refused untouched; a failed migration changes nothing.

The previous release is the commit before versioned schemas (PREVIOUS), taken from git and run as it was.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import duckdb
import pytest

from etl import backup, db, migrations
from etl.spec import KINDS
from etl.store import RENAMES, TABLE_OF
from tests.workbooks import activity, activity_book

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = "1653f41"  # the last release whose warehouse had no schema version (version 1)
AS_OF = "2025-12-31"
RECEIVED = "2026-01-10"
pytestmark = pytest.mark.slow


def run(python_path: Path, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", *args], cwd=python_path, capture_output=True, text=True,
                         timeout=900, env={**os.environ, "PYTHONPATH": str(python_path)})
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stderr


def export(python_path: Path, db_file: Path) -> tuple[dict, str]:
    """`python -m indicators export` of the warehouse, without its generated_at; and what it said on stderr."""
    out = db_file.with_suffix(".json")
    said = run(python_path, "indicators", "export", "--db", str(db_file), "--as-of", AS_OF, "--out", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    document.pop("generated_at")
    return document, said


def new_return(folder: Path) -> Path:
    """The return the demo lacks: 团委's activities of 2023Q3."""
    rows = [activity(i, start=dt.date(2023, 7, 1) + dt.timedelta(days=10 * i), village="全镇", audience="社会公众")
            for i in range(1, 6)]
    path = folder / "activity_2023Q3_团委.xlsx"
    path.write_bytes(activity_book(rows, department="团委", year=2023, quarter=3))
    return path


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory) -> Path:
    """The previous release's code, from git."""
    found = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS], capture_output=True)
    if found.returncode != 0:
        pytest.skip(f"git cannot give commit {PREVIOUS} here: {found.stderr.decode(errors='replace')[:200]}")
    folder = tmp_path_factory.mktemp("previous") / "repo"
    with tarfile.open(fileobj=io.BytesIO(found.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


@pytest.fixture(scope="module")
def old_warehouse(previous_release, tmp_path_factory) -> Path:
    """The demo workbooks loaded by the previous release's `python -m etl load` (read-only: copy it)."""
    db_file = tmp_path_factory.mktemp("old") / "warehouse.duckdb"
    files = sorted(str(p) for p in (previous_release / "data" / "sample").glob("*.xlsx"))
    run(previous_release, "etl", "load", *files, "--db", str(db_file), "--received-on", RECEIVED)
    return db_file


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_warehouse_of_the_previous_release_upgrades_itself_and_exports_what_a_fresh_one_does(
        previous_release, old_warehouse, tmp_path):
    old = tmp_path / "old" / "warehouse.duckdb"
    shutil.copytree(old_warehouse.parent, old.parent)
    return_file = new_return(tmp_path)
    said = run(ROOT, "etl", "load", str(return_file), "--db", str(old), "--received-on", RECEIVED)
    [backup_folder] = (old.parent / "backups").iterdir()
    assert said.strip() == f"数据库结构已从第1版升级到第{migrations.CURRENT}版；升级前的完整备份在 {backup_folder}。"
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    files = sorted(str(p) for p in (previous_release / "data" / "sample").glob("*.xlsx"))
    run(ROOT, "etl", "load", *files, str(return_file), "--db", str(fresh), "--received-on", RECEIVED)
    upgraded, said = export(ROOT, old)
    assert said == ""  # upgraded once, not again
    assert upgraded == export(ROOT, fresh)[0]
    assert any(r["code"] == "reporting_rate" and r["period"] == "2023Q3" for r in upgraded["rows"])
    # The backup is the warehouse as the previous release left it: restored, it upgrades and exports the same
    # as before the new return.
    restored = tmp_path / "restored" / "warehouse.duckdb"
    backup.restore_backup(backup_folder, restored)
    with db.connect(restored) as con, duckdb.connect(str(old_warehouse), read_only=True) as before:
        assert migrations.schema_version(con) == migrations.CURRENT
        for table in ("returns", "survey_responses", "activities", "plan_milestones", "raw_rows"):
            assert con.execute(f"select * from {table} order by all").fetchall() == \
                before.execute(f"select * from {table} order by all").fetchall(), table


def test_a_fresh_warehouse_keys_every_typed_table_and_requires_what_data_md_requires(empty_db):
    with duckdb.connect(str(empty_db), read_only=True) as con:
        keys = dict(con.execute("select table_name, constraint_column_names from duckdb_constraints() "
                                "where constraint_type = 'PRIMARY KEY'").fetchall())
        not_null = {(t, c) for t, c in con.execute(
            "select table_name, column_name from duckdb_columns() where not is_nullable").fetchall()}
        assert migrations.schema_version(con) == migrations.CURRENT
    for table in TABLE_OF.values():
        assert keys[table] == ["return_id", "row_no"], table
    assert keys["raw_rows"] == ["return_id", "sheet", "row_no"]
    for (kind, alias), table in TABLE_OF.items():
        required = {RENAMES.get(c.field, c.field) for c in KINDS[kind].sheet(alias).columns if c.required}
        assert required <= {c for t, c in not_null if t == table}, (table, required)


def test_a_warehouse_from_a_newer_release_is_refused_in_chinese_and_left_as_it_was(empty_db):
    with duckdb.connect(str(empty_db)) as con:
        con.execute("update meta set value = ? where key = 'schema_version'", [str(migrations.CURRENT + 1)])
    before = digest(empty_db)
    with pytest.raises(db.SchemaTooNew) as refused:
        with db.connect(empty_db):
            pass
    assert str(refused.value) == (f"数据库的结构是第{migrations.CURRENT + 1}版，比本程序认识的第{migrations.CURRENT}版新，"
                                  "应是较新版本的程序写入的。请使用新版程序打开；数据库没有任何改动。")
    assert digest(empty_db) == before
    out = subprocess.run([sys.executable, "-m", "etl", "history", "--db", str(empty_db)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and out.stderr.strip() == str(refused.value) and "Traceback" not in out.stderr


def test_views_are_brought_to_the_current_definitions_on_opening(empty_db):
    with duckdb.connect(str(empty_db)) as con:  # as a release with other views would have left it
        con.execute("drop view v_plan_items")
        con.execute("create or replace view v_survey as select 1 as stale")
        con.execute("update meta set value = 'an earlier definition' where key = 'views_sha256'")
    with db.connect(empty_db) as con:
        assert "respondent_id" in [c[0] for c in con.execute("describe v_survey").fetchall()]
        assert con.execute("select count(*) from v_plan_items").fetchone()[0] == 0
    assert db.take_notices() == []  # no schema change, no backup: nothing to tell


def test_a_migration_that_fails_leaves_the_warehouse_as_it_was(tmp_path):
    """A version-1 warehouse whose plan holds a phase row twice cannot take the key: the upgrade is refused whole."""
    db_file = tmp_path / "w.duckdb"
    with duckdb.connect(str(db_file)) as con:
        migrations.upgrade(con, target=1)
        con.execute("insert into plan_phases values (1, 2, '启动实施阶段', '2021-01-01', '2021-12-31'), "
                    "(1, 2, '启动实施阶段', '2021-01-01', '2021-12-31')")
    with pytest.raises(db.MigrationFailed, match=r"^数据库升级到第2版失败（002_keys_and_required.sql）：.*；数据库保持原样。$"):
        with db.connect(db_file):
            pass
    assert db.take_notices() == []
    with duckdb.connect(str(db_file), read_only=True) as con:
        assert migrations.schema_version(con) == 1
        assert con.execute("select count(*) from plan_phases").fetchone()[0] == 2
        assert con.execute("select count(*) from duckdb_constraints() where table_name = 'plan_phases' "
                           "and constraint_type = 'PRIMARY KEY'").fetchone()[0] == 0

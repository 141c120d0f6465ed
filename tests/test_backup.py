"""Backup as Parquet + archive + checksums, and a restore that gives the same indicator export."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from etl import db
from etl.backup import restore_backup, verify_backup, write_backup
from indicators.export import export_rows


def test_backup_round_trip_gives_the_same_indicator_export(demo_db, tmp_path):
    folder = tmp_path / "backup"
    done = subprocess.run([sys.executable, "-m", "etl", "backup", str(folder), "--db", str(demo_db)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "已备份" in done.stdout
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["returns"] == 205 and (folder / "tables" / "survey_responses.parquet").exists()
    assert sum(1 for name in manifest["files"] if name.startswith("archive/")) >= 205

    rebuilt = tmp_path / "elsewhere" / "rebuilt.duckdb"
    done = subprocess.run([sys.executable, "-m", "etl", "restore-backup", str(folder), "--db", str(rebuilt)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with db.connect(demo_db) as con:
        before = export_rows(con, "2025-12-31")
    with db.connect(rebuilt) as con:
        after = export_rows(con, "2025-12-31")
        next_id = con.execute("select nextval('seq_return_id')").fetchone()[0]
        max_id = con.execute("select max(return_id) from returns").fetchone()[0]
    assert after == before
    assert next_id == max_id + 1
    archived = list((rebuilt.parent / "archive").glob("*.xlsx"))
    assert len(archived) >= 205


def test_restoring_over_an_existing_database_keeps_it(demo_db, tmp_path):
    folder = tmp_path / "b"
    write_backup(folder, demo_db)
    message = restore_backup(folder, demo_db)
    assert "原数据库已保留为" in message
    assert list(tmp_path.glob("demo.duckdb.before-restore-*"))


def test_a_damaged_backup_is_refused_before_anything_changes(demo_db, tmp_path):
    folder = tmp_path / "b"
    write_backup(folder, demo_db)
    victim = folder / "tables" / "activities.parquet"
    victim.write_bytes(victim.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ValueError, match="activities.parquet 的校验值不符"):
        verify_backup(folder)
    target = tmp_path / "new.duckdb"
    with pytest.raises(ValueError):
        restore_backup(folder, target)
    assert not target.exists()

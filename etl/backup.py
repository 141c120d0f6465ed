"""Backup and restore: every table as Parquet, the raw archive, and a manifest of checksums.

A backup folder holds `tables/<table>.parquet`, `archive/` (every stored and refused upload, byte for byte)
and `manifest.json` (row counts, the schema version and SHA-256 of every file). Restoring checks every checksum
first, then rebuilds the database in a new file at the backup's schema version, brings it to the current one
(etl/migrations) and moves it into place; an existing database is kept beside it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb
from filelock import FileLock

from etl import db, migrations

MANIFEST = "manifest.json"
SEQUENCES = {"seq_return_id": ("returns", "return_id"), "seq_problem_id": ("problems", "problem_id"),
             "seq_event_id": ("return_events", "event_id")}


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tables(con) -> list[str]:
    # mart_* tables are derived results (indicators/marts.py): rebuilt from the data, never backed up
    return [r[0] for r in con.execute("select table_name from information_schema.tables "
                                      "where table_type = 'BASE TABLE' and table_schema = 'main' "
                                      "and not starts_with(table_name, 'mart_') order by 1").fetchall()]


def write_backup(folder: Path, db_file=None) -> str:
    """Write a backup of the warehouse and its archive into `folder`; returns a Chinese summary."""
    with db.connect(db_file) as con:
        return write_tables(con, folder, db_file)


def write_tables(con, folder: Path, db_file=None) -> str:
    """The backup through an open connection (the caller holds the lock): every table, the archive, the manifest."""
    folder = Path(folder)
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in _tables(con):
        target = folder / "tables" / f"{table}.parquet"
        con.execute(f"copy (select * from {table}) to '{target.as_posix()}' (format parquet)")
        counts[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
    source = db.archive_dir(db_file)
    if source.exists():
        shutil.copytree(source, folder / "archive", dirs_exist_ok=True)
    files = {p.relative_to(folder).as_posix(): _digest(p) for p in sorted(folder.rglob("*"))
             if p.is_file() and p.name != MANIFEST}
    manifest = {"created_at": dt.datetime.now().isoformat(timespec="seconds"), "duckdb": duckdb.__version__,
                "schema_version": migrations.schema_version(con), "tables": counts, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return f"已备份{len(counts)}张表、{sum(1 for f in files if f.startswith('archive/'))}个原始文件到 {folder}"


def verify_backup(folder: Path) -> dict:
    """The manifest, after checking every file's SHA-256; raises ValueError naming the first bad file."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise ValueError(f"备份不完整：缺少 {name}")
        if _digest(path) != digest:
            raise ValueError(f"备份已损坏：{name} 的校验值不符")
    return manifest


def restore_backup(folder: Path, db_file=None) -> str:
    """Rebuild the warehouse from a backup folder; an existing database is kept as <name>.before-restore-<time>."""
    folder = Path(folder)
    manifest = verify_backup(folder)
    target = db.db_path(db_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(target.name + ".restoring")
    building.unlink(missing_ok=True)
    version = int(manifest.get("schema_version", 1))  # backups made before versions were recorded: version 1
    migrations.check_not_newer(version)
    con = duckdb.connect(str(building))
    try:
        migrations.upgrade(con, target=version)  # the backup's own schema, so that its columns line up
        con.execute("begin transaction")
        for table, expected in manifest["tables"].items():
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} select * from read_parquet('{(folder / 'tables' / f'{table}.parquet').as_posix()}')")
            found = con.execute(f"select count(*) from {table}").fetchone()[0]
            if found != expected:
                raise ValueError(f"恢复失败：表 {table} 应有{expected}行，实际{found}行")
        con.execute("commit")
        migrations.upgrade(con)  # then to the current schema (this file is new: no backup of it)
        for sequence, (table, column) in SEQUENCES.items():
            start = con.execute(f"select coalesce(max({column}), 0) + 1 from {table}").fetchone()[0]
            con.execute(f"drop sequence {sequence}")
            con.execute(f"create sequence {sequence} start {start}")
        version = max(int(con.execute("select value from meta where key = 'data_version'").fetchone()[0]),
                      db.data_version(db_file)) + 1  # never a number the live warehouse has used
        con.execute("update meta set value = ? where key = 'data_version'", [str(version)])
    finally:
        con.close()
    kept = ""
    with FileLock(str(target) + ".lock", timeout=db.LOCK_TIMEOUT_S):
        if target.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
            kept_path = target.with_name(f"{target.name}.before-restore-{stamp}")
            os.replace(target, kept_path)
            wal = Path(str(target) + ".wal")
            if wal.exists():
                os.replace(wal, Path(str(kept_path) + ".wal"))
            kept = f"；原数据库已保留为 {kept_path.name}"
        os.replace(building, target)
    if (folder / "archive").exists():
        shutil.copytree(folder / "archive", db.archive_dir(db_file), dirs_exist_ok=True)
    db.write_version_file(db_file, version)
    return f"已从备份恢复{len(manifest['tables'])}张表{kept}"

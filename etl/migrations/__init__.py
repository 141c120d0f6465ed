"""Numbered schema migrations: the warehouse records its schema version in `meta` and is brought up to date
when it is opened.

Each file here named `NNN_what.sql` (statements) or `NNN_what.py` (a `migrate(con)` function) takes the schema
from version NNN−1 to NNN. 001 is the schema of the releases before versions were recorded (a warehouse whose
`meta` has no `schema_version` is at version 1). Pending migrations run in one transaction together with the new
version number: they all apply or none does. The v_* views are not migrations: etl/sql/views.sql is their one
definition, re-created whenever it differs from the one the warehouse was last given.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

import duckdb

FOLDER = Path(__file__).parent
VIEWS_SQL = FOLDER.parent / "sql" / "views.sql"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.(sql|py)$")


def available() -> dict[int, Path]:
    """Migration number → file, in order."""
    found: dict[int, Path] = {}
    for path in sorted(FOLDER.iterdir()):
        match = _NAME.match(path.name)
        if match:
            number = int(match.group(1))
            if number in found:
                raise RuntimeError(f"two migrations numbered {number:03d}: {found[number].name}, {path.name}")
            found[number] = path
    if list(found) != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 001, 002, … without gaps: {sorted(found)}")
    return found


CURRENT = max(available())


class SchemaTooNew(RuntimeError):
    """The warehouse was written by a newer release; the message says so in Chinese. Nothing was changed."""


class MigrationFailed(RuntimeError):
    """A migration could not be applied; the warehouse was left as it was (the transaction rolled back)."""


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The warehouse's schema version: 0 for an empty file, 1 for one made before versions were recorded."""
    has_meta = con.execute("select count(*) from information_schema.tables "
                           "where table_schema = 'main' and table_name = 'meta'").fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("select value from meta where key = 'schema_version'").fetchone()
    return 1 if row is None else int(row[0])


@lru_cache(maxsize=1)
def views_digest() -> str:
    """SHA-256 of the current view definitions."""
    return hashlib.sha256(VIEWS_SQL.read_bytes()).hexdigest()


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Schema at CURRENT and views as etl/sql/views.sql defines them (a read, no change)."""
    if schema_version(con) != CURRENT:
        return False
    row = con.execute("select value from meta where key = 'views_sha256'").fetchone()
    return row is not None and row[0] == views_digest()


def check_not_newer(version: int) -> None:
    """Refuse a warehouse from a newer release before anything touches it."""
    if version > CURRENT:
        raise SchemaTooNew(f"数据库的结构是第{version}版，比本程序认识的第{CURRENT}版新，应是较新版本的程序写入的。"
                           f"请使用新版程序打开；数据库没有任何改动。")


def upgrade(con: duckdb.DuckDBPyConnection, target: int = CURRENT,
            before: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Apply the migrations after the warehouse's version up to `target` and re-create the views, in one
    transaction; `before(old_version)` runs first (the backup) when an existing warehouse is migrated.
    Returns (old version, new version)."""
    old = schema_version(con)
    check_not_newer(old)
    if old < target and old > 0 and before is not None:
        before(old)
    pending = [(n, p) for n, p in available().items() if old < n <= target]
    con.execute("begin transaction")
    try:
        _drop_views(con)
        for number, path in pending:
            try:
                _apply(con, path)
            except duckdb.Error as exc:
                raise MigrationFailed(f"数据库升级到第{number}版失败（{path.name}）：{exc}；数据库保持原样。") from exc
        version = max(old, target)
        con.execute("insert or replace into meta values ('schema_version', ?)", [str(version)])
        if version == CURRENT:
            con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
            con.execute("insert or replace into meta values ('views_sha256', ?)", [views_digest()])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return old, version


def _drop_views(con: duckdb.DuckDBPyConnection) -> None:
    for (name,) in con.execute("select view_name from duckdb_views() where not internal and schema_name = 'main'"
                               ).fetchall():
        con.execute(f'drop view if exists "{name}"')


def _apply(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    if path.suffix == ".sql":
        con.execute(path.read_text(encoding="utf-8"))
        return
    spec = importlib.util.spec_from_file_location(f"etl.migrations.m{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.migrate(con)

"""Where the warehouse lives, and short-lived connections taken in turn.

DuckDB lets one process hold a database file for writing. The app and a command-line load may run at the same
time, so nobody keeps a connection open: each unit of work takes the file lock `<db>.lock`, connects, works
and closes. A sidecar `<db>.version` holds the data version so that the app can tell whether its cached
figures are still current without opening the database.

Opening a warehouse brings its schema up to date (etl/migrations): an existing warehouse is first backed up
beside it (`backups/`, the format of `python -m etl backup`), then migrated in one transaction; the notice
saying so waits in `take_notices()` for the receipt or the page. A warehouse from a newer release is refused.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
from filelock import FileLock, Timeout

from etl import migrations
from etl.migrations import MigrationFailed, SchemaTooNew  # noqa: F401  (raised by connect)

DEFAULT_DB = Path("data") / "warehouse.duckdb"
LOCK_TIMEOUT_S = float(os.environ.get("KEXUE_LOCK_TIMEOUT_S", "120"))
_NOTICES: list[str] = []


class DatabaseBusy(RuntimeError):
    """Another load held the database for too long; the message says what to do, in Chinese."""


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: the argument, else $KEXUE_DB, else data/warehouse.duckdb."""
    return Path(path or os.environ.get("KEXUE_DB") or DEFAULT_DB)


def archive_dir(path: str | os.PathLike | None = None) -> Path:
    """The raw archive beside the database: <db folder>/archive."""
    return db_path(path).parent / "archive"


@contextmanager
def connect(path: str | os.PathLike | None = None, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection under the file lock, with the schema in place; closed on exit."""
    target = db_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(target) + ".lock", timeout=LOCK_TIMEOUT_S if timeout is None else timeout):
            con = duckdb.connect(str(target))
            try:
                ensure_schema(con, target)
                yield con
            finally:
                con.close()
    except Timeout as exc:
        raise DatabaseBusy("数据库正被其他导入占用，请稍后再试。") from exc


def ensure_schema(con: duckdb.DuckDBPyConnection, path: str | os.PathLike | None = None) -> None:
    """Bring the schema and views up to date; an existing warehouse is backed up first (the caller holds the lock)."""
    if migrations.is_current(con):
        return
    backups = []

    def backup(old: int) -> None:
        from etl.backup import write_tables
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = db_path(path).parent / "backups" / f"{db_path(path).name}-schema-v{old}-{stamp}"
        write_tables(con, folder, path)
        backups.append(folder)

    old, new = migrations.upgrade(con, before=backup)
    if backups:
        _NOTICES.append(f"数据库结构已从第{old}版升级到第{new}版；升级前的完整备份在 {backups[0]}。")


def take_notices() -> list[str]:
    """What opening the warehouse did that a user should be told (an upgrade and where its backup is); once."""
    taken = _NOTICES[:]
    _NOTICES.clear()
    return taken


def bump_version(con: duckdb.DuckDBPyConnection) -> int:
    """Increase the data version (inside the caller's transaction) and return it."""
    return con.execute("update meta set value = cast(cast(value as integer) + 1 as varchar) "
                       "where key = 'data_version' returning cast(value as integer)").fetchone()[0]


def write_version_file(path: str | os.PathLike | None, version: int) -> None:
    """Publish the data version after a commit (atomic rename; callers hold the lock)."""
    target = Path(str(db_path(path)) + ".version")
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(str(version))
    os.replace(tmp, target)


def data_version(path: str | os.PathLike | None = None) -> int:
    """The current data version, read from the sidecar; from the database when the sidecar is missing or older
    than the database file (a process killed between its commit and the sidecar write leaves it behind)."""
    target = db_path(path)
    sidecar = Path(str(target) + ".version")
    try:
        written = sidecar.stat().st_mtime_ns
        changed = max((p.stat().st_mtime_ns for p in (target, Path(str(target) + ".wal")) if p.exists()), default=0)
        if written >= changed:
            return int(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    if not target.exists():
        return 0
    try:
        with connect(target, timeout=5) as con:
            version = int(con.execute("select value from meta where key = 'data_version'").fetchone()[0])
    except DatabaseBusy:  # a long load holds the database: its own sidecar write follows
        try:
            return int(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
    write_version_file(target, version)
    return version

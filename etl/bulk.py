"""Loading many files at once: the plan first, then the returns; and the demo data on a first start."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Callable, Iterable

from filelock import FileLock

from etl import db
from etl.receipt import Receipt
from etl.store import Batch, load_return
from etl.validate import detect_kind

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"
DEMO_USER = "演示数据"


def load_order(items: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Plans first (returns are checked against the plan), then the rest in name order."""
    def is_plan(data: bytes) -> bool:
        try:
            kind = detect_kind(data)
        except Exception:  # an unreadable file is reported when it is loaded
            return False
        return kind is not None and kind.code == "plan"

    items = list(items)
    if len(items) < 2:  # nothing to order: the file is not opened an extra time
        return items
    return sorted(items, key=lambda item: (not is_plan(item[1]), item[0]))


def load_many(items: Iterable[tuple[str, bytes]], db_file=None, user: str = "系统", replace: bool = False,
              received_on: dt.date | None = None, received_from_info: bool = False,
              progress: Callable[[int, int, str], None] | None = None, **limits) -> list[Receipt]:
    """Load (name, bytes) pairs in plan-first order; one receipt each."""
    ordered = load_order(list(items))
    receipts = []
    with Batch.open(db_file) as batch:
        for index, (name, data) in enumerate(ordered):
            if progress:
                progress(index, len(ordered), name)
            receipts.append(load_return(data, name, db_file, user=user, replace=replace, received_on=received_on,
                                        received_from_info=received_from_info, batch=batch, **limits))
    return receipts


def has_returns(db_file=None) -> bool:
    """True when the database exists and holds at least one return."""
    if not db.db_path(db_file).exists():
        return False
    with db.connect(db_file) as con:
        return con.execute("select count(*) from returns").fetchone()[0] > 0


def load_sample(db_file=None, folder: Path = SAMPLE_DIR, progress=None) -> list[Receipt]:
    """Load the bundled demo workbooks into a new database (received dates taken from 填报日期).

    The database is built beside the target and moved into place only when every file is in, so a first start
    that is interrupted leaves no half-loaded warehouse behind (the next start builds it again).
    """
    target = db.db_path(db_file)
    building = target.with_name(target.name + ".building")
    for leftover in (building, Path(str(building) + ".wal"), Path(str(building) + ".version")):
        leftover.unlink(missing_ok=True)
    files = sorted(folder.glob("*.xlsx"))
    receipts = load_many(((p.name, p.read_bytes()) for p in files), building, user=DEMO_USER,
                         received_from_info=True, progress=progress)
    with db.connect(building) as con:
        version = int(con.execute("select value from meta where key = 'data_version'").fetchone()[0])
    with FileLock(str(target) + ".lock", timeout=db.LOCK_TIMEOUT_S):
        if not target.exists():
            os.replace(building, target)
            db.write_version_file(target, version)
    for leftover in (building, Path(str(building) + ".lock"), Path(str(building) + ".version")):
        leftover.unlink(missing_ok=True)
    return receipts

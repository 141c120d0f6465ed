"""What a mart's result rests on, without pandas: the current returns of its family, the plan, and the code.

A result is valid only for the data and the code that made it: the key of every mart hashes the current returns
it rests on and the current plan, and also a fingerprint of the indicator code (indicators/, its SQL, the views
and data/method.toml), so that a new release never serves a figure an older release computed.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
# What each family's results rest on, besides the plan: "dated" results (reporting, milestones, targets) depend on
# every return and on the exact as-of date.
FAMILY_KINDS = {"survey": ("survey",), "activity": ("activity",), "dated": ("survey", "activity")}
# A return's period end (SQL over the returns table): its year's last day, or its quarter's.
PERIOD_END = ("case when quarter is null then make_date(year, 12, 31)"
              " else last_day(make_date(year, quarter * 3, 1)) end")


def code_fingerprint(root: Path = ROOT) -> str:
    """Hash of the code and rules that compute the marts (any change there makes every mart stale)."""
    parts = sorted([*root.glob("indicators/**/*.py"), *root.glob("indicators/sql/*.sql"),
                    root / "etl" / "sql" / "views.sql", root / "data" / "method.toml"])
    digest = hashlib.sha256()
    for path in parts:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


CODE = code_fingerprint()


def key_of(*parts) -> str:
    """A mart key: the code fingerprint and `parts` (JSON-able), hashed."""
    return hashlib.sha256(json.dumps([CODE, *parts], default=str).encode()).hexdigest()[:32]


def content(con: duckdb.DuckDBPyConnection, family: str) -> tuple[str, list]:
    """The key of the current returns the family rests on (and the plan and the code), and their period ends."""
    kinds = FAMILY_KINDS[family]
    rows = con.execute(
        f"select return_id, kind, case when kind = 'plan' then null else {PERIOD_END} end from returns"
        f" where is_current and kind in ('plan', {', '.join('?' for _ in kinds)}) order by return_id",
        list(kinds)).fetchall()
    return key_of([[r[0], r[1]] for r in rows]), sorted({r[2] for r in rows if r[2] is not None})

"""The .json export as a file, kept whole in the marts: `python -m indicators export` on data and a date already
exported (or refreshed) writes it without pandas and without computing anything.

The rows are each indicator's rows as its mart keeps them, spliced one indicator a line (indicators/export.py);
they are stored under the key of every current return, the plan and the code ("dated": they include reporting and
targets, which depend on the exact date) and the date itself.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from indicators.mart_keys import content

NAME = "export:file"


def _key(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list:
    return [content(con, "dated")[0], as_of.isoformat(), NAME, "[]"]


def stored_rows(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str | None:
    """The export's rows (JSON text, one indicator a line) for the current data at the date, if kept."""
    row = con.execute("select frame from mart_frames where content_key = ? and epoch = ? and name = ? and args = ?",
                      _key(con, as_of)).fetchone()
    return None if row is None else bytes(row[0]).decode("utf-8")


def store_rows(con: duckdb.DuckDBPyConnection, as_of: dt.date, rows: str) -> None:
    """Keep the export's rows for the current data at the date."""
    con.execute("insert or replace into mart_frames (content_key, epoch, name, args, frame) values (?, ?, ?, ?, ?)",
                [*_key(con, as_of), rows.encode("utf-8")])


def join_rows(texts: list[str]) -> str:
    """Each indicator's rows (a JSON array's text) spliced into one list's inside, one indicator a line."""
    return ",\n".join(part for part in (text.strip()[1:-1].strip() for text in texts) if part)


def document(as_of: dt.date, generated_at: dt.datetime, rows: str) -> str:
    """The .json export: as_of, generated_at and the rows (as join_rows gives them)."""
    head = json.dumps({"as_of": as_of.isoformat(), "generated_at": generated_at.isoformat(timespec="seconds")},
                      ensure_ascii=False)[:-1]
    return f'{head}, "rows": [\n{rows}\n]}}\n' if rows else f'{head}, "rows": []}}\n'


def count_rows(rows: str) -> int:
    """Rows in the text: every row is an object whose first key is "code" (indicators.export.indicator_rows), and
    inside a JSON string a quote is escaped, so '{"code": ' starts a row and nothing else."""
    return rows.count('{"code": ')


def write_stored(con: duckdb.DuckDBPyConnection, as_of: dt.date, out: Path) -> int | None:
    """Write the kept .json export for the date, returning its row count; None when it is not kept."""
    rows = stored_rows(con, as_of)
    if rows is None:
        return None
    out.write_text(document(as_of, dt.datetime.now(), rows), encoding="utf-8")
    return count_rows(rows)

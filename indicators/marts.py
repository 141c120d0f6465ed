"""Marts: indicator results materialised in DuckDB (raw → typed → marts), so a page or the export reads a few
thousand rows instead of recomputing from a million respondents.

A survey or activity indicator depends on the as-of date only through which periods have ended by then, so its
result is keyed by the *epoch* of the as-of date (the latest period end of the current returns on or before
it) and by the *content* it rests on (the current returns of its own kind and the current plan). Loading an
activity return therefore leaves the survey marts as they are, and accepting a warning leaves every mart as
it is. Reporting, milestones and targets are computed from small tables at each call.

`refresh` (run after each load, restore, accepted warning and plan replace) builds every mart of the new data
for today's as-of date; another as-of date is materialised on its first use and kept.
"""
from __future__ import annotations

import functools
import io
import json
import weakref
from typing import Callable

import duckdb
import pandas as pd

from indicators.base import to_date
from indicators.mart_keys import FAMILY_KINDS, PERIOD_END, content as _content, key_of

# The table of materialised results is created by migration etl/migrations/003_marts.sql; what a result rests
# on (its family's returns, the plan, the code) is indicators/mart_keys.py.
_MEMO: dict = {}
_MEMO_LIMIT = 2048
_FILES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def database_file(con: duckdb.DuckDBPyConnection) -> str:
    """The connection's database file ('' for an in-memory database, which keeps no marts)."""
    if con not in _FILES:
        _FILES[con] = con.execute("select path from duckdb_databases() where database_name = current_database()"
                                  ).fetchone()[0] or ""
    return _FILES[con]


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse's data version (bumped by every change)."""
    return con.execute("select value from meta where key = 'data_version'").fetchone()[0]


def remember(key: tuple, compute: Callable):
    """The value of `key` in this process, computed once (keys carry the file and data version)."""
    if key in _MEMO:
        return _MEMO[key]
    value = compute()
    if len(_MEMO) > _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = value
    return value


def per_version(fn):
    """Decorator: fn(con, as_of, *args) computed once per (file, data version, as-of date, args) in this process.

    A DataFrame result is handed out as a shallow copy (a caller may add columns, never change the shared one).
    """
    @functools.wraps(fn)
    def inner(con, as_of, *args):
        path = database_file(con)
        if not path:
            return fn(con, as_of, *args)
        value = remember((fn.__module__, fn.__name__, path, data_version(con), str(to_date(as_of)), args),
                         lambda: fn(con, as_of, *args))
        return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value
    return inner


def content_key(con, family: str) -> str:
    """The key of the data a family's marts rest on now."""
    return _content(con, family)[0]


def survey_year_keys(con, as_of) -> list[tuple[int, str, tuple]]:
    """(year, key, return ids) of every survey year with a current return ended by the as-of date. The key hashes
    the year, those returns and the current plan: a year's results stay valid while another year's return changes."""
    path = database_file(con)
    day = to_date(as_of)

    def compute():
        rows = con.execute(f"select kind, year, return_id, {PERIOD_END} from returns"
                           " where is_current and kind in ('plan', 'survey') order by return_id").fetchall()
        plan = [r[2] for r in rows if r[0] == "plan"]
        years: dict[int, list] = {}
        for kind, year, return_id, ends in rows:
            if kind == "survey" and ends <= day:
                years.setdefault(year, []).append(return_id)
        return [(year, key_of(plan, year, ids), tuple(ids)) for year, ids in sorted(years.items())]
    if not path:
        return compute()
    return remember(("survey_years", path, data_version(con), day.isoformat()), compute)


def year_result(con, key: str, year: int, name: str, args, compute: Callable) -> pd.DataFrame:
    """One survey year's part of a result (a frame), kept under the year's key: read, or computed and stored."""
    arguments = json.dumps(args, ensure_ascii=False, default=str)
    path = database_file(con)
    if not path:
        return compute()
    value = remember(("year", path, key, name, arguments),
                     lambda: _read_or_build(con, (key, f"year:{year}", name, arguments), compute))
    return value.copy()


def epoch(ends: list, as_of) -> str:
    """The latest period end on or before the as-of date ('none' before the first)."""
    day = to_date(as_of)
    before = [e for e in ends if e <= day]
    return before[-1].isoformat() if before else "none"


def materialised(family: str, also: Callable | None = None, name: str | None = None, as_text: bool = False):
    """Decorator: the indicator's result (a DataFrame, or JSON-able rows) is read from the marts, computed and
    stored on a miss.

    `also(as_of)` adds what else of the as-of date the result depends on (budget_execution: its year);
    `name` keys the mart (default: the function's name); `as_text`: rows are handed out as their JSON text, as
    stored (the export writes it without parsing and encoding it again).
    """
    def wrap(fn):
        @functools.wraps(fn)
        def inner(con, as_of, *args, **kwargs):
            path = database_file(con)
            if not path:
                value = fn(con, as_of, *args, **kwargs)
                return json.dumps(value, ensure_ascii=False) if as_text and not isinstance(value, pd.DataFrame) else value
            content, ends = remember(("content", path, data_version(con), family), lambda: _content(con, family))
            stamp = to_date(as_of).isoformat() if family == "dated" else epoch(ends, as_of)
            stamp += f"|{also(as_of)}" if also else ""
            arguments = json.dumps([list(args), sorted(kwargs.items())], ensure_ascii=False, default=str)
            mart = name or fn.__name__
            key = ("mart", path, content, stamp, mart, arguments)
            value = remember(key, lambda: _read_or_build(con, (content, stamp, mart, arguments),
                                                         lambda: fn(con, as_of, *args, **kwargs)))
            # Every caller gets its own copy: a frame copied, rows parsed afresh from the JSON text kept
            if isinstance(value, pd.DataFrame):
                return value.copy()
            return value if as_text else json.loads(value)
        inner.materialised, inner.also = family, also
        return inner
    return wrap


def _read_or_build(con, key: tuple, compute: Callable) -> pd.DataFrame | str:
    """The stored result of `key` (computed and stored on a miss): a frame, or rows as their JSON text."""
    row = con.execute("select frame from mart_frames where content_key = ? and epoch = ? and name = ? and args = ?",
                      list(key)).fetchone()
    if row is not None:
        text = _rows_text(row[0])
        return decode(row[0]) if text is None else text
    value = compute()
    blob = encode(value)
    con.execute("insert or replace into mart_frames (content_key, epoch, name, args, frame) values (?, ?, ?, ?, ?)",
                [*key, blob])
    return value if isinstance(value, pd.DataFrame) else _rows_text(blob)


def encode(frame) -> bytes:
    """A result frame as Parquet bytes (a column of nested frames, the weighting merges, as JSON text); rows as JSON."""
    if not isinstance(frame, pd.DataFrame):
        meta = json.dumps({"json": True}).encode()
        return len(meta).to_bytes(4, "little") + meta + json.dumps(frame, ensure_ascii=False).encode()
    nested = [c for c in frame.columns if frame[c].dtype == object
              and any(isinstance(v, pd.DataFrame) for v in frame[c])]
    out = frame.copy()
    for column in nested:
        out[column] = [v.to_json(orient="table", force_ascii=False) if isinstance(v, pd.DataFrame) else None
                       for v in out[column]]
    buffer = io.BytesIO()
    out.to_parquet(buffer, index=False)
    objects = {c: [i for i, v in enumerate(frame[c]) if isinstance(v, float) and v != v]  # NaN kept apart from None
               for c in frame.columns if frame[c].dtype == object}
    meta = json.dumps({"nested": nested, "objects": objects}).encode()
    return len(meta).to_bytes(4, "little") + meta + buffer.getvalue()


def _rows_text(blob: bytes) -> str | None:
    """The JSON text of rows `encode` stored (parsed by each caller, so that no caller shares another's lists);
    None when the blob holds a frame."""
    size = int.from_bytes(blob[:4], "little")
    return blob[4 + size:].decode("utf-8") if json.loads(blob[4:4 + size]).get("json") else None


def decode(blob: bytes):
    """The frame (or rows) `encode` stored."""
    size = int.from_bytes(blob[:4], "little")
    meta = json.loads(blob[4:4 + size])
    if meta.get("json"):
        return json.loads(blob[4 + size:])
    frame = pd.read_parquet(io.BytesIO(blob[4 + size:]))
    for column, nans in meta["objects"].items():  # text read back as strings: Python objects, None or NaN as stored
        values = frame[column].astype(object).where(frame[column].notna(), None)
        values.iloc[nans] = float("nan")
        frame[column] = values
    for column in meta["nested"]:
        frame[column] = [_nested(v) for v in frame[column]]
    return frame


def _nested(text):
    if text is None:
        return None
    frame = pd.read_json(io.StringIO(text), orient="table")
    return frame.reset_index(drop=True)

"""Storing checked returns: archive byte for byte, load in one transaction, keep every version.

A return is stored only when it has no error. The same bytes again are recognised (by SHA-256) and not
stored twice. Another file for the same department, kind and period is stored only with `replace=True`; the
earlier version stays and can be restored. Refused uploads are archived too (under archive/refused), outside
the database, so that nothing anyone uploaded is ever lost.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from etl import db, sheet_cache
from etl.limits import check_limits
from etl.plan_context import PlanContext
from etl.receipt import Receipt, error
from etl.spec import SHARE_CODES
from etl.columns import SheetRows
from etl.validate import CheckedReturn, check_return

SYSTEM_USER = "系统"
# Typed tables: DataFrame field → database column (the rest of the fields map to themselves).
RENAMES = {"group": "group_name", "on_theme": "is_on_theme"}
TABLE_OF = {("survey", "responses"): "survey_responses", ("activity", "activities"): "activities",
            **{("plan", s): f"plan_{s}" for s in ("phases", "tasks", "departments", "villages", "groups",
                                                   "milestones", "targets", "themes", "population", "budget",
                                                   "scoring", "items")}}


def sha256(data: bytes) -> str:
    """Hex SHA-256 of the bytes."""
    return hashlib.sha256(data).hexdigest()


def load_return(data: bytes, file_name: str, db_file=None, user: str = SYSTEM_USER, replace: bool = False,
                received_on: dt.date | None = None, received_from_info: bool = False, today: dt.date | None = None,
                allowed_departments: set[str] | None = None, allowed_kinds: set[str] | None = None,
                dry_run: bool = False, batch: "Batch | None" = None) -> Receipt:
    """Check one workbook and, when clean, store it; the receipt says what happened and why.

    `batch` (from `Batch.open`) reuses one connection and the plan for many files.
    """
    if received_on is not None and (allowed_departments is not None or allowed_kinds is not None):
        received_on = None  # only the office may back-fill a receipt date
    options = dict(user=user, replace=replace, received_on=received_on, received_from_info=received_from_info,
                   today=today or dt.date.today(), allowed_departments=allowed_departments,
                   allowed_kinds=allowed_kinds, dry_run=dry_run)
    receipt = Receipt(file_name, sha256=sha256(data))
    with sheet_cache.sharing(data):  # the limits scan and the large sheet's parse, shared with the reader
        receipt.problems += check_limits(data, file_name)
        if receipt.errors:
            return _refuse(receipt, data, db_file, user, dry_run)
        if batch is not None:
            return batch.load(data, receipt, options)
        with db.connect(db_file) as con:
            return Batch(con, db_file).load(data, receipt, options)


class Batch:
    """One connection (under the lock) and the current plan, shared by the files of one load."""

    def __init__(self, con, db_file, connect=None):
        self.db_file, self._con, self._connect = db_file, con, connect
        self.plan = current_plan(con) if con is not None else None

    @classmethod
    @contextmanager
    def open(cls, db_file=None):
        """A batch over a locked connection, closed on exit; it opens when the first file has passed the limits
        check (while a large sheet is parsed in the background, etl.sheet_cache)."""
        with ExitStack() as stack:
            yield cls(None, db_file, connect=lambda: stack.enter_context(db.connect(db_file)))

    def connection(self):
        """The batch's connection, opened (and the current plan read) on first use."""
        if self._con is None:
            self._con = self._connect()
            self.plan = current_plan(self._con)
        return self._con

    def load(self, data: bytes, receipt: Receipt, o: dict) -> Receipt:
        con = self.connection()
        checked = check_return(data, self.plan, lambda department, period: _history(con, department, period),
                               o["today"])
        receipt.problems += checked.problems
        receipt.kind = checked.kind.code if checked.kind else None
        receipt.department, receipt.period = checked.department, checked.period
        receipt.rows = checked.row_count
        permission = _permission_problem(checked, o["allowed_departments"], o["allowed_kinds"])
        if permission:
            receipt.problems.insert(0, permission)
            receipt.status = "forbidden"
            return receipt
        if not checked.ok:
            return _refuse(receipt, data, self.db_file, o["user"], o["dry_run"])
        if o["dry_run"]:
            return receipt
        same = con.execute("select return_id, version, is_current from returns where sha256 = ? and return_key = ?"
                           " order by version desc limit 1", [receipt.sha256, _key(checked)]).fetchone()
        if same and not same[2] and o["replace"]:
            # The bytes of an earlier version, uploaded again to replace the current one: that is a restore.
            version = _make_current(con, same[0], _key(checked), o["user"], "以相同文件替换，恢复此版本")
            db.write_version_file(self.db_file, version)
            receipt.status, receipt.return_id, receipt.version = "stored", same[0], same[1]
            return receipt
        if same:
            receipt.status, receipt.return_id, receipt.version = "duplicate", same[0], same[1]
            return receipt
        current = con.execute("select return_id, version from returns where return_key = ? and is_current",
                              [_key(checked)]).fetchone()
        if current and not o["replace"]:
            receipt.status, receipt.return_id, receipt.version = "needs_replace", current[0], current[1]
            return receipt
        received_on = o["received_on"]
        if received_on is None and o["received_from_info"]:
            received_on = checked.info.get("submitted_on")
        archived = archive_bytes(data, db.archive_dir(self.db_file), digest=receipt.sha256)
        version = _store(con, checked, receipt, archived, o["user"], received_on, bool(current))
        db.write_version_file(self.db_file, version)
        receipt.status = "stored"
        if checked.kind.code == "plan":
            self.plan = current_plan(con)
        return receipt


def archive_bytes(data: bytes, folder: Path, suffix: str = ".xlsx", digest: str | None = None) -> Path:
    """Write the bytes to <folder>/<sha256><suffix> once (atomic rename); return the path. `digest`: their
    sha256 when already known."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest or sha256(data)}{suffix}"
    if not target.exists():
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=target.name, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    return target


def _refuse(receipt: Receipt, data: bytes, db_file, user: str, dry_run: bool) -> Receipt:
    receipt.status = "refused"
    if not dry_run:  # every upload is kept, an empty (0-byte) one too
        folder = db.archive_dir(db_file) / "refused"
        path = archive_bytes(data, folder, Path(receipt.file_name).suffix.lower()[:8] or ".bin", receipt.sha256)
        entry = {"file_name": receipt.file_name, "sha256": receipt.sha256, "user": user,
                 "at": dt.datetime.now().isoformat(timespec="seconds"), "archived": path.name,
                 "errors": [p.text for p in receipt.errors[:50]]}
        with open(folder / "refused.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return receipt


def _permission_problem(checked: CheckedReturn, departments: set[str] | None, kinds: set[str] | None):
    if kinds is not None and checked.kind and checked.kind.code not in kinds:
        return error("forbidden", f"您的账号不能上传“{checked.kind.label}”报表")
    if departments is not None and checked.kind and checked.kind.code != "plan" and checked.department not in departments:
        return error("forbidden", "您的账号只能上传本部门的报表", sheet="填报信息", column="填报单位",
                     value=checked.department or "", expected="、".join(sorted(departments)))
    return None


def _key(checked: CheckedReturn) -> str:
    department = "" if checked.kind.code == "plan" else checked.department
    return f"{checked.kind.code}|{department}|{checked.period}"


def _store(con, checked: CheckedReturn, receipt: Receipt, archived: Path, user: str,
           received_on: dt.date | None, replaces: bool) -> int:
    """One transaction: the return row, its typed rows, raw rows and problems; old version kept."""
    now = dt.datetime.now()
    key, info = _key(checked), checked.info
    con.execute("begin transaction")
    try:
        version = con.execute("select coalesce(max(version), 0) + 1 from returns where return_key = ?",
                              [key]).fetchone()[0]
        return_id = con.execute("select nextval('seq_return_id')").fetchone()[0]
        con.execute("update returns set is_current = false where return_key = ?", [key])
        con.execute(
            "insert into returns values (?, ?, ?, ?, ?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [return_id, key, checked.kind.code, info.get("department"), checked.period, info.get("year"),
             info.get("quarter"), version, receipt.sha256, receipt.file_name, archived.name,
             archived.stat().st_size, user, now, received_on or now.date(), received_on is not None,
             info.get("reporter"), info.get("phone"), info.get("submitted_on"), checked.row_count,
             checked.kind.code != "plan" and checked.row_count == 0])
        for alias, rows in checked.tables.items():
            table = TABLE_OF.get((checked.kind.code, alias))
            if table is not None:  # a survey's own 题库 is kept in the raw layer only
                _insert_rows(con, table, return_id, rows)
            _insert_raw(con, return_id, alias, rows)
        _insert_problems(con, return_id, [p for p in receipt.problems if p.severity != "error"])  # macros … too
        con.execute("insert into return_events values (nextval('seq_event_id'), ?, ?, ?, ?, ?)",
                    [return_id, "replace" if replaces else "store", user, now,
                     "补录，收到日期" + received_on.isoformat() if received_on else None])
        data_version = db.bump_version(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    receipt.return_id, receipt.version = return_id, version
    return data_version


def _insert_rows(con, table: str, return_id: int, rows: SheetRows) -> None:
    """The typed rows of one sheet into `table`, in one insert through Arrow."""
    if not len(rows):
        return
    columns = [c[0] for c in con.execute("select column_name from information_schema.columns where table_name = ? "
                                         "order by ordinal_position", [table]).fetchall()]
    field_of = {v: k for k, v in RENAMES.items()}
    arrays = {}
    for col in columns:
        if col == "return_id":
            arrays[col] = pa.array(np.full(len(rows), return_id, dtype=np.int64))
        elif col == "row_no":
            arrays[col] = pa.array(rows.row_no)
        elif _stored_as_is(table, col) and rows.codes(field_of.get(col, col)) is not None:  # distinct values once
            codes, per_code = rows.codes(field_of.get(col, col))
            arrays[col] = _arrow(per_code).take(pa.array(codes))
        else:
            arrays[col] = _arrow(_stored_values(table, col, rows.column(field_of.get(col, col)), rows))
    _rows = pa.table(arrays)  # noqa: F841 - read by name in the SQL below
    con.execute(f"insert into {table} select * from _rows")


def _stored_as_is(table: str, col: str) -> bool:
    """True when _stored_values keeps the field's values as they are."""
    return col not in ("is_on_theme", "owes_survey", "owes_activity") and not (
        table == "plan_targets" and col in ("base_value", "target_value"))


def _stored_values(table: str, col: str, values: np.ndarray, rows: SheetRows) -> np.ndarray:
    """A field's values as the table stores them: 是/否 as booleans, plan shares as fractions."""
    if _stored_as_is(table, col):
        return values
    if col in ("is_on_theme", "owes_survey", "owes_activity"):
        return np.array([{"是": True, "否": False}.get(v) for v in values.tolist()], dtype=object)
    if table == "plan_targets" and col in ("base_value", "target_value"):
        share = np.isin(rows.column("code"), SHARE_CODES)
        numbers = rows.numbers(col)
        return np.where(share, numbers / 100, numbers)
    return values


def _arrow(values: np.ndarray) -> pa.Array:
    """Python values (None for empty) as an Arrow array; text when the values mix types (DuckDB casts it)."""
    if values.dtype != object:
        return pa.array(values, from_pandas=True)
    try:
        return pa.array(values.tolist())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values.tolist()], type=pa.string())


def _insert_problems(con, return_id: int, kept: list) -> None:
    """The warnings and notes of a stored return, in one insert; their ids follow the receipt's order."""
    if not kept:
        return
    last = con.execute("select max(nextval('seq_problem_id')) from range(?)", [len(kept)]).fetchone()[0]
    _problems = pa.table({"problem_id": pa.array(range(last - len(kept) + 1, last + 1), pa.int64()),  # noqa: F841
                          **{field: pa.array([getattr(p, field) for p in kept], kind) for field, kind in (
                              ("severity", pa.string()), ("code", pa.string()), ("sheet", pa.string()),
                              ("row", pa.int64()), ("column", pa.string()), ("value", pa.string()),
                              ("expected", pa.string()), ("message", pa.string()))}})
    con.execute("insert into problems select problem_id, ?, severity, code, sheet, row, \"column\", value, expected, "
                "message, null, null, null from _problems", [return_id])


def _insert_raw(con, return_id: int, sheet: str, rows: SheetRows) -> None:
    """The sheet's rows as read (cells as JSON text keyed by header) into raw_rows, in one insert."""
    if not len(rows):
        return
    _raw = None
    if rows.full_width():
        try:
            _raw = pa.table({"row_no": rows.row_no, **{
                f"c{j}": pa.DictionaryArray.from_arrays(codes.astype(np.int32), pa.array(texts.tolist(), pa.string()))
                for j, (_, _, codes, texts) in enumerate(rows.raw)}})
        except (pa.ArrowException, UnicodeError):  # text Arrow cannot hold (a lone surrogate): row by row below
            _raw = None
    if _raw is not None:
        pairs = ", ".join(f"?, c{j}" for j in range(len(rows.raw)))
        con.execute(f"insert into raw_rows select ?, ?, row_no, json_object({pairs}) from _raw",
                    [return_id, sheet, *[r[0] for r in rows.raw]])
        return
    _raw = pd.DataFrame({"row_no": rows.row_no,  # noqa: F841 - read by name in the SQL below
                         "cells": [json.dumps(c, ensure_ascii=False, default=str) for c in rows.raw_cells()]})
    con.execute("insert into raw_rows select ?, ?, row_no, cells::json from _raw", [return_id, sheet])


def current_plan(con: duckdb.DuckDBPyConnection) -> PlanContext | None:
    """The plan facts returns are checked against, or None when no plan is stored."""
    if con.execute("select count(*) from v_plan_return").fetchone()[0] == 0:
        return None
    q = lambda sql: con.execute(sql).fetchdf().to_dict("records")  # noqa: E731
    departments = {r["department"]: {**r, "owes_survey": "是" if r["owes_survey"] else "否",
                                      "owes_activity": "是" if r["owes_activity"] else "否"}
                   for r in q("select * from v_plan_departments order by row_no")}
    thresholds = {r["tier"]: r["min_score"] for r in q("select * from v_plan_scoring")}
    return PlanContext(
        departments=departments,
        villages={r["village"]: r["residence"] for r in q("select * from v_plan_villages order by row_no")},
        groups=tuple(r["group_name"] for r in q("select * from v_plan_groups order by row_no")),
        tasks=tuple(str(r["task"]) for r in q("select * from v_plan_tasks order by row_no")),
        phases=tuple(r["phase"] for r in q("select * from v_plan_phases order by row_no")),
        thresholds={**PlanContext().thresholds, **thresholds},
        items=tuple(q("select * from v_plan_items order by row_no")),
        population=tuple({**r, "group": r["group_name"]} for r in q("select * from v_plan_population")),
    )


def _history(con, department: str, period: str | None) -> dict:
    """The department's activity values of other periods, for outlier warnings (never the version replaced)."""
    rows = con.execute("select participants, cost_yuan from v_activities where department = ? "
                       "and year || 'Q' || quarter is distinct from ?", [department, period]).fetchdf()
    return {"participants": rows["participants"].dropna().to_numpy(),
            "cost_yuan": rows["cost_yuan"].dropna().to_numpy()}


def restore(return_id: int, db_file=None, user: str = SYSTEM_USER, allowed_departments: set[str] | None = None,
            allowed_kinds: set[str] | None = None) -> str:
    """Make an earlier version current again; returns a Chinese sentence saying what was done.

    `allowed_departments` / `allowed_kinds` limit who may restore what (None: no limit, the office).
    """
    with db.connect(db_file) as con:
        row = con.execute("select return_key, version, department, period, kind from returns where return_id = ?",
                          [return_id]).fetchone()
        if row is None:
            raise LookupError(f"没有编号为{return_id}的报表版本")
        if (allowed_kinds is not None and row[4] not in allowed_kinds) or (
                allowed_departments is not None and row[2] not in allowed_departments):
            raise PermissionError("您的账号不能恢复其他部门的报表或工作计划")
        version = _make_current(con, return_id, row[0], user, None)
        db.write_version_file(db_file, version)
    return f"已恢复：{row[2] or ''} {row[3]} 第{row[1]}版为当前版本"


def _make_current(con, return_id: int, key: str, user: str, note_text: str | None) -> int:
    """One transaction: this version current, the others of its key not; logged; returns the data version."""
    con.execute("begin transaction")
    try:
        con.execute("update returns set is_current = (return_id = ?) where return_key = ?", [return_id, key])
        con.execute("insert into return_events values (nextval('seq_event_id'), ?, 'restore', ?, ?, ?)",
                    [return_id, user, dt.datetime.now(), note_text])
        version = db.bump_version(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return version


def history(db_file=None) -> pd.DataFrame:
    """Every stored version, newest first: return_id, kind, department, period, version, is_current, …"""
    with db.connect(db_file) as con:
        return con.execute(
            "select return_id, kind, department, period, version, is_current, file_name, uploaded_by, uploaded_at,"
            " received_on, is_backfilled, row_count, is_empty, sha256,"
            " (select count(*) from problems p where p.return_id = r.return_id and severity = 'warning') as warnings"
            " from returns r order by uploaded_at desc, return_id desc").fetchdf()


def accept_problem(problem_id: int, note_text: str, db_file=None, user: str = SYSTEM_USER) -> None:
    """Mark a warning as accepted by the office, with its note (the warning stays on record)."""
    if not note_text.strip():
        raise ValueError("接受提醒须填写说明")
    with db.connect(db_file) as con:
        con.execute("begin transaction")
        try:
            con.execute("update problems set accepted_by = ?, accepted_at = ?, accept_note = ? where problem_id = ?",
                        [user, dt.datetime.now(), note_text.strip(), problem_id])
            version = db.bump_version(con)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        db.write_version_file(db_file, version)

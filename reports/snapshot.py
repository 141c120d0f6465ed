"""Frozen evaluations: what a meeting was shown, kept in the warehouse, and every figure that changed since.

`take` stores, under a name (e.g. 中期评估), the full indicator export at an as-of date and the document files
as produced. `changes` recomputes the export at the same date on today's data and lists each figure whose
value, sample, interval or status differs, with the returns stored, replaced or restored since (version,
department, date received) that can have changed it. Tables: etl/migrations/004_snapshots.sql.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import pandas as pd

from indicators.base import to_date
from indicators.export import STATUS_WORDS, export_rows
from indicators.registry import BY_CODE

DEFAULT_NAME = "中期评估"
COMPARED = ("value", "n", "ci_low", "ci_high", "note")
# Which kinds of return feed each family of indicators (the plan feeds every family).
FAMILY_KINDS = {"科学素质": {"survey"}, "科普活动与经费": {"activity"}, "计划与进度": {"survey", "activity"},
                "报送情况": {"survey", "activity"}}
CHANGE_COLUMNS = ["指标", "指标代码", "期间", "分组", "当时", "现在", "变化来源"]


def take(con, as_of, name: str = DEFAULT_NAME, files: dict[str, bytes] | None = None, user: str = "命令行",
         rows: list[dict] | None = None) -> int:
    """Store the export at the date (`rows`, or computed now) and the files under `name`, replacing an earlier
    snapshot of that name; returns the number of figures kept."""
    rows = export_rows(con, to_date(as_of)) if rows is None else rows
    version = con.execute("select cast(value as integer) from meta where key = 'data_version'").fetchone()
    con.execute("begin transaction")
    try:
        con.execute("delete from snapshot_files where name = ?", [name])
        con.execute("delete from snapshots where name = ?", [name])
        con.execute("insert into snapshots values (?, ?, ?, ?, ?, ?)",
                    [name, to_date(as_of), dt.datetime.now(), user, version[0] if version else None,
                     json.dumps(rows, ensure_ascii=False)])
        for file_name, content in (files or {}).items():
            con.execute("insert into snapshot_files values (?, ?, ?, ?)",
                        [name, file_name, hashlib.sha256(content).hexdigest(), content])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)


def snapshots(con) -> pd.DataFrame:
    """Stored snapshots, newest first: name, as_of, created_at, created_by, data_version, files."""
    return con.execute("select s.name, s.as_of, s.created_at, s.created_by, s.data_version, "
                       "count(f.file_name) as files from snapshots s left join snapshot_files f using (name) "
                       "group by all order by s.created_at desc").fetchdf()


def latest(con) -> dict | None:
    """The newest snapshot (name, as_of, created_at, data_version) or None."""
    frame = snapshots(con)
    return None if frame.empty else frame.iloc[0].to_dict()


def files(con, name: str) -> dict[str, bytes]:
    """The document files stored with a snapshot, by file name."""
    return {f: bytes(c) for f, c in con.execute(
        "select file_name, content from snapshot_files where name = ? order by file_name", [name]).fetchall()}


def _key(row: dict) -> str:
    return json.dumps([row["code"], row["period"], row["by"]], ensure_ascii=False, sort_keys=True)


def _differs(a, b) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) > 1e-9 * max(1.0, abs(float(a)))
    return a != b


def changed_rows(before: list[dict], after: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Pairs (then, now) of the figures that differ between two exports (None where a figure is new or gone)."""
    old, new = {_key(r): r for r in before}, {_key(r): r for r in after}
    pairs = []
    for key in dict.fromkeys([*old, *new]):
        a, b = old.get(key), new.get(key)
        if a is None or b is None or any(_differs(a.get(c), b.get(c)) for c in COMPARED):
            pairs.append((a, b))
    return pairs


def returns_since(con, since) -> pd.DataFrame:
    """Returns stored, replaced or restored after `since`: return_id, kind, 部门, period, version, received_on,
    action, done_at."""
    return con.execute(
        "select r.return_id, r.kind, r.department as 部门, r.period, r.version, r.received_on, e.action, e.done_at "
        "from return_events e join returns r using (return_id) where e.done_at > ? order by e.done_at",
        [since]).fetchdf()


def changes(con, name: str = DEFAULT_NAME) -> pd.DataFrame:
    """Every figure of snapshot `name` that differs today, with the returns that can have changed it.

    Columns: CHANGE_COLUMNS (figures as users read them; 变化来源 names version, department and date received).
    """
    found = con.execute("select as_of, created_at, export_json from snapshots where name = ?", [name]).fetchone()
    if found is None:
        raise KeyError(name)
    as_of, created_at, stored = found
    pairs = changed_rows(json.loads(stored), export_rows(con, as_of))
    since = returns_since(con, created_at)
    return pd.DataFrame([_describe(a, b, since) for a, b in pairs], columns=CHANGE_COLUMNS)


def _describe(a: dict | None, b: dict | None, since: pd.DataFrame) -> list:
    row = b or a
    ind = BY_CODE[row["code"]]
    group = "；".join(f"{k}：{v}" for k, v in row["by"].items()) or "全镇"
    return [ind.label, ind.code, row["period"], group, _shown(a, ind.unit), _shown(b, ind.unit),
            "；".join(_sources(row, ind.family, since)) or "工作计划更新或数据提醒处理"]


def _shown(row: dict | None, unit: str) -> str:
    from charts.slides import value_text  # the deck's and the report's wording of a value in its unit
    if row is None:
        return "（无）"
    text = value_text(row["value"], unit)
    if unit == "score" and row.get("note"):
        text = STATUS_WORDS.get(row["note"], row["note"])
    elif row.get("n") is not None and unit == "share":
        text += f"（n={int(row['n'])}）"
    return text


def _sources(row: dict, family: str, since: pd.DataFrame) -> list[str]:
    kinds = FAMILY_KINDS.get(family, set())
    period, department = str(row["period"]), row["by"].get("部门")
    texts = []
    for r in since.itertuples():
        fits = r.kind == "plan" or (r.kind in kinds and (family == "计划与进度" or _same_period(period, str(r.period))))
        if fits and (department is None or r.部门 == department):
            texts.append(f"{r.部门 or '工作计划'}{_period_words(r.period)}报表第{int(r.version)}版"
                         f"（{pd.Timestamp(r.received_on):%Y年%-m月%-d日}收到）")
    return list(dict.fromkeys(texts))


def _same_period(figure: str, return_period: str) -> bool:
    """A figure of 2025 or 2025Q3 (or of a date: every period) can be changed by a return of that period."""
    if "-" in figure:
        return True
    return return_period.startswith(figure) or figure.startswith(return_period)


def _period_words(period: str) -> str:
    from charts import fmt
    return "" if period == "plan" else fmt.period(period)


def take_with_documents(db_file, as_of, name: str = DEFAULT_NAME, user: str = "命令行") -> tuple[int, list[str]]:
    """Produce the documents at the date, then store them with the full export (.json and .xlsx) under `name`.
    Returns the number of figures kept and the file names."""
    import io

    from etl import db
    from etl.safe_xlsx import write_frames
    from indicators.export import xlsx_frames
    from reports import documents

    from indicators.period import reporting_quarter

    day = to_date(as_of)
    made = [documents.evaluation_report(db_file, day, day), documents.meeting_deck(db_file, day),
            documents.inspection_scorecard(db_file, day.year, day)]
    with db.connect(db_file) as con:
        quarter = reporting_quarter(con, day).quarter
    if quarter:  # the bulletin of the quarter the pages showed that day
        made.append(documents.quarterly_bulletin(db_file, quarter, day))
    with db.connect(db_file) as con:
        rows = export_rows(con, day)
        sheet = io.BytesIO()
        write_frames(sheet, xlsx_frames(rows))
        stored = {f"指标导出（{day:%Y%m%d}）.json": json.dumps({"as_of": day.isoformat(), "rows": rows},
                                                          ensure_ascii=False, indent=1).encode("utf-8"),
                  f"指标导出（{day:%Y%m%d}）.xlsx": sheet.getvalue(), **dict(made)}
        count = take(con, day, name, stored, user, rows)
        db.write_version_file(db_file, db.bump_version(con))
    return count, sorted(stored)

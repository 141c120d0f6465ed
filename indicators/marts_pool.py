"""A province pooling every county: the typed tables as Parquet partitioned by town and year, and the same
indicator SQL and code run over them (DuckDB here; any engine that reads Parquet and runs the same views).

    export_partitioned(con, folder)   # one warehouse's typed tables → folder/<table>/town=…/year=…/*.parquet
    con = open_pooled(folder)         # an in-memory DuckDB whose tables are views over those files
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl.migrations import VIEWS_SQL

# Row tables partitioned by the return's town (its 填报单位) and year; the rest are small and kept whole.
PARTITIONED = ("survey_responses", "activities")
WHOLE = ("returns", "meta", "problems") + tuple(
    f"plan_{s}" for s in ("phases", "tasks", "departments", "villages", "groups", "milestones", "targets", "themes",
                          "population", "budget", "scoring", "items"))


def export_partitioned(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Write the typed tables as Parquet: row tables under <table>/town=<填报单位>/year=<年度>/."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in PARTITIONED:
        con.execute(f"copy (select t.*, r.department as town, r.year from {table} t join returns r using (return_id))"
                    f" to '{(folder / table).as_posix()}' (format parquet, partition_by (town, year))")
    for table in WHOLE:
        con.execute(f"copy {table} to '{(folder / f'{table}.parquet').as_posix()}' (format parquet)")


def open_pooled(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB over the Parquet files, with the warehouse's own v_* views on top."""
    folder = Path(folder)
    con = duckdb.connect()
    for table in PARTITIONED:
        con.execute(f"create view {table} as select * exclude (town, year) from read_parquet("
                    f"'{(folder / table).as_posix()}/**/*.parquet', hive_partitioning = true)")
    for table in WHOLE:
        con.execute(f"create view {table} as select * from read_parquet('{(folder / f'{table}.parquet').as_posix()}')")
    con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
    return con

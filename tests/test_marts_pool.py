"""The same indicator SQL and code over the typed tables exported as Parquet partitioned by town and year give
the same export as the warehouse itself (what a province pooling every county would run)."""
from __future__ import annotations

from urllib.parse import unquote

import duckdb

from indicators.export import export_rows
from indicators.marts_pool import export_partitioned, open_pooled


def test_parquet_partitioned_by_town_and_year_gives_the_same_export(demo_db_master, tmp_path):
    con = duckdb.connect()  # the demo warehouse copied into memory (the master stays untouched)
    con.execute(f"attach '{demo_db_master}' as source (read_only)")
    con.execute("copy from database source to memory")
    export_partitioned(con, tmp_path / "pool")
    folders = {unquote(p.name): p for p in (tmp_path / "pool" / "survey_responses").iterdir()}  # town=%E7%A7%91…
    assert set(folders) == {f"town={d}" for d in ("中小学", "党建办", "农业站", "劳动保障所", "科协")}
    assert {p.name for p in folders["town=科协"].iterdir()} == {f"year={y}" for y in range(2021, 2026)}
    assert export_rows(open_pooled(tmp_path / "pool"), "2026-03-31") == export_rows(con, "2026-03-31")

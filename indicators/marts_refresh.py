"""Rebuilding the marts after a change of data: every materialised indicator, every breakdown, for today."""
from __future__ import annotations

from typing import Callable

import duckdb

from indicators import marts, survey
from indicators.export import file_rows, indicator_export
from indicators.registry import INDICATORS
from indicators.status import default_as_of


def jobs() -> list[tuple[Callable, tuple]]:
    """What a refresh builds: each indicator's export rows (and on the way every breakdown the pages ask for),
    the survey's weighting report, then the .json export's rows whole."""
    return [(indicator_export, (ind.code,)) for ind in INDICATORS] + [(survey.weighting_report, ()), (file_rows, ())]


def refresh(con: duckdb.DuckDBPyConnection, as_of=None,
            progress: Callable[[int, int], None] | None = None) -> int:
    """Build the marts of the current data for the as-of date (default today) and drop those of no current data.

    Results already built for the same data (an untouched family, e.g. the survey after an activity load) are
    read, not recomputed. Returns the number of results.
    """
    day = as_of or default_as_of(con)
    calls = jobs()
    con.execute("begin transaction")  # one commit for every result stored, not one per result
    try:
        for index, (function, args) in enumerate(calls):
            if progress:
                progress(index, len(calls))
            function(con, day, *args)
        keys = [marts.content_key(con, family) for family in marts.FAMILY_KINDS]
        keys += [key for _, key, _ in marts.survey_year_keys(con, day)]  # each survey year's parts
        con.execute(f"delete from mart_frames where content_key not in ({', '.join('?' for _ in keys)})", keys)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    if progress:
        progress(len(calls), len(calls))
    return len(calls)


def refresh_file(db_file=None, progress: Callable[[int, int], None] | None = None) -> int:
    """`refresh` on the warehouse file, under its lock."""
    from etl import db
    with db.connect(db_file) as con:
        return refresh(con, progress=progress)


def console_progress(description: str) -> Callable[[int, int], None]:
    """A tqdm bar on stderr (a terminal) fed by (done, total) calls; it shows once the work takes over two seconds."""
    from tqdm import tqdm
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            # disable=None: shown on a terminal only, so scripts reading the command's output see no bar
            bar = tqdm(total=total, desc=description, unit="项", delay=2, leave=False, disable=None)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()
    return update

"""Cached access to the warehouse for the pages (pages never hold SQL nor import duckdb).

Every result is cached by (database, data version, as-of date, arguments). Each load bumps the data version,
so a new upload shows at once without clearing anything else. Connections are short-lived and taken under
the warehouse's file lock (see etl/db.py), so a command-line load can run while the app serves.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from etl import db
from indicators import inspection, status
from indicators.queries import QUERIES
from indicators.registry import indicator



def db_file() -> str:
    """The warehouse file this app serves ($KEXUE_DB or data/warehouse.duckdb)."""
    return str(db.db_path())


def version() -> int:
    """The data version; changes with every load, restore or accepted warning."""
    return db.data_version(db_file())


@st.cache_data(show_spinner=False, max_entries=512)
def _indicator(path: str, data_version: int, code: str, as_of: str, by: str | None, variant: tuple) -> pd.DataFrame:
    with db.connect(path) as con:
        return indicator(code).compute(con, as_of, by=by, **dict(variant))


@st.cache_data(show_spinner=False, max_entries=256)
def _query(path: str, data_version: int, name: str, as_of: str | None):
    function, takes_as_of = QUERIES[name]
    with db.connect(path) as con:
        return function(con, as_of) if takes_as_of else function(con)


def _busy(call, *args):
    """Run a cached read; while a long load holds the warehouse, say so instead of a traceback."""
    try:
        return call(*args)
    except db.DatabaseBusy:
        st.warning("数据正在导入，请稍候片刻再刷新页面。", icon=":material/hourglass_top:")
        st.stop()


def frame(code: str, by: str | None = None, **variant) -> pd.DataFrame:
    """An indicator's DataFrame at the sidebar's as-of date (a copy: pages may change it)."""
    return _busy(_indicator, db_file(), version(), code, as_of().isoformat(), by,
                 tuple(sorted(variant.items()))).copy()


def query(name: str):
    """A named query of QUERIES at the sidebar's as-of date."""
    result = _busy(_query, db_file(), version(), name, as_of().isoformat() if QUERIES[name][1] else None)
    return result.copy() if isinstance(result, pd.DataFrame) else result


@st.cache_data(show_spinner=False, max_entries=64)
def _scorecard(path: str, data_version: int, as_of: str, year: str) -> pd.DataFrame:
    with db.connect(path) as con:
        return inspection.department_scorecard(con, as_of, year)


def scorecard(year: str) -> pd.DataFrame:
    """The 督促检查 scorecard of `year` at the sidebar's as-of date (indicators.inspection: the same figures as
    the downloaded spreadsheet)."""
    return _busy(_scorecard, db_file(), version(), as_of().isoformat(), str(year)).copy()


def default_as_of() -> dt.date:
    """The end of the latest period with data (today when the warehouse is empty)."""
    return _busy(_query, db_file(), version(), "default_as_of", None)


def as_of() -> dt.date:
    """The as-of date every page obeys (the sidebar's 截至 date)."""
    value = st.session_state.get("as_of")
    return value if isinstance(value, dt.date) else default_as_of()

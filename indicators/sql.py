"""The .sql files of indicators/, read once."""
from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"


@cache
def sql(name: str) -> str:
    """Text of indicators/sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def arrow_frame(con, name: str, params: dict, where: str | None = None, order: str | None = None,
                extra: dict | None = None):
    """The result of indicators/sql/<name>.sql (filtered by `where`, ordered by `order`, with the `extra`
    parameters those use) as a DataFrame through Arrow: for a million rows of text several times faster than
    fetchdf (a nullable integer column comes back as float, NaN where NULL).

    On the connection's own result, as every other query here (a relation would refuse while an earlier result is
    open); DuckDB's note that this makes one extra copy of the rows is expected and silenced."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)
        query = f"select * from ({sql(name)})" if where or order else sql(name)
        query += f" where {where}" if where else ""
        query += f" order by {order}" if order else ""
        return con.execute(query, {**params, **(extra or {})}).to_arrow_table().to_pandas()

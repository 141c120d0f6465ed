"""Command line: python -m indicators export --db PATH --as-of YYYY-MM-DD --out FILE.json|FILE.xlsx."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from etl import db
from indicators.export_file import write_stored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indicators", description="科学素质指标导出")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="导出全部指标（.json 或 .xlsx）")
    export.add_argument("--db", default=None)
    export.add_argument("--as-of", required=True)
    export.add_argument("--out", required=True, type=Path)
    rebuild = sub.add_parser("refresh", help="重建指标结果表（marts）")
    rebuild.add_argument("--db", default=None)
    args = parser.parse_args(argv)
    try:
        with db.connect(args.db) as con:
            if args.command == "refresh":
                from indicators.marts_refresh import console_progress, refresh
                print(f"已更新{refresh(con, progress=console_progress('更新指标结果'))}项指标结果")
                return 0
            # An export already kept for this data and date is copied without pandas; otherwise it is built
            count = write_stored(con, dt.date.fromisoformat(args.as_of), args.out) if args.out.suffix.lower() == ".json" else None
            if count is None:
                from indicators.export import write_export
                count = write_export(con, args.as_of, args.out)
    except (db.SchemaTooNew, db.MigrationFailed) as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        for notice in db.take_notices():  # the warehouse was upgraded on opening: say so
            print(notice, file=sys.stderr)
    print(f"已导出{count}行指标：{args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

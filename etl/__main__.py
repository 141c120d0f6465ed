"""Command line: python -m etl load|check|template|history|restore|demo|backup|restore-backup."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from etl import db
from etl.store import current_plan, history, load_return, restore

OK, REFUSED = 0, 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="科学素质指标看板：报表导入与管理")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="检查并导入报表（有错误则不入库）")
    load.add_argument("files", nargs="+", type=Path)
    load.add_argument("--db", default=None, help="数据库文件（默认 data/warehouse.duckdb）")
    load.add_argument("--replace", action="store_true", help="确认替换同一部门同一期间已有的报表")
    load.add_argument("--user", default=None, help="上传人（默认当前系统用户）")
    load.add_argument("--received-on", default=None, help="补录：办公室实际收到的日期 YYYY-MM-DD")
    load.add_argument("--received-from-info", action="store_true",
                      help="补录：以填报信息中的“填报日期”作为收到日期（导入历史报表时用）")
    check = sub.add_parser("check", help="只检查、打印回执，不入库")
    check.add_argument("file", type=Path)
    check.add_argument("--db", default=None)
    template = sub.add_parser("template", help="生成空白模板")
    template.add_argument("kind", choices=["survey", "activity", "plan"])
    template.add_argument("--out", required=True, type=Path)
    template.add_argument("--db", default=None)
    template.add_argument("--department", default=None)
    hist = sub.add_parser("history", help="列出已入库的报表版本")
    hist.add_argument("--db", default=None)
    rest = sub.add_parser("restore", help="把某个历史版本恢复为当前版本")
    rest.add_argument("id", type=int)
    rest.add_argument("--db", default=None)
    rest.add_argument("--user", default=None)
    demo = sub.add_parser("demo", help="生成演示数据工作簿")
    demo.add_argument("--out", type=Path, default=Path("data/sample"))
    backup = sub.add_parser("backup", help="备份：每张表存为Parquet，连同原始文件和校验清单")
    backup.add_argument("dir", type=Path)
    backup.add_argument("--db", default=None)
    restore_backup = sub.add_parser("restore-backup", help="从备份重建数据库")
    restore_backup.add_argument("dir", type=Path)
    restore_backup.add_argument("--db", default=None)
    user = sub.add_parser("user", help="用户管理：python -m etl user add 用户名 --role office|leader|department")
    user.add_argument("action", choices=["add"])
    user.add_argument("username")
    user.add_argument("--name", required=True, help="显示的姓名")
    user.add_argument("--role", required=True, choices=["leader", "office", "department"])
    user.add_argument("--department", default=None, help="部门填报员所属部门")
    user.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（否则交互输入）")
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except db.DatabaseBusy as exc:
        print(f"{exc}（本次没有任何数据入库）", file=sys.stderr)
        return REFUSED
    except (db.SchemaTooNew, db.MigrationFailed) as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    finally:
        for notice in db.take_notices():  # the warehouse was upgraded on opening: say so, and where the backup is
            print(notice, file=sys.stderr)


def _load(args) -> int:
    from etl.bulk import load_many
    received = dt.date.fromisoformat(args.received_on) if args.received_on else None
    items = [(p.name, p.read_bytes()) for p in args.files]
    bar = _progress("导入报表")
    receipts = load_many(items, args.db, user=args.user or getpass.getuser(), replace=args.replace,
                         received_on=received, received_from_info=args.received_from_info,
                         progress=lambda done, total, name: bar(done, total))
    bar(len(items), len(items))
    for receipt in receipts:
        print(receipt.summary if receipt.status == "stored" else receipt.to_text())
    if any(r.status == "stored" for r in receipts):
        _refresh_marts(args.db)
    return OK if all(r.status in ("stored", "duplicate") for r in receipts) else REFUSED


def _check(args) -> int:
    receipt = load_return(args.file.read_bytes(), args.file.name, args.db, dry_run=True)
    print(receipt.to_text())
    return OK if receipt.ok else REFUSED


def _template(args) -> int:
    from etl.template import write_template
    plan = None
    if db.db_path(args.db).exists():
        with db.connect(args.db) as con:
            plan = current_plan(con)
    args.out.write_bytes(write_template(args.kind, plan, args.department))
    print(f"已生成模板：{args.out}")
    return OK


def _history(args) -> int:
    frame = history(args.db)
    if frame.empty:
        print("尚无已入库的报表。")
        return OK
    for r in frame.itertuples():
        mark = "当前" if r.is_current else "历史"
        print(f"{r.return_id:>5}  {r.kind:<8} {r.department or '':<8} {r.period:<8} 第{r.version}版 {mark}  "
              f"{r.uploaded_at:%Y-%m-%d %H:%M} {r.uploaded_by}  {r.file_name}")
    return OK


def _restore(args) -> int:
    try:
        print(restore(args.id, args.db, user=args.user or getpass.getuser()))
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    _refresh_marts(args.db)
    return OK


def _progress(description: str):
    from indicators.marts_refresh import console_progress
    return console_progress(description)


def _refresh_marts(db_file) -> None:
    """Rebuild the indicator marts for the new data (the command line is the top layer: it may call indicators)."""
    from indicators.marts_refresh import refresh_file
    refresh_file(db_file, progress=_progress("更新指标结果"))


def _demo(args) -> int:
    from etl.demo import write_demo
    paths = write_demo(args.out)
    print(f"已生成演示数据 {len(paths)} 个文件：{args.out}")
    return OK


def _backup(args) -> int:
    from etl.backup import write_backup
    print(write_backup(args.dir, args.db))
    return OK


def _restore_backup(args) -> int:
    from etl.backup import restore_backup
    print(restore_backup(args.dir, args.db))
    return OK


def _user(args) -> int:
    from etl.users import add_user
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("密码：")
    try:
        path = add_user(args.username, password, args.name, args.role, args.department)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    print(f"已保存用户“{args.username}”（只保存密码的bcrypt哈希）：{path}")
    return OK


COMMANDS = {"user": _user, "load": _load, "check": _check, "template": _template, "history": _history, "restore": _restore,
            "demo": _demo, "backup": _backup, "restore-backup": _restore_backup}

if __name__ == "__main__":
    sys.exit(main())

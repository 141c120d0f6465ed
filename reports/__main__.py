"""Command line: python -m reports evaluation|bulletin|scorecard|deck|snapshot|diff."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl import db
from indicators.base import to_date
from indicators.status import default_as_of


def _write(out: Path, name_and_bytes: tuple[str, bytes]) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(name_and_bytes[1])
    print(f"已生成：{out}（{len(name_and_bytes[1]):,}字节）")
    return 0


def _as_of(args):
    return to_date(args.as_of) if args.as_of else default_as_of(None)


def cmd_evaluation(args) -> int:
    from reports import documents
    return _write(args.out, documents.evaluation_report(args.db, _as_of(args), _as_of(args)))


def cmd_deck(args) -> int:
    from reports import documents
    return _write(args.out, documents.meeting_deck(args.db, _as_of(args)))


def cmd_scorecard(args) -> int:
    from reports import documents
    return _write(args.out, documents.inspection_scorecard(args.db, args.year, _as_of(args)))


def cmd_bulletin(args) -> int:
    from reports import documents
    return _write(args.out, documents.quarterly_bulletin(args.db, args.quarter, _as_of(args)))


def cmd_snapshot(args) -> int:
    from reports import snapshot
    as_of = _as_of(args)
    count, names = snapshot.take_with_documents(args.db, as_of, args.name, args.user)
    print(f"已保存“{args.name}”（截至{as_of}）：{count:,}项数字，文件：{'、'.join(names)}")
    return 0


def cmd_diff(args) -> int:
    from reports import snapshot
    with db.connect(args.db) as con:
        try:
            frame = snapshot.changes(con, args.name)
        except KeyError:
            print(f"没有名为“{args.name}”的评估快照。请先运行 python -m reports snapshot --name {args.name}",
                  file=sys.stderr)
            return 1
    print(f"与{args.name}时相比有{len(frame)}项数据变化")
    for row in frame.itertuples(index=False):
        print("\t".join(str(x) for x in row))
    return 0


COMMANDS = {"evaluation": cmd_evaluation, "deck": cmd_deck, "scorecard": cmd_scorecard, "bulletin": cmd_bulletin,
            "snapshot": cmd_snapshot, "diff": cmd_diff}


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run one command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m reports", description="科学素质指标看板：评估材料")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str, out: bool = True, as_of: bool = True):
        p = sub.add_parser(name, help=text)
        p.add_argument("--db", default=None, help="数据库文件（默认 data/warehouse.duckdb）")
        if as_of:
            p.add_argument("--as-of", default=None, help="截至日期 YYYY-MM-DD（默认今天）")
        if out:
            p.add_argument("--out", required=True, type=Path, help="输出文件")
        return p

    command("evaluation", "中期/终期评估报告（Word）")
    command("deck", "评估会议演示文稿（PowerPoint，16:9）")
    command("scorecard", "年度督促检查记分卡（Excel）").add_argument("--year", required=True, type=int)
    command("bulletin", "季度情况通报（Word）").add_argument("--quarter", required=True, help="如 2025Q3")
    snap = command("snapshot", "保存评估快照（全部数字和评估材料）", out=False)
    snap.add_argument("--name", default="中期评估")
    snap.add_argument("--user", default="命令行")
    command("diff", "列出评估快照之后变化的数字及其来源", out=False, as_of=False).add_argument("--name", default="中期评估")
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except db.DatabaseBusy as exc:
        print(str(exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Frozen evaluations: a snapshot keeps the export and the documents; a late return afterwards shows in `diff`
(with the return that changed each figure) and on 总览 as "与中期评估时相比有N项数据变化"."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from docx import Document

from charts import fmt
from etl import bulk, db
from indicators.registry import indicator
from reports import snapshot
from reports.__main__ import main
from tests.apptest_util import run_app
from tests.workbooks import activity, activity_book

MID = dt.date(2023, 12, 31)
LATE_ON = dt.date(2024, 2, 1)


def _late_return() -> bytes:
    """团委's 2023Q3 activity return, never sent in the demo: three activities, 50 + 51 + 52 participants."""
    rows = [activity(i, start=dt.date(2023, 8, i + 1), task=1, village="柳堡社区", audience="未成年人",
                     participants=50 + i, cost=300) for i in range(3)]
    return activity_book(rows, department="团委", year=2023, quarter=3,
                         extra_info={"填报人": "陈晓东", "联系电话": "15152718823"})


def _quarter_value(path, code: str, quarter: str) -> float:
    with db.connect(path) as con:
        frame = indicator(code).compute(con, MID, period="quarter")
    return frame.set_index("period")["value"][quarter]


@pytest.mark.slow
def test_a_snapshot_then_a_late_return_shows_in_diff_and_on_the_overview(demo_db, app_env, capsys):
    count_before = _quarter_value(demo_db, "activity_count", "2023Q3")
    people_before = _quarter_value(demo_db, "participants", "2023Q3")
    team_before = _team_year(demo_db)
    assert main(["snapshot", "--db", str(demo_db), "--as-of", MID.isoformat()]) == 0
    with db.connect(demo_db) as con:
        stored = snapshot.files(con, "中期评估")
        assert snapshot.changes(con, "中期评估").empty  # nothing changed yet
    report = next(data for name, data in stored.items() if name.endswith("评估报告（20231231）.docx"))
    assert Document(io.BytesIO(report)).paragraphs[0].text == "柳堡镇全民科学素质行动中期评估报告"
    assert {n.rsplit(".", 1)[1] for n in stored} == {"docx", "pptx", "xlsx", "json"}
    assert "情况通报（2023Q3）.docx" in stored  # the quarter 总览 showed on 2023-12-31 (2023Q4 not yet due)
    exported = json.loads(stored["指标导出（20231231）.json"])["rows"]
    assert {"code": "activity_count", "period": "2023Q3", "value": count_before} in \
        [{k: r[k] for k in ("code", "period", "value")} for r in exported if not r["by"]]

    receipts = bulk.load_many([("团委_2023Q3.xlsx", _late_return())], db_file=demo_db, received_on=LATE_ON)
    assert [r.status for r in receipts] == ["stored"]
    capsys.readouterr()
    assert main(["diff", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out.splitlines()
    with db.connect(demo_db) as con:
        changes = snapshot.changes(con, "中期评估")
    assert out[0] == f"与中期评估时相比有{len(changes)}项数据变化" and len(out) == 1 + len(changes)
    source = "团委2023年第3季度报表第1版（2024年2月1日收到）"
    whole = changes[(changes["分组"] == "全镇") & (changes["期间"] == "2023Q3")].set_index("指标代码")
    assert whole.loc["activity_count", ["当时", "现在"]].tolist() == [fmt.count(count_before, "个"),
                                                                   fmt.count(count_before + 3, "个")]
    assert whole.loc["participants", ["当时", "现在"]].tolist() == [fmt.count(people_before),
                                                                 fmt.count(people_before + 50 + 51 + 52)]
    assert whole.loc["activity_count", "变化来源"] == source
    team = changes[(changes["指标代码"] == "activity_count") & (changes["分组"] == "部门：团委")].set_index("期间")
    assert team.loc["2023", ["当时", "现在"]].tolist() == [fmt.count(team_before, "个"), fmt.count(team_before + 3, "个")]
    assert team.loc["2023Q3", ["当时", "现在"]].tolist() == ["（无）", "3个"]  # 团委 had no 2023Q3 activities before
    assert all(source in text for text in changes.loc[changes["指标代码"].str.startswith("activity"), "变化来源"])

    app_env(demo_db)
    at = run_app()
    note = next(e for e in at.expander if e.label == f"与中期评估时相比有{len(changes)}项数据变化")
    shown = note.dataframe[0].value
    assert len(shown) == len(changes) and source in set(shown["变化来源"])


def _team_year(path) -> int:
    with db.connect(path) as con:
        frame = indicator("activity_count").compute(con, MID, by="部门", period="year")
    return int(frame[(frame["period"] == "2023") & (frame["部门"] == "团委")]["value"].iloc[0])

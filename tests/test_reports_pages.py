"""The pages offer the evaluation pack: the report and deck at the sidebar's date on 总览 and 汇报模式, the
quarter's bulletin and the year's scorecard on 报送情况."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.apptest_util import run_app

AS_OF = dt.date(2025, 12, 31)


@pytest.mark.parametrize("page, keys", [
    (None, ["overview_evaluation_docx", "overview_deck_pptx"]),
    ("pages/present.py", ["present_evaluation_docx", "present_deck_pptx"]),
    ("pages/reporting.py", ["download_bulletin_docx", "download_scorecard_xlsx"]),
])
def test_each_page_offers_its_documents(demo_db_master, app_env, page, keys):
    app_env(demo_db_master)
    at = run_app(page=page, as_of=AS_OF)
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(keys) <= set(buttons)
    assert all(buttons[k].proto.label.startswith("下载") for k in keys)


def test_an_empty_warehouse_offers_no_documents_on_the_projector(empty_db, app_env):
    app_env(empty_db)
    at = run_app(page="pages/present.py")
    assert not [b for b in at.get("download_button") if b.key.startswith("present_")]

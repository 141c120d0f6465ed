"""Hostile and broken uploads (tests/make_bad_files.py): each gets a clear Chinese receipt pointing at the sheet,
row and column a user must fix, is refused before it can exhaust the machine, and leaves every table of the
database exactly as it was (checked with a hash of every base table and sequence, before and after).

The corpus is written once per session into a temporary folder; nothing big or hostile is committed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from etl import db, limits
from etl.limits import check_limits
from etl.safe_xlsx import safe_csv_value, write_frames
from etl.store import load_return
from tests.make_bad_files import (CORPUS, FORMULA_TEXT, MB, SQL_TEXT, big_file, inflated_file, many_rows,
                                  many_sheets, wide_sheet, write_bad_files)
from tests.make_fixtures import copy_database
from tests.make_format_files import FORMAT_CORPUS
from tests.workbooks import plan_book

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 1, 1)


# --- fixtures and helpers -----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every bad file, written once per session (the zip bombs are ~0.3 MB each on disk)."""
    return write_bad_files(tmp_path_factory.mktemp("bad_files"))


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    """A database holding the small test plan (tests/workbooks.py: departments 中小学, 农业站, 科协, 财政所)."""
    db_file = tmp_path_factory.mktemp("planned") / "w.duckdb"
    receipt = load_return(plan_book(), "plan.xlsx", db_file, today=TODAY)
    assert receipt.status == "stored", receipt.to_text()
    return db_file


@pytest.fixture
def db_file(planned, tmp_path) -> Path:
    return copy_database(planned, tmp_path / "db")


def checksums(db_file: Path) -> dict[str, str]:
    """A hash of every base table (all rows, in a stable order), of every sequence, and of the version file."""
    sums = {}
    with db.connect(db_file) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_type = 'BASE TABLE' order by table_name").fetchall()]
        for table in tables:
            rows = sorted(repr(r) for r in con.execute(f'select * from "{table}"').fetchall())
            sums[table] = hashlib.md5("|".join(rows).encode()).hexdigest() + f":{len(rows)}"
        for name, value in con.execute("select sequence_name, last_value from duckdb_sequences()").fetchall():
            sums[f"sequence {name}"] = repr(value)
    version = Path(str(db_file) + ".version")
    sums["version file"] = version.read_text() if version.exists() else ""
    archive = db.archive_dir(db_file)
    sums["archive"] = repr(sorted(p.name for p in archive.glob("*") if p.is_file()))  # refused/ changes
    return sums


def load(corpus, name: str, db_file: Path):
    file_name, _ = CORPUS[name]
    return load_return(corpus[name].read_bytes(), file_name, db_file, today=TODAY)


def refused_unchanged(corpus, name: str, db_file: Path):
    """Load a bad file: it is refused, and every table, sequence and the stored archive are as before."""
    before = checksums(db_file)
    receipt = load(corpus, name, db_file)
    assert receipt.status == "refused", receipt.to_text()
    after = checksums(db_file)
    changed = [k for k in before if before[k] != after.get(k)]
    assert not changed, f"{name} changed {changed}"
    return receipt


def stored_rows(db_file: Path, receipt, columns: str = "row_no, name, participants") -> list[tuple]:
    with db.connect(db_file) as con:
        return con.execute(f"select {columns} from activities where return_id = ? order by row_no",
                           [receipt.return_id]).fetchall()


# --- refused files: the receipt a user sees -----------------------------------------------------------------------

# (code, message contains, sheet, row, column, value contains, expected contains); None: not asserted.
REFUSED = {
    "csv": [("not_xlsx", "这是CSV或文本文件，不是Excel工作簿", "", None, "", "", ".xlsx")],
    "csv_as_xlsx": [("not_xlsx", "这是CSV或文本文件，不是Excel工作簿", "", None, "", "", ".xlsx")],
    "old_xls": [("bad_ole", "旧版Excel(.xls)文件中没有工作表（文件已损坏或不完整）", "", None, "", "", "另存为")],
    "pdf_renamed": [("not_xlsx", "这是PDF文件，不是Excel工作簿", "", None, "", "", ".xlsx")],
    "empty": [("empty_file", "文件为空（0字节）", "", None, "", "", ".xlsx")],
    "truncated_zip": [("bad_zip", "文件已损坏或不完整", "", None, "", "", "重新保存后完整上传")],
    "corrupted_zip": [("bad_zip", "文件已损坏或不完整", "", None, "", "", "重新保存后完整上传")],
    "password_protected": [("encrypted", "工作簿设有打开密码", "", None, "", "", "取消打开密码")],
    "docx_renamed": [("not_xlsx", "压缩包中没有Excel工作簿内容", "", None, "", "", ".xlsx")],
    "zip_bomb": [("zip_bomb", "文件解压后达300MB，是文件大小的", "", None, "", "", "正常的.xlsx")],
    "lying_zip_bomb": [("bad_zip", "实际大小与声明不符", "", None, "", "", "重新保存")],
    "too_many_rows": [("too_many_rows", "工作表有100,001行，超过上限100,000行", "活动明细", None, "", "", "")],
    "too_many_rows_lying_dimension": [("too_many_rows", "行，超过上限100,000行", "活动明细", None, "", "", "")],
    "too_many_rows_reordered_attributes": [("too_many_rows", "行，超过上限100,000行", "活动明细", None, "", "", "")],
    "too_many_columns": [("too_many_columns", "工作表有201列，超过上限200列", "活动明细", None, "", "", "")],
    "too_many_cells": [("too_many_cells", "超过上限5,000,000个单元格", "活动明细", None, "", "", "")],
    "too_many_sheets": [("too_many_sheets", "工作簿有51张工作表，超过上限50张", "", None, "", "", "")],
    "too_many_parts": [("too_many_parts", "超过上限2,000个", "", None, "", "", "")],
    "xml_entities": [("xml_dtd", "DTD/实体声明", "", None, "", "", "")],
    "formula_no_cache": [("formula_no_value", "公式没有计算结果", "活动明细", 3, "I列", "", "在Excel中打开并保存")],
    "error_cells": [("error_cell", "单元格是错误值", "活动明细", 2, "I列", "#REF!", "数值或文字"),
                    ("error_cell", "单元格是错误值", "活动明细", 3, "K列", "#DIV/0!", "数值或文字")],
    "wrong_report_type": [("report_type", "无法识别报表类型", "填报信息", None, "报表类型", "", "科普活动")],
    "control_in_report_type": [("report_type", "无法识别报表类型", "填报信息", None, "报表类型", "", "科普活动")],
    "survey_type_activity_sheets": [("missing_sheet", "缺少工作表“调查数据”", "调查数据", None, "", "", "")],
    "unknown_department": [("invalid", "不在工作计划的名单中", "填报信息", 3, "填报单位", "宣传办", "科协")],
    "future_period": [("future_period", "报表期间尚未开始", "填报信息", None, "季度", "2026年第2季度", "2026-01-01")],
    "duplicate_ids": [("duplicate_id", "编号与第2行重复", "活动明细", 4, "活动编号", "A001", "唯一")],
    "negative_number": [("invalid", "超出允许范围", "活动明细", 3, "参与人次", "-5", "不小于0的整数")],
    "absurd_number": [("invalid", "数值大得不合理", "活动明细", 3, "参与人次", "1000000000000", "整数")],
    "absurd_cost": [("invalid", "数值大得不合理", "活动明细", 3, "经费(元)", "1e+300", "1万亿")],
    "text_in_number": [("invalid", "不是有效整数", "活动明细", 3, "参与人次", "四十人", "不小于0的整数")],
    "long_cell": [("invalid", "文字过长（10,000个字符）", "活动明细", 3, "活动名称", "长" * 57 + "…",
                   "不超过2000个字符的文本")],
    "control_chars": [("invalid", "含有控制字符", "活动明细", 2, "活动名称", "科普讲座�进村", "不含控制字符"),
                      ("invalid", "含有控制字符", "活动明细", 3, "活动名称", "科普�讲座", "不含控制字符")],
    "injection_department": [("invalid", "不在工作计划的名单中", "填报信息", 3, "填报单位", FORMULA_TEXT, "科协")],
}


def test_every_corpus_file_is_small_on_disk(corpus):
    sizes = {name: path.stat().st_size for name, path in corpus.items()}
    assert max(sizes.values()) < 1 * MB, sizes
    assert set(REFUSED) | set(STORED) | set(FORMAT_CORPUS) == set(CORPUS)  # those: tests/test_workbook_formats.py


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_file_is_refused_with_a_chinese_receipt_and_the_database_unchanged(corpus, db_file, name):
    receipt = refused_unchanged(corpus, name, db_file)
    found = [(p.code, p.message, p.sheet, p.row, p.column, p.value, p.expected) for p in receipt.errors]
    assert len(found) == len(REFUSED[name]), receipt.to_text()
    for (code, message, sheet, row, column, value, expected), got in zip(REFUSED[name], found):
        assert got[0] == code, receipt.to_text()
        assert message in got[1], receipt.to_text()
        assert (got[2], got[4]) == (sheet, column), receipt.to_text()
        assert row is None or got[3] == row, receipt.to_text()
        assert value in got[5] and expected in got[6], receipt.to_text()
    assert receipt.to_text().splitlines()[1].startswith("  错误："), receipt.to_text()
    assert "未入库（有错误）" in receipt.summary


@pytest.mark.parametrize("name", ["old_xls", "zip_bomb", "xml_entities"])
def test_refused_files_are_kept_in_the_refused_archive(corpus, db_file, name):
    receipt = refused_unchanged(corpus, name, db_file)
    folder = db.archive_dir(db_file) / "refused"
    entries = [json.loads(line) for line in (folder / "refused.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entries[-1]["sha256"] == receipt.sha256 and entries[-1]["errors"] == [p.text for p in receipt.errors]
    assert (folder / entries[-1]["archived"]).read_bytes() == corpus[name].read_bytes()


def test_password_protected_imitation_is_a_well_formed_compound_file(corpus):
    """The imitation is an OLE2 file with the two streams Excel writes for an open password (not real AES)."""
    data = corpus["password_protected"].read_bytes()
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and len(data) % 512 == 0
    for stream in ("EncryptionInfo", "EncryptedPackage"):
        assert stream.encode("utf-16-le") in data
    try:
        import olefile  # not a dependency; when present, it confirms the structure
    except ImportError:
        return
    assert sorted(olefile.OleFileIO(io.BytesIO(data)).listdir()) == [["EncryptedPackage"], ["EncryptionInfo"]]


# --- files that are stored: read as the sender sees them, nothing executed ---------------------------------------

STORED = {"macro_xlsm", "formula_cached", "hidden_sheet", "hidden_rows", "merged_header", "zero_width",
          "injection_text", "extra_column_text"}


def stored(corpus, name: str, db_file: Path):
    before = checksums(db_file)
    receipt = load(corpus, name, db_file)
    assert receipt.status == "stored" and not receipt.errors, receipt.to_text()
    with db.connect(db_file) as con:
        assert con.execute("select count(*) from returns where kind = 'activity'").fetchone()[0] == 1
        assert con.execute("select count(*) from activities").fetchone()[0] == receipt.rows
    plan_tables = [k for k in before if k.startswith("plan_")]
    assert {k: before[k] for k in plan_tables} == {k: checksums(db_file)[k] for k in plan_tables}
    return receipt


def test_macro_workbook_is_read_for_its_cells_only(corpus, db_file):
    receipt = stored(corpus, "macro_xlsm", db_file)
    assert [(p.code, p.message) for p in receipt.warnings] == [("macro", "工作簿含宏，宏不会被执行，只读取单元格内容")]
    assert [r[1] for r in stored_rows(db_file, receipt)] == ["科普活动1", "科普活动2"]
    with zipfile.ZipFile(corpus["macro_xlsm"]) as archive:
        assert "xl/vbaProject.bin" in archive.namelist()


def test_macro_warning_is_kept_for_the_office(corpus, db_file):
    receipt = stored(corpus, "macro_xlsm", db_file)
    with db.connect(db_file) as con:
        codes = {r[0] for r in con.execute("select code from problems where return_id = ?",
                                           [receipt.return_id]).fetchall()}
    assert "macro" in codes


def test_formulas_are_read_from_their_cached_value(corpus, db_file):
    receipt = stored(corpus, "formula_cached", db_file)
    assert [(p.code, p.sheet, p.message) for p in receipt.warnings] == [
        ("formula_cached", "活动明细", "有2个单元格是公式，已按保存的计算结果读取")]
    assert stored_rows(db_file, receipt, "row_no, participants, cost_yuan") == [(2, 40, 500.0), (3, 40, 500.0)]


def test_hidden_sheet_is_read_with_a_warning(corpus, db_file):
    receipt = stored(corpus, "hidden_sheet", db_file)
    assert [(p.code, p.sheet, p.message) for p in receipt.warnings] == [
        ("hidden_sheet", "活动明细", "该工作表被隐藏，已照常读取")]
    assert len(stored_rows(db_file, receipt)) == 2


def test_hidden_rows_and_columns_are_read_with_a_warning_the_office_keeps(corpus, db_file):
    receipt = stored(corpus, "hidden_rows", db_file)
    found = {p.code: p for p in receipt.warnings}
    assert (found["hidden_rows"].sheet, found["hidden_rows"].row) == ("活动明细", 3)
    assert "第3、4行" in found["hidden_rows"].message and "已照常读取" in found["hidden_rows"].message
    assert (found["hidden_columns"].sheet, found["hidden_columns"].column) == ("活动明细", "佐证材料")
    assert [r[0] for r in stored_rows(db_file, receipt)] == [2, 3, 4, 5]
    with db.connect(db_file) as con:
        kept = con.execute("select code, row_no from problems where return_id = ? and severity = 'warning' "
                           "order by code", [receipt.return_id]).fetchall()
    assert kept == [("hidden_columns", None), ("hidden_rows", 3)]


def test_two_row_merged_header_and_merged_data_cells_are_read_as_seen(corpus, db_file):
    receipt = stored(corpus, "merged_header", db_file)
    notes = {p.code: p for p in receipt.notes}
    assert notes["two_row_header"].message == "表头占两行（第2–3行），已合并读取"
    assert (notes["merged_cells"].row, notes["merged_cells"].column) == (5, "村(社区)")
    assert stored_rows(db_file, receipt, "row_no, participants, training_hours, village") == [
        (4, 40, 2.0, "新河村"), (5, 40, 2.0, "新河村"), (6, 40, 2.0, "新河村")]


def test_zero_width_characters_are_removed(corpus, db_file):
    receipt = stored(corpus, "zero_width", db_file)
    assert receipt.department == "科协"
    assert any("不可见字符" in p.message and p.column == "村(社区)" for p in receipt.notes), receipt.to_text()
    assert {r[0] for r in stored_rows(db_file, receipt, "village")} == {"新河村"}


def test_extra_column_with_long_text_and_control_characters_is_kept_raw(corpus, db_file):
    receipt = stored(corpus, "extra_column_text", db_file)
    assert [(p.code, p.column) for p in receipt.warnings] == [("extra_column", "备注")]
    with db.connect(db_file) as con:
        cells = [json.loads(r[0]) for r in con.execute(
            "select cells from raw_rows where return_id = ? order by row_no", [receipt.return_id]).fetchall()]
    assert [c["备注"] for c in cells] == ["备" * 10_000, "见附件\x07"]


def test_sql_and_formula_text_is_stored_as_plain_text_and_exported_as_text(corpus, db_file, tmp_path):
    receipt = stored(corpus, "injection_text", db_file)
    names = [r[1] for r in stored_rows(db_file, receipt)]
    assert names == [SQL_TEXT, FORMULA_TEXT, "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1"]
    with db.connect(db_file) as con:
        assert con.execute("select count(*) from returns").fetchone()[0] == 2  # the table is still there
        frame = con.execute("select row_no, name, evidence from activities where return_id = ? order by row_no",
                            [receipt.return_id]).fetchdf()
    out = tmp_path / "export.xlsx"
    write_frames(out, {"活动": frame})
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    cells = [row for row in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert [c[1] for c in cells] == names and cells[3][2] == "-2+3"
    exported = load_workbook(out).active
    assert all(exported.cell(r, 2).data_type == "s" for r in range(2, 6))
    assert [safe_csv_value(n) for n in names[1:]] == ["'" + n for n in names[1:]]
    assert safe_csv_value(SQL_TEXT) == SQL_TEXT


def test_formula_text_in_a_refused_receipt_stays_text(corpus, db_file):
    receipt = refused_unchanged(corpus, "injection_department", db_file)
    with zipfile.ZipFile(io.BytesIO(receipt.to_xlsx())) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert b"<f>" not in xml and b"<f " not in xml and f"<t>{FORMULA_TEXT}</t>" in strings


# --- limits: each one named in Chinese, just over refused, at the limit accepted ---------------------------------

def errors_of(data: bytes, code: str) -> list:
    return [p for p in check_limits(data) if p.code == code]


def test_upload_size_default_is_20_mb(monkeypatch):
    monkeypatch.delenv("KEXUE_MAX_UPLOAD_MB", raising=False)
    assert limits.max_upload_mb() == 20
    over = b"PK" + b"\0" * (20 * MB - 1)
    [problem] = errors_of(over, "too_large")
    assert problem.message == "文件大小20.00MB，超过上限20MB" and problem.expected == "不超过20MB的.xlsx"


def test_upload_size_limit_is_configurable(monkeypatch, db_file):
    monkeypatch.setenv("KEXUE_MAX_UPLOAD_MB", "0.05")
    limit = int(0.05 * MB)
    assert not errors_of(big_file(limit - 200), "too_large")
    data = big_file(limit + 40)
    assert len(data) > limit
    before = checksums(db_file)
    receipt = load_return(data, "大文件.xlsx", db_file, today=TODAY)
    assert [(p.code, p.message) for p in receipt.errors] == [("too_large", "文件大小51.2KB，超过上限0.05MB")]
    assert checksums(db_file) == before


def test_unpacked_size_limit_is_configurable(monkeypatch):
    monkeypatch.setenv("KEXUE_MAX_UNPACKED_MB", "1")
    assert not errors_of(inflated_file(MB // 2), "zip_bomb")
    data = inflated_file(MB + 4096)
    assert len(data) < MB // 4  # small file, plausible ratio: only the absolute limit applies
    [problem] = errors_of(data, "zip_bomb")
    assert "超过解压后大小上限1MB" in problem.message


@pytest.mark.slow
@pytest.mark.parametrize("builder, at_limit, over, code, message", [
    (many_rows, 99_999, 100_000, "too_many_rows", "工作表有100,001行，超过上限100,000行"),
    (wide_sheet, 200, 201, "too_many_columns", "工作表有201列，超过上限200列"),
    (many_sheets, 50, 51, "too_many_sheets", "工作簿有51张工作表，超过上限50张"),
], ids=["rows", "columns", "sheets"])
def test_structure_limits_refuse_just_over_and_accept_at_the_limit(builder, at_limit, over, code, message):
    assert not [p for p in check_limits(builder(at_limit)) if p.severity == "error"]
    [problem] = errors_of(builder(over), code)
    assert problem.message == message


@pytest.mark.slow
def test_zip_bomb_is_refused_without_unpacking_it(corpus, db_file):
    for name in ("zip_bomb", "lying_zip_bomb"):
        data = corpus[name].read_bytes()
        tracemalloc.start()
        try:
            receipt = load_return(data, "活动.xlsx", db_file, today=TODAY)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert receipt.status == "refused", receipt.to_text()
        assert peak < 50 * MB, f"{name}: peak {peak / MB:.0f} MB"


@pytest.mark.slow
def test_lying_zip_bomb_check_keeps_the_whole_process_small(corpus, tmp_path):
    """tracemalloc sees Python only; here the process's peak resident memory (Rust/C allocations included)."""
    script = (
        "import resource, sys, datetime as dt\n"
        "from etl.store import load_return\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "r = load_return(data, 'x.xlsx', sys.argv[2], today=dt.date(2026, 1, 1))\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(r.status, (after - before) // 1024)\n")
    out = subprocess.run([sys.executable, "-c", script, str(corpus["lying_zip_bomb"]), str(tmp_path / "w.duckdb")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    status, grown_mb = out.stdout.split()
    assert status == "refused" and int(grown_mb) < 50, out.stdout + out.stderr


def test_a_sheet_is_scanned_quickly_whatever_its_dimension_says(corpus):
    import time
    data = corpus["too_many_rows_lying_dimension"].read_bytes()
    started = time.perf_counter()
    [problem] = errors_of(data, "too_many_rows")
    assert time.perf_counter() - started < 5
    assert problem.sheet == "活动明细"


def test_damaged_sheet_read_by_calamine_is_an_unreadable_error_not_a_crash():
    """Past the pre-parse checks (as with a file that only the reader finds damaged), read.py turns calamine's
    exception into an error on the receipt."""
    from etl.read import read_workbook
    from etl.spec import ACTIVITY
    from tests.make_bad_files import dtd_book
    book = read_workbook(dtd_book(), ACTIVITY)
    assert [(p.code, p.sheet) for p in book.problems if p.severity == "error"] == [("unreadable", "活动明细")]
    assert "无法读取" in book.problems[-1].message


def test_export_frames_write_every_text_as_text(tmp_path):
    frame = pd.DataFrame({"活动名称": [FORMULA_TEXT, SQL_TEXT, "=1+1", "@A1"]})
    out = tmp_path / "x.xlsx"
    write_frames(out, {"s": frame})
    sheet = load_workbook(out).active
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == list(frame["活动名称"])
    assert {sheet.cell(r, 1).data_type for r in range(2, 6)} == {"s"}

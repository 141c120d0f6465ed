"""Workbooks as offices send them beyond the plain .xlsx (tests/make_format_files.py): each is read to exactly the
rows of the same return as .xlsx, or refused with its true reason in Chinese and the warehouse unchanged.

The exact receipt a user sees is asserted, line for line.
"""
from __future__ import annotations

import json
import time
import zipfile

import pytest

from etl import db
from etl.limits import check_limits
from etl.store import load_return
from tests.make_bad_files import CORPUS, write_bad_files
from tests.make_format_files import FORMAT_CORPUS, base_return
from tests.test_hostile_files import TODAY, checksums, db_file, planned, refused_unchanged  # noqa: F401 (fixtures)

ALL_ROWS = "* exclude (return_id)"
SAVE_AS = "用Excel“另存为”Excel工作簿(.xlsx)后重新上传"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The format cases of the hostile corpus, plus the zero-byte file, written once for this module."""
    return write_bad_files(tmp_path_factory.mktemp("formats"), [*FORMAT_CORPUS, "empty"])


def rows_of(db_file, receipt) -> list[tuple]:
    with db.connect(db_file) as con:
        return con.execute(f"select {ALL_ROWS} from activities where return_id = ? order by row_no",
                           [receipt.return_id]).fetchall()


@pytest.fixture(scope="module")
def xlsx_rows(planned, tmp_path_factory) -> list[tuple]:
    """The rows the plain .xlsx of the base return gives (each variant must give exactly these)."""
    from tests.make_fixtures import copy_database
    target = copy_database(planned, tmp_path_factory.mktemp("xlsx"))
    receipt = load_return(base_return(), "活动.xlsx", target, today=TODAY)
    assert receipt.status == "stored" and receipt.to_text() == (
        "活动.xlsx（科协、2021年第1季度）：已入库 · 错误0条 · 提醒0条 · 说明0条"), receipt.to_text()
    rows = rows_of(target, receipt)
    assert [(r[0], r[1], r[2]) for r in rows] == [(2, "A001", "科普活动1"), (3, "A002", "科普活动2"),
                                                   (4, "A003", "科普活动3")]
    return rows


STORED = {
    "strict_open_xml": [],
    # calamine finds the workbook through the relationships but its styles only at xl/styles.xml: the dates
    # come as Excel serial numbers, which the reader converts (and says so).
    "workbook_elsewhere": ["  说明：【活动明细】第2行「开始日期」日期以Excel序号填写，已转换（共3处）",
                           "  说明：【活动明细】第2行「结束日期」日期以Excel序号填写，已转换（共3处）"],
    "backslash_paths": [],
    "lying_dimension": [],
    "macro_sheet": ["  提醒：工作簿含宏表“宏1”（Excel 4.0宏），宏不会被执行，只读取数据工作表"],
    "xls_return": [],   # Excel 97–2003, written by xlwt
    "xlsb_return": [],  # Excel Binary, written record by record
    "ods_return": [],   # OpenDocument, ending in 1,048,572 empty rows repeated, as LibreOffice saves it
}


@pytest.mark.parametrize("name", sorted(STORED))
def test_variant_is_stored_with_the_rows_of_the_xlsx(corpus, db_file, xlsx_rows, name):
    receipt = load_return(corpus[name].read_bytes(), CORPUS[name][0], db_file, today=TODAY)
    lines = receipt.to_text().splitlines()
    warnings = sum(line.startswith("  提醒") for line in STORED[name])
    notes = len(STORED[name]) - warnings
    assert lines == [f"{CORPUS[name][0]}（科协、2021年第1季度）：已入库 · 错误0条 · 提醒{warnings}条 · 说明{notes}条",
                     *STORED[name]], receipt.to_text()
    assert rows_of(db_file, receipt) == xlsx_rows


def test_the_variants_really_differ_from_a_plain_package(corpus):
    """Each fixture holds what it claims (so that the test above cannot pass on a plain .xlsx)."""
    def names(case):
        return zipfile.ZipFile(corpus[case]).namelist()

    def part(case, name):
        return zipfile.ZipFile(corpus[case]).read(name)

    assert "excel/book.xml" in names("workbook_elsewhere") and "xl/workbook.xml" not in names("workbook_elsewhere")
    assert "xl\\workbook.xml" in names("backslash_paths") and "xl/workbook.xml" not in names("backslash_paths")
    assert b'conformance="strict"' in part("strict_open_xml", "xl/workbook.xml")
    assert b"http://schemas.openxmlformats.org" not in part("strict_open_xml", "xl/worksheets/sheet2.xml")
    assert b'<dimension ref="A1:IV1"/>' in part("lying_dimension", "xl/worksheets/sheet3.xml")
    assert b'<dimension ref="A1:IV4"/>' in part("lying_dimension", "xl/worksheets/sheet2.xml")
    assert b'<c r="IV2" s="1"/>' in part("lying_dimension", "xl/worksheets/sheet2.xml")
    assert b'EXEC("calc.exe")' in part("macro_sheet", "xl/macrosheets/sheet1.xml")


REFUSED = {
    "strict_macro_sheet": [
        "  错误：工作簿是Strict Open XML格式（“严格Open XML电子表格”），无法读取。请在Excel中“另存为”Excel工作簿(.xlsx)后重新上传。",
        "  提醒：工作簿含宏表“宏1”（Excel 4.0宏），宏不会被执行，只读取数据工作表"],
    "empty": ["  错误：文件为空（0字节），可能上传中断，应为填好的.xlsx工作簿"],
    "ods_repeat_bomb": ["  错误：【活动明细】工作表至少有1,048,576行，超过上限100,000行，"
                        "应为不超过100,000行（多份数据请分文件上传，并删除多余的空行）"],
    "xlsb_far_column": ["  错误：【活动明细】工作表至少有16384列，超过上限200列，应为不超过200列（删除多余的列）"],
    "xls_wide": ["  错误：【活动明细】工作表有256列，超过上限200列，应为不超过200列（删除多余的列）"],
    "ole_lying_size": [f"  错误：旧版Excel(.xls)文件结构异常（已损坏或被篡改），应为{SAVE_AS}"],
    "ole_bad_sector_size": [f"  错误：旧版Excel(.xls)文件结构异常（已损坏或被篡改），应为{SAVE_AS}"],
    "xls_password": ["  错误：工作簿设有打开密码（文件已加密），无法读取，"
                     "应为在Excel中取消打开密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后重新上传"],
    "xlsb_missing_sheet_part": ["  错误：文件结构异常：工作表“活动明细”的内容在文件中找不到（已损坏或被篡改），"
                                "应为用Excel重新保存后上传"],
    "doc_renamed_xls": [f"  错误：这是旧版Word等其他Office文件，不是Excel工作簿，应为{SAVE_AS}"],
    "formulas_100k": [
        "  错误：【填报信息】缺少工作表“填报信息”，应为两列：项目名称、填写内容；其中“报表类型”填写科学素质调查、科普活动、工作计划之一",
        "  提醒：【公式】有100000个单元格是公式，已按保存的计算结果读取"],
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n == "formulas_100k" else n
                                  for n in sorted(REFUSED)])
def test_refused_with_its_true_reason_archived_and_logged(corpus, db_file, name):
    receipt = refused_unchanged(corpus, name, db_file)
    errors = sum(line.startswith("  错误") for line in REFUSED[name])
    assert receipt.to_text().splitlines() == [
        f"{CORPUS[name][0]}：未入库（有错误） · 错误{errors}条 · 提醒{len(REFUSED[name]) - errors}条 · 说明0条",
        *REFUSED[name]]
    folder = db.archive_dir(db_file) / "refused"
    entry = json.loads((folder / "refused.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (entry["file_name"], entry["sha256"]) == (CORPUS[name][0], receipt.sha256)
    assert (folder / entry["archived"]).read_bytes() == corpus[name].read_bytes()


def test_no_message_names_an_exception_class(corpus):
    """Readers' exceptions (CalamineError, XmlError …) never reach a receipt: the reason is told in Chinese."""
    import re
    from pathlib import Path

    from etl.read import read_workbook
    from etl.spec import ACTIVITY
    from tests.make_bad_files import dtd_book
    from etl.validate import check_return
    texts = [p.text for p in check_return(corpus["strict_macro_sheet"].read_bytes(), None).problems]
    texts += [p.text for p in read_workbook(dtd_book(), ACTIVITY).problems]
    assert texts[-1] == ("错误：【活动明细】工作表“活动明细”无法读取，文件可能已损坏。"
                         "请用Excel另存为Excel工作簿(.xlsx)后重新上传。")
    assert not [t for t in texts if re.search(r"[A-Za-z]+(Error|Exception)", t)]
    sources = "".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[1] / "etl").glob("*.py"))
    assert "__name__}" not in sources and "CalamineError" not in sources


@pytest.mark.slow
def test_a_sheet_of_100000_formulas_is_scanned_in_linear_time(corpus):
    """The scan once took 265 s (a backward search per formula cell); benchmarks/formats.py compares it with the
    bare read. Here only a bound far above the linear scan (well under a second) and far below the old cost."""
    data = corpus["formulas_100k"].read_bytes()
    started = time.perf_counter()
    [problem] = check_limits(data)
    assert time.perf_counter() - started < 20
    assert (problem.code, problem.message) == ("formula_cached", "有100000个单元格是公式，已按保存的计算结果读取")


def test_the_format_fixtures_are_what_they_claim(corpus):
    """.xls in a compound file with a Workbook stream, .xlsb a package of binary parts, .ods an ODF package whose
    mimetype comes first and stored; the hostile ones hold their flaw."""
    from etl import formats
    xls = corpus["xls_return"].read_bytes()
    streams = formats.compound_streams(xls)
    assert streams["Workbook"][:2] == b"\x09\x08"  # BIFF BOF
    sheets, encrypted, macro = formats.scan_biff(streams["Workbook"])
    assert [(s.name, s.rows, s.columns) for s in sheets] == [("填报信息", 8, 2), ("活动明细", 4, 15)]
    with zipfile.ZipFile(corpus["xlsb_return"]) as archive:
        assert sorted(n for n in archive.namelist() if n.endswith(".bin")) == [
            "xl/styles.bin", "xl/workbook.bin", "xl/worksheets/sheet1.bin", "xl/worksheets/sheet2.bin"]
        assert formats.xlsb_sheet_names(archive.read("xl/workbook.bin")) == [("填报信息", "rId1"), ("活动明细", "rId2")]
    with zipfile.ZipFile(corpus["ods_return"]) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert b'table:number-rows-repeated="1048572"' in archive.read("content.xml")
    assert formats.compound_streams(corpus["doc_renamed_xls"].read_bytes()).keys() >= {"WordDocument"}
    with zipfile.ZipFile(corpus["ods_repeat_bomb"]) as archive:
        assert archive.getinfo("content.xml").file_size < 10_000  # a billion cells once laid out


def test_ods_and_xlsb_bombs_are_counted_without_laying_cells_out(corpus):
    """The repeat count and the far column are read as numbers: the check is quick and small."""
    import tracemalloc
    for name in ("ods_repeat_bomb", "xlsb_far_column"):
        tracemalloc.start()
        started = time.perf_counter()
        [problem] = check_limits(corpus[name].read_bytes())
        seconds, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert problem.code in ("too_many_rows", "too_many_columns") and seconds < 5 and peak < 20 * 2**20


def test_a_reader_panic_is_an_unreadable_error_not_a_crash(corpus):
    """Past the checks (as when a file only the reader finds wrong), calamine's Rust panic — a BaseException —
    becomes the Chinese reason, never an escaping exception."""
    from etl.read import UnreadableWorkbook, open_workbook
    with pytest.raises(UnreadableWorkbook) as raised:
        book = open_workbook(corpus["xlsb_missing_sheet_part"].read_bytes())
        book.get_sheet_by_name("活动明细").to_python()
    assert str(raised.value) == ("文件无法作为Excel工作簿打开，可能已损坏或不是Excel文件。"
                                 "请在Excel中“另存为”Excel工作簿(.xlsx)后重新上传。")

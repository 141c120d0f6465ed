"""Checks made before a file is parsed: size, file type, zip structure, unpacked size, sheets, rows, columns.

A department's file is opened only after these pass, so that a renamed PDF, a zip bomb or a sheet with a
million rows gets a clear Chinese answer instead of exhausting the machine. The sheet XML is also scanned for
error cells (#REF!, #DIV/0!) and formulas without a cached value, which a reader would otherwise see as blank.
"""
from __future__ import annotations

import io
import os
import re
import zipfile

from etl.receipt import Problem, error, warning

MB = 1024 * 1024
MAX_SHEETS = 50
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_RATIO = 200          # unpacked ÷ packed beyond this is a zip bomb, not a spreadsheet
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:?([A-Z]+)?(\d+)?"')
_CELL = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_SHEET = re.compile(rb'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')


def max_upload_mb() -> float:
    """The upload size limit in MB: $KEXUE_MAX_UPLOAD_MB, default 20."""
    return float(os.environ.get("KEXUE_MAX_UPLOAD_MB", "20"))


def check_limits(data: bytes, file_name: str = "") -> list[Problem]:
    """Everything wrong with the file as a file; an empty list means it may be parsed."""
    if not data:
        return [error("empty_file", "文件为空（0字节），可能上传中断", expected="填好的.xlsx工作簿")]
    if len(data) > max_upload_mb() * MB:
        return [error("too_large", f"文件大小{len(data) / MB:.1f}MB，超过上限{max_upload_mb():g}MB",
                      expected=f"不超过{max_upload_mb():g}MB的.xlsx")]
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return [error("ole_file", "这是旧版Excel(.xls)文件或设有打开密码的工作簿，无法读取",
                      expected="用Excel“另存为”.xlsx格式，并取消打开密码")]
    if head.startswith(b"%PDF"):
        return [error("not_xlsx", "这是PDF文件，不是Excel工作簿", expected="填好的.xlsx工作簿")]
    if not head.startswith(b"PK"):
        kind = "CSV或文本文件" if _looks_like_text(data) else "无法识别的文件"
        return [error("not_xlsx", f"这是{kind}，不是Excel工作簿", expected="用下载的模板填写的.xlsx工作簿")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        names = {i.filename for i in infos}
    except (zipfile.BadZipFile, EOFError, ValueError):
        return [error("bad_zip", "文件已损坏或不完整（可能传输中断）", expected="重新保存后完整上传")]
    if "xl/workbook.xml" not in names:
        return [error("not_xlsx", "压缩包中没有Excel工作簿内容（可能是Word等其他文件改了扩展名）",
                      expected=".xlsx工作簿")]
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_RATIO * len(data) and unpacked > 50 * MB or unpacked > 20 * max_upload_mb() * MB:
        return [error("zip_bomb", f"文件解压后达{unpacked / MB:,.0f}MB，远超正常工作簿，已拒绝",
                      expected="正常的.xlsx工作簿")]
    problems: list[Problem] = []
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        problems.append(warning("macro", "工作簿含宏，宏不会被执行，只读取单元格内容"))
    try:
        problems += _scan_sheets(archive, names)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, KeyError):
        problems.append(error("bad_zip", "文件已损坏或不完整（可能传输中断）", expected="重新保存后完整上传"))
    return problems


def _looks_like_text(data: bytes) -> bool:
    sample = data[:2048]
    return b"\x00" not in sample and (b"," in sample or b"\n" in sample)


def _sheet_files(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → XML path inside the zip."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in archive.namelist() else b""
    targets = {}
    for m in _REL.finditer(rels):
        rel_id, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        target = target.decode().lstrip("/")
        targets[rel_id.decode()] = target if target.startswith("xl/") else "xl/" + target
    return {name.decode("utf-8", "replace"): targets.get(rid.decode(), "")
            for name, rid in _SHEET.findall(workbook)}


def _scan_sheets(archive: zipfile.ZipFile, names: set[str]) -> list[Problem]:
    sheets = _sheet_files(archive)
    if len(sheets) > MAX_SHEETS:
        return [error("too_many_sheets", f"工作簿有{len(sheets)}张工作表，超过上限{MAX_SHEETS}")]
    problems: list[Problem] = []
    for sheet, path in sheets.items():
        if path not in names:
            continue
        xml = archive.read(path)
        dim = _DIMENSION.search(xml[:4096])
        if dim and dim.group(2) and int(dim.group(2)) > MAX_ROWS:
            problems.append(error("too_many_rows", f"工作表有{int(dim.group(2)):,}行，超过上限{MAX_ROWS:,}行", sheet=sheet))
            continue
        if dim and dim.group(1) and _column_number(dim.group(1).decode()) > MAX_COLUMNS:
            problems.append(error("too_many_columns", f"工作表有{_column_number(dim.group(1).decode())}列，"
                                  f"超过上限{MAX_COLUMNS}列", sheet=sheet))
            continue
        if b"<f" not in xml and b't="e"' not in xml:
            continue
        problems += _cell_problems(sheet, xml)
    return problems


def _cell_problems(sheet: str, xml: bytes) -> list[Problem]:
    """Error cells and formulas without a cached value, by cell reference."""
    problems = []
    cached = 0
    for ref, attrs, body in _CELL.findall(xml):
        body = body or b""
        row, col = _split_ref(ref.decode())
        if b't="e"' in attrs:
            value = re.search(rb"<v>(.*?)</v>", body)
            problems.append(error("error_cell", "单元格是错误值（公式出错）", sheet=sheet, row=row, column=f"{col}列",
                                  value=value.group(1).decode() if value else "#错误",
                                  expected="数值或文字（请修正公式或改为数值）"))
        elif b"<f" in body:
            if re.search(rb"<v>.+?</v>", body, re.S):
                cached += 1
            else:
                problems.append(error("formula_no_value", "公式没有计算结果（未保存计算值）", sheet=sheet, row=row,
                                      column=f"{col}列", expected="在Excel中打开并保存，或改为数值"))
    if cached:
        problems.append(warning("formula_cached", f"有{cached}个单元格是公式，已按保存的计算结果读取", sheet=sheet))
    return problems[:200]


def _split_ref(ref: str) -> tuple[int, str]:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    return int(m.group(2)), m.group(1)


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number

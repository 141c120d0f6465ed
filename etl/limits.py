"""Checks made before a file is parsed: size, file type, zip structure, unpacked size, sheets, rows, columns.

A department's file is opened only after these pass, so that a renamed PDF, a zip bomb or a sheet with a
million rows gets a clear Chinese answer instead of exhausting the machine. The sheet XML is also scanned for
error cells (#REF!, #DIV/0!) and formulas without a cached value, which a reader would otherwise see as blank.

Nothing here trusts what the file says about itself: the zip's declared sizes are checked against what its
deflate streams really unpack to (a zip bomb may declare a small size, etl.package), and rows and columns are
counted from the cells that hold something rather than read from its <dimension> (which may lie), unless every
cell is numbered inside A1:Z100000 (etl.small_grid: then the sheet is within every limit uncounted). Every part is
read in chunks of at most `CHUNK` bytes, so the check needs a few MB of memory whatever the file unpacks to.
.xls, .xlsb and .ods get the same checks through etl.formats.
"""
from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Callable, Iterator
from xml.etree.ElementTree import ParseError

from etl import formats, sheet_cache
from etl.package import (CHUNK, WORKSHEET_PREFIX, IndexTooLarge, attributes, entry_count, package_names, read_index,
                         relationships, verify_parts, workbook_part, workbook_sheets)
from etl.receipt import Problem, error, warning
from etl.small_grid import COLUMNS as SMALL_COLUMNS, ROWS as SMALL_ROWS, SmallGridWatch, small_grid

MB = 1024 * 1024
READ_EXTENSIONS = ("xlsx", "xlsm", "xls", "xlsb", "ods")  # the workbook formats read (python-calamine)
# The upload widget takes these too, so that a CSV, a WPS table or a PDF gets its Chinese receipt saying why
# it is refused, rather than the browser's English "files are not allowed".
UPLOAD_EXTENSIONS = READ_EXTENSIONS + ("xltx", "xltm", "et", "ett", "csv", "txt", "pdf", "doc", "docx", "wps")
MAX_SHEETS = 50
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000    # rows × columns of one sheet's used range: what a reader lays out as a grid
MAX_RATIO = 200          # unpacked ÷ packed beyond this is a zip bomb, not a spreadsheet
MAX_PARTS = 2_000        # zip entries; a workbook of 50 sheets with pictures has a few hundred
MAX_ROW_BYTES = 8 * MB   # one row's XML; 200 cells of 2,000 characters are under 2 MB
_INDEX_TOO_LARGE = error("bad_zip", "文件结构异常：工作簿目录部分大得不正常", expected="用Excel重新保存后上传")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_R = re.compile(rb'\br="([A-Z]*)(\d*)"')
_VALUE = re.compile(rb"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
# Over sheet XML whose namespace prefix (if any) iter_row_chunks has removed: literal prefixes keep them fast.
_ROW_R = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_ROW_ANY = re.compile(rb"<row[\s>/]")
_HIDDEN_ROW = re.compile(rb'<row\b([^>]*?\shidden="(?:1|true)"[^>]*)>')
_CELL_ANY = re.compile(rb"<c[\s>/]")
_HIDDEN_COLUMNS = re.compile(rb'<col\b([^>]*?\shidden="(?:1|true)"[^>]*)>')
# A cell holding something (a child element), not an empty styled <c r="IV1" s="3"/>: what a reader lays out.
_VALUED_CELL = re.compile(rb'<c\s[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*<(?!/c>)')
_VALUED_CELL_R_FIRST = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*<(?!/c>)')  # as most writers put it
_FORMULA_OR_ERROR = re.compile(rb'<f[\s>/]|<c\s[^>]*?\bt="e"')
_CACHED_FORMULA = re.compile(rb"<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*<v(?:\s[^>]*)?>[^<]")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_AFTER_CELL_TAG = (b" ", b">", b"/", b"\t", b"\n", b"\r")


def max_upload_mb() -> float:
    """The upload size limit in MB: $KEXUE_MAX_UPLOAD_MB, default 20."""
    return float(os.environ.get("KEXUE_MAX_UPLOAD_MB", "20"))


def max_unpacked_mb() -> float:
    """The limit on everything a workbook unpacks to, in MB: $KEXUE_MAX_UNPACKED_MB, default 20 × the upload limit."""
    return float(os.environ.get("KEXUE_MAX_UNPACKED_MB") or 20 * max_upload_mb())


def check_limits(data: bytes, file_name: str = "") -> list[Problem]:
    """Everything wrong with the file as a file; an empty list means it may be parsed."""
    if not data:
        return [error("empty_file", "文件为空（0字节），可能上传中断", expected="填好的.xlsx工作簿")]
    if len(data) > max_upload_mb() * MB:
        return [error("too_large", f"文件大小{_size(len(data))}，超过上限{max_upload_mb():g}MB",
                      expected=f"不超过{max_upload_mb():g}MB的.xlsx")]
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return formats.check_ole(data, MAX_SHEETS, size_problem)
    if head.startswith(b"%PDF"):
        return [error("not_xlsx", "这是PDF文件，不是Excel工作簿", expected="填好的.xlsx工作簿")]
    if not head.startswith(b"PK"):
        kind = "CSV或文本文件" if _looks_like_text(data) else "无法识别的文件"
        return [error("not_xlsx", f"这是{kind}，不是Excel工作簿", expected="用下载的模板填写的.xlsx工作簿")]
    damaged = error("bad_zip", "文件已损坏或不完整（可能传输中断）", expected="重新保存后完整上传")
    entries = entry_count(data)
    if entries is not None and entries > MAX_PARTS:
        return [error("too_many_parts", f"压缩包内有{entries:,}个部件，超过上限{MAX_PARTS:,}个，不是正常的工作簿",
                      expected="正常的.xlsx工作簿")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        names = {i.filename for i in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error, OSError):
        return [damaged]
    try:
        part = workbook_part(archive, package_names(archive))
        ods = part is None and formats.is_ods(archive, package_names(archive))
    except IndexTooLarge:
        return [_INDEX_TOO_LARGE]
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, KeyError, zlib.error, NotImplementedError):
        return [damaged]
    if part is None and not ods:
        return [error("not_xlsx", "压缩包中没有Excel工作簿内容（可能是Word等其他文件改了扩展名）",
                      expected=".xlsx工作簿")]
    unpacked = sum(i.file_size for i in infos)
    if unpacked > max_unpacked_mb() * MB:
        return [_bomb(f"文件解压后达{unpacked / MB:,.0f}MB，超过解压后大小上限{max_unpacked_mb():g}MB")]
    if unpacked > MAX_RATIO * len(data) and unpacked > 50 * MB:
        return [_bomb(f"文件解压后达{unpacked / MB:,.0f}MB，是文件大小的{unpacked / len(data):,.0f}倍，"
                      f"超过压缩比上限{MAX_RATIO}倍（疑似压缩炸弹）")]
    try:
        proof = SmallGridWatch.of_largest_sheet(infos)  # the proof made as verify_parts unpacks the largest sheet
        structure = verify_parts(data, infos, {proof.path: proof} if proof else None)
        if structure:
            return [structure]
        problems: list[Problem] = []
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            problems.append(warning("macro", "工作簿含宏，宏不会被执行，只读取单元格内容"))
        if ods:
            problems += _scan_ods(archive)
        elif part.lower().endswith(".bin"):
            problems += _scan_xlsb(archive, part)
        else:
            problems += _scan_sheets(archive, sheet_cache.shared_for(data), {proof.path: proof.result()} if proof else {})
    except IndexTooLarge:
        return [_INDEX_TOO_LARGE]
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, KeyError, zlib.error, struct.error, IndexError,
            NotImplementedError, RuntimeError, ParseError):
        return [damaged]
    return problems


def _size(n: int) -> str:
    return f"{n / MB:,.2f}MB" if n >= MB else f"{n / 1024:,.1f}KB"


def _bomb(message: str) -> Problem:
    return error("zip_bomb", message + "，已拒绝", expected="正常的.xlsx工作簿")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:2048]
    return b"\x00" not in sample and (b"," in sample or b"\n" in sample)


def iter_row_chunks(archive: zipfile.ZipFile, path: str) -> Iterator[bytes]:
    """A sheet part's XML in pieces that each end before a <row> starts (no row is split), in bounded memory.

    A namespace prefix (<x:row>, as some writers emit) is removed, so that callers match plain tags."""
    carry, prefix = b"", None
    with archive.open(path) as stream:
        while True:
            piece = stream.read(CHUNK)
            if not piece:
                break
            if prefix is None:
                found = WORKSHEET_PREFIX.search(piece[:4096])
                prefix = found.group(1) if found else b""
            buffer = carry + piece
            if prefix:
                buffer = buffer.replace(b"<" + prefix + b":", b"<").replace(b"</" + prefix + b":", b"</")
            cut = buffer.rfind(b"<row", max(0, len(carry) - 16))
            if cut <= 0:
                if len(buffer) > MAX_ROW_BYTES:
                    raise RowTooLarge()
                carry = buffer
                continue
            yield buffer[:cut]
            carry = buffer[cut:]
    if carry:
        yield carry


class RowTooLarge(ValueError):
    """One row of the sheet XML is larger than MAX_ROW_BYTES."""


@dataclass
class SheetFacts:
    """What the scan of one sheet part found: its used range, hidden rows, formula and error cells."""

    rows: int = 0
    columns: int = 0
    stopped: bool = False    # the scan stopped at a limit: rows/columns are "at least"
    small: bool = False      # every cell inside A1:Z100000 (small_grid): rows/columns were not counted (0)
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)
    cached_formulas: int = 0
    problems: list[Problem] = field(default_factory=list)


def scan_sheet(archive: zipfile.ZipFile, path: str, sheet: str, max_problems: int = 200,
               when_small: Callable[[], None] | None = None, small: bool | None = None) -> SheetFacts:
    """Count rows and columns from the cells that hold something (never from <dimension>, which may lie, nor
    from empty formatted cells); note hidden rows, error cells, formulas without value.

    Regular expressions over row-aligned chunks do the work (no Python step per cell). A first pass proves most
    sheets small (every cell numbered inside A1:Z100000, etl.small_grid) without counting; `when_small` is then
    called before the second pass looks for hidden rows, formulas and error cells. `small`: the first pass's
    answer when already known (SmallGridWatch)."""
    facts = SheetFacts(small=_small(archive, path, small))
    if facts.small and when_small is not None:
        when_small()
    row_tags, previous_rows, over = 0, 0, False
    for index, chunk in enumerate(iter_row_chunks(archive, path)):
        if over:
            facts.stopped = True
            break
        if index == 0:
            for hidden in _HIDDEN_COLUMNS.finditer(chunk):
                a = attributes(hidden.group(1))
                if a.get("min", "").isdigit() and a.get("max", "").isdigit():
                    low, high = int(a["min"]), min(int(a["max"]), int(a["min"]) + MAX_COLUMNS)
                    facts.hidden_columns += range(low, high + 1)
        if not facts.small:
            row_tags = _count_used_range(facts, chunk, row_tags, previous_rows)
            previous_rows = row_tags
        if b'hidden="' in chunk:
            for hidden in _HIDDEN_ROW.finditer(chunk):
                number = _ATTR_R.search(hidden.group(1))
                if number and number.group(2):
                    facts.hidden_rows.append(int(number.group(2)))
        formulas = chunk.count(b"<f>") + chunk.count(b"<f ") if b"<f" in chunk else 0
        errors = b't="e"' in chunk
        if formulas and not errors and len(_CACHED_FORMULA.findall(chunk)) == formulas:
            facts.cached_formulas += formulas  # the usual case, counted without a Python step per cell
        elif formulas or errors:
            for attrs, body in _flagged_cells(chunk):
                ref = _ATTR_R.search(attrs)
                row = int(ref.group(2)) if ref and ref.group(2) else None
                column = _column_number(ref.group(1).decode()) if ref and ref.group(1) else 0
                _cell_problem(facts, sheet, row, column, attrs, body, max_problems)
        over = facts.rows > MAX_ROWS or facts.columns > MAX_COLUMNS
    return facts


def _small(archive: zipfile.ZipFile, path: str, known: bool | None) -> bool:
    """etl.small_grid's proof for the sheet part (`known`: already made while unpacking it), where the limits
    are not lowered below the grid it proves a sheet fits in."""
    if not (SMALL_ROWS <= MAX_ROWS and SMALL_COLUMNS <= MAX_COLUMNS and SMALL_ROWS * SMALL_COLUMNS <= MAX_CELLS):
        return False  # count every sheet
    return small_grid(iter_row_chunks(archive, path)) if known is None else known


def _count_used_range(facts: SheetFacts, chunk: bytes, row_tags: int, previous_rows: int) -> int:
    """Widen facts.rows/columns to the chunk's cells that hold something; returns the row tags seen so far."""
    row_tags += chunk.count(b"<row ") + chunk.count(b"<row>")
    cells = chunk.count(b"<c ") + chunk.count(b"<c>")
    valued = (_VALUED_CELL_R_FIRST if chunk.count(b'<c r="') == cells else _VALUED_CELL).findall(chunk)
    if valued:  # map/set over C functions: no Python step per cell
        facts.rows = max(facts.rows, max(map(int, map(_SECOND, valued))))
        facts.columns = max(facts.columns, max(_column_number(x.decode()) for x in set(map(_FIRST, valued))))
    if chunk.count(b' r="') < cells + row_tags - previous_rows:  # cells not numbered (a few writers)
        facts.rows = max(facts.rows, row_tags, max((int(n) for n in _ROW_R.findall(chunk)), default=0))
        facts.columns = max(facts.columns, _widest_row_without_refs(chunk))
    return row_tags


def _widest_row_without_refs(chunk: bytes) -> int:
    """Cells without an r="A1" reference sit one after another: the widest row by counting them."""
    widest = 0
    for row in chunk.split(b"<row"):
        widest = max(widest, len(_CELL_ANY.findall(row)))
    return widest


def _flagged_cells(chunk: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(attributes, body) of every cell holding a formula or marked as an error value, in one pass.

    A formula's cell starts at the nearest "<c" before its <f> (only the cell's attributes lie between), so
    each cell costs its own length: the whole chunk is scanned once, whatever the number of formulas."""
    last = -1
    for mark in _FORMULA_OR_ERROR.finditer(chunk):
        start = mark.start()
        if not chunk.startswith(b"<c", start):
            start = chunk.rfind(b"<c", 0, start)
            while start >= 0 and chunk[start + 2:start + 3] not in _AFTER_CELL_TAG:  # <col …>, not a cell
                start = chunk.rfind(b"<c", 0, start)
        if start <= last:
            continue
        last = start
        cell = _CELL.match(chunk, start)
        if cell:
            yield cell.group(1), cell.group(2) or b""


def _cell_problem(facts: SheetFacts, sheet: str, row: int | None, column: int, attrs: bytes, body: bytes,
                  max_problems: int) -> None:
    letters = f"{formats.column_letters(column)}列" if column else ""
    value = _VALUE.search(body)
    if b't="e"' in attrs:
        if len(facts.problems) < max_problems:
            facts.problems.append(error(
                "error_cell", "单元格是错误值（公式出错）", sheet=sheet, row=row, column=letters,
                value=value.group(1).decode("utf-8", "replace")[:20] if value else "#错误",
                expected="数值或文字（请修正公式或改为数值）"))
    elif value and (value.group(1) or b't="str"' in attrs):
        facts.cached_formulas += 1
    elif len(facts.problems) < max_problems:
        facts.problems.append(error("formula_no_value", "公式没有计算结果（未保存计算值）", sheet=sheet, row=row,
                                    column=letters, expected="在Excel中打开并保存，或改为数值"))


def _scan_xlsb(archive: zipfile.ZipFile, part: str) -> list[Problem]:
    """An .xlsb package: its sheets named in xl/workbook.bin, each binary sheet part counted record by record."""
    names = package_names(archive)
    targets = {rel.get("Id", ""): rel for rel in relationships(archive, names, part)}
    sheets, macro = [], []
    for name, rel_id in formats.xlsb_sheet_names(read_index(archive, names, part)):
        rel = targets.get(rel_id, {})
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind.lower().endswith(("macrosheet", "dialogsheet")):
            macro.append(name)
        elif rel.get("Target") not in names:
            return [_missing_part(name)]
        elif kind == "worksheet":
            with archive.open(names[rel["Target"]]) as stream:
                sheets.append(formats.scan_xlsb_sheet(stream, name, MAX_ROWS, MAX_COLUMNS))
    return formats.sheet_problems(sheets, macro, MAX_SHEETS, size_problem)


def _missing_part(sheet: str) -> Problem:
    return error("bad_zip", f"文件结构异常：工作表“{sheet}”的内容在文件中找不到（已损坏或被篡改）",
                 expected="用Excel重新保存后上传")


def _scan_ods(archive: zipfile.ZipFile) -> list[Problem]:
    """An .ods package: the tables of content.xml, repeats counted without laying cells out."""
    with archive.open(package_names(archive)["content.xml"]) as stream:
        sheets = formats.scan_ods(stream, MAX_ROWS, MAX_COLUMNS)
    return formats.sheet_problems(sheets, [], MAX_SHEETS, size_problem)


def _scan_sheets(archive: zipfile.ZipFile, shared: sheet_cache.SharedSheets | None = None,
                 proven: dict[str, bool | None] | None = None) -> list[Problem]:
    """Every worksheet's problems; within a load (`shared`), each scan is kept for the reader and the largest
    sheet's parse starts in the background once its scan proves it small. `proven`: small_grid already known
    for a sheet part (path → its answer)."""
    names = package_names(archive)
    sheets = workbook_sheets(archive, names)
    if len(sheets) > MAX_SHEETS:
        return [error("too_many_sheets", f"工作簿有{len(sheets)}张工作表，超过上限{MAX_SHEETS}张",
                      expected=f"不超过{MAX_SHEETS}张工作表")]
    problems: list[Problem] = []
    macro = [name for name, _, kind in sheets if kind.lower().endswith(("macrosheet", "dialogsheet"))]
    if macro:
        problems.append(warning("macro_sheet", f"工作簿含宏表“{'、'.join(macro)}”（Excel 4.0宏），宏不会被执行，"
                                "只读取数据工作表"))
    largest = max(((archive.getinfo(path).file_size, path) for _, path, kind in sheets if kind == "worksheet" and path),
                  default=(0, None)) if shared is not None else (0, None)
    for sheet, path, kind in sheets:
        if not path:
            return [_missing_part(sheet)]
        if kind == "worksheet":
            parse = (lambda name=sheet: shared.parse_in_background(name)) if (
                path == largest[1] and largest[0] >= sheet_cache.PARALLEL_BYTES) else None
            problems += _sheet_problems(archive, path, sheet, shared, parse, (proven or {}).get(path))
    return problems[:200]


def _sheet_problems(archive: zipfile.ZipFile, path: str, sheet: str, shared=None, when_small=None,
                    small: bool | None = None) -> list[Problem]:
    try:
        facts = scan_sheet(archive, path, sheet, when_small=when_small, small=small)
        if shared is not None:
            shared.facts[path] = facts
    except RowTooLarge:
        return [error("row_too_large", f"工作表中有一行数据超过{MAX_ROW_BYTES // MB}MB，不是正常的报表",
                      sheet=sheet, expected="正常的.xlsx工作簿")]
    found = size_problem(sheet, facts.rows, facts.columns, facts.stopped)
    if found:
        return [found]
    problems = list(facts.problems)
    if facts.cached_formulas:
        problems.append(warning("formula_cached", f"有{facts.cached_formulas}个单元格是公式，"
                                "已按保存的计算结果读取", sheet=sheet))
    return problems


def size_problem(sheet: str, rows: int, columns: int, at_least: bool = False) -> Problem | None:
    """The error for a sheet whose used range is over a limit, or None."""
    if rows > MAX_ROWS:
        return _too_many_rows(sheet, rows, at_least)
    if columns > MAX_COLUMNS:
        return _too_many_columns(sheet, columns, at_least)
    if rows * columns > MAX_CELLS:
        return error("too_many_cells", f"工作表范围达{rows:,}行×{columns}列（{rows * columns:,}个单元格），"
                     f"超过上限{MAX_CELLS:,}个单元格", sheet=sheet, expected="删除多余的行和列后重新上传")
    return None


def _too_many_rows(sheet: str, rows: int, at_least: bool = False) -> Problem:
    return error("too_many_rows", f"工作表{'至少' if at_least else ''}有{rows:,}行，超过上限{MAX_ROWS:,}行", sheet=sheet,
                 expected=f"不超过{MAX_ROWS:,}行（多份数据请分文件上传，并删除多余的空行）")


def _too_many_columns(sheet: str, columns: int, at_least: bool = False) -> Problem:
    return error("too_many_columns", f"工作表{'至少' if at_least else ''}有{columns}列，超过上限{MAX_COLUMNS}列", sheet=sheet,
                 expected=f"不超过{MAX_COLUMNS}列（删除多余的列）")


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number

"""Checks before parsing for the workbook formats other than .xlsx: .xls (an OLE2 compound file holding a BIFF8
`Workbook` stream), .xlsb (a zip package of binary records) and .ods (a zip package of OpenDocument XML).

As for .xlsx (etl.limits), nothing the file says about itself is trusted before the reader sees it: the compound
file's header, sector size, sector chains and declared stream sizes are checked against the file's real size,
and every sheet's rows and columns are counted from the cells that hold something (never from a DIMENSIONS
record, a <dimension> or an ODS repeat count of empty cells), so that python-calamine never lays out a grid
beyond the limits. Each scan is one linear pass over the records.
"""
from __future__ import annotations

import struct
import zipfile
from array import array
from dataclasses import dataclass, field
from typing import Iterator
from xml.etree.ElementTree import iterparse

from etl.receipt import Problem, error, warning

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
ERROR_CODES = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
_SAVE_AS = "用Excel“另存为”Excel工作簿(.xlsx)后重新上传"
ENCRYPTED = error("encrypted", "工作簿设有打开密码（文件已加密），无法读取",
                  expected="在Excel中取消打开密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后重新上传")


class Damaged(ValueError):
    """The file's structure contradicts itself (chains out of the file, sizes beyond it, records cut short)."""


@dataclass
class SheetScan:
    """One sheet as counted from its valued cells: used rows and columns, formulas, error cells."""

    name: str
    rows: int = 0
    columns: int = 0
    formulas: int = 0
    stopped: bool = False  # the count stopped past a limit: rows/columns are "at least"
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, #REF! …), 1-based

    def cell(self, row: int, column: int) -> None:
        """A cell holding something at 0-based (row, column)."""
        self.rows, self.columns = max(self.rows, row + 1), max(self.columns, column + 1)


# ---------------------------------------------------------------------------------------------------------------
# OLE2 compound files (.xls)


def compound_streams(data: bytes) -> dict[str, bytes | None]:
    """Stream and storage name → the stream's bytes for Workbook and Book (an Excel file's cells), None for the
    others (EncryptionInfo, WordDocument … are judged by name); raises Damaged where the header, a sector chain
    or a declared size does not fit the file."""
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        raise Damaged("header")
    major, byte_order, shift, mini_shift = struct.unpack_from("<HHHH", data, 26)
    if byte_order != 0xFFFE or (major, shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
        raise Damaged("header fields")
    size = 1 << shift
    sectors = (len(data) - size + size - 1) // size if major == 4 else (len(data) - 512 + size - 1) // size
    fat_count, directory_start = struct.unpack_from("<II", data, 44)
    cutoff, minifat_start, minifat_count, difat_start, difat_count = struct.unpack_from("<IIIII", data, 56)
    if cutoff != 4096 or fat_count == 0 or fat_count > sectors or difat_count > sectors:
        raise Damaged("sector counts")

    def sector(index: int) -> memoryview:
        if index >= sectors:
            raise Damaged("sector out of the file")
        start = (index + 1) * size
        return memoryview(data)[start:start + size]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s != _FREE]
    next_difat, seen = difat_start, 0
    while next_difat not in (_END_OF_CHAIN, _FREE) and len(fat_sectors) < fat_count:
        seen += 1
        if seen > difat_count:
            raise Damaged("DIFAT chain")
        entries = struct.unpack_from(f"<{size // 4}I", sector(next_difat))
        fat_sectors += [s for s in entries[:-1] if s != _FREE]
        next_difat = entries[-1]
    if len(fat_sectors) < fat_count:
        raise Damaged("FAT sectors")
    fat = array("I", b"".join(bytes(sector(s)) for s in fat_sectors[:fat_count]))

    def chain(start: int, table: array, limit: int) -> list[int]:
        found = []
        while start != _END_OF_CHAIN:
            if start >= len(table) or len(found) >= limit:
                raise Damaged("chain")
            found.append(start)
            start = table[start]
        return found

    def read(start: int, length: int) -> bytes:
        body = b"".join(bytes(sector(s)) for s in chain(start, fat, sectors))
        if len(body) < length:
            raise Damaged("stream shorter than declared")
        return body[:length]

    directory = read(directory_start, len(chain(directory_start, fat, sectors)) * size)
    entries = []
    for at in range(0, len(directory) - 127, 128):
        name_length, kind = struct.unpack_from("<HB", directory, at + 64)
        start, length = struct.unpack_from("<IQ", directory, at + 116)
        if kind in (1, 2, 5) and 2 <= name_length <= 64:
            name = directory[at:at + name_length - 2].decode("utf-16-le", "replace")
            entries.append((name, kind, start, length & 0xFFFFFFFF if major == 3 else length))
    if not entries or entries[0][1] != 5:
        raise Damaged("no root entry")
    if any(length > len(data) for _, _, _, length in entries):
        raise Damaged("declared size beyond the file")
    root_start, root_length = entries[0][2], entries[0][3]
    wanted = {"Workbook", "Book"}  # the others are judged by their names
    streams: dict[str, bytes | None] = {}
    mini = minifat = None
    for name, kind, start, length in entries[1:]:
        if kind != 2 or name not in wanted:
            streams.setdefault(name, None)
            continue
        if length >= cutoff:
            streams[name] = read(start, length)
            continue
        if mini is None:
            mini = read(root_start, root_length) if root_length else b""
            minifat = array("I", read(minifat_start, minifat_count * size) if minifat_count else b"")
        body = b"".join(mini[s * 64:(s + 1) * 64] for s in chain(start, minifat, len(minifat)))
        if len(body) < length:
            raise Damaged("mini stream shorter than declared")
        streams[name] = body[:length]
    return streams


def check_ole(data: bytes, max_sheets: int, size_problem) -> list[Problem]:
    """An OLE2 file: a password-protected workbook, another Office file, a damaged one, or an .xls to scan."""
    damaged = error("bad_ole", "旧版Excel(.xls)文件结构异常（已损坏或被篡改）", expected=_SAVE_AS)
    try:
        streams = compound_streams(data)
    except (Damaged, struct.error, ValueError, IndexError):
        return [damaged]
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return [ENCRYPTED]
    book = streams.get("Workbook") or streams.get("Book")
    if book is None:
        return [error("ole_file", "这是旧版Word等其他Office文件，不是Excel工作簿", expected=_SAVE_AS)]
    try:
        sheets, encrypted, macro_sheets = scan_biff(book)
    except (Damaged, struct.error, IndexError):
        return [damaged]
    if encrypted:
        return [ENCRYPTED]
    if not sheets:
        return [error("bad_ole", "旧版Excel(.xls)文件中没有工作表（文件已损坏或不完整）", expected=_SAVE_AS)]
    problems = [warning("macro", "工作簿含宏，宏不会被执行，只读取单元格内容")] if "_VBA_PROJECT_CUR" in streams else []
    return problems + sheet_problems(sheets, macro_sheets, max_sheets, size_problem)


def scan_biff(stream: bytes) -> tuple[list[SheetScan], bool, list[str]]:
    """The worksheets of a BIFF8 Workbook stream (valued cells counted), whether it is encrypted (FILEPASS),
    and the names of its macro sheets."""
    at, end, sheets, starts, macro, encrypted = 0, len(stream), [], {}, [], False
    current: SheetScan | None = None
    stack: list[SheetScan | None] = []
    unpack = struct.unpack_from
    while at + 4 <= end:
        kind, length = unpack("<HH", stream, at)
        body = at + 4
        if body + length > end:
            raise Damaged("record cut short")
        if kind == 0x0085:  # BOUNDSHEET: where the sheet's records start, its kind, its name
            position, _, sheet_type, count, flags = unpack("<IBBBB", stream, body)
            raw = stream[body + 8:body + 8 + (count * 2 if flags & 1 else count)]
            name = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
            if sheet_type == 0:
                starts[position] = SheetScan(name)
            elif sheet_type == 1:
                macro.append(name)
        elif kind == 0x002F and not sheets:  # FILEPASS in the globals
            encrypted = True
        elif kind == 0x0809:  # BOF: a substream begins (the globals, a sheet, a chart inside a sheet)
            stack.append(current)
            current = starts.get(at)
            if current is not None:
                sheets.append(current)
        elif kind == 0x000A:  # EOF: back to the substream around it
            current = stack.pop() if stack else None
        elif current is not None and kind in _BIFF_CELLS:
            row, column = unpack("<HH", stream, body)
            if kind == 0x00BD:  # MULRK: one row, columns first … last
                column = unpack("<H", stream, body + length - 2)[0]
            current.cell(row, column)
            if kind == 0x0006:
                current.formulas += 1
                result = stream[body + 6:body + 14]
                if result[0] == 2 and result[6:8] == b"\xff\xff":
                    current.errors.append((row + 1, column + 1, ERROR_CODES.get(result[2], "#错误")))
            elif kind == 0x0205 and stream[body + 7]:
                current.errors.append((row + 1, column + 1, ERROR_CODES.get(stream[body + 6], "#错误")))
        at = body + length
    return sheets, encrypted, macro


# NUMBER, RK, MULRK, LABELSST, LABEL, RSTRING, BOOLERR, FORMULA (BLANK and MULBLANK hold nothing)
_BIFF_CELLS = {0x0203, 0x027E, 0x00BD, 0x00FD, 0x0204, 0x00D6, 0x0205, 0x0006}


def sheet_problems(sheets: list[SheetScan], macro_sheets: list[str], max_sheets: int, size_problem,
                   max_problems: int = 200) -> list[Problem]:
    """What the scans found, as for an .xlsx: too many sheets, a sheet over a limit, error cells, formulas."""
    if len(sheets) + len(macro_sheets) > max_sheets:
        return [error("too_many_sheets", f"工作簿有{len(sheets) + len(macro_sheets)}张工作表，超过上限{max_sheets}张",
                      expected=f"不超过{max_sheets}张工作表")]
    problems = []
    if macro_sheets:
        problems.append(warning("macro_sheet", f"工作簿含宏表“{'、'.join(macro_sheets)}”（Excel 4.0宏），"
                                "宏不会被执行，只读取数据工作表"))
    for sheet in sheets:
        found = size_problem(sheet.name, sheet.rows, sheet.columns, sheet.stopped)
        if found:
            problems.append(found)
            continue
        for row, column, code in sheet.errors[:max_problems]:
            problems.append(error("error_cell", "单元格是错误值（公式出错）", sheet=sheet.name, row=row,
                                  column=f"{column_letters(column)}列", value=code,
                                  expected="数值或文字（请修正公式或改为数值）"))
        if sheet.formulas:
            problems.append(warning("formula_cached", f"有{sheet.formulas}个单元格是公式，已按保存的计算结果读取",
                                    sheet=sheet.name))
    return problems[:max_problems]


def column_letters(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------------------------------------------
# .xlsb: binary records (MS-XLSB 2.1.4): a type and a size, each written 7 bits a byte


def xlsb_records(stream, chunk: int = 1 << 20) -> Iterator[tuple[int, bytes]]:
    """(record type, payload) of every record of a binary part, read in pieces (bounded memory)."""
    buffer, at, ended = b"", 0, False
    while True:
        if len(buffer) - at < 16 and not ended:
            piece = stream.read(chunk)
            ended = not piece
            buffer, at = buffer[at:] + piece, 0
        if at >= len(buffer):
            return
        kind = buffer[at]
        at += 1
        if kind & 0x80:
            kind = (kind & 0x7F) | ((buffer[at] & 0x7F) << 7)
            at += 1
        size = shift = 0
        for _ in range(4):
            byte = buffer[at]
            at += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        while len(buffer) - at < size:
            piece = b"" if ended else stream.read(max(chunk, size))
            if not piece:
                raise Damaged("record cut short")
            buffer += piece
        yield kind, buffer[at:at + size]
        at += size


def xlsb_sheet_names(workbook: bytes) -> list[tuple[str, str]]:
    """(sheet name, relationship id) of every BrtBundleSh record of xl/workbook.bin."""
    import io
    found = []
    for kind, body in xlsb_records(io.BytesIO(workbook)):
        if kind == 0x9C:
            count = struct.unpack_from("<I", body, 8)[0]
            rel = "" if count == _FREE else body[12:12 + 2 * count].decode("utf-16-le", "replace")
            at = 12 + (0 if count == _FREE else 2 * count)
            length = struct.unpack_from("<I", body, at)[0]
            found.append((body[at + 4:at + 4 + 2 * length].decode("utf-16-le", "replace"), rel))
        elif kind == 0x90:  # BrtEndBundleShs
            break
    return found


# BrtCellRk … BrtFmlaError, BrtCellRString (col as 4 bytes); BrtCellBlank (1) holds nothing
_XLSB_CELLS = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 62}


def scan_xlsb_sheet(stream, name: str, stop_rows: int, stop_columns: int) -> SheetScan:
    """Rows and columns of one binary sheet part, counted from its valued cells; formulas and error cells.
    The count stops past `stop_rows`/`stop_columns`."""
    sheet, row = SheetScan(name), 0
    for kind, body in xlsb_records(stream):
        if kind == 0:  # BrtRowHdr
            row = struct.unpack_from("<I", body)[0]
        elif kind in _XLSB_CELLS:
            column = struct.unpack_from("<I", body)[0]
            sheet.cell(row, column)
            if kind in (8, 9, 10, 11):
                sheet.formulas += 1
            if kind in (3, 11):
                sheet.errors.append((row + 1, column + 1, ERROR_CODES.get(body[8], "#错误")))
        elif kind == 0x92:  # BrtEndSheetData
            break
        if sheet.rows > stop_rows or sheet.columns > stop_columns:
            sheet.stopped = True
            break
    return sheet


# ---------------------------------------------------------------------------------------------------------------
# .ods: content.xml, where rows and cells may be repeated (table:number-rows-repeated / -columns-repeated)

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def scan_ods(stream, stop_rows: int, stop_columns: int) -> list[SheetScan]:
    """Every table of content.xml with the rows and columns its valued cells reach (repeats expanded by
    arithmetic, never by laying the cells out); a table past `stop_rows`/`stop_columns` stops the count.
    Rows and cells are dropped from the tree once counted, so memory stays small whatever the row count."""
    sheets: list[SheetScan] = []
    sheet, row, column, valued_row, open_ = None, 0, 0, False, []
    for event, element in iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            open_.append(element)
            if tag == _TABLE + "table":
                sheet, row = SheetScan(element.get(_TABLE + "name", "")), 0
                sheets.append(sheet)
            elif tag == _TABLE + "table-row":
                column, valued_row = 0, False
            continue
        open_.pop()
        if sheet is None:
            continue
        if tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            repeat = _repeat(element, "number-columns-repeated")
            if element.get(_OFFICE + "value-type") is not None or len(element):
                sheet.columns = max(sheet.columns, column + repeat)
                valued_row = True
                if element.get(_TABLE + "formula") is not None:
                    sheet.formulas += repeat
            column += repeat
            open_[-1].remove(element)
        elif tag == _TABLE + "table-row":
            repeat = _repeat(element, "number-rows-repeated")
            if valued_row:
                sheet.rows = row + repeat
            row += repeat
            open_[-1].remove(element)
            if sheet.rows > stop_rows or sheet.columns > stop_columns:
                sheet.stopped = True
                break
        elif tag == _TABLE + "table":
            sheet = None
            open_[-1].remove(element)
    return sheets


def _repeat(element, name: str) -> int:
    value = element.get(_TABLE + name, "1")
    return int(value) if value.isdigit() else 1


def is_ods(archive: zipfile.ZipFile, names: dict[str, str]) -> bool:
    """True for an OpenDocument spreadsheet package (its mimetype entry says so)."""
    return "mimetype" in names and "content.xml" in names and \
        archive.read(names["mimetype"])[:100].strip() == ODS_MIMETYPE

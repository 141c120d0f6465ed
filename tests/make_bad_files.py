"""The hostile-file corpus: every kind of bad upload a department (or an attacker) can send.

`python tests/make_bad_files.py OUT_DIR` writes the corpus into OUT_DIR; the tests write it into a temporary
folder once per session (tests/test_hostile_files.py), so no big or hostile binary is ever committed. Every file
is small on disk: the zip bombs are a few hundred KB that would unpack to hundreds of MB.

Three writers are used on purpose, as departments use different software: openpyxl (tests/workbooks.py),
xlsxwriter (formulas with a cached value, error cells, control characters, text that looks like a formula) and a
hand-made minimal package (`raw_xlsx`) for structures no writer produces: a lying <dimension>, a sheet of 100,001
rows, zip entries whose declared sizes lie.

Honest notes on what is imitated rather than real:
- `old_xls` and `password_protected` are OLE2 compound files built here byte by byte: a valid header, one FAT
  sector, one directory sector and the named streams (`Workbook` with a BIFF8 BOF record; `EncryptionInfo` and
  `EncryptedPackage` as Excel writes for a workbook with an open password). The streams' contents are padding,
  not a real BIFF workbook or real AES-encrypted package: enough for a check made before parsing, which is where
  these files must be stopped.
- `macro_xlsm` carries an `xl/vbaProject.bin` part whose bytes are an OLE header plus padding, not compiled VBA:
  the point is that a workbook with such a part is read for its cells only.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

import xlsxwriter
from openpyxl import Workbook

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.make_format_files import FORMAT_CORPUS  # noqa: E402
from tests.workbooks import ACTIVITY_HEADER, activity, activity_book, info, xlsx  # noqa: E402

D = dt.date
MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SQL_TEXT = "'; DROP TABLE returns; --"
FORMULA_TEXT = '=HYPERLINK("http://x","y")'
BOMB_MB = 300
HIDDEN = ' state="hidden"'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


# ---------------------------------------------------------------------------------------------------------------
# Writers


def activity_info(department="科协", year=2021, quarter=1) -> list[list]:
    """The 填报信息 rows of an activity return (openpyxl / xlsxwriter writers)."""
    return info("科普活动", 填报单位=department, 年度=year, 季度=quarter, 填报人="张主任",
                联系电话="13800000003", 填报日期=D(year, 3 * quarter, 28))


def column_letters(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(ref: str, value) -> str:
    """One <c> element: text as an inline string, numbers as <v>, ('f', formula, cached) and ('e', '#REF!')."""
    if value is None:
        return ""
    if isinstance(value, tuple) and value[0] == "f":
        _, formula, cached = value
        body = f"<f>{escape(formula)}</f>" + ("" if cached is None else f"<v>{cached}</v>")
        return f'<c r="{ref}">{body}</c>'
    if isinstance(value, tuple) and value[0] == "e":
        return f'<c r="{ref}" t="e"><v>{escape(value[1])}</v></c>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.date):
        value = value.isoformat()
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], dimension: str | None = "auto", hidden_rows: tuple[int, ...] = ()) -> bytes:
    """A worksheet part; `dimension` None leaves it out, a string writes it as given (it may lie)."""
    width = max((len(r) for r in rows), default=1)
    if dimension == "auto":
        dimension = f"A1:{column_letters(max(width, 1))}{max(len(rows), 1)}"
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for r, row in enumerate(rows, start=1):
        attrs = ' hidden="1"' if r in hidden_rows else ""
        cells = "".join(cell_xml(f"{column_letters(c)}{r}", v) for c, v in enumerate(row, start=1))
        parts.append(f'<row r="{r}"{attrs}>{cells}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode("utf-8")


def raw_xlsx(sheets: dict[str, bytes], extra_parts: dict[str, bytes] | None = None,
             hidden_sheets: tuple[str, ...] = (), compresslevel: int = 6) -> bytes:
    """A minimal .xlsx package written by hand: content types, relationships, workbook, the given sheet parts."""
    names = list(sheets)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for i in range(1, len(names) + 1))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>")
    root_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
                 f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    sheet_tags = "".join(
        f'<sheet name="{escape(n)}" sheetId="{i}"{HIDDEN if n in hidden_sheets else ""} r:id="rId{i}"/>'
        for i, n in enumerate(names, start=1))
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
                f'xmlns:r="{_REL}"><sheets>{sheet_tags}</sheets></workbook>')
    workbook_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
                     + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                               for i in range(1, len(names) + 1)) + "</Relationships>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr(_entry("[Content_Types].xml"), content_types)
        archive.writestr(_entry("_rels/.rels"), root_rels)
        archive.writestr(_entry("xl/workbook.xml"), workbook)
        archive.writestr(_entry("xl/_rels/workbook.xml.rels"), workbook_rels)
        for i, name in enumerate(names, start=1):
            archive.writestr(_entry(f"xl/worksheets/sheet{i}.xml"), sheets[name])
        for part, data in (extra_parts or {}).items():
            archive.writestr(_entry(part), data)
    return buffer.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    info_ = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info_.compress_type = zipfile.ZIP_DEFLATED
    return info_


def raw_activity_xlsx(rows: list[list], department="科协", year=2021, quarter=1, hidden_rows=(),
                      extra_parts=None) -> bytes:
    """An activity return written by hand (dates as ISO text, which the reader accepts)."""
    fields = [["项目", "填写内容"], ["报表类型", "科普活动"], ["填报单位", department], ["年度", year],
              ["季度", quarter], ["填报人", "张主任"], ["联系电话", "13800000003"],
              ["填报日期", D(year, 3 * quarter, 28)]]
    return raw_xlsx({"填报信息": sheet_xml(fields),
                     "活动明细": sheet_xml([ACTIVITY_HEADER, *rows], hidden_rows=hidden_rows)}, extra_parts)


def xlsxwriter_book(sheets: dict[str, list[list]]) -> bytes:
    """A workbook written with xlsxwriter: strings always as strings; ('f', formula, cached) as a formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, tuple) and value[0] == "f":
                    sheet.write_formula(r, c, value[1], None, value[2])
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                else:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def openpyxl_book(sheets: dict[str, list[list]], edit: Callable | None = None) -> bytes:
    """A workbook written with openpyxl; `edit(book)` may hide rows or sheets, merge cells, …"""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if edit:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip package with parts added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, part in (add or {}).items():
            target.writestr(_entry(name), part)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# OLE2 compound files (old .xls, password-protected workbooks), built byte by byte


def ole_compound_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file (512-byte sectors): header, one FAT sector, one directory sector, the streams.

    Each stream is padded with zeros to at least 4,096 bytes (its declared size included), so that it lives in
    ordinary sectors, as the format requires of a stream that size (no mini stream).
    """
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    bodies = []
    for data in streams.values():
        data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0")
        bodies.append(data)
    fat, sector, starts = [fat_sector, end], 2, []
    for body in bodies:
        count = len(body) // 512
        starts.append(sector)
        fat += [sector + i + 1 for i in range(count - 1)] + [end]
        sector += count
    assert len(fat) <= 128, "one FAT sector only"
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child=free, right=free) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)  # black node
                + struct.pack("<III", free, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    names = list(streams)
    # Siblings as a chain of right children (a degenerate but valid red-black tree: names ordered by length).
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    entries = [entry("Root Entry", 5, end, 0, child=order[0] + 1)]
    for i, name in enumerate(names):
        position = order.index(i)
        right = order[position + 1] + 1 if position + 1 < len(order) else free
        entries.append(entry(name, 2, starts[i], len(bodies[i]), right=right))
    directory = b"".join(entries).ljust(512, b"\0")
    header = (OLE_MAGIC + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + b"".join(bodies)


def old_xls() -> bytes:
    """An Excel 97–2003 .xls: a compound file with a `Workbook` stream starting with a BIFF8 BOF record."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    return ole_compound_file({"Workbook": bof + struct.pack("<HH", 0x000A, 0)})


def password_protected() -> bytes:
    """What Excel writes for a workbook with an open password: a compound file (not a zip) holding
    `EncryptionInfo` (agile, version 4.4) and `EncryptedPackage` (8-byte size, then ciphertext).

    Imitation: the ciphertext is random-looking padding, not a real AES-encrypted package."""
    descriptor = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
                  b'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
                  b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
                  b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    info_stream = struct.pack("<HHI", 4, 4, 0x40) + descriptor
    package = struct.pack("<Q", 6000) + bytes((i * 151 + 7) % 256 for i in range(6000))
    return ole_compound_file({"EncryptionInfo": info_stream, "EncryptedPackage": package})


# ---------------------------------------------------------------------------------------------------------------
# Zip bombs


@functools.cache
def zip_bomb(unpacked_mb: int = BOMB_MB) -> bytes:
    """A package whose sheet XML is `unpacked_mb` MB of zeros inside one cell: ~0.3 MB on disk.

    Written in 1 MB chunks: generating it never holds the unpacked sheet in memory."""
    buffer = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(raw_activity_xlsx([activity(1)])))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for item in base.infolist():
            if item.filename != "xl/worksheets/sheet2.xml":
                archive.writestr(item, base.read(item.filename))
        with archive.open(_entry("xl/worksheets/sheet2.xml"), "w") as sheet:
            sheet.write(f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode())
            chunk = b"0" * MB
            for _ in range(unpacked_mb):
                sheet.write(chunk)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return buffer.getvalue()


def lying_zip_bomb(unpacked_mb: int = BOMB_MB, declared: int = 4096) -> bytes:
    """A zip bomb whose central directory and local header declare a small sheet (`declared` bytes, with the CRC
    of those first bytes) while the deflate stream unpacks to `unpacked_mb` MB: a reader that trusts the stream
    rather than the declared size unpacks all of it."""
    data = bytearray(zip_bomb(unpacked_mb))
    name = b"xl/worksheets/sheet2.xml"
    prefix = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive, archive.open(name.decode()) as sheet:
        prefix.write(sheet.read(declared))
    crc = zlib.crc32(prefix.getvalue())
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30:local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 14, crc)
            struct.pack_into("<I", data, local + 22, declared)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 16, crc)
            struct.pack_into("<I", data, central + 24, declared)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


# ---------------------------------------------------------------------------------------------------------------
# The corpus: name → (file name as uploaded, builder)


def _rows(n: int = 3, **kw) -> list[list]:
    return [activity(i, **kw) for i in range(1, n + 1)]


def many_rows(rows: int, last_column: int = 0) -> bytes:
    """An activity return whose 活动明细 has `rows` rows (one small cell each) after the header, written by hand;
    with `last_column`, the last row also has a cell in that column."""
    body = "".join(f'<row r="{r}"><c r="I{r}"><v>1</v></c></row>' for r in range(2, rows + 2))
    if last_column:
        far = f"{column_letters(last_column)}{rows + 1}"
        body = body[:-len("</row>")] + f'<c r="{far}"><v>1</v></c></row>'
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
           f'<dimension ref="A1:O{rows + 1}"/><sheetData>'
           + "".join(cell_xml(f"{column_letters(c)}1", h) for c, h in enumerate(ACTIVITY_HEADER, start=1)).join(
               ['<row r="1">', "</row>"]) + body + "</sheetData></worksheet>")
    return _activity_with_sheet(xml.encode())


def lying_dimension_rows(rows: int) -> bytes:
    """Like many_rows, but the <dimension> claims A1:O2: only counting the rows themselves finds the truth."""
    data = many_rows(rows)
    archive = zipfile.ZipFile(io.BytesIO(data))
    xml = archive.read("xl/worksheets/sheet2.xml").replace(f'<dimension ref="A1:O{rows + 1}"/>'.encode(),
                                                           b'<dimension ref="A1:O2"/>')
    return rezip(data, replace={"xl/worksheets/sheet2.xml": xml})


def reordered_attributes(data: bytes) -> bytes:
    """The same package with every <sheet> tag of workbook.xml written r:id first, name last (valid XML that a
    reader matching name=… r:id=… in that order would not see)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook = archive.read("xl/workbook.xml").decode()
    workbook = re.sub(r'<sheet name="([^"]*)" sheetId="(\d+)" r:id="([^"]*)"/>',
                      r'<sheet r:id="\3" sheetId="\2" name="\1"/>', workbook)
    return rezip(data, replace={"xl/workbook.xml": workbook.encode()})


def dtd_book() -> bytes:
    """A sheet whose XML declares entities (the "billion laughs" pattern): Excel never writes a DTD."""
    sheet = sheet_xml([ACTIVITY_HEADER, activity(1)]).decode()
    entities = '<!DOCTYPE worksheet [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    sheet = sheet.replace("\n<worksheet", "\n" + entities + "<worksheet").replace("科普活动1", "&i;")
    return _activity_with_sheet(sheet.encode())


def many_parts(count: int) -> bytes:
    """A clean activity return plus `count` tiny parts: its zip directory alone would cost memory to read."""
    return rezip(activity_book(_rows(2)), add={f"customXml/item{i}.xml": b"<a/>" for i in range(count)})


def control_in_report_type() -> bytes:
    """报表类型 "科普活动" followed by a BEL character."""
    return xlsxwriter_book({"填报信息": [["项目", "填写内容"], ["报表类型", "科普活动\x07"], ["填报单位", "科协"],
                                      ["年度", 2021], ["季度", 1]],
                            "活动明细": [ACTIVITY_HEADER, *_rows(2)]})


def extra_column_book() -> bytes:
    """An extra column 备注 holding 10,000 characters and a control character (kept raw, never refused)."""
    rows = _rows(2)
    rows[0].append("备" * 10_000)
    rows[1].append("见附件\x07")
    return xlsxwriter_book({"填报信息": activity_info(), "活动明细": [[*ACTIVITY_HEADER, "备注"], *rows]})


def wide_sheet(columns: int) -> bytes:
    """An activity return whose 活动明细 has one cell in column number `columns` (201 = GS)."""
    rows = [ACTIVITY_HEADER, activity(1)]
    rows[1] = rows[1] + [None] * (columns - len(rows[1]) - 1) + ["多余"]
    return _activity_with_sheet(sheet_xml(rows))


def _activity_with_sheet(sheet: bytes) -> bytes:
    fields = [["项目", "填写内容"], ["报表类型", "科普活动"], ["填报单位", "科协"], ["年度", 2021], ["季度", 1],
              ["填报人", "张主任"], ["联系电话", "13800000003"], ["填报日期", "2021-03-28"]]
    return raw_xlsx({"填报信息": sheet_xml(fields), "活动明细": sheet})


def many_sheets(count: int) -> bytes:
    """A clean activity return plus filler sheets, `count` sheets in all."""
    rows = _rows(2)
    sheets = {"填报信息": sheet_xml(activity_info()), "活动明细": sheet_xml([ACTIVITY_HEADER, *rows])}
    for i in range(count - 2):
        sheets[f"附表{i + 1}"] = sheet_xml([["备注"]])
    return raw_xlsx(sheets)


def big_file(size: int) -> bytes:
    """A valid activity return padded with a stored (uncompressed) part to exactly `size` bytes."""
    base = activity_book(_rows(2))
    padding_name = "docProps/padding.bin"
    overhead = len(rezip(base, add={padding_name: b""}))
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(base))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        entry = _entry(padding_name)
        entry.compress_type = zipfile.ZIP_STORED
        target.writestr(entry, b"\0" * max(size - overhead, 0))
    data = buffer.getvalue()
    assert abs(len(data) - size) < 64, (len(data), size)
    return data


def inflated_file(unpacked: int, ratio_ok: bool = True) -> bytes:
    """A valid activity return with an extra part of `unpacked` bytes of pseudo-text compressing ~20:1
    (a plausible ratio, so only the absolute unpacked-size limit applies)."""
    line = b"".join(b"%08d,%s\n" % (i, b"abcdefghij"[i % 10:] * 3) for i in range(1000))
    body = (line * (unpacked // len(line) + 1))[:unpacked]
    return rezip(activity_book(_rows(2)), add={"docProps/notes.txt": body})


def macro_xlsm() -> bytes:
    """An .xlsm: a clean activity return plus an xl/vbaProject.bin part (OLE header plus padding, not real VBA),
    the macro-enabled content type and an Auto_Open-looking name in it."""
    base = activity_book(_rows(2))
    archive = zipfile.ZipFile(io.BytesIO(base))
    types = archive.read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    vba = OLE_MAGIC + b"\0" * 24 + "Sub Auto_Open()\r\n Shell \"calc.exe\"\r\nEnd Sub".encode("ascii")
    rels = archive.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                             b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    return rezip(base, add={"xl/vbaProject.bin": vba.ljust(2048, b"\0")},
                 replace={"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels})


def hidden_rows_book() -> bytes:
    """Rows 3 and 4 of 活动明细 are hidden (openpyxl row_dimensions), as when a department hides old rows, and
    column O (佐证材料) is hidden too."""
    def edit(book):
        for r in (3, 4):
            book["活动明细"].row_dimensions[r].hidden = True
        book["活动明细"].column_dimensions["O"].hidden = True
    return openpyxl_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *_rows(4)]}, edit)


def hidden_sheet_book() -> bytes:
    """The 活动明细 sheet itself is hidden."""
    def edit(book):
        book["活动明细"].sheet_state = "hidden"
    return openpyxl_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *_rows(2)]}, edit)


def merged_header_book() -> bytes:
    """A two-row header as on paper forms: a title merged across A1:O1, every single header merged down over
    rows 2–3, and 参与情况 merged across I2:J2 over its two sub-headers 参与人次 and 培训学时 in row 3.
    Data rows 4–6; 村(社区) of rows 5–6 merged down (G5:G6) as a department merges repeated villages."""
    top = list(ACTIVITY_HEADER)
    top[8], top[9] = "参与情况", None
    sub = [None] * len(top)
    sub[8], sub[9] = "参与人次", "培训学时"
    rows = _rows(3)

    def edit(book):
        sheet = book["活动明细"]
        sheet.merge_cells("A1:O1")
        for c in range(1, 16):
            if c not in (9, 10):
                sheet.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
        sheet.merge_cells("I2:J2")
        sheet["G6"].value = None
        sheet.merge_cells("G5:G6")
    return openpyxl_book({"填报信息": activity_info(),
                          "活动明细": [["柳堡镇2021年第一季度科普活动统计表"], top, sub, *rows]}, edit)


def formula_cached_book() -> bytes:
    """参与人次 of row 2 is =20+20 with the cached value 40 (as Excel saves it); 经费 of row 3 =SUM(...)."""
    rows = _rows(2)
    rows[0][8] = ("f", "=20+20", 40)
    rows[1][10] = ("f", "=SUM(200,300)", 500)
    return xlsxwriter_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *rows]})


def formula_no_cache_book() -> bytes:
    """参与人次 of row 3 is a formula with no cached value (openpyxl writes formulas without results)."""
    rows = _rows(2)
    rows[1][8] = "=20+20"
    return openpyxl_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *rows]})


def error_cells_book() -> bytes:
    """#REF! in 参与人次 (I2) and #DIV/0! in 经费(元) (K3), as Excel saves broken formulas (t="e")."""
    rows = _rows(2)
    rows[0][8] = ("f", "=#REF!+1", "#REF!")
    rows[1][10] = ("f", "=1/0", "#DIV/0!")
    return xlsxwriter_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *rows]})


def injection_book() -> bytes:
    """Activity names that look like SQL or a formula, written as text cells (xlsxwriter write_string)."""
    rows = _rows(4)
    rows[0][1] = SQL_TEXT
    rows[1][1] = FORMULA_TEXT
    rows[2][1] = "@SUM(1+1)*cmd|' /C calc'!A0"
    rows[3][1] = "+1+1"
    rows[3][14] = "-2+3"
    return xlsxwriter_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *rows]})


def control_chars_book() -> bytes:
    """A BEL (\\x07) in an activity name, a right-to-left override in another (xlsxwriter escapes them as _x0007_)."""
    rows = _rows(2)
    rows[0][1] = "科普讲座\x07进村"
    rows[1][1] = "科普\u202e讲座"
    return xlsxwriter_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *rows]})


def zero_width_book() -> bytes:
    """A zero-width space after the department name and a BOM in a village: invisible, so tolerated."""
    rows = _rows(2)
    rows[0][6] = "\ufeff新河村"
    return xlsxwriter_book({"填报信息": activity_info(department="科协\u200b"), "活动明细": [ACTIVITY_HEADER, *rows]})


def truncated_zip() -> bytes:
    data = activity_book(_rows(3))
    return data[: len(data) * 2 // 3]


def corrupted_zip() -> bytes:
    """Whole zip structure, but bytes inside the compressed sheet flipped (a damaged download)."""
    data = bytearray(activity_book(_rows(30)))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    item = archive.getinfo("xl/worksheets/sheet2.xml")
    start = item.header_offset + 30 + len(item.filename.encode()) + len(item.extra)
    for i in range(start + item.compress_size // 3, start + item.compress_size // 3 + 40):
        data[i] ^= 0x5A
    return bytes(data)


CORPUS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "csv": ("活动.csv", lambda: "\ufeff活动名称,活动类型,参与人次\n科普讲座进村,科普讲座,40\n".encode("utf-8")),
    "csv_as_xlsx": ("活动.xlsx", lambda: "活动名称,参与人次\n讲座,40\n".encode("gbk")),
    "old_xls": ("活动.xls", old_xls),
    "pdf_renamed": ("活动.xlsx", lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"),
    "empty": ("活动.xlsx", lambda: b""),
    "truncated_zip": ("活动.xlsx", truncated_zip),
    "corrupted_zip": ("活动.xlsx", corrupted_zip),
    "password_protected": ("活动.xlsx", password_protected),
    "docx_renamed": ("活动.xlsx", lambda: _word_like_zip()),
    "macro_xlsm": ("活动.xlsm", macro_xlsm),
    "zip_bomb": ("活动.xlsx", zip_bomb),
    "lying_zip_bomb": ("活动.xlsx", lying_zip_bomb),
    "too_many_rows": ("活动.xlsx", lambda: many_rows(100_000)),
    "too_many_rows_lying_dimension": ("活动.xlsx", lambda: lying_dimension_rows(100_000)),
    "too_many_rows_reordered_attributes": ("活动.xlsx", lambda: reordered_attributes(many_rows(100_000))),
    "too_many_columns": ("活动.xlsx", lambda: wide_sheet(201)),
    "too_many_cells": ("活动.xlsx", lambda: many_rows(30_000, last_column=200)),
    "too_many_parts": ("活动.xlsx", lambda: many_parts(2_500)),
    "xml_entities": ("活动.xlsx", dtd_book),
    "too_many_sheets": ("活动.xlsx", lambda: many_sheets(51)),
    "formula_cached": ("活动.xlsx", formula_cached_book),
    "formula_no_cache": ("活动.xlsx", formula_no_cache_book),
    "error_cells": ("活动.xlsx", error_cells_book),
    "hidden_sheet": ("活动.xlsx", hidden_sheet_book),
    "hidden_rows": ("活动.xlsx", hidden_rows_book),
    "merged_header": ("活动.xlsx", merged_header_book),
    "wrong_report_type": ("活动.xlsx", lambda: xlsx({
        "填报信息": info("科技活动统计", 填报单位="科协", 年度=2021, 季度=1), "活动明细": [ACTIVITY_HEADER, *_rows(2)]})),
    "survey_type_activity_sheets": ("活动.xlsx", lambda: xlsx({
        "填报信息": info("科学素质调查", 填报单位="中小学", 调查年度=2021), "活动明细": [ACTIVITY_HEADER, *_rows(2)]})),
    "unknown_department": ("活动.xlsx", lambda: activity_book(_rows(2), department="宣传办")),
    "future_period": ("活动.xlsx", lambda: activity_book(_rows(2, start=D(2026, 4, 2)), year=2026, quarter=2)),
    "duplicate_ids": ("活动.xlsx", lambda: activity_book([activity(1), activity(2), activity(1)])),
    "negative_number": ("活动.xlsx", lambda: activity_book([activity(1), activity(2, participants=-5)])),
    "absurd_number": ("活动.xlsx", lambda: activity_book([activity(1), activity(2, participants=10**12)])),
    "absurd_cost": ("活动.xlsx", lambda: activity_book([activity(1), activity(2, cost=1e300)])),
    "text_in_number": ("活动.xlsx", lambda: activity_book([activity(1), activity(2, participants="四十人")])),
    "long_cell": ("活动.xlsx", lambda: activity_book([activity(1), _name(activity(2), "长" * 10_000)])),
    "control_chars": ("活动.xlsx", control_chars_book),
    "control_in_report_type": ("活动.xlsx", control_in_report_type),
    "extra_column_text": ("活动.xlsx", extra_column_book),
    "zero_width": ("活动.xlsx", zero_width_book),
    "injection_text": ("活动.xlsx", injection_book),
    "injection_department": ("活动.xlsx", lambda: xlsxwriter_book({
        "填报信息": info("科普活动", 填报单位=FORMULA_TEXT, 年度=2021, 季度=1),
        "活动明细": [ACTIVITY_HEADER, _name(activity(1), SQL_TEXT)]})),
}


CORPUS.update(FORMAT_CORPUS)


def _name(row: list, name: str) -> list:
    row = list(row)
    row[1] = name
    return row


def _word_like_zip() -> bytes:
    """A .docx renamed .xlsx: a zip without xl/workbook.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry("[Content_Types].xml"), b"<Types/>")
        archive.writestr(_entry("word/document.xml"), b"<document/>")
    return buffer.getvalue()


def write_bad_files(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the corpus (or the named cases) into `folder`, one sub-folder per case (file names repeat)."""
    folder = Path(folder)
    paths = {}
    for name in names or CORPUS:
        file_name, build = CORPUS[name]
        target = folder / name / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(build())
        paths[name] = target
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_files")
    for case, path in write_bad_files(out).items():
        print(f"{case:32} {path.stat().st_size:>10,} B  {path}")

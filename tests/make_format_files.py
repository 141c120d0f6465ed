"""Workbooks as offices really send them, beyond the plain .xlsx: other package layouts, Strict Open XML, a macro
sheet, a lying <dimension>, a sheet of 100,000 formulas. Part of the hostile corpus (tests/make_bad_files.py).

Each is the same activity return (`base_return`, three activities, written by xlsxwriter), changed the way
another writer would write it, so that a test can ask for exactly the rows of the plain .xlsx.

Honest notes on what is imitated:
- `strict_open_xml` rewrites the transitional namespaces and relationship types of every part to the Strict
  (ISO/IEC 29500) ones and marks the workbook conformance="strict", as Excel's "Strict Open XML Spreadsheet"
  does; Excel also changes some value forms in Strict files, which this does not.
- `macro_sheet` adds an Excel 4.0 macro sheet (xl/macrosheets/sheet1.xml, relationship type xlMacrosheet) with
  EXEC/HALT formulas and no saved values: the form such files take, never executed here.
"""
from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from xml.sax.saxutils import escape

from benchmarks.formats import formula_sheet
from tests.workbooks import ACTIVITY_HEADER, activity

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT = ((_MAIN, b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
           (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
           (b"http://schemas.openxmlformats.org/officeDocument/2006/", b"http://purl.oclc.org/ooxml/officeDocument/"),
           (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"))
FORMULA_CELLS = 100_000


def base_return() -> bytes:
    """The activity return every variant starts from: 科协, 2021 Q1, activities A001–A003 (xlsxwriter)."""
    from tests.make_bad_files import activity_info, xlsxwriter_book
    return xlsxwriter_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *(activity(i) for i in (1, 2, 3))]})


def _rewrite(data: bytes, rename=lambda name: name, edit=lambda name, body: body, add=None) -> bytes:
    """A copy of a package with entries renamed (names kept as given, backslashes too) and bodies edited."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        items = [(i.filename, source.read(i.filename)) for i in source.infolist()] + list((add or {}).items())
        for name, body in items:
            entry = zipfile.ZipInfo(rename(name), date_time=(2025, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, edit(name, body))
    return buffer.getvalue()


def strict_open_xml(data: bytes | None = None) -> bytes:
    """The return saved as "Strict Open XML Spreadsheet": Strict namespaces and relationship types throughout."""
    def edit(name, body):
        if name == "[Content_Types].xml":
            return body
        for old, new in _STRICT:
            body = body.replace(old, new)
        return body.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
    return _rewrite(data or base_return(), edit=edit)


def workbook_elsewhere() -> bytes:
    """The workbook part at excel/book.xml (not xl/workbook.xml), named by _rels/.rels and [Content_Types].xml."""
    def rename(name):
        return name.replace("xl/_rels/workbook.xml.rels", "excel/_rels/book.xml.rels").replace(
            "xl/workbook.xml", "excel/book.xml").replace("xl/", "excel/")

    def edit(name, body):
        if name in ("_rels/.rels", "[Content_Types].xml"):
            return body.replace(b"xl/workbook.xml", b"excel/book.xml").replace(b"/xl/", b"/excel/")
        return body
    return _rewrite(base_return(), rename, edit)


def backslash_paths() -> bytes:
    """Zip entries named with backslashes (xl\\worksheets\\sheet1.xml), as some Windows tools write them."""
    return _rewrite(base_return(), rename=lambda name: name.replace("/", "\\"))


def lying_dimension() -> bytes:
    """<dimension> claims A1:IV1 on an empty extra sheet and A1:IV4 on 活动明细, whose cells end at column O but
    whose row 2 has an empty formatted cell in IV (as a whole row formatted in Excel leaves)."""
    def edit(name, body):
        if name == "xl/worksheets/sheet2.xml":
            body = body.replace(b'<dimension ref="A1:O4"/>', b'<dimension ref="A1:IV4"/>')
            return body.replace(b'</row><row r="3"', b'<c r="IV2" s="1"/></row><row r="3"', 1)
        if name == "xl/worksheets/sheet3.xml":
            return body.replace(b'<dimension ref="A1"/>', b'<dimension ref="A1:IV1"/>')
        return body
    from tests.make_bad_files import activity_info, xlsxwriter_book
    data = xlsxwriter_book({"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *(activity(i) for i in (1, 2, 3))],
                            "说明": []})
    return _rewrite(data, edit=edit)


MACRO_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xm:macrosheet xmlns="' + _MAIN
               + b'" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData>'
               b'<row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row><row r="2"><c r="A2"><f>HALT()</f></c></row>'
               b"</sheetData></xm:macrosheet>")


def macro_sheet(data: bytes | None = None) -> bytes:
    """The return plus an Excel 4.0 macro sheet 宏1 (EXEC("calc.exe"), HALT()), visible in the sheet tabs."""
    def edit(name, body):
        if name == "xl/workbook.xml":
            return body.replace(b"</sheets>", '<sheet name="宏1" sheetId="9" r:id="rIdM1"/></sheets>'.encode())
        if name == "xl/_rels/workbook.xml.rels":
            return body.replace(b"</Relationships>", b'<Relationship Id="rIdM1" Type="http://schemas.microsoft.com/'
                                b'office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/>'
                                b"</Relationships>")
        if name == "[Content_Types].xml":
            return body.replace(b"</Types>", b'<Override PartName="/xl/macrosheets/sheet1.xml" '
                                b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>')
        return body
    return _rewrite(data or base_return(), edit=edit, add={"xl/macrosheets/sheet1.xml": MACRO_SHEET})


def strict_macro_sheet() -> bytes:
    """A Strict Open XML package holding a macro sheet: calamine refuses the macro sheet, openpyxl Strict."""
    return strict_open_xml(macro_sheet())


def formulas_100k() -> bytes:
    """A workbook whose one sheet 公式 holds 100,000 formulas with saved values (benchmarks/formats.py)."""
    return formula_sheet(FORMULA_CELLS)


FORMAT_CORPUS = {
    "strict_open_xml": ("活动.xlsx", strict_open_xml),
    "strict_macro_sheet": ("活动.xlsx", strict_macro_sheet),
    "workbook_elsewhere": ("活动.xlsx", workbook_elsewhere),
    "backslash_paths": ("活动.xlsx", backslash_paths),
    "lying_dimension": ("活动.xlsx", lying_dimension),
    "macro_sheet": ("活动.xlsm", macro_sheet),
    "formulas_100k": ("公式.xlsx", formulas_100k),
}


# ---------------------------------------------------------------------------------------------------------------
# The same return in the other formats an office meets: .xls (xlwt), .ods and .xlsb (written here by hand)


def base_sheets() -> dict[str, list[list]]:
    """The base return's sheets as values (str, int, date, None)."""
    from tests.make_bad_files import activity_info
    return {"填报信息": activity_info(), "活动明细": [ACTIVITY_HEADER, *(activity(i) for i in (1, 2, 3))]}


def xls_book(sheets: dict[str, list[list]] | None = None) -> bytes:
    """The return saved as Excel 97–2003 (.xls), written by xlwt: a real BIFF8 workbook in a compound file."""
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in (sheets or base_sheets()).items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                elif value is not None:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_cell(value) -> str:
    """One <table:table-cell> as LibreOffice writes it (value type and value, and the shown text)."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_book(sheets: dict[str, list[list]] | None = None, tails: dict[str, str] | None = None) -> bytes:
    """The return saved as OpenDocument (.ods), written by hand: mimetype first and stored, a manifest, and
    content.xml. Each table ends as LibreOffice ends it, with empty rows repeated to row 1,048,576, unless
    `tails` gives a table other last rows."""
    tables = []
    for name, rows in (sheets or base_sheets()).items():
        body = "".join(f"<table:table-row>{''.join(ods_cell(v) for v in row)}</table:table-row>" for row in rows)
        rest = 1_048_576 - len(rows)
        end = (tails or {}).get(name, f'<table:table-row table:number-rows-repeated="{rest}">'
                                      '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
        tables.append(f'<table:table table:name="{escape(name)}"><table:table-column '
                      f'table:number-columns-repeated="1024"/>{body}{end}</table:table>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODS_NS} office:version="1.3">'
               f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", (2025, 1, 1, 0, 0, 0)),
                         "application/vnd.oasis.opendocument.spreadsheet")  # ZipInfo: stored, as ODF requires
        archive.writestr(_zip_entry("META-INF/manifest.xml"), manifest)
        archive.writestr(_zip_entry("content.xml"), content)
    return buffer.getvalue()


def _zip_entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _record(kind: int, body: bytes = b"") -> bytes:
    """One MS-XLSB record: type and size each written 7 bits a byte (high bit: another byte follows)."""
    def varint(value: int, most: int) -> bytes:
        out = bytearray()
        for _ in range(most):
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                break
        return bytes(out)
    return varint(kind, 2) + varint(len(body), 4) + body


def _wide(text: str) -> bytes:
    """XLWideString: a character count, then UTF-16LE."""
    encoded = text.encode("utf-16-le")
    return struct.pack("<I", len(encoded) // 2) + encoded


EXCEL_EPOCH = dt.date(1899, 12, 30)


def xlsb_sheet(rows: list[list]) -> bytes:
    """A binary worksheet part: BrtBeginSheet, BrtWsDim, BrtBeginSheetData, per row BrtRowHdr and its cells
    (BrtCellSt for text, BrtCellReal for numbers, BrtCellReal with the date style for dates), BrtEndSheetData."""
    width = max((len(r) for r in rows), default=1)
    parts = [_record(0x81), _record(0x94, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0, width - 1)),
             _record(0x91)]
    for r, row in enumerate(rows):
        parts.append(_record(0x00, struct.pack("<IIHHBI", r, 0, 300, 0, 0, 0)))
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                parts.append(_record(0x05, struct.pack("<II", c, 1) + struct.pack("<d", (value - EXCEL_EPOCH).days)))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                parts.append(_record(0x05, struct.pack("<II", c, 0) + struct.pack("<d", float(value))))
            else:
                parts.append(_record(0x06, struct.pack("<II", c, 0) + _wide(str(value))))
    parts += [_record(0x92), _record(0x82)]
    return b"".join(parts)


def xlsb_book(sheets: dict[str, list[list]] | None = None) -> bytes:
    """The return saved as Excel Binary (.xlsb), written record by record from MS-XLSB: workbook.bin (one
    BrtBundleSh per sheet), styles.bin (two cell formats: General, and built-in date format 14), one binary part
    per sheet, and the package's content types and relationships. No writer library exists for .xlsb."""
    sheets = sheets or base_sheets()
    names = list(sheets)
    workbook = b"".join([_record(0x83), _record(0x8F)] + [
        _record(0x9C, struct.pack("<II", 0, i) + _wide(f"rId{i}") + _wide(name)) for i, name in enumerate(names, 1)]
        + [_record(0x90), _record(0x84)])
    xf = struct.pack("<HHHHHBBHBx", 0, 0, 0, 0, 0, 0, 0, 0, 0)
    date_xf = struct.pack("<HHHHHBBHBx", 0, 14, 0, 0, 0, 0, 0, 0, 0)
    styles = b"".join([_record(0x116), _record(0x269, struct.pack("<I", 2)), _record(0x2F, xf),
                       _record(0x2F, date_xf), _record(0x26A), _record(0x117)])
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                    f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument"'
                    ' Target="xl/workbook.bin"/></Relationships>')
    book_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/relationships">'
                 + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.bin"/>'
                           for i in range(1, len(names) + 1))
                 + f'<Relationship Id="rIdS" Type="{rel}/styles" Target="styles.bin"/></Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.'
             'org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
             'package.relationships+xml"/><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.'
             'macroEnabled.main"/><Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="application/vnd.ms-excel.'
                       'worksheet"/>' for i in range(1, len(names) + 1)) + "</Types>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in [("[Content_Types].xml", types.encode()), ("_rels/.rels", package_rels.encode()),
                           ("xl/workbook.bin", workbook), ("xl/_rels/workbook.bin.rels", book_rels.encode()),
                           ("xl/styles.bin", styles),
                           *((f"xl/worksheets/sheet{i}.bin", xlsb_sheet(sheets[n])) for i, n in enumerate(names, 1))]:
            archive.writestr(_zip_entry(name), body)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Hostile forms of those formats


def ods_repeat_bomb() -> bytes:
    """An .ods of 1.5 KB whose 活动明细 repeats a row of 1,024 valued cells 1,048,572 times: laid out, a
    billion cells. Refused by counting the repeats, never expanding them."""
    row = ('<table:table-row table:number-rows-repeated="1048572"><table:table-cell office:value-type="float" '
           'office:value="1" table:number-columns-repeated="1024"><text:p>1</text:p></table:table-cell>'
           "</table:table-row>")
    return ods_book(tails={"活动明细": row})


def _with_cell(column: int) -> dict[str, list[list]]:
    sheets = base_sheets()
    first = list(sheets["活动明细"][1])
    sheets["活动明细"][1] = first + [None] * (column - len(first) - 1) + ["多余"]
    return sheets


def xlsb_far_column() -> bytes:
    """An .xlsb whose 活动明细 row 2 has a cell in column XFD (16,384): the grid a reader would lay out."""
    return xlsb_book(_with_cell(16_384))


def xls_wide() -> bytes:
    """An .xls (xlwt) whose 活动明细 row 2 has a cell in column IV (256), past the limit of 200 columns."""
    return xls_book(_with_cell(256))


def _directory_entry(data: bytes, name: str) -> int:
    """Offset of `name`'s entry in the (one-sector) directory of a version-3 compound file."""
    directory = (struct.unpack_from("<I", data, 48)[0] + 1) * 512
    at = data.index(name.encode("utf-16-le") + b"\0\0", directory)
    assert (at - directory) % 128 == 0
    return at


def ole_lying_size() -> bytes:
    """A real .xls (xlwt) whose Workbook stream declares a size four times the whole file."""
    data = bytearray(xls_book())
    struct.pack_into("<I", data, _directory_entry(bytes(data), "Workbook") + 120, len(data) * 4)
    return bytes(data)


def ole_bad_sector_size() -> bytes:
    """A real .xls (xlwt) whose header declares sectors of 65,536 bytes (shift 16; only 9 and 12 exist)."""
    data = bytearray(xls_book())
    struct.pack_into("<H", data, 30, 16)
    return bytes(data)


def xls_password() -> bytes:
    """A real .xls (xlwt) with a FILEPASS record in its globals, as Excel writes for an open password.
    Imitation: the record takes the place of xlwt's WINDOWPROTECT record (same length), the cells are not
    really RC4-encrypted — enough for the check made before parsing, which is where it must be stopped."""
    data = bytearray(xls_book())
    start = (struct.unpack_from("<I", data, _directory_entry(bytes(data), "Workbook") + 116)[0] + 1) * 512
    at = data.index(b"\x19\x00\x02\x00", start)  # WINDOWPROTECT, length 2, in the globals
    struct.pack_into("<H", data, at, 0x002F)
    return bytes(data)


def doc_renamed_xls() -> bytes:
    """A Word 97–2003 document renamed .xls: a compound file with a WordDocument stream, no Workbook."""
    from tests.make_bad_files import ole_compound_file
    return ole_compound_file({"WordDocument": b"\xec\xa5\xc1\x00" + b"\0" * 5000})


def xlsb_missing_sheet_part() -> bytes:
    """An .xlsb whose 活动明细 names a relationship (rId2) that xl/_rels/workbook.bin.rels does not hold: the sheet's
    part cannot be found (calamine panics on it; the check refuses it first)."""
    def edit(name, body):
        return body.replace(b'Id="rId2"', b'Id="rId9"') if name == "xl/_rels/workbook.bin.rels" else body
    return _rewrite(xlsb_book(), edit=edit)


FORMAT_CORPUS.update({
    "xlsb_missing_sheet_part": ("活动.xlsb", xlsb_missing_sheet_part),
    "xls_return": ("活动.xls", xls_book),
    "xlsb_return": ("活动.xlsb", xlsb_book),
    "ods_return": ("活动.ods", ods_book),
    "ods_repeat_bomb": ("活动.ods", ods_repeat_bomb),
    "xlsb_far_column": ("活动.xlsb", xlsb_far_column),
    "xls_wide": ("活动.xls", xls_wide),
    "ole_lying_size": ("活动.xls", ole_lying_size),
    "ole_bad_sector_size": ("活动.xls", ole_bad_sector_size),
    "xls_password": ("活动.xls", xls_password),
    "doc_renamed_xls": ("活动.xls", doc_renamed_xls),
})

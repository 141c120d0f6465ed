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

import io
import zipfile

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

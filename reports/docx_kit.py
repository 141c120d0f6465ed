"""Word pieces shared by the report and the bulletin: A4 pages, 仿宋 body and 黑体 headings, tables, pictures.

Every text from a workbook goes in as a run's text (never markup), stripped of the control characters XML
cannot hold, so `<script>` or `=cmd|` is printed as written and a long name wraps inside its cell.
"""
from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from charts import palette
from reports.pictures import NO_CHART

BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋", "黑体", "Times New Roman"
BODY_PT, TABLE_PT, TITLE_PT = 14, 10.5, 20
TEXT_WIDTH_CM = 15.6  # A4 minus the margins below
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text as printed: None → '—', control characters XML cannot hold removed."""
    if text is None:
        return "—"
    return _ILLEGAL.sub("", str(text))


def _fonts(run, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = LATIN_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def document():
    """A blank A4 portrait document with the body style set to 仿宋 and page numbers in the footer."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.8)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = LATIN_FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = 1.35
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    return doc


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    _fonts(run, BODY_FONT, 10.5)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)


def title(doc, text: str, subtitle: str | None = None) -> None:
    """The document's title (黑体, centred) and a line under it."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(p.add_run(clean(text)), HEADING_FONT, TITLE_PT, True)
    if subtitle:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(p.add_run(clean(subtitle)), BODY_FONT, BODY_PT)


def heading(doc, text: str, level: int = 1) -> None:
    """A section heading: level 1 in 黑体, level 2 in bold 仿宋 (as official documents number them)."""
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(10 if level == 1 else 6)
    p.paragraph_format.keep_with_next = True
    _fonts(p.add_run(clean(text)), HEADING_FONT if level == 1 else BODY_FONT, 16 if level == 1 else BODY_PT,
           level != 1)


def para(doc, text: str, indent: bool = True, size: float | None = None, colour: str | None = None):
    """A body paragraph (first line indented two characters)."""
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * (size or BODY_PT))
    run = p.add_run(clean(text))
    _fonts(run, BODY_FONT, size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
    return p


def status_run(paragraph, code: str | None) -> None:
    """The status word with its sign, in the status colour's readable twin (never colour alone)."""
    if not code:
        return
    s = palette.status(code)
    run = paragraph.add_run(f"（{s.label}）")
    _fonts(run, HEADING_FONT, None, True)
    run.font.color.rgb = RGBColor.from_string(s.text_colour.lstrip("#").upper())


def table(doc, headers: list[str], rows: list[list], widths: list[float] | None = None,
          numeric: tuple[int, ...] = ()) -> None:
    """A bordered table in 五号 type: bold header row repeated on every page, numbers right-aligned, fixed
    column widths (cm, summing to the text width) so that long text wraps instead of widening the page."""
    widths = widths or [TEXT_WIDTH_CM / len(headers)] * len(headers)
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _fixed_layout(t)
    for i, h in enumerate(headers):
        t.columns[i].width = Cm(widths[i])  # the grid LibreOffice and WPS lay the table out by
        _cell(t.rows[0].cells[i], h, widths[i], bold=True, align_right=False)
    _repeat_header(t.rows[0])
    for row in rows:
        cells = t.add_row().cells
        for i, value in enumerate(row):
            _cell(cells[i], value, widths[i], bold=False, align_right=i in numeric)
    doc.add_paragraph()


def _cell(cell, value, width: float, bold: bool, align_right: bool) -> None:
    cell.width = Cm(width)
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = None
    p.paragraph_format.line_spacing = 1.1
    if align_right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _fonts(p.add_run(clean(value)), HEADING_FONT if bold else BODY_FONT, TABLE_PT, bold)


def _fixed_layout(t) -> None:
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    t._tbl.tblPr.append(layout)


def _repeat_header(row) -> None:
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def picture(doc, data: bytes | None, width_cm: float = TEXT_WIDTH_CM, caption: str | None = None) -> None:
    """A chart picture across the text width with its caption, or a line saying it could not be drawn."""
    if data is None:
        para(doc, NO_CHART, indent=False, size=TABLE_PT, colour=palette.MUTED_TEXT)
        return
    doc.add_picture(io.BytesIO(data), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if caption:
        p = para(doc, caption, indent=False, size=TABLE_PT)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def to_bytes(doc) -> bytes:
    """The document as .docx bytes."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

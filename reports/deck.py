"""The meeting deck (PowerPoint, 16:9): 汇报模式's slides, one message each, the number first and large.

Each slide: the title; the number (≥ 40 pt) and its status word on the status colour; the as-of date; the one
sentence; and the chart, as a picture of the same plotly figure the projector page draws.
"""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from charts import fmt, palette
from charts.slides import Slide
from reports import pictures
from reports.docx_kit import clean
from reports.inputs import Pack

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
HEADING_FONT, BODY_FONT = "黑体", "微软雅黑"
BIG_PT, MIN_BIG_PT, TITLE_PT, SENTENCE_PT, BADGE_PT, SMALL_PT = 60, 40, 30, 20, 24, 14


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _text(slide, left, top, width, height, text: str, size: float, bold: bool = False, colour: str = palette.TEXT,
          font: str = BODY_FONT, align=PP_ALIGN.LEFT):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Inches(0.05)
    para = frame.paragraphs[0]
    para.alignment = align
    run = para.add_run()
    run.text = clean(text)
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, font
    run.font.color.rgb = _rgb(colour)
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):  # East Asian glyphs in the same face (python-pptx sets only the Latin one)
        el = rpr.makeelement(qn(tag), {"typeface": font})
        rpr.append(el)
    return box


def _ems(text: str) -> float:
    """The text's width in ems (a CJK character 1 em, a digit or Latin letter about 0.65 em in bold 黑体)."""
    return sum(1.0 if ord(c) > 0x2E80 else 0.65 for c in text)


def big_size(text: str, width_in: float) -> float:
    """The number's type size: 60 pt, smaller for a long number so it fits in two lines, never below 40 pt."""
    fits = width_in * 72 * 0.9 * 2 / max(_ems(text), 1)  # points at which the text fills two lines
    return max(MIN_BIG_PT, min(BIG_PT, int(fits)))


def _badge(slide, left, top, code: str | None) -> None:
    if not code:
        return
    s = palette.status(code)
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, Inches(2.6), Inches(0.7))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(s.colour)
    shape.line.fill.background()
    frame = shape.text_frame
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.CENTER
    run = para.add_run()
    run.text = s.label
    run.font.size, run.font.bold, run.font.name = Pt(BADGE_PT), True, HEADING_FONT
    run.font.color.rgb = _rgb(palette.text_on(s.colour))


def add_slide(prs, s: Slide, p: Pack, number: int, total: int) -> None:
    """One slide of the deck."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    margin = Inches(0.5)
    _text(slide, margin, Inches(0.3), WIDTH - 2 * margin, Inches(1.0), s.title, TITLE_PT, True, font=HEADING_FONT)
    picture = pictures.png(s.figure, width=1100, height=800) if s.figure is not None else None
    left_width = Inches(5.2) if s.figure is not None else WIDTH - 2 * margin
    width_in = left_width / 914400
    top = Inches(1.45)
    size = big_size(s.big, width_in)
    lines = 1 if _ems(s.big) * size <= width_in * 72 * 0.9 else 2
    _text(slide, margin, top, left_width, Pt(size * 1.25 * lines), s.big, size, True, font=HEADING_FONT)
    top += Pt(size * 1.25 * lines) + Inches(0.15)
    if s.status:
        _badge(slide, margin, top, s.status)
        top += Inches(0.85)
    _text(slide, margin, top, left_width, Inches(0.45), fmt.as_of(p.d.as_of), SMALL_PT + 2, colour=palette.MUTED_TEXT)
    top += Inches(0.5)
    _text(slide, margin, top, left_width, HEIGHT - top - Inches(0.7), s.sentence, SENTENCE_PT)
    if s.figure is not None:
        left = margin + left_width + Inches(0.3)
        width = WIDTH - left - margin
        if picture is None:
            _text(slide, left, Inches(3), width, Inches(1), pictures.NO_CHART, SMALL_PT, colour=palette.MUTED_TEXT)
        else:
            height = Emu(int(width * 800 / 1100))
            slide.shapes.add_picture(io.BytesIO(picture), left, Inches(1.45), width, height)
    _text(slide, margin, HEIGHT - Inches(0.55), WIDTH - 2 * margin, Inches(0.4),
          f"{p.d.town} · {fmt.as_of(p.d.as_of)} · {number} / {total}", SMALL_PT, colour=palette.MUTED_TEXT,
          align=PP_ALIGN.RIGHT)


def write(p: Pack) -> bytes:
    """The deck as .pptx bytes: one slide per message of 汇报模式, in its order."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    with pictures.session():
        for number, s in enumerate(p.slides, 1):
            add_slide(prs, s, p, number, len(p.slides))
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()

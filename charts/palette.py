"""The one palette: status words and colours, series colours, and the plotly templates "kexue" and PROJECTOR.

Colours are built on Okabe–Ito so that they stay apart for red–green colour blindness (a test simulates
protanopia and deuteranopia and checks every pair of status colours): "good" is a bluish green, "bad" a deep
vermillion, and the steps between differ in lightness as well as hue.  Colour never stands alone: every
status has its word (and an icon), and charts put the word in the legend, the cell or the hover text.

`.streamlit/config.toml` mirrors THEME below (Streamlit cannot read Python); tests/test_charts.py checks that
the two agree, so change both together.
"""

from __future__ import annotations

from typing import NamedTuple

import plotly.graph_objects as go
import plotly.io as pio

# Okabe–Ito and a few shades of it.
BLUE = "#0072B2"
SKY = "#56B4E9"
BLUISH_GREEN = "#009E73"
DEEP_GREEN = "#00624E"
AMBER = "#E6A100"
ORANGE = "#EE7733"
RED = "#B8290C"  # a deep vermillion: reads as red, stays apart from the greens without red–green vision
DEEP_RED = "#6B0F0F"  # a final 未达标: darker than 倒退's red, apart from every status colour without red–green vision
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#B3B3B3"
DARK_GREY = "#4D4D4D"

TEXT = "#1A1A1A"
BACKGROUND = "#FFFFFF"
PANEL = "#F2F4F7"
GRID = "#E1E5EA"
MUTED = "#BDBDBD"  # a greyed value (n < 30)
MUTED_TEXT = "#6B6B6B"  # small print and the greyed value's label; 5.3:1 on white

FONT_FAMILY = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"

# Series in the order charts use them: blue and orange first (the pair every colour vision tells apart).
SERIES = (BLUE, "#E69F00", BLUISH_GREEN, PURPLE, SKY, "#D55E00", DARK_GREY, YELLOW)

# The word in its colour on white needs 4.5:1; these darker twins of the fill colours give it.
_TEXT_TWIN = {DEEP_GREEN: DEEP_GREEN, DEEP_RED: DEEP_RED, BLUISH_GREEN: "#008460", AMBER: "#996B00", ORANGE: "#C45210",
              RED: RED, GREY: MUTED_TEXT, BLUE: BLUE}


class Status(NamedTuple):
    """A status as a user sees it: its word and its colour (unpacks as `word, colour`)."""

    word: str
    colour: str

    @property
    def text_colour(self) -> str:
        """The colour to write the word in on a white background."""
        return _TEXT_TWIN.get(self.colour, TEXT)

    @property
    def icon(self) -> str:
        """A sign that carries the status without colour."""
        return _ICON.get(self.word, "")

    @property
    def label(self) -> str:
        """Icon and word: "√ 已达标"."""
        return f"{self.icon} {self.word}".strip()


# INDICATORS.md, progress_status (Open SDG).
STATUS = {
    "target_achieved": Status("已达标", DEEP_GREEN),
    "substantial_progress": Status("进度达标", BLUISH_GREEN),
    "moderate_progress": Status("需加快", AMBER),
    "limited_progress": Status("进展有限", ORANGE),
    "deterioration": Status("倒退", RED),
    "target_missed": Status("未达标", DEEP_RED),
    "not_available": Status("数据不足", GREY),
}

# Returns by department and quarter (DHIS2's reporting); 空报 is also hatched in charts.
REPORTING = {
    "on_time": Status("按时", BLUISH_GREEN),
    "late": Status("逾期", AMBER),
    "missing": Status("未报", RED),
    "empty": Status("空报", GREY),
    "pending": Status("未到期", SKY),
}
EMPTY_RETURN_PATTERN = "/"  # plotly marker.pattern.shape for 空报

# Milestones: the plan's states, and 逾期 (not done and past its due date), which is always red.
MILESTONE = {
    "已完成": Status("已完成", BLUISH_GREEN),
    "进行中": Status("进行中", BLUE),
    "未开始": Status("未开始", GREY),
    "逾期": Status("逾期", RED),
}
OVERDUE = MILESTONE["逾期"].colour
MILESTONE_SYMBOL = {"已完成": "circle", "进行中": "circle-open", "未开始": "circle-open-dot", "逾期": "x"}

# Signs every CJK font has (GB 2312), so none falls back to a missing glyph.
_ICON = {"已达标": "√", "进度达标": "↑", "需加快": "→", "进展有限": "↘", "倒退": "↓", "未达标": "×", "数据不足": "？",
         "按时": "√", "逾期": "！", "未报": "×", "空报": "○", "未到期": "…", "已完成": "√", "进行中": "…", "未开始": "○"}

# Literacy tiers (INDICATORS.md), from the top down: one blue ramp, lightest for the lowest tier.
TIERS = ("高阶", "具备", "基本具备", "较低")
TIER_COLOURS = {"高阶": "#08519C", "具备": "#3182BD", "基本具备": "#9ECAE1", "较低": "#E3E3E3"}

# Light fills for the plan's phases on time axes (in turn, however many phases the plan has).
PHASE_FILLS = ("#E8F1F8", "#F7F0E1", "#E6F4EE")
PHASE_BARS = ("#9CC3E0", "#EBCB8B", "#8FCFB4")

# Mirrored, key for key, by [theme] in .streamlit/config.toml.
THEME = {
    "base": "light",
    "primaryColor": BLUE,
    "backgroundColor": BACKGROUND,
    "secondaryBackgroundColor": PANEL,
    "textColor": TEXT,
    "font": FONT_FAMILY,
    "greenColor": BLUISH_GREEN,
    "greenTextColor": _TEXT_TWIN[BLUISH_GREEN],
    "yellowColor": AMBER,
    "yellowTextColor": _TEXT_TWIN[AMBER],
    "orangeColor": ORANGE,
    "orangeTextColor": _TEXT_TWIN[ORANGE],
    "redColor": RED,
    "redTextColor": RED,
    "grayColor": GREY,
    "grayTextColor": MUTED_TEXT,
    "blueColor": BLUE,
    "blueTextColor": BLUE,
    "chartCategoricalColors": list(SERIES),
}


def status(code: str | None) -> Status:
    """The word and colour of a progress status code (None → 数据不足)."""
    return STATUS["not_available" if code is None else code]


def reporting(state: str) -> Status:
    """The word and colour of a reporting state, given as its code ("late") or its word ("逾期")."""
    if state in REPORTING:
        return REPORTING[state]
    for s in REPORTING.values():
        if s.word == state:
            return s
    raise KeyError(state)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (WCAG contrast)."""
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(fill.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#FFFFFF" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else TEXT


def rgba(colour: str, alpha: float) -> str:
    """A hex colour with transparency, for bands."""
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# ---- plotly templates -------------------------------------------------------------------------------
KEXUE = "kexue"
PROJECTOR = "kexue_projector"


def _template(text: int, ticks: int, title: int, line: float, marker: int, smallest: int) -> go.layout.Template:
    axis = dict(showgrid=True, gridcolor=GRID, zeroline=False, linecolor=DARK_GREY, ticks="outside",
                tickcolor=DARK_GREY, tickfont=dict(size=ticks), title=dict(font=dict(size=text)),
                automargin=True, exponentformat="none", separatethousands=True)
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT_FAMILY, size=text, color=TEXT),
            title=dict(font=dict(size=title), x=0, xanchor="left", y=0.98, yref="container", yanchor="top",
                       automargin=True),
            # Labels that would have to shrink below `smallest` px are hidden (the hover still has them).
            uniformtext=dict(minsize=smallest, mode="hide"),
            colorway=list(SERIES),
            paper_bgcolor=BACKGROUND, plot_bgcolor=BACKGROUND,
            xaxis=axis, yaxis=axis,
            legend=dict(font=dict(size=text), orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left"),
            hoverlabel=dict(font=dict(family=FONT_FAMILY, size=text)),
            separators=".,",
            margin=dict(l=20, r=20, t=90, b=20),
        ),
        data=dict(
            scatter=[go.Scatter(line=dict(width=line), marker=dict(size=marker))],
            bar=[go.Bar(marker=dict(line=dict(width=0)))],
        ),
    )


pio.templates[KEXUE] = _template(text=15, ticks=14, title=19, line=2.5, marker=9, smallest=11)
# 汇报模式: read from the back of a meeting room (UI.md: text ≥ 24 px, nothing below 18 px).
pio.templates[PROJECTOR] = _template(text=24, ticks=22, title=32, line=4, marker=16, smallest=18)


# ---- layout by container width ----------------------------------------------------------------------
class Layout(NamedTuple):
    """How a chart is set in a container of a given width: one of three classes, chosen by `layout_for`."""

    name: str
    height: int  # px of the whole figure
    font: int  # body text: labels, legend, axis titles
    ticks: int  # tick labels
    title: int  # the one-line finding
    margin: int  # px left and right of the plot area (the axes' labels push it further, automargin)
    max_ticks: int  # at most this many labels on a category or period axis


# Three classes by the width the chart is given (a full-width chart at a 1920 px window gets ~1500 px; at a
# 1280 px laptop ~820 px; a half column at 1280 px or a projector at 1024 px ~300–560 px).
LAYOUTS = (
    (1000, Layout("wide", height=460, font=15, ticks=14, title=19, margin=20, max_ticks=16)),
    (600, Layout("medium", height=420, font=14, ticks=13, title=17, margin=14, max_ticks=10)),
    (0, Layout("narrow", height=380, font=13, ticks=12, title=15, margin=8, max_ticks=6)),
)
# 汇报模式 (UI.md: nothing below 18 px): the projector's sizes at any width; the width still sets tick density.
PROJECTOR_SIZES = dict(font=22, ticks=20, title=28)

# Spacing of labels (px): between a label and the mark it names, between stacked labels, around the title.
LABEL_GAP = 6
LINE_HEIGHT = 1.3  # times the font size
TITLE_PAD = 10
LEGEND_ROW = 1.9  # a legend row's height, times the font size
SMALL_SLICE = 4.0  # percent: a stacked slice thinner than this is labelled beside its bar, not inside
OUTLIER_RATIO = 4.0  # a bar this many times the median of the others goes on its own panel


def layout_for(width: float | None) -> Layout:
    """The layout class of a chart `width` px wide (None: the wide class, for tests and the report)."""
    w = 10_000 if width is None else width
    return next(layout for floor, layout in LAYOUTS if w >= floor)
TARGET_LABEL_ROOM = 0.08  # of the value axis: two target labels closer than this are set on either side
TIER_BAR_WIDTH = 0.5  # of a period's place: the rest is room for a thin slice's label beside its bar
TIER_LABEL_STEP = 6.0  # percent: labels beside one bar are set at least this far apart
TIER_BESIDE_ROOM = 0.35  # extra places right of the last bar for its beside label
BAR_LABEL_ROOM = 1.35  # the value axis runs this far past the longest bar, for the label beyond it
REFERENCE_LABEL_ROOM = 28  # px above the plot for a reference line's label (全镇)
PERIOD_TICKS = 8  # a period axis names every period up to this many, else each year once
CAP_CLEARANCE = 0.015  # of the value axis: between an error bar's cap and the value label beyond it
AXIS_TITLE_GAP = 12  # px between the tick labels and the axis title
BAR_ROW = 1.8  # a level bar's least height, times the font size (its label and some air)

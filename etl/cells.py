"""One cell at a time: header matching and typed parsing of what departments really type.

Each parser returns `Parsed(value, note)`: `note` names a tolerated form (number stored as text, a date
written 2025年3月15日, 男性 for 男 …) that the receipt lists, or is None. A cell that cannot be read raises
`CellError` with what was expected, in Chinese.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any, NamedTuple

from etl.spec import VALUE_ALIASES, Column

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serials between these are plausible dates (1954 … 2119); other numbers are not dates.
SERIAL_MIN, SERIAL_MAX = 20000, 80000
MAX_TEXT = 2000
# No count, amount or score of these workbooks comes near 10^12; beyond it a number is a slip (or an attack).
MAX_NUMBER = 1e12
# Whole-number columns are stored as 32-bit integers.
MAX_INT = 2_147_483_647
_UNIT = re.compile(r"\([^()]*\)$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
# Control characters (tab and line breaks allowed) and the bidirectional overrides that make text display
# other than it reads ("Trojan source"): refused in text cells, shown as � in receipts.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Invisible characters that only ever arrive by copy-paste (zero-width space/joiners, word joiner, BOM): removed.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


class CellError(ValueError):
    """A cell that cannot be used; `expected` says, in Chinese, what it should hold."""

    def __init__(self, expected: str, message: str | None = None):
        super().__init__(expected)
        self.expected = expected
        self.message = message


class Parsed(NamedTuple):
    value: Any
    note: str | None = None


def normalize_header(text: Any) -> str:
    """Header text folded for matching: full-width to half-width, no spaces, lower case."""
    folded = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text or "")))
    return re.sub(r"\s+", "", folded).replace("（", "(").replace("）", ")").lower()


def header_keys(column: Column) -> set[str]:
    """Every folded spelling under which a header names this column."""
    name = normalize_header(column.name)
    return {name, _UNIT.sub("", name), normalize_header(column.alias)} - {""}


def match_header(text: Any, columns: tuple[Column, ...]) -> Column | None:
    """The column a header cell names: exact, then without a trailing unit such as (人) — but never a header
    whose unit differs from the column's own (经费(万元) is not 经费(元): see unit_conflict)."""
    key = normalize_header(text)
    if not key:
        return None
    for candidate in (key, _UNIT.sub("", key)):
        for column in columns:
            if candidate in header_keys(column) and not _other_unit(key, column):
                return column
    return None


def _other_unit(key: str, column: Column) -> bool:
    """True when the header carries a unit and the column has a different one of its own."""
    given, own = _UNIT.search(key), _UNIT.search(normalize_header(column.name))
    return bool(given and own and given.group(0) != own.group(0) and _UNIT.sub("", key) == _UNIT.sub("", normalize_header(column.name)))


def unit_conflict(text: Any, columns: tuple[Column, ...]) -> Column | None:
    """The column a header names in another unit (经费(万元) for 经费(元)), or None."""
    key = normalize_header(text)
    return next((c for c in columns if key and _other_unit(key, c)), None)


def is_blank(value: Any) -> bool:
    """True for an empty cell: None, '' or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def raw_text(value: Any) -> str:
    """A cell as text for the raw layer, as Excel shows it: 2 not 2.0, dates as 2025-03-15, blanks empty."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def display(value: Any) -> str:
    """A cell value as the user typed it, for the receipt (long text cut, control characters shown)."""
    if value is None:
        return ""
    if isinstance(value, float) and abs(value) >= 1e15:
        value = f"{value:.6g}"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    text = _CONTROL.sub("�", str(value))
    return text if len(text) <= 60 else text[:57] + "…"


def parse_text(value: Any) -> Parsed:
    """Text, stripped; whole numbers typed as numbers become '123', not '123.0'; zero-width characters removed.

    Never refuses text: a text *column* is checked by `check_text` (control characters, length) in
    `parse_cell`, while other callers (报表类型, extra columns kept as found) only want the text."""
    if isinstance(value, bool):
        return Parsed("是" if value else "否")
    if isinstance(value, float) and value.is_integer():
        return Parsed(str(int(value)))
    if isinstance(value, (dt.date, dt.datetime)):
        return Parsed(value.isoformat()[:10])
    text, removed = _INVISIBLE.subn("", unicodedata.normalize("NFC", str(value)))
    return Parsed(text.strip(), "已去除不可见字符（零宽空格等）" if removed else None)


def check_text(text: str) -> None:
    """Refuse text a text cell must not hold: control characters, more than MAX_TEXT characters."""
    if _CONTROL.search(text):
        raise CellError("不含控制字符的文本", "含有控制字符（不可见的特殊字符）")
    if len(text) > MAX_TEXT:
        raise CellError(f"不超过{MAX_TEXT}个字符的文本", f"文字过长（{len(text):,}个字符）")


def parse_number(value: Any) -> Parsed:
    """A number: real numbers, or text with full-width digits, thousands separators or spaces."""
    if isinstance(value, bool):
        raise CellError("数字")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("数字")
        return Parsed(_plausible(float(value)))
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value))).strip()
    cleaned = re.sub(r"[,\s，]", "", text)
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        return Parsed(_plausible(float(cleaned)), "数字以文本形式填写，已按数字读取")
    raise CellError("数字")


def _plausible(number: float) -> float:
    if abs(number) > MAX_NUMBER:
        raise CellError("绝对值不超过1万亿的数", "数值大得不合理")
    return number


def parse_int(value: Any) -> Parsed:
    """A whole number (12 or 12.0 or '12'), never 12.5."""
    number, note = parse_number(value)
    if not float(number).is_integer():
        raise CellError("整数")
    if abs(number) > MAX_INT:
        raise CellError(f"绝对值不超过{MAX_INT:,}的整数", "数值大得不合理")
    return Parsed(int(number), note)


def parse_date(value: Any) -> Parsed:
    """A date: a real Excel date, a serial number, or text 2025-03-15, 2025/3/15, 2025.3.15, 2025年3月15日."""
    if isinstance(value, dt.datetime):
        return Parsed(value.date())
    if isinstance(value, dt.date):
        return Parsed(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_MIN <= value <= SERIAL_MAX and float(value).is_integer():
            return Parsed(EXCEL_EPOCH + dt.timedelta(days=int(value)), "日期以Excel序号填写，已转换")
        raise CellError("日期，如2025-03-15")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.match(text)
    if not match:
        raise CellError("日期，如2025-03-15")
    try:
        parsed = dt.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise CellError("存在的日期，如2025-03-15") from exc
    return Parsed(parsed, "日期以文本形式填写，已按日期读取")


def parse_choice(value: Any, allowed: tuple[str, ...]) -> Parsed:
    """One of `allowed`, accepting the tolerated spellings of VALUE_ALIASES."""
    text, invisible = parse_text(value)
    folded = unicodedata.normalize("NFKC", text).replace("（", "(").replace("）", ")").replace(" ", "")
    if text in allowed:
        return Parsed(text, invisible)
    for candidate in (folded, VALUE_ALIASES.get(folded), VALUE_ALIASES.get(text)):
        if candidate in allowed:
            return Parsed(candidate, f"“{text}”按“{candidate}”读取")
    shown = "、".join(allowed) if len(allowed) <= 14 else "、".join(allowed[:14]) + "等"
    raise CellError(f"以下之一：{shown}")


def parse_cell(value: Any, column: Column, allowed: tuple[str, ...] = ()) -> Parsed:
    """Parse one non-blank cell for `column`, range-checked; plan columns check against `allowed`."""
    kind = column.kind
    if kind == "text":
        parsed = parse_text(value)
        check_text(parsed.value)
        return parsed
    if kind == "date":
        return parse_date(value)
    if kind in ("enum", "plan"):
        choices = column.allowed if kind == "enum" else tuple(allowed) + column.extra_allowed
        if kind == "plan" and column.plan_values == "tasks":
            parsed = parse_int(value) if not isinstance(value, str) or value.strip().isdigit() else None
            if parsed is not None and str(parsed.value) in choices:
                return Parsed(parsed.value, parsed.note)
            raise CellError(f"计划中的任务编号：{'、'.join(choices)}")
        return parse_choice(value, choices)
    try:
        parsed = parse_int(value) if kind == "int" else parse_number(value)
    except CellError as exc:
        if kind == "int" and exc.expected in ("数字", "整数"):
            raise CellError(range_text(column), exc.message) from exc  # say the whole rule: 6–100的整数
        raise
    low, high = column.min, column.max
    if (low is not None and parsed.value < low) or (high is not None and parsed.value > high):
        raise CellError(range_text(column), "超出允许范围")
    if column.field == "weight" and parsed.value <= 0:
        raise CellError("大于0的数", "超出允许范围")
    return parsed


def range_text(column: Column) -> str:
    """What a number column accepts, in Chinese ('0–40的数', '不小于0的整数')."""
    noun = "整数" if column.kind == "int" else "数"
    low, high = column.min, column.max
    fmt = lambda x: f"{x:g}"  # noqa: E731 - tiny local formatter
    if low is not None and high is not None:
        return f"{fmt(low)}–{fmt(high)}的{noun}"
    if low is not None:
        return f"不小于{fmt(low)}的{noun}"
    if high is not None:
        return f"不大于{fmt(high)}的{noun}"
    return noun

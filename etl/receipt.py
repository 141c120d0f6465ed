"""The receipt (回执) an upload gets back: every problem with sheet, row, column, value and what is expected."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd

SEVERITY_WORDS = {"error": "错误", "warning": "提醒", "note": "说明"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}
STATUS_WORDS = {
    "stored": "已入库", "refused": "未入库（有错误）", "duplicate": "重复文件，未重复入库",
    "needs_replace": "未入库：该期已有报表，需确认替换", "checked": "检查通过（未入库）",
    "forbidden": "未入库：无权限",
}
RECEIPT_COLUMNS = {"severity_word": "级别", "sheet": "工作表", "row": "行", "column": "列",
                   "value": "填写的值", "expected": "应为", "message": "说明"}


def period_label(period: str | None) -> str:
    """'2025' → 2025年, '2025Q3' → 2025年第3季度, 'plan' → 工作计划."""
    if not period:
        return ""
    if period == "plan":
        return "工作计划"
    if "Q" in period:
        year, quarter = period.split("Q")
        return f"{year}年第{quarter}季度"
    return f"{period}年"


@dataclass(frozen=True)
class Problem:
    """One finding about one cell (or sheet, or file): errors refuse the return, warnings and notes don't."""

    severity: str
    code: str
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    expected: str = ""

    @property
    def where(self) -> str:
        """'调查数据 第12行 「年龄」' — as a person would point at the cell."""
        parts = [f"【{self.sheet}】" if self.sheet else "", f"第{self.row}行" if self.row else "",
                 f"「{self.column}」" if self.column else ""]
        return "".join(parts)

    @property
    def text(self) -> str:
        """The whole finding as one Chinese line."""
        found = f"，填写的值“{self.value}”" if self.value else ""
        wanted = f"，应为{self.expected}" if self.expected else ""
        return f"{SEVERITY_WORDS[self.severity]}：{self.where}{self.message}{found}{wanted}"


def error(code: str, message: str, **where) -> Problem:
    """An error: the return is refused."""
    return Problem("error", code, message, **where)


def warning(code: str, message: str, **where) -> Problem:
    """A warning: stored, shown to the office until accepted."""
    return Problem("warning", code, message, **where)


def note(code: str, message: str, **where) -> Problem:
    """A note: a tolerated form, read as intended."""
    return Problem("note", code, message, **where)


@dataclass
class Receipt:
    """What one uploaded file got: its status, what it was, and every problem found."""

    file_name: str
    problems: list[Problem] = field(default_factory=list)
    status: str = "checked"
    kind: str | None = None
    department: str | None = None
    period: str | None = None
    return_id: int | None = None
    version: int | None = None
    rows: int = 0
    sha256: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "note"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        """One Chinese line: file, status and counts."""
        what = "、".join(x for x in (self.department, period_label(self.period)) if x)
        return (f"{self.file_name}{'（' + what + '）' if what else ''}：{STATUS_WORDS.get(self.status, self.status)}"
                f" · 错误{len(self.errors)}条 · 提醒{len(self.warnings)}条 · 说明{len(self.notes)}条")

    def sorted_problems(self) -> list[Problem]:
        """Errors first, then warnings, then notes; within each by sheet and row."""
        return sorted(self.problems, key=lambda p: (SEVERITY_ORDER[p.severity], p.sheet, p.row or 0, p.column))

    def to_frame(self) -> pd.DataFrame:
        """The receipt as a table with Chinese headers: 级别, 工作表, 行, 列, 填写的值, 应为, 说明."""
        rows = [{"severity_word": SEVERITY_WORDS[p.severity], "sheet": p.sheet, "row": p.row,
                 "column": p.column, "value": p.value, "expected": p.expected, "message": p.message}
                for p in self.sorted_problems()]
        frame = pd.DataFrame(rows, columns=list(RECEIPT_COLUMNS))
        frame["row"] = frame["row"].astype("Int64")
        return frame.rename(columns=RECEIPT_COLUMNS)

    def to_text(self) -> str:
        """The receipt as lines for the command line."""
        return "\n".join([self.summary, *("  " + p.text for p in self.sorted_problems())])

    def to_xlsx(self) -> bytes:
        """The receipt as an .xlsx to send back to the department (text never turned into formulas)."""
        from etl.safe_xlsx import write_frames

        head = pd.DataFrame({"项目": ["文件", "结果", "单位", "期间"],
                             "内容": [self.file_name, STATUS_WORDS.get(self.status, self.status),
                                    self.department or "", period_label(self.period)]})
        buffer = io.BytesIO()
        write_frames(buffer, {"回执": head, "问题清单": self.to_frame()})
        return buffer.getvalue()

"""Checking a data sheet column by column: each distinct value is parsed once, then spread over its rows.

A column of 100,000 cells holds a few hundred distinct values (villages, ages, scores, dates); only
identifiers and free text are nearly all distinct. So a sheet is checked as columns: `pandas.factorize` finds each
column's distinct values (in C), every distinct value goes through the same per-cell parser as before
(`etl.cells.parse_cell`), and the outcome is spread back over the rows with numpy. Two kinds of distinct value
take a shorter road that gives the same outcome by construction: plain text (only characters that neither
normalisation, stripping nor the text checks change) and finite numbers in range. Messy forms (full-width digits,
2025年3月15日, 男性, stray spaces, control characters) always go through the per-cell parser.

Messages, their order, the typed values and the raw text are those of the cell-by-cell check: problems are
listed row by row, column by column, notes in the order their first cell appears.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from etl.cells import MAX_INT, MAX_NUMBER, MAX_TEXT, CellError, display, is_blank, parse_cell, raw_text
from etl.receipt import Problem, error
from etl.spec import Column

SPACES = "前后的空格已去除"
# Text that parse_text returns unchanged, without a note, and check_text accepts: printable ASCII, CJK ideographs,
# CJK and full-width punctuation, inner spaces; no character that NFC, stripping or the control check would touch.
_SAFE = "!-~\u4e00-\u9fff\u3001-\u3011\uff01-\uff5e"
_PLAIN_TEXT = re.compile(f"[{_SAFE}](?:[ {_SAFE}]*[{_SAFE}])?")
_ALL_PLAIN_TEXT = re.compile(f"{_PLAIN_TEXT.pattern}(?:\n{_PLAIN_TEXT.pattern})*")  # plain texts, one a line


@dataclass
class SheetRows:
    """A checked data sheet as columns: typed values (None where blank or unreadable) and the raw text."""

    row_no: np.ndarray
    values: dict[str, np.ndarray]
    failed: dict[str, np.ndarray]
    raw: list[tuple[str, int, np.ndarray, np.ndarray]]  # (header, column index, code per row, text per code)
    lengths: np.ndarray  # cells per row (a short row lacks the raw cells past its end)
    # field → (code per row, typed value per code, the values array they give): each distinct value once, for
    # building Arrow arrays in C; true while values[field] is still that (read-only) array
    coded: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def codes(self, field: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(code per row, value per code) giving `field`'s values, or None when a rule has replaced them."""
        found = self.coded.get(field)
        return found[:2] if found is not None and self.values.get(field) is found[2] else None

    def __len__(self) -> int:
        return len(self.row_no)

    def column(self, field: str) -> np.ndarray:
        """The typed values of `field` (object array; all None when the sheet lacks the column)."""
        found = self.values.get(field)
        return found if found is not None else np.full(len(self), None, dtype=object)

    def numbers(self, field: str) -> np.ndarray:
        """The values of a number column as floats, NaN where empty."""
        return pd.Series(self.column(field), dtype=object).astype(float).to_numpy()

    def failed_any(self, fields) -> np.ndarray:
        """True on rows where a cell of any of `fields` could not be read."""
        out = np.zeros(len(self), dtype=bool)
        for f in fields:
            if f in self.failed:
                out |= self.failed[f]
        return out

    def records(self) -> list[dict]:
        """Rows as dicts {row_no, field: value, _failed: {fields}} (the small plan sheets' rules use these)."""
        fields = list(self.values)
        lists = [self.values[f].tolist() for f in fields]
        failed = {f: m for f, m in self.failed.items() if m.any()}
        out = []
        for i, row_no in enumerate(self.row_no.tolist()):
            record = {"row_no": row_no, **{f: v[i] for f, v in zip(fields, lists)}}
            bad = {f for f, m in failed.items() if m[i]}
            if bad:
                record["_failed"] = bad
            out.append(record)
        return out

    def raw_cells(self) -> list[dict[str, str]]:
        """Every row's cells keyed by header, as text (the raw layer), built row by row."""
        texts = [(h, at, texts[codes].tolist()) for h, at, codes, texts in self.raw]
        lengths = self.lengths.tolist()
        return [{h: t[i] for h, at, t in texts if at < lengths[i]} for i in range(len(self))]

    def full_width(self) -> bool:
        """True when every row reaches every column (no raw cell is missing)."""
        return not self.raw or not len(self) or int(self.lengths.min()) > max(r[1] for r in self.raw)


def check_sheet(table, allowed: dict, expected, problems: list[Problem], notes: Counter,
                first_seen: dict) -> SheetRows:
    """Check every cell of a data sheet; problems and notes are added in the order the cell-by-cell check gives."""
    rows = table.rows
    n = len(rows)
    row_no = np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=n)
    lengths = np.fromiter(map(len, map(itemgetter(1), rows)), dtype=np.int64, count=n)
    width = int(lengths.max()) if n else 0
    grid = np.empty((n, width), dtype=object)
    if n and width and int(lengths.min()) == width:
        grid[:] = list(map(itemgetter(1), rows))
    else:  # rows of different lengths: the missing cells are None, as SheetTable.cell gives them
        for i, (_, cells) in enumerate(rows):
            grid[i, :len(cells)] = cells
    found: list[tuple[int, int, Problem]] = []
    note_hits: list[tuple[int, int, int, tuple, int]] = []
    values, failed, coded, typed = {}, {}, {}, {}
    for position, (index, column) in enumerate(table.columns.items()):
        parsed = _Column(grid[:, index] if index < width else np.full(n, None, dtype=object), column,
                         allowed.get(column.plan_values, ()))
        coded[index] = parsed.codes, parsed.raw
        values[column.field], failed[column.field] = parsed.value[parsed.codes], parsed.bad[parsed.codes]
        values[column.field].flags.writeable = False  # a rule that changes values replaces the array (see `coded`)
        typed[column.field] = parsed.codes, parsed.value, values[column.field]
        where = {"sheet": table.title, "column": column.name}
        if column.required:
            text = expected(column)
            for i in np.flatnonzero(parsed.blank[parsed.codes]).tolist():
                found.append((i, position, error("required", "必填项为空", row=int(row_no[i]), **where, expected=text)))
        for i in np.flatnonzero(failed[column.field]).tolist():
            message, value, text = parsed.errors[parsed.codes[i]]
            found.append((i, position, error("invalid", message, row=int(row_no[i]), **where, value=value,
                                              expected=text)))
        for sub, labels in ((0, parsed.spaces), (1, parsed.note)):
            for label, first, count in parsed.tally(labels):
                note_hits.append((first, position, sub, (table.title, column.name, label), count))
    found.sort(key=lambda f: f[:2])
    problems += [p for *_, p in found]
    for first, _, _, key, count in sorted(note_hits, key=lambda h: h[:3]):
        notes[key] += count
        first_seen.setdefault(key, int(row_no[first]))
    headers = {**{i: c.name for i, c in table.columns.items()}, **table.extra}
    raw: dict[str, tuple] = {}
    for index in sorted(headers):
        if index not in coded:
            codes, uniques = _factorize(grid[:, index] if index < width else np.full(n, None, dtype=object))
            coded[index] = codes, np.array([raw_text(u) for u in uniques] + [""], dtype=object)
        # A header written twice keeps its first place and its last cells (as a dict would).
        raw[headers[index]] = (raw[headers[index]][0] if headers[index] in raw else index, *coded[index])
    return SheetRows(row_no, values, failed, [(h, *r) for h, r in raw.items()], lengths, typed)


def _factorize(cells: np.ndarray) -> tuple[np.ndarray, list]:
    """(code per cell, distinct values); empty cells (None, NaN) take the code len(distinct values).

    Grouping by equality would join True, 1 and 1.0 (and a huge int with its float), which parse differently;
    when such a group holds more than one type, every cell of the column is its own value instead."""
    codes, uniques = pd.factorize(cells)
    uniques = list(uniques)
    mixable = len(set(map(type, cells)) & {bool, int, float}) > 1  # else no group can hold two of these types
    for u, v in enumerate(uniques if mixable else ()):
        if type(v) in (bool, int, float) and (v == 0 or v == 1 or abs(v) >= 1e15) and \
                len(set(map(type, cells[codes == u]))) > 1:
            codes, uniques = np.arange(len(cells)), list(cells)
            break
    codes[codes < 0] = len(uniques)
    return codes, uniques


class _Column:
    """One column's distinct values, each parsed once; arrays per distinct value, the last slot for empty cells."""

    def __init__(self, cells: np.ndarray, column: Column, allowed: tuple[str, ...]):
        self.codes, uniques = _factorize(cells)
        k = len(uniques)
        self.value = np.full(k + 1, None, dtype=object)
        self.raw = np.full(k + 1, "", dtype=object)
        self.bad, self.blank = np.zeros(k + 1, dtype=bool), np.zeros(k + 1, dtype=bool)
        self.blank[k] = True
        self.spaces = np.full(k + 1, None, dtype=object)
        self.note = np.full(k + 1, None, dtype=object)
        self.errors: dict[int, tuple[str, str, str]] = {}
        todo = self._fast_numbers(uniques, column) if column.kind in ("int", "number") else \
            self._fast_text(uniques) if column.kind == "text" else range(k)
        for u in todo:
            self._parse(u, uniques[u], column, allowed)
        self._first = self._counts = None

    def _parse(self, u: int, value: Any, column: Column, allowed: tuple[str, ...]) -> None:
        self.raw[u] = raw_text(value)
        if is_blank(value):
            self.blank[u] = True
            return
        if isinstance(value, str) and value != value.strip():
            self.spaces[u] = SPACES
        try:
            parsed = parse_cell(value, column, allowed)
        except CellError as exc:
            self.bad[u] = True
            self.errors[u] = (exc.message or invalid_message(column), display(value), exc.expected)
            return
        self.value[u], self.note[u] = parsed.value, parsed.note

    def _fast_numbers(self, uniques: list, column: Column) -> list[int]:
        """Each distinct finite float in range: its value and raw text; the rest is left to the parser."""
        floats = [u for u, v in enumerate(uniques) if type(v) is float]
        if not floats:
            return list(range(len(uniques)))
        numbers = np.array([uniques[u] for u in floats], dtype=float)
        ok = np.isfinite(numbers) & (np.abs(numbers) <= MAX_NUMBER)
        whole = ok & (numbers == np.floor(numbers))
        if column.kind == "int":
            ok &= whole & (np.abs(numbers) <= MAX_INT)
        if column.min is not None:
            ok &= numbers >= column.min
        if column.max is not None:
            ok &= numbers <= column.max
        if column.field == "weight":
            ok &= numbers > 0
        chosen = np.asarray(floats)[ok]
        picked = numbers[ok]
        self.value[chosen] = _objects(picked.astype(np.int64).tolist() if column.kind == "int" else picked.tolist())
        as_int = whole[ok] & (np.abs(picked) < 1e15)  # raw_text: 2 not 2.0
        self.raw[chosen[as_int]] = _objects(picked[as_int].astype(np.int64).astype(str).tolist())
        self.raw[chosen[~as_int]] = _objects([str(x) for x in picked[~as_int].tolist()])
        done = set(chosen.tolist())
        return [u for u in range(len(uniques)) if u not in done]

    def _fast_text(self, uniques: list) -> list[int]:
        """Each distinct plain text is its own value and raw text; the rest is left to the parser."""
        if uniques and set(map(type, uniques)) == {str} and max(map(len, uniques)) <= MAX_TEXT and \
                _ALL_PLAIN_TEXT.fullmatch("\n".join(uniques)):  # all plain (identifiers …): one match, in C
            self.value[:len(uniques)] = self.raw[:len(uniques)] = uniques
            return []
        rest = []
        for u, v in enumerate(uniques):
            if type(v) is str and len(v) <= MAX_TEXT and _PLAIN_TEXT.fullmatch(v):
                self.value[u] = self.raw[u] = v
            else:
                rest.append(u)
        return rest

    def tally(self, labels: np.ndarray):
        """(label, first row index, number of cells) for each label the column's cells carry."""
        used = [u for u in range(len(labels) - 1) if labels[u] is not None]
        if not used:
            return []
        if self._first is None:
            k, n = len(labels) - 1, len(self.codes)
            self._counts = np.bincount(self.codes, minlength=k + 1)
            self._first = np.full(k + 1, n)
            np.minimum.at(self._first, self.codes, np.arange(n))
        out: dict[str, list[int]] = {}
        for u in used:
            first, count = out.setdefault(labels[u], [len(self.codes), 0])
            out[labels[u]] = [min(first, int(self._first[u])), count + int(self._counts[u])]
        return [(label, first, count) for label, (first, count) in out.items()]


def _objects(values: list) -> np.ndarray:
    """A 1-d object array of Python values (numpy would otherwise pick a numeric or string dtype)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def invalid_message(column: Column) -> str:
    """The message of an unreadable cell when the parser gives none ('不是有效日期' …)."""
    return {"date": "不是有效日期", "int": "不是有效整数", "number": "不是有效数字",
            "enum": "不在允许的取值中", "plan": "不在工作计划的名单中"}.get(column.kind, "内容不符合要求")

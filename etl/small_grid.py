"""The proof that a sheet part lays out small: every cell is written <c r="X12345"…> inside A1:Z100000.

A reader then lays the sheet out in at most 26 × 100,000 cells, within every limit of etl.limits, so the sheet's
used range need not be counted. One regular-expression search over each piece of the XML (no Python step per
cell) finds the first cell not so written: a column past Z, a row past 100,000, a cell without its reference, or
its reference not first. Such a sheet is counted exactly, as before.
"""
from __future__ import annotations

import re
import zipfile
from typing import Iterable

from etl.package import WORKSHEET_PREFIX

ROWS, COLUMNS = 100_000, 26  # the grid a proven sheet fits in (A1:Z100000)
# A cell tag other than <c r="X12345" …>: a column past Z, a row past 100,000 or a cell without its reference.
_CELL_OUTSIDE = re.compile(rb'<c(?=[\s>/])(?! r="[A-Z](?:\d{1,5}|100000)")')


def small_grid(chunks: Iterable[bytes]) -> bool:
    """True when every cell of the sheet XML is written inside A1:Z100000 (`chunks`: the XML cut between rows,
    its namespace prefix removed, as etl.limits.iter_row_chunks gives it)."""
    return not any(_CELL_OUTSIDE.search(chunk) for chunk in chunks)


class SmallGridWatch:
    """small_grid over a sheet part's pieces as etl.package.verify_parts unpacks them (the part is then not
    unpacked a second time for it). Pieces are not cut at rows: each search overlaps the previous piece's end,
    and a cell found too close to a piece's end to be seen whole is looked at again with the next piece."""

    OVERLAP = 32  # more than any cell tag the search must see whole (<c r="Z100000")

    def __init__(self, path: str):
        self.path, self.small = path, True  # small None: undecided here (a namespace prefix): small_grid decides
        self._head, self._tail = b"", b""

    @classmethod
    def of_largest_sheet(cls, infos: list[zipfile.ZipInfo]) -> "SmallGridWatch | None":
        """A watch on the largest worksheet part, or None when the package has none."""
        sheets = [i for i in infos if "worksheets/" in i.filename.replace("\\", "/") and
                  i.filename.lower().endswith(".xml")]
        return cls(max(sheets, key=lambda i: i.file_size).filename) if sheets else None

    def __call__(self, piece: bytes) -> None:
        if not self.small:
            return
        if len(self._head) < 4096:  # iter_row_chunks removes a prefix found in the part's first 4,096 bytes
            self._head += piece[:4096 - len(self._head)]
            if WORKSHEET_PREFIX.search(self._head):
                self.small = None
                return
        window = self._tail + piece
        found = _CELL_OUTSIDE.search(window)
        if found and found.start() <= len(window) - self.OVERLAP:
            self.small = False
        self._tail = window[-self.OVERLAP:]

    def result(self) -> bool | None:
        """small_grid's answer for the part (None: not decided here)."""
        if self.small and _CELL_OUTSIDE.search(self._tail):
            return False
        return self.small

"""Work on one file's sheets that the limits check and the reader share during one load.

- Each sheet's limits scan (etl.limits.SheetFacts), made once: the reader's hidden-row warnings reuse it.
- calamine's parse of the largest sheet, started in a background thread as soon as the scan has proven that
  sheet small (etl.limits.small_grid) and every part of the package sound. python-calamine releases the GIL
  while it parses a sheet, so the parse runs on another core while this thread finishes the checks, opens the
  warehouse's view of the plan and reads the 填报信息 sheet. A sheet is never parsed before it is proven small: a
  cell at XFD1048576 would have calamine lay out seventeen billion cells.

Everything is keyed by the file's bytes object and lives only inside `sharing(data)` (etl.store.load_return);
outside it, the check and the reader work as before, each on its own.
"""
from __future__ import annotations

import contextvars
import gc
import io
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, Iterator

import python_calamine

PARALLEL_BYTES = 4 * 1024 * 1024  # a smaller sheet part is parsed when read: a thread would not pay for itself


class OpenFailed(Exception):
    """calamine could not open the workbook in the background: the reader opens it itself, as before."""


class SharedSheets:
    """One file's sheet scans (by part path) and background parses (by sheet name)."""

    def __init__(self, data: bytes):
        self.data = data
        self.facts: dict[str, Any] = {}
        self._parses: dict[str, Future] = {}

    def parse_in_background(self, name: str) -> None:
        """Start calamine's read of sheet `name` (to Python rows) in a thread; taken later by `take_parse`."""
        if name in self._parses:
            return
        future: Future = Future()
        threading.Thread(target=self._parse, args=(name, future), name=f"calamine:{name}", daemon=True).start()
        self._parses[name] = future

    def _parse(self, name: str, future: Future) -> None:
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.data))
        except BaseException as exc:  # calamine raises several types, and a Rust panic (a BaseException)
            future.set_exception(OpenFailed(str(exc)))
            return
        try:
            sheet = book.get_sheet_by_name(name)
            future.set_result((sheet, sheet.to_python(skip_empty_area=False)))
        except BaseException as exc:  # the reader reports it as it would its own read's
            future.set_exception(exc)

    def take_parse(self, name: str) -> Future | None:
        """The background parse of sheet `name` ((sheet, rows) or the reader's exception), or None."""
        return self._parses.pop(name, None)

    def wait(self) -> None:
        """Let every background parse finish, so nothing of this load runs on after it."""
        for future in self._parses.values():
            future.exception()
        self._parses.clear()


_CURRENT: contextvars.ContextVar[SharedSheets | None] = contextvars.ContextVar("shared_sheets", default=None)


@contextmanager
def sharing(data: bytes) -> Iterator[SharedSheets]:
    """Share sheet work on `data` among the checks and reads made inside this block (in this thread), with the
    cyclic garbage collector paused (`collector_paused`)."""
    shared = SharedSheets(data)
    token = _CURRENT.set(shared)
    try:
        with collector_paused():
            yield shared
    finally:
        _CURRENT.reset(token)
        shared.wait()


class _CollectorPause:
    """Python's cyclic garbage collector, paused while any load runs (loads in other threads share the pause)."""

    def __init__(self):
        self.lock, self.loads, self.resume = threading.Lock(), 0, False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.loads == 0:
                self.resume = gc.isenabled()
                gc.disable()
            self.loads += 1
        try:
            yield
        finally:
            with self.lock:
                self.loads -= 1
                if self.loads == 0 and self.resume:
                    gc.enable()


# A load makes millions of small objects (a sheet's cells as Python values) that live until it ends and hold no
# cycles; the collector would walk them again and again for nothing (about a tenth of a large load's time).
# Reference counting still frees everything; the collector resumes when the last load ends.
collector_paused = _CollectorPause()


def shared_for(data: bytes) -> SharedSheets | None:
    """The shared work on these very bytes, when a `sharing` block for them is open."""
    shared = _CURRENT.get()
    return shared if shared is not None and shared.data is data else None

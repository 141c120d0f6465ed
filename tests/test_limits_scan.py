"""The limits scan of a sheet: the small-grid proof that spares counting, and the exact count where it fails.

A sheet whose every cell is written <c r="X12345"> inside A1:Z100000 fits every limit; any other sheet is counted
cell by cell as before, so its receipt names the same rows and columns it always did.
"""
from __future__ import annotations

import io
import zipfile

import pytest

from etl import limits
from etl.limits import check_limits, iter_row_chunks, scan_sheet
from etl.small_grid import SmallGridWatch, small_grid
from etl.package import sheet_parts
from tests.make_bad_files import _MAIN, ACTIVITY_HEADER, _activity_with_sheet, activity, cell_xml, sheet_xml

HEADER = "".join(cell_xml(f"{chr(64 + c)}1", h) for c, h in enumerate(ACTIVITY_HEADER, start=1))


def sheet(body: str) -> bytes:
    """An activity return whose 活动明细 is the activity header then `body` (rows written by hand)."""
    return _activity_with_sheet(f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}"><sheetData>'
                                f'<row r="1">{HEADER}</row>{body}</sheetData></worksheet>'.encode())


def facts_of(data: bytes, title: str = "活动明细", **options) -> limits.SheetFacts:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return scan_sheet(archive, sheet_parts(archive)[title], title, **options)


def is_small(data: bytes, title: str = "活动明细") -> bool:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return small_grid(iter_row_chunks(archive, sheet_parts(archive)[title]))


def test_a_sheet_inside_a1_to_z100000_is_proven_small_and_not_counted():
    data = _activity_with_sheet(sheet_xml([ACTIVITY_HEADER, activity(1), activity(2)]))
    facts = facts_of(data)
    assert facts.small and (facts.rows, facts.columns) == (0, 0)
    assert check_limits(data) == []


def test_row_100000_is_inside_the_proof_and_row_100001_is_not():
    assert is_small(sheet('<row r="100000"><c r="Z100000"><v>1</v></c></row>'))
    assert not is_small(sheet('<row r="100001"><c r="A100001"><v>1</v></c></row>'))


@pytest.mark.parametrize("body, used, reason", [
    ('<row r="2"><c r="AA2"><v>1</v></c></row>', (2, 27), "a column past Z"),
    ('<row r="2"><c r="A99999"><v>1</v></c><c r="AB99999"><v>1</v></c></row>', (99_999, 28), "two letters"),
    ('<row r="2"><c><v>1</v></c></row>', (2, 15), "a cell without its reference"),
    ('<row r="2"><c t="n" r="A2"><v>1</v></c></row>', (2, 15), "the reference not first"),
    ('<row r="2"><c r="XFD1048576" s="1"/></row>', (1, 15), "an empty styled cell far out"),
])
def test_a_sheet_outside_the_proof_is_counted_exactly(body, used, reason):
    data = sheet(body)
    assert not is_small(data), reason
    facts = facts_of(data)
    assert not facts.small and (facts.rows, facts.columns) == used, reason  # the header has 15 columns
    assert check_limits(data) == []


def test_a_far_valued_cell_gets_the_exact_too_many_rows_message():
    data = sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert [(p.code, p.message, p.sheet) for p in check_limits(data)] == [
        ("too_many_rows", "工作表有1,048,576行，超过上限100,000行", "活动明细")]


def test_unnumbered_cells_past_the_limit_get_the_exact_too_many_columns_message():
    data = sheet('<row r="2">' + "<c><v>1</v></c>" * 201 + "</row>")
    assert [(p.code, p.message, p.sheet) for p in check_limits(data)] == [
        ("too_many_columns", "工作表有201列，超过上限200列", "活动明细")]


def test_a_small_sheet_still_reports_hidden_rows_formulas_and_error_cells():
    body = ('<row r="2" hidden="1"><c r="A2"><f>1+1</f></c></row>'
            '<row r="3"><c r="B3" t="e"><v>#REF!</v></c><c r="C3"><f>2*2</f><v>4</v></c></row>')
    facts = facts_of(sheet(body))
    assert facts.small and facts.hidden_rows == [2] and facts.cached_formulas == 1
    assert [(p.code, p.row, p.column) for p in facts.problems] == [
        ("formula_no_value", 2, "A列"), ("error_cell", 3, "B列")]


def test_when_small_is_called_only_for_a_proven_sheet():
    calls = []
    facts_of(sheet('<row r="2"><c r="A2"><v>1</v></c></row>'), when_small=lambda: calls.append("small"))
    facts_of(sheet('<row r="2"><c r="AB2"><v>1</v></c></row>'), when_small=lambda: calls.append("wide"))
    assert calls == ["small"]


def test_lowered_limits_turn_the_proof_off(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    data = sheet("".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, 13)))
    assert is_small(data) and not facts_of(data).small
    # the exact scan stops at the chunk that goes over, as it always has: "at least"
    assert [(p.code, p.message) for p in check_limits(data)] == [("too_many_rows", "工作表至少有11行，超过上限10行")]


PREFIXED = (f'<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="{_MAIN}"><x:sheetData>'
            '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row r="2"><x:c r="AB2"><x:v>1</x:v></x:c></x:row>'
            '</x:sheetData></x:worksheet>').encode()


@pytest.mark.parametrize("data", [
    sheet('<row r="2"><c r="A2"><v>1</v></c></row>'),
    sheet('<row r="100000"><c r="Z100000"><v>1</v></c></row>'),
    sheet('<row r="2"><c r="AA2"><v>1</v></c></row>'),
    sheet('<row r="2"><c><v>1</v></c></row>'),
    sheet('<row r="2"><c r="A2"><v>1</v></c><c r="B1000000"/></row>'),
    sheet('<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3'),
    _activity_with_sheet(PREFIXED),
], ids=["small", "corner", "wide", "unnumbered", "far", "cut at the end", "prefixed"])
def test_the_proof_made_while_unpacking_agrees_with_small_grid_however_the_part_is_cut(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    path = sheet_parts(archive)["活动明细"]
    part = archive.read(path)
    expected = small_grid(iter_row_chunks(archive, path))
    for size in (1, 2, 7, 16, 31, 32, 33, 100, len(part)):
        watch = SmallGridWatch(path)
        for at in range(0, len(part), size):
            watch(part[at:at + size])
        found = watch.result()
        assert found == expected or (found is None and b"<x:worksheet" in part), size

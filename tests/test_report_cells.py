"""The monthly report never writes a resident's words as a formula (openpyxl treats a string
that starts with "=" as one): such text is stored as text with Excel's quote prefix, its
words unchanged."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from bot.kpi.report import _Out


def test_text_that_looks_like_a_formula_is_quoted() -> None:
    book = Workbook(write_only=True)
    out = _Out(book.create_sheet("工单"), (10, 10))
    out.table(("单号", "摘要"), [("#1", '=HYPERLINK("http://x","点我")'), ("#2", "门锁坏了")])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["工单"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s", "s"]
    assert [c.value for c in cells] == ['=HYPERLINK("http://x","点我")', "门锁坏了"]
    assert cells[0].quotePrefix  # Excel's own mark of text typed with a leading quote

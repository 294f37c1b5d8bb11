"""The resource list as an XLSX workbook (Chinese headers, amounts in yuan): exported, and
imported all or nothing, every bad row reported by its row number."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.lists import words as w
from bot.lists.money import BadAmount, parse_yuan, yuan
from bot.lists.projects import ListError
from bot.lists.resources import ResourceSpec, problem, save
from models.lists import PartnerResource

MAX_ROWS = 5000


class ImportRefused(Exception):
    """The file, refused whole: one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Line:
    row: int
    resource_id: int | None
    spec: ResourceSpec


def export(resources: list[PartnerResource]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = w.SHEET_TITLE
    sheet.append(list(w.HEADERS))
    for r in resources:
        amount = r.amount_fen / 100 if r.kind == "fund" else None
        sheet.append(
            [r.id, r.unit, w.KIND_NAMES.get(r.kind, r.kind), r.contact, r.description, amount]
        )
    total = sum(r.amount_fen for r in resources)
    sheet.append([None, w.TOTAL_LABEL, None, None, None, total / 100])
    for row in sheet.iter_rows(min_row=2, max_col=5):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed by people is never a formula
    for column, width in zip("ABCDEF", (8, 24, 8, 20, 40, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _line(number: int, cells: tuple[Any, ...]) -> Line | str:
    """One data row read, or what is wrong with it."""
    raw_id, unit, kind, contact, description, amount = (list(cells) + [None] * 6)[:6]
    resource_id = None
    if _text(raw_id):
        try:
            whole = float(_text(raw_id))
        except ValueError:
            whole = 0.5
        if not whole.is_integer() or not 0 < whole < 2**31:
            return w.ROW_ERROR.format(row=number, reason=w.ROW_BAD_ID)
        resource_id = int(whole)
    try:
        fen = parse_yuan(amount)
    except BadAmount as exc:
        return w.ROW_ERROR.format(row=number, reason=w.BAD_AMOUNT[exc.reason].format(field="金额"))
    kind_name = _text(kind)
    spec = ResourceSpec(
        _text(unit),
        w.KINDS_BY_NAME.get(kind_name, kind_name),
        _text(contact),
        _text(description),
        fen,
    )
    wrong = problem(spec)
    if wrong:
        return w.ROW_ERROR.format(row=number, reason=wrong)
    return Line(number, resource_id, spec)


def read(data: bytes) -> list[Line]:
    """The rows of an uploaded workbook, or :class:`ImportRefused` with every problem."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except Exception:
        raise ImportRefused([w.BAD_FILE]) from None
    if not rows or tuple(_text(c) for c in rows[0][:6]) != w.HEADERS:
        raise ImportRefused([w.BAD_HEADERS])
    if len(rows) > MAX_ROWS + 1:  # never a part of the file: all of it or nothing
        raise ImportRefused([w.TOO_MANY_ROWS.format(limit=MAX_ROWS)])
    lines: list[Line] = []
    problems: list[str] = []
    total: tuple[int, Any] | None = None
    for number, cells in enumerate(rows[1:], 2):
        if not any(_text(c) for c in cells):
            continue
        if _text(cells[1] if len(cells) > 1 else None) == w.TOTAL_LABEL:
            total = (number, cells[5] if len(cells) > 5 else None)
            continue
        found = _line(number, tuple(cells))
        (problems.append(found) if isinstance(found, str) else lines.append(found))
    problems += _check_total(total, lines)
    if problems:
        raise ImportRefused(problems)
    if not lines:
        raise ImportRefused([w.EMPTY_FILE])
    return lines


def _check_total(total: tuple[int, Any] | None, lines: list[Line]) -> list[str]:
    if total is None:
        return []
    number, value = total
    try:
        stated = parse_yuan(value)
    except BadAmount as exc:
        return [
            w.ROW_ERROR.format(row=number, reason=w.BAD_AMOUNT[exc.reason].format(field="合计"))
        ]
    added = sum(line.spec.amount_fen for line in lines)
    if stated != added:
        reason = w.TOTAL_MISMATCH.format(total=yuan(stated), sum=yuan(added))
        return [w.ROW_ERROR.format(row=number, reason=reason)]
    return []


async def apply(
    session: AsyncSession, lines: list[Line], actor: str, now: datetime
) -> tuple[int, int]:
    """Write the rows in the caller's transaction: (added, updated). A row the database refuses
    (an unknown number, a fund a project still needs) refuses the file."""
    added = updated = 0
    problems = []
    for line in lines:
        try:
            await save(session, line.spec, actor, now, line.resource_id)
        except ListError as exc:
            problems.append(w.ROW_ERROR.format(row=line.row, reason=exc.message))
            continue
        if line.resource_id is None:
            added += 1
        else:
            updated += 1
    if problems:
        raise ImportRefused(problems)
    return added, updated

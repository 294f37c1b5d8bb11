"""The resource list as an XLSX workbook (Chinese headers, amounts in yuan): exported, and
imported all or nothing, every bad row reported by its row number."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.lists import words as w
from bot.lists.cells import keep_texts
from bot.lists.money import BadAmount, parse_yuan, yuan
from bot.lists.projects import ListError
from bot.lists.resources import ResourceSpec, problem, save
from bot.lists.scope import ListScope
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


def export(
    resources: list[PartnerResource],
    communities: Mapping[int, str],
    text: Callable[[str], str] | None = None,
) -> bytes:
    """The sheet; ``communities``: community id -> name, for the 范围 column; ``text``: each
    text cell as its reader may see it (phone numbers masked for a viewer)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = w.SHEET_TITLE
    sheet.append(list(w.HEADERS))
    for r in resources:
        amount = r.amount_fen / 100 if r.kind == "fund" else None
        place = w.STREET_WIDE if r.community_id is None else communities.get(r.community_id, "")
        sheet.append(
            [r.id, r.unit, w.KIND_NAMES.get(r.kind, r.kind), r.contact, r.description, amount,
             place]
        )  # fmt: skip
    total = sum(r.amount_fen for r in resources)
    sheet.append([None, w.TOTAL_LABEL, None, None, None, total / 100])
    keep_texts(sheet, text)  # text typed by people is never a formula
    for column, width in zip("ABCDEFG", (8, 24, 8, 20, 40, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _line(number: int, cells: tuple[Any, ...], places: Places) -> Line | str:
    """One data row read, or what is wrong with it."""
    raw_id, unit, kind, contact, description, amount, place = (list(cells) + [None] * 7)[:7]
    community: int | None = places.default
    if _text(place):
        if _text(place) not in places.names:
            return w.ROW_ERROR.format(row=number, reason=w.ROW_BAD_PLACE.format(name=place))
        community = places.names[_text(place)]
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
        community,
    )
    wrong = problem(spec)
    if wrong:
        return w.ROW_ERROR.format(row=number, reason=wrong)
    return Line(number, resource_id, spec)


@dataclass(frozen=True)
class Places:
    """What the 范围 column may say: community names (and codes) and 全街道, each the
    community id it stands for (None: street-wide); ``default`` for a row that leaves it
    empty, or a file without the column."""

    names: Mapping[str, int | None]
    default: int | None = None


def read(data: bytes, places: Places = Places({w.STREET_WIDE: None})) -> list[Line]:
    """The rows of an uploaded workbook, or :class:`ImportRefused` with every problem."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except Exception:
        raise ImportRefused([w.BAD_FILE]) from None
    heading = tuple(_text(c) for c in rows[0][:7]) if rows else ()
    if heading not in (w.HEADERS, w.HEADERS[:6], (*w.HEADERS[:6], "")):
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
        found = _line(number, tuple(cells), places)
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


def _same(row: PartnerResource | None, spec: ResourceSpec) -> bool:
    if row is None:
        return False
    now = ResourceSpec(
        row.unit, row.kind, row.contact, row.description, row.amount_fen, row.community_id
    )
    return now == spec


async def apply(
    session: AsyncSession, lines: list[Line], actor: str, now: datetime, scope: ListScope
) -> tuple[int, int, int]:
    """Write the rows in the caller's transaction: (added, updated, unchanged). A row exactly
    as stored is left alone (an exported street-wide resource comes back unchanged from a community).
    A row the database refuses (an unknown number, another community's resource, a fund a
    project still needs) refuses the file."""
    added = updated = unchanged = 0
    problems = []
    for line in lines:
        if line.resource_id is not None:
            stored = await session.get(PartnerResource, line.resource_id)
            if stored is not None and scope.sees_resource(stored) and _same(stored, line.spec):
                unchanged += 1
                continue
        try:
            await save(session, line.spec, actor, now, scope, line.resource_id)
        except ListError as exc:
            problems.append(w.ROW_ERROR.format(row=line.row, reason=exc.message))
            continue
        if line.resource_id is None:
            added += 1
        else:
            updated += 1
    if problems:
        raise ImportRefused(problems)
    return added, updated, unchanged

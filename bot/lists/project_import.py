"""The project list read back from its workbook (as :mod:`bot.lists.project_sheet` writes it).

Rows of 项目清单 with a 编号 update that project, rows without one add a project; the sheet
项目节点, when the file has it, gives the milestones of the numbered projects (without it,
milestones stay as they are). 关联需求 and 关联资源 are read for their numbers (登记号 N, #N,
or bare numbers). All or nothing: every bad row is named (第 N 行) and nothing is written —
and the residents a new link to a demand would tell are told only if the whole file is
written, since their messages are queued in the same transaction. A row exactly as stored is
left alone.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.lists import project_sheet as ps
from bot.lists import words as w
from bot.lists.money import BadAmount, parse_yuan, yuan
from bot.lists.projects import ListError, ProjectSpec, create, update
from bot.lists.scope import ListScope
from bot.lists.sheet import MAX_ROWS, ImportRefused, Places
from models.lists import Project

STATUS_BY_NAME = {name: key for key, name in w.PROJECT_STATUS.items()}


@dataclass(frozen=True)
class ProjectLine:
    row: int
    project_id: int | None
    spec: ProjectSpec
    community: int | None  # as the row says; None: not said
    milestones: bool  # the file gives this project's milestones


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _numbers(value: Any, marker: str) -> list[int]:
    """The numbers a link cell names: after each ``marker`` when it has any, else all."""
    text = _text(value)
    found = re.findall(re.escape(marker) + r"\s*(\d{1,9})", text) or re.findall(r"\d{1,9}", text)
    return list(dict.fromkeys(int(n) for n in found))


def _number(value: Any) -> int | None:
    """A 编号 cell: None when empty; ValueError when it is not a whole number."""
    if not _text(value):
        return None
    whole = float(_text(value))
    if not whole.is_integer() or not 0 < whole < 2**31:
        raise ValueError(value)
    return int(whole)


def _line(number: int, cells: tuple[Any, ...], places: Places) -> ProjectLine | str:
    raw_id, title, place, unit, person, budget, status, demands, resources = (
        list(cells) + [None] * 9
    )[:9]
    try:
        project_id = _number(raw_id)
    except ValueError:
        return w.ROW_ERROR.format(row=number, reason=w.ROW_BAD_ID)
    try:
        fen = parse_yuan(budget)
    except BadAmount as exc:
        return w.ROW_ERROR.format(row=number, reason=w.BAD_AMOUNT[exc.reason].format(field="预算"))
    state = STATUS_BY_NAME.get(_text(status), _text(status) or "planned")
    community = None
    if _text(place):
        if _text(place) not in places.names or places.names[_text(place)] is None:
            return w.ROW_ERROR.format(row=number, reason=w.ROW_BAD_PLACE.format(name=place))
        community = places.names[_text(place)]
    wrong = (
        w.ROW_NO_TITLE if not _text(title) else
        w.ROW_TOO_LONG.format(field="项目") if len(_text(title)) > 100 else
        w.ROW_TOO_LONG.format(field="负责单位") if len(_text(unit)) > 100 else
        w.ROW_TOO_LONG.format(field="负责人") if len(_text(person)) > 64 else
        w.BAD_STATUS.rstrip("。") if state not in w.PROJECT_STATUS else None
    )  # fmt: skip
    if wrong:
        return w.ROW_ERROR.format(row=number, reason=wrong)
    spec = ProjectSpec(
        _text(title), _text(unit), _text(person), fen, state, [],
        _numbers(demands, "登记号"), _numbers(resources, "#"),
    )  # fmt: skip
    return ProjectLine(number, project_id, spec, community, False)


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(_text(value)).isoformat()


def _milestones(
    rows: list[tuple[Any, ...]], numbered: set[int]
) -> tuple[dict[int, list[Any]], list[str]]:
    """项目节点: milestones by project number, and what is wrong with its rows."""
    out: dict[int, list[dict[str, Any]]] = {}
    problems: list[str] = []
    for number, cells in enumerate(rows[1:], 2):
        if not any(_text(c) for c in cells):
            continue
        project, _, when, what, amount = (list(cells) + [None] * 5)[:5]
        try:
            owner = _number(project)
            day = _day(when)
            fen = parse_yuan(amount)
        except (ValueError, BadAmount):
            problems.append(w.MILESTONE_ROW.format(row=number, reason=w.ROW_BAD_MILESTONE))
            continue
        if owner is None or owner not in numbered:
            problems.append(w.MILESTONE_ROW.format(row=number, reason=w.ROW_NO_PROJECT))
        elif not _text(what):
            problems.append(w.MILESTONE_ROW.format(row=number, reason=w.ROW_BAD_MILESTONE))
        else:
            out.setdefault(owner, []).append(
                {"date": day, "what": _text(what)[:100], "amount_fen": fen}
            )
    return out, problems


def _total(number: int, value: Any, lines: list[ProjectLine]) -> list[str]:
    try:
        stated = parse_yuan(value)
    except BadAmount as exc:
        reason = w.BAD_AMOUNT[exc.reason].format(field="合计")
        return [w.ROW_ERROR.format(row=number, reason=reason)]
    added = sum(line.spec.budget_fen for line in lines)
    if stated == added:
        return []
    reason = w.TOTAL_MISMATCH.format(total=yuan(stated), sum=yuan(added))
    return [w.ROW_ERROR.format(row=number, reason=reason)]


def _sheets(data: bytes) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]] | None]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        main = book[ps.SHEET] if ps.SHEET in book.sheetnames else book.worksheets[0]
        rows = list(main.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
        steps = None
        if ps.MILESTONES in book.sheetnames:
            found = book[ps.MILESTONES].iter_rows(values_only=True, max_row=MAX_ROWS * 4 + 2)
            steps = list(found)
    except Exception:
        raise ImportRefused([w.BAD_FILE]) from None
    return rows, steps


def read(data: bytes, places: Places) -> list[ProjectLine]:
    """The rows of an uploaded workbook, or :class:`ImportRefused` with every problem."""
    rows, steps = _sheets(data)
    if not rows or tuple(_text(c) for c in rows[0][:9]) != ps.HEADERS[:9]:
        raise ImportRefused([w.BAD_PROJECT_HEADERS])
    if len(rows) > MAX_ROWS + 1 or (steps is not None and len(steps) > MAX_ROWS * 4 + 1):
        raise ImportRefused([w.TOO_MANY_ROWS.format(limit=MAX_ROWS)])
    lines: list[ProjectLine] = []
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
    if total is not None:
        problems += _total(*total, lines)
    if steps is not None and (not steps or tuple(map(_text, steps[0][:5])) != ps.MILESTONE_HEADERS):
        problems.append(w.BAD_MILESTONE_HEADERS)
    elif steps is not None:
        given, wrong = _milestones(steps, {ln.project_id for ln in lines if ln.project_id})
        problems += wrong
        lines = [
            replace(ln, spec=replace(ln.spec, milestones=given.get(ln.project_id, [])),
                    milestones=True) if ln.project_id else ln
            for ln in lines
        ]  # fmt: skip
    if problems:
        raise ImportRefused(problems)
    if not lines:
        raise ImportRefused([w.EMPTY_PROJECTS])
    return lines


def _same(p: Project, spec: ProjectSpec) -> bool:
    return (
        p.title, p.unit, p.person, p.budget_fen, p.status, list(p.milestones or []),
        list(p.demand_ids or []), list(p.resource_ids or []),
    ) == (
        spec.title, spec.unit, spec.person, spec.budget_fen, spec.status, spec.milestones,
        spec.demand_ids, spec.resource_ids,
    )  # fmt: skip


async def _one(
    session: AsyncSession, line: ProjectLine, actor: str, now: datetime, scope: ListScope,
    default: int | None,
) -> tuple[str, int]:  # fmt: skip
    """("added" | "updated" | "same", residents told) for one row; ListError when refused."""
    spec = line.spec
    if line.project_id is None:
        community = line.community if line.community is not None else default
        if community is None:
            raise ListError(w.PICK_COMMUNITY)
        _, told = await create(session, replace(spec, community_id=community), actor, now)
        return "added", told
    found = await session.get(Project, line.project_id, with_for_update=True)
    if found is None or not scope.owns(found.community_id):
        raise ListError(w.NO_SUCH_PROJECT.format(id=line.project_id))
    if line.community is not None and line.community != found.community_id:
        raise ListError(w.PROJECT_STAYS)
    if not line.milestones:
        spec = replace(spec, milestones=list(found.milestones or []))
    if _same(found, spec):
        return "same", 0
    return "updated", await update(session, found, spec, actor, now)


async def apply(
    session: AsyncSession,
    lines: list[ProjectLine],
    actor: str,
    now: datetime,
    scope: ListScope,
    default: int | None,
) -> dict[str, int]:
    """Write the rows in the caller's transaction: how many were added, updated, the same,
    and residents told; ImportRefused (roll back) when any row is refused."""
    counts = {"added": 0, "updated": 0, "same": 0, "told": 0}
    problems = []
    for line in lines:
        try:
            done, told = await _one(session, line, actor, now, scope, default)
        except ListError as exc:
            problems.append(w.ROW_ERROR.format(row=line.row, reason=exc.message))
            continue
        counts[done] += 1
        counts["told"] += told
    if problems:
        raise ImportRefused(problems)
    return counts

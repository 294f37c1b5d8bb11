"""``mulin residents import FILE``: residents' addresses, birth dates and tags (CSV or YAML).

CSV (UTF-8 with or without BOM, or GB18030 as Chinese Excel saves it), first row the header::

    openid,building,unit,room,birth_date,tags,name
    oAbc123,3,2,501,1960-02-29,独居;低保,张阿姨

YAML: a list of mappings with the same keys (``tags`` a list), or ``residents:`` holding one.
Chinese headers are accepted (楼栋, 单元, 房号, 出生日期, 标签, 姓名). Import is an upsert on
``openid``: running it twice changes nothing; the columns in the file replace stored values,
columns absent from the file are kept. Any bad row: every problem is reported, nothing imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import yaml
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import yaml_where
from bot.storage.dialect import dialect_insert
from models.community import Resident

COLUMNS = ("openid", "building", "unit", "room", "birth_date", "tags", "name")
HEADERS = {
    "楼栋": "building",
    "楼号": "building",
    "单元": "unit",
    "房号": "room",
    "房间": "room",
    "出生日期": "birth_date",
    "生日": "birth_date",
    "标签": "tags",
    "姓名": "name",
}
_SPLIT = re.compile(r"[;；、,，\s]+")
_RESIDENTS = cast(Table, Resident.__table__)
_LIMITS = {"openid": 64, "building": 16, "unit": 16, "room": 16, "name": 64}


class ResidentsFileError(ValueError):
    """The file cannot be read (one line)."""


class ResidentsInvalid(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass(frozen=True)
class ResidentsFile:
    columns: tuple[str, ...]  # the columns the file sets (openid first)
    rows: list[dict[str, Any]]


def read_residents(path: str | Path) -> ResidentsFile:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ResidentsFileError(f"{p}: file not found") from None
    except OSError as exc:
        raise ResidentsFileError(f"{p}: cannot read: {exc.strerror}") from None
    if p.suffix.lower() in (".yaml", ".yml"):
        raw = _yaml_rows(p, data)
    elif p.suffix.lower() == ".csv":
        raw = _csv_rows(data)
    else:
        raise ResidentsFileError(f"{p}: expected a .csv, .yaml or .yml file")
    return validate(raw)


def _yaml_rows(p: Path, data: bytes) -> list[tuple[int, Mapping[str, Any]]]:
    try:
        raw = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ResidentsFileError(f"{p}: not valid UTF-8 YAML") from None
    except yaml.YAMLError as exc:
        raise ResidentsFileError(f"{p}: not valid YAML{yaml_where(exc)}") from None
    if isinstance(raw, Mapping) and "residents" in raw:
        raw = raw["residents"]
    if not isinstance(raw, list):
        raise ResidentsFileError(f"{p}: expected a list of residents")
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise ResidentsFileError(f"{p}: resident {i} is not a mapping")
        rows.append((i, {HEADERS.get(str(k).strip(), str(k).strip()): v for k, v in item.items()}))
    return rows


def _csv_rows(data: bytes) -> list[tuple[int, Mapping[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for line_no, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells) or cells[0].strip().startswith("#"):
            continue
        if header is None:
            header = [HEADERS.get(c.strip(), c.strip().lower()) for c in cells]
            continue
        rows.append((line_no, {h: c.strip() for h, c in zip(header, cells, strict=False) if h}))
    if header is None:
        raise ResidentsFileError("the CSV file is empty")
    return rows


def validate(raw: list[tuple[int, Mapping[str, Any]]]) -> ResidentsFile:
    errors: list[str] = []
    present: set[str] = set()
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for where, item in raw:
        label = f"row {where}"
        for key in item:
            if key not in COLUMNS:
                errors.append(f"{label}: {key}: unknown column (allowed: {', '.join(COLUMNS)})")
        row: dict[str, Any] = {}
        for key in COLUMNS:
            if key not in item:
                continue
            present.add(key)
            try:
                row[key] = _value(key, item[key])
            except ValueError as exc:
                errors.append(f"{label}: {key}: {exc}")
        openid = row.get("openid")
        if not openid:
            errors.append(f"{label}: openid: required")
        elif openid in seen:
            errors.append(f"{label}: openid {openid} already on row {seen[openid]}")
        else:
            seen[openid] = where
        rows.append(row)
    if errors:
        raise ResidentsInvalid(errors)
    columns = ("openid", *(c for c in COLUMNS[1:] if c in present))
    return ResidentsFile(
        columns, [{c: r.get(c, [] if c == "tags" else None) for c in columns} for r in rows]
    )


def _value(key: str, value: Any) -> Any:
    if key == "tags":
        items = value if isinstance(value, list) else _SPLIT.split(str(value or ""))
        return [str(t).strip() for t in items if str(t).strip()]
    if key == "birth_date":
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            raise ValueError(f"expected a date like 1960-02-29, got {value!r}") from None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > _LIMITS[key]:
        raise ValueError(f"longer than {_LIMITS[key]} characters")
    return text or None


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int

    def line(self) -> str:
        return f"residents: {self.added} added, {self.updated} updated"


async def import_residents(
    sessions: async_sessionmaker[AsyncSession],
    data: ResidentsFile,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    if not data.rows:
        return ImportSummary(0, 0)
    async with sessions() as session, session.begin():
        existing: set[str] = set()
        openids = [r["openid"] for r in data.rows]
        for start in range(0, len(openids), 1000):
            chunk = openids[start : start + 1000]
            existing.update(
                (
                    await session.execute(select(Resident.openid).where(Resident.openid.in_(chunk)))
                ).scalars()
            )
        insert = dialect_insert(session, _RESIDENTS)
        update_cols = [c for c in data.columns if c != "openid"]
        set_ = {c: insert.excluded[c] for c in update_cols}
        set_["updated_at"] = insert.excluded["updated_at"]
        stmt = insert.on_conflict_do_update(index_elements=["openid"], set_=set_)
        params = [{"tags": [], **row, "created_at": now, "updated_at": now} for row in data.rows]
        for start in range(0, len(params), 1000):  # one transaction; progress by chunks
            await session.execute(stmt, params[start : start + 1000])
            if progress is not None:
                progress(len(params[start : start + 1000]))
    added = sum(1 for o in openids if o not in existing)
    return ImportSummary(added, len(openids) - added)

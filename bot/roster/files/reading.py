"""Reading roster files (YAML, CSV, XLSX) into raw rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from bot.config import yaml_where
from bot.lists.cells import from_csv
from bot.roster.files.checks import validate
from bot.roster.files.spec import (
    COLUMNS,
    EXTENSIONS,
    HEADER_ALIASES,
    KIND_ALIASES,
    Entry,
    RawRoster,
    Roster,
    RosterFileError,
    as_text,
    entry_label,
    problem,
)

# --- reading -------------------------------------------------------------------------------------


def detect_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix in (".xls", ".et", ".numbers", ".ods"):
        raise RosterFileError(f"{path}: save the spreadsheet as .xlsx (Excel workbook) or .csv")
    raise RosterFileError(f"{path}: a roster file must end in .yaml, .yml, .csv or .xlsx")


def read_roster(path: str | Path) -> Roster:
    """Read and validate a roster file; raises RosterFileError or RosterInvalid."""
    fmt = detect_format(path)
    data = read_bytes(path)
    return parse_roster(data, fmt, str(path))


def parse_roster(data: bytes, fmt: str, source: str = "roster") -> Roster:
    if fmt == "yaml":
        raw = raw_from_yaml(data, source)
    elif fmt == "csv":
        raw = raw_from_csv(data, source)
    elif fmt == "xlsx":
        raw = raw_from_xlsx(data, source)
    else:
        raise RosterFileError(f"unknown roster format {fmt!r} (expected yaml, csv or xlsx)")
    return validate(raw, source)


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise RosterFileError(f"{p}: file not found") from None
    except IsADirectoryError:
        raise RosterFileError(f"{p}: is a directory, not a roster file") from None
    except OSError as exc:
        raise RosterFileError(f"{p}: cannot read: {exc.strerror or exc}") from None


def load_yaml(data: bytes, source: str) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RosterFileError(f"{source}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise RosterFileError(f"{source}: not valid YAML{yaml_where(exc)}") from None
    if not isinstance(doc, dict):
        raise RosterFileError(f"{source}: expected a mapping with community, grids and members")
    return doc


def raw_from_yaml(data: bytes, source: str) -> RawRoster:
    return raw_from_mapping(load_yaml(data, source))


def raw_from_mapping(doc: Mapping[str, Any], prefix: str = "") -> RawRoster:
    raw = RawRoster()
    for key in doc:
        if key not in ("community", "estates", "grids", "members"):
            message = "unknown section (expected community, estates, grids, members)"
            raw.problems.append(problem(prefix + str(key), None, message))
    community = doc.get("community")
    if community is not None:
        if isinstance(community, dict):
            raw.community = Entry(prefix + "community", dict(community))
        else:
            raw.problems.append(
                problem(prefix + "community", None, "expected {code: ..., name: ...}")
            )
    raw.estates = _yaml_entries(doc, "estates", "code", raw.problems, prefix)
    raw.grids = _yaml_entries(doc, "grids", "code", raw.problems, prefix)
    raw.members = _yaml_entries(doc, "members", "id", raw.problems, prefix)
    return raw


def _yaml_entries(
    doc: Mapping[str, Any], section: str, id_key: str, out: list[str], prefix: str = ""
) -> list[Entry]:
    items = doc.get(section)
    if items is None:
        return []
    if not isinstance(items, list):
        out.append(problem(prefix + section, None, "expected a list"))
        return []
    entries = []
    for i, item in enumerate(items):
        where = f"{prefix}{section}[{i}]"
        if not isinstance(item, dict):
            out.append(problem(where, None, "expected a mapping like {id: ..., name: ...}"))
            continue
        entries.append(Entry(entry_label(where, item.get(id_key)), dict(item)))
    return entries


def raw_from_csv(data: bytes, source: str) -> RawRoster:
    text = _decode_csv(data, source)
    reader = csv.reader(io.StringIO(text, newline=""))
    # a cell our export quoted so that a spreadsheet keeps it text ("'=...") reads as it was
    rows = ((reader.line_num, [from_csv(cell) for cell in row]) for row in reader)
    return raw_from_rows(rows, "line", source)


def _decode_csv(data: bytes, source: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError(f"{source}: not UTF-8 or GB18030 text")  # pragma: no cover


def raw_from_xlsx(data: bytes, source: str) -> RawRoster:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise RosterFileError(f"{source}: not a readable XLSX workbook") from None
    try:
        sheet = book["roster"] if "roster" in book.sheetnames else book.worksheets[0]
        rows = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        book.close()
    return raw_from_rows(rows, "row", source)


def raw_from_rows(rows: Iterable[tuple[int, Sequence[Any]]], unit: str, source: str) -> RawRoster:
    """The flat form: a header row, then one record per row."""
    raw = RawRoster()
    header: list[str | None] | None = None
    for number, cells in rows:
        if _blank(cells):
            continue
        if header is None:
            header = _header(cells, f"{unit} {number}", raw.problems)
            continue
        _flat_record(raw, header, cells, f"{unit} {number}")
    if header is None:
        raise RosterFileError(f"{source}: empty file (expected a header row naming the columns)")
    return raw


def _blank(cells: Sequence[Any]) -> bool:
    return all(as_text(c) is None for c in cells)


def _header(cells: Sequence[Any], where: str, out: list[str]) -> list[str | None]:
    names: list[str | None] = []
    for cell in cells:
        text = (as_text(cell) or "").lower()
        name = HEADER_ALIASES.get(text, text)
        if text and name not in COLUMNS:
            out.append(
                problem(where, None, f"unknown column {text!r} (known: {', '.join(COLUMNS)})")
            )
        names.append(name if name in COLUMNS else None)
    if "kind" not in names:
        raise RosterFileError(
            f"{where}: the first row must name the columns, including 'kind'"
            f" (expected: {', '.join(COLUMNS)})"
        )
    return names


def _flat_record(raw: RawRoster, header: list[str | None], cells: Sequence[Any], row: str) -> None:
    values: dict[str, Any] = {}
    for name, cell in zip(header, cells, strict=False):
        if name is None or cell is None:
            continue
        if isinstance(cell, datetime | date | time):
            raw.problems.append(
                problem(
                    row, name, "the spreadsheet turned this cell into a date; format it as text"
                )
            )
            continue
        if as_text(cell) is not None:
            values[name] = cell
    kind_text = as_text(values.pop("kind", None)) or ""
    if kind_text.startswith("#"):
        return
    kind = KIND_ALIASES.get(kind_text, kind_text.lower())
    where = entry_label(row, values.get("id"))
    if kind == "member":
        raw.members.append(Entry(where, values))
    elif kind in ("grid", "community"):
        if "id" in values:
            values["code"] = values.pop("id")
        _flat_group(raw, kind, Entry(where, values))
    else:
        raw.problems.append(
            problem(where, "kind", f"expected community, grid or member, got {kind_text!r}")
        )


def _flat_group(raw: RawRoster, kind: str, entry: Entry) -> None:
    if kind == "grid":
        raw.grids.append(entry)
    elif raw.community is None:
        raw.community = entry
    else:
        raw.problems.append(
            problem(
                entry.where, "kind", f"a second community row (the first is {raw.community.where})"
            )
        )

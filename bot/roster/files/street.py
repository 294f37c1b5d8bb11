"""A street's roster in one YAML file: ``street: {code, name}`` and ``communities:`` (each in the
one-community form), with ``members:`` at the top for the street office's own staff.

Every community is validated, and member ids must be unique across the whole street: a
member is named by id in chat commands and in the order history.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.roster.files.checks import validate
from bot.roster.files.reading import (
    detect_format,
    load_yaml,
    parse_roster,
    raw_from_mapping,
    read_bytes,
)
from bot.roster.files.spec import (
    CODE,
    STREET_FIELDS,
    Entry,
    RawRoster,
    Roster,
    RosterFileError,
    RosterInvalid,
    as_text,
    problem,
)


def read_rosters(path: str | Path) -> list[Roster]:
    """One roster per community in the file (one, for a community's file)."""
    fmt = detect_format(path)
    data = read_bytes(path)
    if fmt == "yaml":
        doc = load_yaml(data, str(path))
        if "street" in doc or "communities" in doc:
            return street_rosters(doc, str(path))
    return [parse_roster(data, fmt, str(path))]


def street_rosters(doc: dict[str, Any], source: str) -> list[Roster]:
    errors: list[str] = []
    street = _street(doc.get("street"), errors)
    for key in doc:
        if key not in ("street", "communities", "members"):
            errors.append(
                problem(str(key), None, "unknown section (expected street, communities, members)")
            )
    items = doc.get("communities")
    if not isinstance(items, list) or not items:
        errors.append(problem("communities", None, "expected a list of communities"))
        items = []
    rosters: list[Roster] = []
    for i, item in enumerate(items):
        where = f"communities[{i}]."
        if not isinstance(item, dict):
            errors.append(problem(where[:-1], None, "expected {community: ..., grids: ..., ...}"))
            continue
        try:
            rosters.append(validate(raw_from_mapping(item, where), source))
        except RosterInvalid as exc:
            errors.extend(exc.errors)
    # ``members:`` left empty is an empty list (the street office has no staff any more:
    # they are deactivated, as in the one-community form); no ``members`` key leaves them be
    if "members" in doc and street is not None:
        office = RawRoster(community=Entry("street", {"code": street[0], "name": street[1]}))
        office.members = raw_from_mapping({"members": doc["members"] or []}).members
        try:
            staff = validate(office, source)
            rosters.append(Roster(staff.code, staff.name, (), staff.members, kind="street"))
        except RosterInvalid as exc:
            errors.extend(exc.errors)
    errors.extend(_cross_checks(rosters))
    if errors or street is None:
        raise RosterInvalid(errors or [f"{source}: no street"])
    return [_with_street(r, street) for r in rosters]


def _street(value: Any, errors: list[str]) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        errors.append(problem("street", None, "missing (give its code and name)"))
        return None
    code, name = as_text(value.get("code")), as_text(value.get("name"))
    for key in value:
        if key not in STREET_FIELDS:
            errors.append(problem("street", str(key), "not a field of a street (code, name)"))
    if not code or not CODE.match(code):
        errors.append(problem("street", "code", "missing or not letters, digits, '-', '_', '.'"))
        return None
    if not name:
        errors.append(problem("street", "name", "missing"))
        return None
    return code, name


def _cross_checks(rosters: list[Roster]) -> list[str]:
    errors: list[str] = []
    codes: dict[str, str] = {}
    members: dict[str, str] = {}
    for r in rosters:
        if r.code in codes:
            errors.append(problem("communities", r.code, "the same code is used twice"))
        codes.setdefault(r.code, r.name)
        for m in r.members:
            other = members.setdefault(m.key, r.code)
            if other != r.code:
                errors.append(
                    problem(
                        m.where,
                        "id",
                        f"{m.key} is also a member of {other};"
                        " member ids are unique across the street",
                    )
                )
    return errors


def _with_street(roster: Roster, street: tuple[str, str]) -> Roster:
    return replace(roster, street=street)


__all__ = ["RosterFileError", "read_rosters", "street_rosters"]

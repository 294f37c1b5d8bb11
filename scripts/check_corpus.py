#!/usr/bin/env python
"""Validate intake corpus files against corpus/intake/LABELLING.md's schema.

    .venv/bin/python scripts/check_corpus.py [corpus/intake/*.jsonl]

Checks: valid JSON object per line, unique ids (across files), non-empty text, ``now``
ISO-8601 with an offset, ``expect`` with the allowed intent / category values
(category only for ``order``), boolean ``urgent``, address shape (null, or all three
keys with string-or-null values, not all null, numerals converted, letters upper-case),
phones as digit strings (mobile or landline, no emergency numbers), preferred_time null
or an interval with +08:00 offsets and start < end.  Exits 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.intake.classify import CATEGORIES as _CATEGORIES
from bot.intake.classify import INTENTS as _INTENTS

ROOT = Path(__file__).resolve().parent.parent

INTENTS = set(_INTENTS)
CATEGORIES = set(_CATEGORIES)
EXPECT_KEYS = {"intent", "category", "urgent", "address", "phones", "preferred_time"}
OPTIONAL_EXPECT_KEYS = {"hazard", "also"}
HAZARDS = {
    "fire",
    "gas",
    "electric",
    "flood",
    "structure",
    "medical",
    "lift",
    "trapped",
    "child",
    "missing",
    "welfare",
    "violence",
    "self_harm",
    "drowning",
    "animal",
}
ADDRESS_KEYS = ("building", "unit", "room")
PART_RE = re.compile(r"[A-Z]?[1-9]\d{0,4}|[A-Z]")
PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{9,11}|[2-9]\d{6,7}")
EMERGENCY = {"110", "119", "120", "12345"}


def _iso(value: Any, field: str, problems: list[str], need_shanghai: bool) -> datetime | None:
    if not isinstance(value, str):
        problems.append(f"{field} is not a string")
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        problems.append(f"{field} is not ISO-8601: {value!r}")
        return None
    if parsed.tzinfo is None:
        problems.append(f"{field} has no UTC offset: {value!r}")
        return None
    offset = parsed.utcoffset()
    if need_shanghai and (offset is None or offset.total_seconds() != 8 * 3600):
        problems.append(f"{field} offset is not +08:00: {value!r}")
    return parsed


def _also_problems(expect: dict[str, Any]) -> list[str]:
    """``also``: the other categories an office could reasonably file an order under."""
    if "also" not in expect:
        return []
    also = expect["also"]
    if expect.get("intent") != "order":
        return ["also on a message that is not an order"]
    if not isinstance(also, list) or len(also) > 2:
        return ["also is not a list of at most two categories"]
    bad = [c for c in also if c not in CATEGORIES or c == expect.get("category")]
    if bad or len(set(also)) != len(also):
        return [f"also has {also!r} (unknown, repeated or the main category)"]
    return []


def check_record(record: Any) -> list[str]:
    """Problems with one corpus record (empty when it is fine)."""
    problems: list[str] = []
    if not isinstance(record, dict):
        return ["line is not a JSON object"]
    if not isinstance(record.get("id"), str) or not record["id"]:
        problems.append("id missing or not a non-empty string")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("text missing or empty")
    if "now" in record:
        _iso(record["now"], "now", problems, need_shanghai=False)
    else:
        problems.append("now missing")
    expect = record.get("expect")
    if not isinstance(expect, dict):
        return [*problems, "expect missing or not an object"]
    missing = EXPECT_KEYS - set(expect)
    extra = set(expect) - EXPECT_KEYS - OPTIONAL_EXPECT_KEYS
    if missing:
        problems.append(f"expect lacks {sorted(missing)}")
    if extra:
        problems.append(f"expect has unknown keys {sorted(extra)}")
    intent = expect.get("intent")
    if intent not in INTENTS:
        problems.append(f"intent {intent!r} not allowed")
    category = expect.get("category")
    if intent == "order" and category not in CATEGORIES:
        problems.append(f"order with category {category!r}")
    if intent != "order" and category is not None:
        problems.append(f"category {category!r} on a non-order ({intent})")
    problems += _also_problems(expect)
    if not isinstance(expect.get("urgent"), bool):
        problems.append("urgent is not a boolean")
    hazard = expect.get("hazard")
    if expect.get("urgent") is True and "hazard" in expect and hazard not in HAZARDS:
        problems.append(f"urgent with hazard {hazard!r}")
    if expect.get("urgent") is False and hazard is not None:
        problems.append(f"hazard {hazard!r} on a message that is not urgent")
    if record.get("lookalike") is True and expect.get("urgent") is True:
        problems.append("a look-alike cannot be urgent")
    address = expect.get("address")
    if address is not None:
        if not isinstance(address, dict) or set(address) != set(ADDRESS_KEYS):
            problems.append(f"address must have exactly {list(ADDRESS_KEYS)}: {address!r}")
        else:
            values = [address[k] for k in ADDRESS_KEYS]
            if all(v is None for v in values):
                problems.append("address with every part null must be null")
            for key in ADDRESS_KEYS:
                value = address[key]
                if value is not None and (
                    not isinstance(value, str) or not PART_RE.fullmatch(value)
                ):
                    problems.append(f"address.{key} {value!r} is not digits / upper-case letter")
    phones = expect.get("phones")
    if not isinstance(phones, list):
        problems.append("phones is not a list")
    else:
        for phone in phones:
            if not isinstance(phone, str) or not PHONE_RE.fullmatch(phone):
                problems.append(f"phone {phone!r} is not a mobile / landline digit string")
            elif phone in EMERGENCY:
                problems.append(f"phone {phone!r} is an emergency number")
        if len(set(map(str, phones))) != len(phones):
            problems.append("phones has duplicates")
    pt = expect.get("preferred_time")
    if pt is not None:
        if not isinstance(pt, dict) or set(pt) != {"start", "end"}:
            problems.append(f"preferred_time must be null or {{start, end}}: {pt!r}")
        else:
            start = _iso(pt["start"], "preferred_time.start", problems, need_shanghai=True)
            end = _iso(pt["end"], "preferred_time.end", problems, need_shanghai=True)
            if start is not None and end is not None and start >= end:
                problems.append("preferred_time start is not before end")
    return problems


def check_files(paths: list[Path], out: Any = sys.stdout) -> int:
    """Print problems of every file; return their number."""
    seen: dict[str, str] = {}
    count = 0
    total = 0
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                total += 1
                where = f"{path.name}:{number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    print(f"{where}: invalid JSON ({exc.msg})", file=out)
                    count += 1
                    continue
                problems = check_record(record)
                rid = record.get("id") if isinstance(record, dict) else None
                if isinstance(rid, str) and rid:
                    if rid in seen:
                        problems.append(f"duplicate id (first at {seen[rid]})")
                    else:
                        seen[rid] = where
                for problem in problems:
                    print(f"{where} [{rid}]: {problem}", file=out)
                count += len(problems)
    print(f"checked {total} records in {len(paths)} files: {count} problems", file=out)
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args(argv)
    files = args.files or sorted((ROOT / "corpus" / "intake").glob("*.jsonl"))
    return 1 if check_files(files) else 0


if __name__ == "__main__":
    raise SystemExit(main())

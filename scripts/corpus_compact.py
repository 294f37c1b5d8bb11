#!/usr/bin/env python
"""Turn a writer's compact drafts into canonical corpus lines (see corpus/intake/LABELLING.md).

    .venv/bin/python scripts/corpus_compact.py --writer w03 drafts/*.jsonl -o corpus/intake/writers/w03.jsonl

Every draft line is checked against the labelling schema; nothing is written when any line is
wrong, and each problem is printed with its file and line number.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.check_corpus import HAZARDS, check_record  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?")


def _now(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("now missing")
    parsed = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
    return parsed.isoformat()


def _address(value: Any) -> dict[str, str | None] | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.count("|") != 2:
        raise ValueError(f"address must be 'b|u|r' or null: {value!r}")
    parts = [p.strip() or None for p in value.split("|")]
    if all(p is None for p in parts):
        return None
    return dict(zip(("building", "unit", "room"), parts, strict=True))


def _time(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"tm must be 'YYYY-MM-DD HH[:MM]-HH[:MM]' or null: {value!r}")
    day = datetime.strptime(match[1], "%Y-%m-%d").replace(tzinfo=SHANGHAI)
    start = day + timedelta(hours=int(match[2]), minutes=int(match[3] or 0))
    end = day + timedelta(hours=int(match[4]), minutes=int(match[5] or 0))
    return {"start": start.isoformat(), "end": end.isoformat()}


def convert(draft: dict[str, Any], writer: str, number: int) -> dict[str, Any]:
    urgent = draft.get("u")
    if urgent not in (0, 1, True, False):
        raise ValueError(f"u must be 0 or 1: {urgent!r}")
    hazard = draft.get("h")
    if urgent and hazard not in HAZARDS:
        raise ValueError(f"urgent needs h in {sorted(HAZARDS)}: {hazard!r}")
    if not urgent and hazard is not None:
        raise ValueError("h must be null when u is 0")
    expect: dict[str, Any] = {
        "intent": draft.get("i"),
        "category": draft.get("c"),
        "urgent": bool(urgent),
        "hazard": hazard,
        "address": _address(draft.get("a")),
        "phones": list(draft.get("p") or []),
        "preferred_time": _time(draft.get("tm")),
    }
    if "ca" in draft:
        expect["also"] = list(draft["ca"] or [])
    return {
        "id": f"{writer}-{number:04d}",
        "writer": writer,
        "text": draft.get("t"),
        "now": _now(draft.get("now")),
        "lookalike": bool(draft.get("la", 0)),
        "expect": expect,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--writer", required=True)
    ap.add_argument("drafts", nargs="+", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    out: list[dict[str, Any]] = []
    problems = 0
    seen: set[str] = set()
    for path in args.drafts:
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{line_no}"
            try:
                record = convert(json.loads(line), args.writer, len(out) + 1)
            except (ValueError, TypeError, AttributeError) as exc:
                print(f"{where}: {exc}")
                problems += 1
                continue
            issues = check_record(record)
            if record["text"] in seen:
                issues.append("duplicate text")
            seen.add(record["text"])
            for issue in issues:
                print(f"{where}: {issue}")
            problems += len(issues)
            out.append(record)
    if problems:
        print(f"{problems} problems; nothing written")
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as fh:
        for record in out:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    urgent = sum(r["expect"]["urgent"] for r in out)
    looks = sum(r["lookalike"] for r in out)
    print(f"wrote {len(out)} records ({urgent} urgent, {looks} look-alikes) to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

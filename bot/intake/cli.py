"""JSON-lines filter behind ``mulin parse``.

Each non-blank input line gives exactly one output line, in order:

* a JSON object ``{"id": …, "text": …, "now": "<ISO-8601>"}`` (``now`` optional), or
* any other line, taken as the message text itself (``id`` null).

Output: ``{"id": …, "intent": …, …, "summary": …}``; a bad line (invalid JSON object,
``text`` missing or not a string, ``now`` not ISO-8601) gives
``{"id": …, "error": "<reason>"}`` and the run goes on.  Blank lines are skipped.
The return code is 0: errors are reported per line (and echoed to ``err``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any, TextIO

from .estates import Gazetteer, without_estates
from .parser import parse


class _LineError(ValueError):
    pass


def _parse_now(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise _LineError("now must be an ISO-8601 date-time string")
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise _LineError(f"now is not an ISO-8601 date-time: {raw[:40]!r}") from None
    if not 1970 <= value.year <= 2200:  # 9999-12-31 has no next day to resolve 明天 against
        raise _LineError(f"now is out of range (years 1970-2200): {raw[:40]!r}")
    return value  # a naive time is local: the parse reads it in the service's zone


def _read(line: str, default_now: datetime | None) -> tuple[Any, str, datetime | None]:
    """(id, text, now) of one input line; raises _LineError with the id known so far."""
    stripped = line.lstrip()
    if stripped.startswith("["):
        try:
            json.loads(line)
        except json.JSONDecodeError:
            return None, line, default_now  # "[报修] 水管漏了": plain text
        raise _LineError("invalid JSON object: a JSON array is not a message")
    if not stripped.startswith("{"):
        return None, line, default_now
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _LineError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except (RecursionError, ValueError):  # nested too deeply, a number too long to read
        raise _LineError("invalid JSON: nested too deeply or a number too long") from None
    if not isinstance(record, dict):
        raise _LineError("invalid JSON object")
    rid = record.get("id")
    if isinstance(rid, float) and not math.isfinite(rid):
        raise _LineError("id must be a string or a finite number")  # 1e999 would echo as Infinity
    try:
        if "text" not in record:
            raise _LineError("missing text")
        text = record["text"]
        if not isinstance(text, str):
            raise _LineError("text must be a string")
        now = _parse_now(record["now"]) if record.get("now") is not None else default_now
    except _LineError as exc:
        exc.args = (str(exc), rid)
        raise
    return rid, text, now


def with_estate(result: dict[str, Any], text: str, gazetteer: Gazetteer) -> dict[str, Any]:
    """With a roster that names estates, ``address`` carries ``estate`` (null: none named)."""
    found = gazetteer.find(text)
    name = found[0].name if len(found) == 1 else None
    address = result.get("address")
    if address is None and name is not None:
        address = {"building": None, "unit": None, "room": None}
    if address is not None:
        result["address"] = {**address, "estate": name}
    if found and isinstance(result.get("summary"), str):
        result["summary"] = without_estates(result["summary"], gazetteer)
    return result


def run_parse(
    lines: Iterable[str],
    out: TextIO,
    err: TextIO,
    default_now: datetime | None,
    gazetteer: Gazetteer | None = None,
    zone: tzinfo | None = None,
) -> int:
    """Parse JSON lines (or plain text lines) from ``lines`` into ``out``; see module doc.

    Times are resolved in ``zone`` (the service's configured zone, default Asia/Shanghai),
    whatever offset a line's ``now`` is written with."""
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").lstrip("\ufeff")  # a BOM Windows tools write first
        if not line.strip():
            continue
        rid = None
        try:
            rid, text, now = _read(line, default_now)
            result: dict[str, Any] = {"id": rid, **parse(text, now, zone=zone).to_dict()}
            if gazetteer:
                result = with_estate(result, text, gazetteer)
        except _LineError as exc:
            rid = exc.args[1] if len(exc.args) > 1 else None
            result = {"id": rid, "error": str(exc.args[0])}
            err.write(f"line {number}: {exc.args[0]}\n")
        except Exception as exc:  # never stop the filter on one message
            result = {"id": rid, "error": f"internal error: {type(exc).__name__}"}
            err.write(f"line {number}: internal error: {exc!r}\n")
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m bot.intake.cli [--now ISO8601] < messages.jsonl``."""
    ap = argparse.ArgumentParser(prog="mulin parse", description="Parse resident messages.")
    ap.add_argument("--now", help="arrival time for lines without one (ISO-8601)")
    args = ap.parse_args(argv)
    default_now: datetime | None = None
    if args.now:
        try:
            default_now = _parse_now(args.now)
        except _LineError as exc:
            ap.error(str(exc))
    return run_parse(sys.stdin, sys.stdout, sys.stderr, default_now)


if __name__ == "__main__":
    raise SystemExit(main())

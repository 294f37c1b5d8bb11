"""Rule files: YAML describing one or more broadcast rules, validated before anything is added.

    rules:
      - name: 居民议事会提醒
        schedule: {day: 1st tue, hour: 19, minute: 30}
        audience: community
        text: 本月居民议事会定于{date}（{weekday}）晚上{time}召开……
        template_fields: {thing1: 居民议事会, time2: "{date} {time}"}
        late_within: 12h
      - name: 敬老卡提醒
        kind: eligibility
        condition: {turns_age: 65}
        schedule: {hour: 9}
        audience: community
        text: 您好！您今年满{age}周岁了……

A single rule mapping or a bare list of rules is accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.broadcasts.audience import parse_audience
from bot.broadcasts.eligibility import MAX_AGE
from bot.broadcasts.message import (
    ELIGIBILITY_PLACEHOLDERS,
    PLACEHOLDERS,
    TEMPLATE_FIELD_MAX,
    check_placeholders,
    render,
    values,
)
from bot.broadcasts.schedule import ScheduleError, build_trigger
from bot.config import ConfigError, parse_duration

FIELDS = (
    "name",
    "kind",
    "schedule",
    "condition",
    "audience",
    "text",
    "template_fields",
    "late_within",
    "enabled",
)
MAX_TEXT = 600
_SAMPLE_AT = datetime(2026, 12, 1, 11, 30, tzinfo=ZoneInfo("UTC"))


class RulesFileError(ValueError):
    """The file cannot be read at all (one line)."""


class RulesInvalid(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass(frozen=True)
class RuleSpec:
    name: str
    kind: str
    schedule: dict[str, Any]
    condition: dict[str, Any] | None
    audience: str
    text: str
    template_fields: dict[str, str] | None
    late_within: timedelta | None
    enabled: bool

    @property
    def age(self) -> int | None:
        return int(self.condition["turns_age"]) if self.condition else None


def read_rules(path: str | Path, tz: ZoneInfo) -> list[RuleSpec]:
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise RulesFileError(f"{p}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesFileError(f"{p}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RulesFileError(f"{p}: not valid YAML{where}") from None
    return parse_rules(raw, tz)


def parse_rules(raw: Any, tz: ZoneInfo) -> list[RuleSpec]:
    if isinstance(raw, Mapping) and "rules" in raw:
        raw = raw["rules"]
    elif isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise RulesInvalid(["expected a list of rules under 'rules:'"])
    specs: list[RuleSpec] = []
    errors: list[str] = []
    for index, item in enumerate(raw, start=1):
        label = f"rule {index}"
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            label += f" ({item['name']})"
        problems: list[str] = []
        spec = validate_rule(item, tz, problems)
        if problems:
            errors.extend(f"{label}: {problem}" for problem in problems)
        elif spec is not None:
            specs.append(spec)
    if errors:
        raise RulesInvalid(errors)
    return specs


def validate_rule(item: Any, tz: ZoneInfo, problems: list[str]) -> RuleSpec | None:
    if not isinstance(item, Mapping):
        problems.append("expected a mapping with name, schedule, audience and text")
        return None
    for key in item:
        if key not in FIELDS:
            problems.append(f"{key}: unknown field (allowed: {', '.join(FIELDS)})")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        problems.append("name: required, up to 100 characters")
        name = ""
    kind = item.get("kind") or ("eligibility" if item.get("condition") else "recurring")
    if kind not in ("recurring", "eligibility"):
        problems.append(f"kind: must be recurring or eligibility, got {kind!r}")
        kind = "recurring"
    schedule = item.get("schedule")
    try:
        build_trigger(kind, schedule if schedule is not None else {}, tz)
    except ScheduleError as exc:
        problems.append(str(exc))
    condition = _condition(kind, item.get("condition"), problems)
    audience = ""
    try:
        audience = str(parse_audience(item.get("audience")))
    except ValueError as exc:
        problems.append(str(exc))
    allowed = ELIGIBILITY_PLACEHOLDERS if kind == "eligibility" else PLACEHOLDERS
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("text: must not be empty")
        text = ""
    elif len(text) > MAX_TEXT:
        problems.append(f"text: {len(text)} characters, at most {MAX_TEXT}")
    elif (why := check_placeholders(text, allowed)) is not None:
        problems.append(f"text: {why}")
    fields = _template_fields(item.get("template_fields"), allowed, problems)
    late_within = None
    if item.get("late_within") is not None:
        try:
            late_within = parse_duration(item["late_within"], "late_within")
        except ConfigError as exc:
            problems.append(str(exc))
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.append(f"enabled: expected true or false, got {enabled!r}")
    if problems:
        return None
    return RuleSpec(
        name=name.strip(),
        kind=kind,
        schedule=dict(schedule or {}),
        condition=condition,
        audience=audience,
        text=text,
        template_fields=fields,
        late_within=late_within,
        enabled=bool(enabled),
    )


def _condition(kind: str, raw: Any, problems: list[str]) -> dict[str, Any] | None:
    if kind == "recurring":
        if raw is not None:
            problems.append("condition: only eligibility rules have a condition")
        return None
    if not isinstance(raw, Mapping) or set(raw) != {"turns_age"}:
        problems.append("condition: expected {turns_age: N}, e.g. {turns_age: 65}")
        return None
    age = raw["turns_age"]
    if not isinstance(age, int) or isinstance(age, bool) or not 1 <= age <= MAX_AGE:
        problems.append(f"condition.turns_age: expected a whole number 1-{MAX_AGE}, got {age!r}")
        return None
    return {"turns_age": age}


def _template_fields(
    raw: Any, allowed: tuple[str, ...], problems: list[str]
) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not raw:
        problems.append("template_fields: expected a mapping of template keys to values")
        return None
    sample = values(_SAMPLE_AT, ZoneInfo("Asia/Shanghai"), 65)
    fields: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
            problems.append(f"template_fields.{key}: expected text")
            continue
        text = str(value)
        why = check_placeholders(text, allowed)
        if why is not None:
            problems.append(f"template_fields.{key}: {why}")
        elif len(render(text, sample)) > TEMPLATE_FIELD_MAX:
            problems.append(
                f"template_fields.{key}: longer than {TEMPLATE_FIELD_MAX} characters"
                " (WeChat cuts template fields there)"
            )
        fields[str(key)] = text
    return fields

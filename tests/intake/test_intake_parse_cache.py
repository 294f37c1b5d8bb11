"""Short messages that may name a time are parsed once per text and time found: what a
resident is told must be what a fresh parse says, on any day and at any hour."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from bot.intake import ParseResult, parse
from bot.intake.model import load_model
from bot.intake.timeparse import TZ

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "intake"


def fresh(text: str, now: datetime) -> ParseResult:
    """The parse without any keeping (an explicit model takes the uncached path)."""
    return parse(text, now, model=load_model())


def window(text: str, now: datetime) -> tuple[str, str] | None:
    found = parse(text, now).preferred_time
    return None if found is None else (found.start, found.end)


def test_a_kept_parse_gives_the_next_days_time() -> None:
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
    saturday = friday + timedelta(days=1)
    assert window("明天上午来修", friday) == (
        "2026-11-21T08:00:00+08:00",
        "2026-11-21T12:00:00+08:00",
    )
    assert window("明天上午来修", friday) == (
        "2026-11-21T08:00:00+08:00",
        "2026-11-21T12:00:00+08:00",
    )
    assert window("明天上午来修", saturday) == (
        "2026-11-22T08:00:00+08:00",
        "2026-11-22T12:00:00+08:00",
    )
    assert parse("明天上午来修", saturday) == fresh("明天上午来修", saturday)


def test_a_part_of_the_day_already_over_is_not_kept_from_the_morning() -> None:
    morning = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    night = datetime(2026, 11, 20, 21, 0, tzinfo=TZ)
    for now in (morning, night, morning, night):
        assert parse("下午来修", now) == fresh("下午来修", now)
    assert window("下午来修", morning) != window("下午来修", night)


def test_greetings_with_time_words_are_answered_the_same_at_any_hour() -> None:
    start = datetime(2026, 11, 20, 0, 30, tzinfo=TZ)
    for hours in range(0, 72, 5):
        now = start + timedelta(hours=hours)
        for text in ("早上好", "晚上好师傅", "好的 明天见", "今晚8点后有人", "下周一上午来"):
            assert parse(text, now) == fresh(text, now), (text, now)


def test_short_corpus_messages_kept_or_not_parse_alike() -> None:
    texts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            if len(text) <= 64:
                texts.append(text)
    texts = texts[::7][:200]
    start = datetime(2026, 11, 20, 7, 0, tzinfo=TZ)
    nows = [start + timedelta(hours=h) for h in (0, 6, 13, 16, 30, 53)]
    for now in nows:
        for text in texts:
            assert parse(text, now) == fresh(text, now), (text, now)
            assert parse(text, now) == fresh(text, now), (text, now)  # the kept one

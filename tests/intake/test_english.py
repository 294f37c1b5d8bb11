"""A foreign resident's English is read through Chinese glosses (bot/intake/english.py)."""

from __future__ import annotations

import pytest

from bot.intake import parse
from bot.intake.english import gloss


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("I smell gas very strongly in the hallway of building 7, please hurry", "gas"),
        ("my father fell in the kitchen and can't get up, he is 80", "medical"),
        ("we are stuck in the lift between floors, building 3 unit 2", "lift"),
        ("a little boy is standing on the window ledge outside the grille, 5th floor!!", "child"),
        ("a man with a knife is shouting at people near the north gate right now", "violence"),
        (
            "flames coming out of the kitchen window of the flat below, black smoke everywhere",
            "fire",
        ),
    ],
)
def test_an_emergency_in_english_is_urgent(text: str, hazard: str) -> None:
    result = parse(text)
    assert (result.intent, result.danger, result.hazard) == ("order", "urgent", hazard)


@pytest.mark.parametrize(
    "text",
    [
        "no smoke and no fire, the smoke detector just beeps because the battery is low",
        "The fire drill yesterday was too loud, is there another test this week?",
        "Fake alarm: the gas alarm went off because of my hairspray, everything is fine",
    ],
)
def test_an_english_look_alike_is_no_emergency(text: str) -> None:
    assert parse(text).danger != "urgent"


def test_english_chat_commands_and_addresses() -> None:
    assert parse("thank you!").intent == "chat"
    assert parse("help").intent == "help"
    assert parse("Please cancel 2045, my friend fixed it").intent == "cancel"
    address = parse("the toilet is blocked, building 12, unit 3, room 1502").address
    assert address is not None
    assert (address.building, address.unit, address.room) == ("12", "3", "1502")
    assert parse("the corridor light on my floor is broken, B block").address is not None


def test_english_words_are_left_alone_in_other_senses() -> None:
    # a single capital is a block only next to the word; "building a wall" is a verb
    assert "座" not in gloss("they are building a wall behind us")
    assert gloss("没有英文") == "没有英文"  # no Latin word: untouched
    assert gloss("kidding") == "kidding"  # words match whole, never inside another word


def test_the_phrase_table_is_unambiguous() -> None:
    from bot.intake.english_dangers import DANGERS
    from bot.intake.english_words import EVERYDAY

    english = [e for e, _ in DANGERS + EVERYDAY]
    assert len(english) == len(set(english))  # a phrase glossed once
    assert all(e == e.lower() and e == " ".join(e.split()) for e in english)

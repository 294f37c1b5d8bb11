"""Which field of which WeChat template message carries what (used outside the 48-hour window).

Template messages are configured per purpose (``wechat.templates``); their field keys are the
ones the templates chosen in the WeChat console use. Every key the code fills is here.
WeChat's rules: a ``thing`` field holds at most 20 characters (the client cuts longer ones with
an ellipsis), a ``phrase`` at most 5 Chinese characters (the states in bot/texts/history.py
keep to it), a ``character_string`` at most 32 letters, digits or signs.
"""

from __future__ import annotations

from bot.wechat.api import truncate_field


def order_fields(
    number: int, category: str, what: str, state: str, *, hint: str | None = None
) -> dict[str, object]:
    """An order's number, category, place and summary, and where it stands; ``hint`` fills
    the one free field (thing5): how to answer (a member's new order: 回复接单N), or the
    resident's own words (居民补充, 催办), cut to the field's 20 characters."""
    fields: dict[str, object] = {
        "character_string1": f"#{number}",
        "thing2": category,
        "thing3": what,
        "phrase4": state,
    }
    if hint:
        fields["thing5"] = truncate_field(hint)
    return fields


def notice_fields(title: str, detail: str) -> dict[str, object]:
    """A short notice: what it is about, and one line more."""
    return {"thing1": title, "thing2": detail}


def digest_fields(title: str, day: str) -> dict[str, object]:
    return {"thing1": title, "time2": day}

"""Which field of which WeChat template message carries what (used outside the 48-hour window).

Template messages are configured per purpose (``wechat.templates``); their field keys are the
ones the templates chosen in the WeChat console use. Every key the code fills is here.
Fields hold at most 20 characters; the client cuts longer ones.
"""

from __future__ import annotations


def order_fields(
    number: int, category: str, what: str, state: str, *, hint: str | None = None
) -> dict[str, object]:
    """An order's number, category, place and summary, and where it stands; ``hint`` says
    how to answer (a member's new order: 回复接单N), since templates have no free remark."""
    fields: dict[str, object] = {
        "character_string1": f"#{number}",
        "thing2": category,
        "thing3": what,
        "phrase4": state,
    }
    if hint:
        fields["thing5"] = hint
    return fields


def notice_fields(title: str, detail: str) -> dict[str, object]:
    """A short notice: what it is about, and one line more."""
    return {"thing1": title, "thing2": detail}


def digest_fields(title: str, day: str) -> dict[str, object]:
    return {"thing1": title, "time2": day}

"""Reusable filters. Each returns False, True, or a dict of values for the handler."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bot.chat import conversation
from bot.intake.normalize import simplified
from bot.messages import Incoming


class MsgType:
    def __init__(self, *types: str) -> None:
        self.types = frozenset(types)

    def __call__(self, message: Incoming, data: dict[str, Any]) -> bool:
        return message.msg_type in self.types


class Event:
    def __init__(self, *events: str) -> None:
        self.events = frozenset(e.lower() for e in events)

    def __call__(self, message: Incoming, data: dict[str, Any]) -> bool:
        return (message.event or "") in self.events


class EventKey:
    def __init__(self, *keys: str) -> None:
        self.keys = frozenset(keys)

    def __call__(self, message: Incoming, data: dict[str, Any]) -> bool:
        return (message.event_key or "") in self.keys


class HasText:
    """Matches a message that carries words (typed, or a voice message's recognised text)."""

    def __call__(self, message: Incoming, data: dict[str, Any]) -> bool:
        return bool(message.text.strip())


# Full-width forms a Chinese keyboard types (＃３３５, ５分, the ideographic space) read as the
# plain ones, so 接单 ＃335 is 接单 #335. Chinese punctuation stays as written (a member's note
# 已联系，下周一开始 keeps its comma); every pattern here accepts both forms of it.
_KEPT = frozenset("，：；！？（）")
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEPT} | {
    0x3000: 0x20
}


def halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


_HEAD = 6  # characters: the longest command word and then some
# 好的 接单 327, 好的收到，接单 333, 嗯嗯 好的 收到 接单 333: any run of words of assent (found from
# outside: one was understood, two were not)
_FILLER_HEAD = re.compile(
    r"^\s*(?:(?:好的|好嘞|好滴|好|收到了|收到|嗯嗯|嗯|哦|噢|OK|ok|Ok|行|马上|明白|了解|知道了|没问题)"
    r"[，,。.!！~、\s]*)+"
)


def without_assent(text: str) -> str:
    """``text`` without the words of assent it starts with (all of them)."""
    return _FILLER_HEAD.sub("", text, count=1)


def command_text(text: str) -> str:
    """``text`` as commands read it: full-width forms plain, and a command word typed in
    traditional characters (接單 #322, 待辦) in simplified; the rest as written."""
    plain = halfwidth(text)
    start = len(plain) - len(plain.lstrip())
    head = plain[start : start + _HEAD]
    if not any(ord(ch) > 0x2E7F for ch in head):
        return plain
    converted = simplified(head)
    if converted == head or len(converted) != len(head):
        return plain
    return plain[:start] + converted + plain[start + _HEAD :]


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class _AnyCommand:
    """Every command word there is, and whether the message in hand starts with one: most
    messages (reports, thanks) start with none, and then no command tries its own pattern."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.pattern: re.Pattern[str] | None = None
        self.last: tuple[Incoming | None, bool] = (None, False)
        self.text = ""  # the last message's text as commands read it

    def add(self, words: Iterable[str]) -> None:
        self.words.update(words)
        self.pattern = None

    def starts(self, message: Incoming) -> bool:
        last, found = self.last
        if last is not message:
            if self.pattern is None:
                self.pattern = re.compile(rf"^\s*(?:{_alternatives(self.words)})")
            self.text = command_text(message.text)
            found = self.pattern.match(self.text) is not None
            bare = self.text if found else command_text(without_assent(halfwidth(message.text)))
            if bare != self.text:
                # 好的 接单 327, 收到，完成 325: words of assent before the command (read again
                # without them: 好的收到 接單 333 puts the traditional 單 beyond the head)
                found = self.pattern.match(bare) is not None
                self.text = bare if found else self.text
            self.last = (message, found)
        return found


_COMMANDS = _AnyCommand()


class Command:
    """``接单 1024`` style: a leading word, then arguments. Injects ``command`` and ``args``."""

    def __init__(self, *words: str) -> None:
        self.pattern = re.compile(
            rf"^\s*(?P<cmd>{_alternatives(words)})(?:[\s:：,，]*(?P<args>.*))?$", re.S
        )
        _COMMANDS.add(words)

    def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        if not _COMMANDS.starts(message):
            return False
        m = self.pattern.match(_COMMANDS.text)
        if not m:
            return False
        return {"command": m.group("cmd"), "args": (m.group("args") or "").strip()}


class State:
    """Matches when the sender's conversation waits in one of ``states`` (a question the bot
    asked, like "which building?"); injects ``pending``. As aiogram's ``StateFilter``."""

    def __init__(self, *states: str) -> None:
        self.states = frozenset(states)

    async def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        pending = await conversation.current(data["session"], message.openid, data["clock"].now())
        if pending is None or pending.state not in self.states:
            return False
        return {"pending": pending}

"""The parse pipeline: normalise, extract structured fields, classify, summarise."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .address import Address, AddressMatch, choose_address, find_addresses
from .classify import classify
from .features import MASK, Signals
from .model import LinearModel
from .normalize import normalize
from .phones import PhoneMatch, find_phones
from .result import ParseResult, PreferredTime
from .summary import summarize
from .timeparse import TZ, TimeMatch, find_preferred_time
from .urgency import urgency_kind

_FILLER_RE = re.compile(
    r"[\s,，.。!！?？;；:：~…、()\-#"
    + MASK
    + r"]|我家|我们家|家住|住在|我住|我是|本人|地址|的|是|在|住"
    r"|绑定|登记|一下|这是|吧|啊|呀|哦|了|谢谢|您好|你好"
)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = MASK
    return "".join(chars)


@dataclass(frozen=True)
class Analysis:
    """Everything the rule-based extractors found in one message."""

    norm: str
    masked: str
    phones: list[PhoneMatch]
    addresses: list[AddressMatch]
    address: Address | None
    time: TimeMatch | None
    urgent: bool
    signals: Signals


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(TZ)
    if now.tzinfo is None:
        return now.replace(tzinfo=TZ)
    return now.astimezone(TZ)


def analyse(text: str, now: datetime | None = None) -> Analysis:
    """Run the extractors (no classification); used by :func:`parse` and training."""
    norm = normalize(text)
    phone_matches = find_phones(norm)
    phone_spans = [(p.start, p.end) for p in phone_matches]
    masked = _mask(norm, phone_spans)
    address_matches = find_addresses(masked)
    address = choose_address(address_matches)
    masked = _mask(masked, [(a.start, a.end) for a in address_matches])
    time_match = find_preferred_time(masked, _now(now))
    kind = urgency_kind(masked)
    urgent = kind is not None
    residual = _FILLER_RE.sub("", masked)
    signals = Signals(
        has_address=address is not None,
        has_phone=bool(phone_matches),
        has_time=time_match is not None,
        urgent=urgent,
        residual_len=len(residual),
        urgent_kind=kind,
    )
    return Analysis(
        norm, masked, phone_matches, address_matches, address, time_match, urgent, signals
    )


# A message without any of these characters has no time in it, so its parse does not depend
# on ``now`` and can be memoised: acknowledgements ("好的", "谢谢", "收到") are a large share of
# chat traffic. The set is deliberately wide (digits, numerals, every day and time word's
# characters in both scripts); a false positive only means no caching.
_TIMEISH = re.compile(
    r"[0-9０-９零〇一二两兩三四五六七八九十廿百点點时時分秒半早晚午夜宵天周週星期礼禮拜号號月日"
    r"今明后後昨前下上凌晨傍]"
)
_CACHEABLE_LENGTH = 64


@lru_cache(maxsize=4096)
def _parse_timeless(text: str) -> ParseResult:
    return _parse(text, None, None)


def parse(
    text: str, now: datetime | None = None, *, model: LinearModel | None = None
) -> ParseResult:
    """Parse one resident message.

    ``now`` is when the message arrived (naive values are taken as Asia/Shanghai);
    by default the current time.  Never raises on odd text: empty, markup, emoji or
    control characters give a ``chat`` result with no fields.  ``model`` overrides
    the shipped classifier (used by the training script).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if model is None and len(text) <= _CACHEABLE_LENGTH and not _TIMEISH.search(text):
        return _parse_timeless(text)
    return _parse(text, now, model)


def _parse(text: str, now: datetime | None, model: LinearModel | None) -> ParseResult:
    a = analyse(text, now)
    intent, category = classify(a.masked, a.signals, model)
    urgent = a.urgent and intent != "cancel"
    time_match = a.time
    preferred = (
        None
        if time_match is None
        else PreferredTime(time_match.start.isoformat(), time_match.end.isoformat())
    )
    spans = [(p.start, p.end) for p in a.phones] + [(m.start, m.end) for m in a.addresses]
    if time_match is not None:
        spans.append((time_match.span_start, time_match.span_end))
    return ParseResult(
        intent=intent,
        category=category,
        urgent=urgent,
        address=a.address,
        phones=tuple(p.number for p in a.phones),
        preferred_time=preferred,
        summary=summarize(a.norm, spans),
    )

"""The parse pipeline: normalise, extract structured fields, classify, summarise."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from threading import Lock

from .address import Address, AddressMatch, choose_address, find_addresses
from .chat import CRY_RE, FIRE_CRY_RE, chat_kind, is_exclamation, is_gibberish
from .classify import classify
from .danger import (
    FAINT_POSSIBLE,
    danger_band,
    false_alarm,
    follow_up,
    handled_report,
    hazard_words,
    ill_child,
    minor_water,
    nothing_harmful_named,
    only_potential,
    settled_scare,
    unsupported_limit,
)
from .features import LOOKALIKE_CUES, MASK, Signals, extract_features
from .jokes import joking, only_joking
from .model import LinearModel, load_model
from .normalize import normalize
from .phones import PhoneMatch, find_phones
from .result import ParseResult, PreferredTime
from .sentences import sentence_urgency
from .services import no_danger, open_hole, pried_open
from .settled import cues_decide, just_asleep, only_over, power_off
from .summary import summarize
from .timecues import keeps_time
from .timeparse import TZ, TimeMatch, find_preferred_time
from .urgency import urgency_cues, urgency_kind

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


def _now(now: datetime | None, zone: tzinfo | None = None) -> datetime:
    zone = zone or TZ
    if now is None:
        return datetime.now(zone)
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def _front(text: str) -> tuple[str, list[PhoneMatch], str, list[AddressMatch]]:
    """What the extractors find before the time (none of it depends on ``now``): the
    normalised text, its phones, the text with phones and addresses masked, its addresses."""
    norm = normalize(text)
    phone_matches = find_phones(norm)
    phone_spans = [(p.start, p.end) for p in phone_matches]
    masked = _mask(norm, phone_spans)
    address_matches = find_addresses(masked)
    masked = _mask(masked, [(a.start, a.end) for a in address_matches])
    return norm, phone_matches, masked, address_matches


def analyse(text: str, now: datetime | None = None, zone: tzinfo | None = None) -> Analysis:
    """Run the extractors (no classification); used by :func:`parse` and training."""
    front = _front(text)
    return _analysis(front, find_preferred_time(front[2], _now(now, zone)))


def _analysis(
    front: tuple[str, list[PhoneMatch], str, list[AddressMatch]], time_match: TimeMatch | None
) -> Analysis:
    norm, phone_matches, masked, address_matches = front
    address = choose_address(address_matches)
    kind, cues = urgency_cues(masked)
    urgent = kind is not None
    residual = _FILLER_RE.sub("", masked)
    signals = Signals(
        has_address=address is not None,
        has_phone=bool(phone_matches),
        has_time=time_match is not None,
        urgent=urgent,
        residual_len=len(residual),
        urgent_kind=kind,
        cues=cues,
        hazard_words=hazard_words(masked),
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
    r"今明后後昨前下上凌晨傍朝晝昼晏聽听琴A-Za-z]"
)
_CACHEABLE_LENGTH = 64


@lru_cache(maxsize=4096)
def _parse_timeless(text: str) -> ParseResult:
    return _parse(text, None, None)


def parse(
    text: str,
    now: datetime | None = None,
    *,
    model: LinearModel | None = None,
    zone: tzinfo | None = None,
) -> ParseResult:
    """Parse one resident message.

    ``now`` is when the message arrived (naive values are taken as local time) and ``zone``
    the service's time zone (default Asia/Shanghai): "明天上午" is the morning there, and the
    preferred time carries that zone's offset.  ``now`` defaults to the current time.
    Never raises on odd text: empty, markup, emoji or
    control characters give a ``chat`` result with no fields.  ``model`` overrides
    the shipped classifier (used by the training script).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if model is None and len(text) <= _CACHEABLE_LENGTH:
        if not _TIMEISH.search(text):
            return _parse_timeless(text)
        return _parse_short(text, _now(now, zone))
    return _parse(text, now, model, zone)


@lru_cache(maxsize=4096)
def _front_kept(text: str) -> tuple[str, list[PhoneMatch], str, list[AddressMatch]]:
    return _front(text)  # read, never changed, by the parse (analyse hands out its own)


# A short message that may name a time ("早上好", "明天上午来修") depends on ``now`` only
# through the time found in it: its parse is kept per text *and* time found (the time is
# looked for again at every call, against that call's ``now``: "今天下午" said at 10:00 and at
# 23:00, or on two days, are two entries). An LRU of bounded size.
_SHORT: OrderedDict[tuple[str, tuple[str, str, int, int] | None], ParseResult] = OrderedDict()
_SHORT_SIZE = 4096
_SHORT_LOCK = Lock()


def _parse_short(text: str, now: datetime) -> ParseResult:
    front = _front_kept(text)
    found = find_preferred_time(front[2], now)
    key = (
        text,
        None
        if found is None
        else (found.start.isoformat(), found.end.isoformat(), found.span_start, found.span_end),
    )
    with _SHORT_LOCK:
        kept = _SHORT.get(key)
        if kept is not None:
            _SHORT.move_to_end(key)
            return kept
    result = _result(text, _analysis(front, found), None)  # what _parse(text, now) gives
    with _SHORT_LOCK:
        _SHORT[key] = result
        if len(_SHORT) > _SHORT_SIZE:
            _SHORT.popitem(last=False)
    return result


def clear_caches() -> None:
    """Forget every kept parse (benchmarks measure a message seen for the first time)."""
    _parse_timeless.cache_clear()
    _front_kept.cache_clear()
    normalize.cache_clear()
    with _SHORT_LOCK:
        _SHORT.clear()


# the rules' danger kinds (used only when no model is shipped) as hazard kinds
_RULE_HAZARD = {
    "fire": "fire",
    "told_fire": "fire",
    "smoke": "fire",
    "spark": "electric",
    "gas": "gas",
    "fall": "medical",
    "help": "medical",
    "trapped": "trapped",
    "lift": "lift",
    "flood": "flood",
    "wet_electric": "flood",
    "violence": "violence",
    "missing": "missing",
    "falling": "structure",
}


def _model_band(a: Analysis, model: LinearModel, feats: frozenset[str]) -> str | None:
    """The band the urgent head gives, read sentence by sentence for a long report, and
    never urgent on the model's doubt alone when nothing harmful is named."""
    p_urgent = model.sigmoid(feats, "urgent")
    band = danger_band(p_urgent, model.meta)
    if band == "possible" and "resolved" not in a.signals.cues:
        # a long report unsure as a whole: its most dangerous sentence may decide, unless the
        # message says the scare turned out fine (还以为哪里烧着了 白紧张一场, 经确认…老人安好)
        p_urgent = max(p_urgent, sentence_urgency(a.masked, model))
        band = danger_band(p_urgent, model.meta) or band
    if (
        band == "urgent"
        and p_urgent < unsupported_limit(len(a.masked))
        and a.signals.urgent_kind is None
        and nothing_harmful_named(a.masked, a.signals.hazard_words, a.signals.cues)
    ):
        # 不知道, 就在小区大门口, 住幸福里 二栋: a word or two with nothing harmful in it; the
        # model's doubt (it has seen many terse emergencies) gets a look, not a rush; a longer
        # message naming nothing harmful (电梯里按钮掉了一个) only when the model is barely sure
        band = "possible"
    if (
        band == "possible"
        and p_urgent < FAINT_POSSIBLE
        and a.signals.urgent_kind is None
        and nothing_harmful_named(a.masked, a.signals.hazard_words, a.signals.cues, strict=False)
    ):
        # 5栋1单元302 厨房水龙头坏了 at 0.002: a faint doubt about a message that names
        # nothing harmful alerts nobody
        band = None
    if band is not None and just_asleep(
        a.masked,
        nothing_harmful_named(a.masked, set(a.signals.hazard_words) - {"child"}, a.signals.cues),
    ):
        band = None
    # 井盖没了 晚上很危险: an open hole in a path is looked at tonight, whatever the model says
    # 信箱被人撬了: a break-in's mark is looked at, however calmly it is told
    if band is None and (open_hole(a.masked) or pried_open(a.masked)):
        return "possible"
    return band


def _danger(
    a: Analysis, model: LinearModel | None
) -> tuple[str | None, str | None, frozenset[str] | None]:
    """(danger band, hazard kind, the message's feature set) of an analysed message."""
    if model is None:
        kind = a.signals.urgent_kind
        return ("urgent" if kind else None), _RULE_HAZARD.get(kind or ""), None
    feats = frozenset(extract_features(a.masked, a.signals))
    if "urgent" not in model.heads:
        kind = a.signals.urgent_kind
        return ("urgent" if kind else None), _RULE_HAZARD.get(kind or ""), feats
    band = _model_band(a, model, feats)
    if band == "possible" and minor_water(a.masked, a.signals.hazard_words):
        band = None  # 501厨房水管漏水了 at the model's doubt: a plumber's job, nobody alerted
    if band != "urgent" and cues_decide(a.masked, a.signals.cues):
        band = "urgent"
    if band is not None and no_danger(a.masked, a.signals.hazard_words, a.signals.urgent_kind):
        # 帮忙买点菜 老人腿不好, 屋里冇得水了, 把手掉了: a service, an outage or a fitting come
        # off, no danger named (a danger the rules read as live, 送餐的被人拿棍子追着打, is
        # never a service)
        return None, None, feats
    if band == "urgent" and (
        only_over(a.signals.cues)
        or minor_water(a.masked, a.signals.hazard_words)
        or only_potential(a.masked, a.signals.hazard_words)
        or settled_scare(a.masked)
        or false_alarm(a.masked)
        or handled_report(a.masked, urgency_kind)
        or only_joking(a.masked, a.signals.urgent_kind is not None)
        or follow_up(a.masked)
        or power_off(a.masked, a.signals.cues)
    ):
        # 火已经灭了, 已经找到了: the danger the message names is over; 水管漏了: an
        # ordinary leak; 架子锈了随时可能掉: a hazard, not a danger now.  Someone still looks
        # at it (possible danger), nobody is rushed.  没砸着人, 自己爬起来了: the scare is
        # over; 人麻了, 打工人: venting; 火情已扑灭, 无人员受伤: a duty log of what was done.
        band = "possible"
    if band is None or "hazard" not in model.heads:
        return band, None, feats
    if band == "possible" and (not a.signals.hazard_words or only_joking(a.masked, True)):
        # unsure and no kind named, or said as a joke: no hazard, so no number (see below)
        return band, None, feats
    probs = model.softmax(feats, "hazard")
    best: str | None = max(probs, key=probs.__getitem__).split(":", 1)[1]
    if "live:told_fire" in a.signals.cues:
        best = "fire"  # 走水了: a fire, though the model reads water in it
    elif best == "child" and ill_child(a.masked):
        best = "medical"  # 孩子高烧抽搐: an ambulance, not 110 / 119
    if band == "possible" and best not in a.signals.hazard_words:
        # unsure, and the text does not name that kind: no emergency number is suggested
        best = None
    return band, best, feats


def _parse(
    text: str, now: datetime | None, model: LinearModel | None, zone: tzinfo | None = None
) -> ParseResult:
    return _result(text, analyse(text, now, zone), model)


# "111", "1111": a bare number says nothing a person could act on (a room needs 我家 or 的,
# a survey's rating is one digit); it is not an address to register
_BARE_NUMBER_RE = re.compile(r"\d{2,5}")


def _result(text: str, a: Analysis, model: LinearModel | None) -> ParseResult:
    if is_gibberish(a.norm) or is_exclamation(a.norm) or _BARE_NUMBER_RE.fullmatch(a.norm):
        return ParseResult(
            intent="chat",
            category=None,
            urgent=False,
            address=None,
            phones=tuple(p.number for p in a.phones),
            summary=summarize(a.norm, [(p.start, p.end) for p in a.phones]),
            chat_kind=chat_kind(text, a.norm),
        )
    if model is None:
        model = load_model()
    band, hazard, feats = _danger(a, model)
    # a danger the rules read as live, the model unsure (possible band), is filed as an order
    # for someone to look at, never answered as chat: 喝了一口…是除草剂!!
    needs_order = band == "urgent" or (
        band == "possible"
        and a.signals.urgent_kind is not None
        and LOOKALIKE_CUES.isdisjoint(a.signals.cues)
        and not joking(a.masked)
    )
    intent, category = classify(a.masked, a.signals, model, feats, urgent=needs_order)
    if FIRE_CRY_RE.match(a.norm) or (band == "urgent" and "live:told_fire" in a.signals.cues):
        # 救火! / 着火了 alone, 车自燃了: a fire, whatever else is unknown
        intent, category, band, hazard = "order", "safety", "urgent", "fire"
    elif CRY_RE.match(a.norm):
        # a bare cry for help says nothing else: someone must look at it
        intent, category, band = "order", "safety", band or "possible"
    elif intent == "cancel" or (intent in ("chat", "help") and band != "urgent"):
        band = hazard = None
    time_match = a.time if keeps_time(intent, hazard, a.norm) else None
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
        urgent=band == "urgent",
        address=a.address,
        phones=tuple(p.number for p in a.phones),
        preferred_time=preferred,
        summary=summarize(a.norm, spans, text),
        hazard=hazard,
        danger=band,
        chat_kind=chat_kind(text, a.norm) if intent == "chat" else None,
    )

"""Which WeChat channel can carry a message to a user right now (pure rules, no I/O).

- Customer-service message: the user wrote within the last 48 hours and fewer than 5
  customer-service messages went out since (WeChat's window).
- Otherwise the template message configured for the purpose (``wechat.templates``).
- Neither: undeliverable, with the reason spelled out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.wechat.api import truncate_field

WINDOW = timedelta(hours=48)
WINDOW_SENDS = 5


@dataclass(frozen=True)
class UserWindow:
    """What the inbound side knows of a user: when they last wrote and what we sent since."""

    last_interaction_at: datetime
    window_sends: int
    following: bool = True


@dataclass(frozen=True)
class CustomPlan:
    body: dict[str, Any]  # the customer-service message, ready to POST
    channel: str = "custom"


@dataclass(frozen=True)
class TemplatePlan:
    template_id: str
    fields: dict[str, str]  # already cut to 20 characters
    url: str | None
    channel: str = "template"


@dataclass(frozen=True)
class Undeliverable:
    reason: str
    channel: None = None


Plan = CustomPlan | TemplatePlan | Undeliverable


def custom_body(recipient: str, payload: Mapping[str, Any]) -> dict[str, Any] | None:
    if "text" in payload:
        return {"touser": recipient, "msgtype": "text", "text": {"content": payload["text"]}}
    if "news" in payload:
        return {"touser": recipient, "msgtype": "news", "news": {"articles": [payload["news"]]}}
    return None


def template_plan(
    purpose: str, payload: Mapping[str, Any], templates: Mapping[str, str]
) -> TemplatePlan | str:
    """The template message for this purpose, or why there is none."""
    template_id = templates.get(purpose) or ""
    if not template_id:
        return f"no template configured for purpose {purpose!r} (wechat.templates.{purpose})"
    template = payload.get("template")
    if not isinstance(template, Mapping) or not template.get("fields"):
        return f"the message has no template fields for template {purpose!r}"
    fields = {str(k): truncate_field(v) for k, v in template["fields"].items()}
    url = template.get("url")
    return TemplatePlan(template_id, fields, str(url) if url else None)


def choose(
    *,
    recipient: str,
    purpose: str,
    payload: Mapping[str, Any],
    user: UserWindow | None,
    templates: Mapping[str, str],
    now: datetime,
    already_planned: int = 0,
    window: timedelta = WINDOW,
    window_sends: int = WINDOW_SENDS,
) -> Plan:
    """Pick the channel. ``already_planned``: customer-service sends to this user in this batch."""
    if user is not None and not user.following:
        return Undeliverable("the user does not follow the account (unsubscribed)")
    body = custom_body(recipient, payload)
    if body is None:
        why_not_custom = "the message has no text or news for a customer-service message"
    elif user is None:
        why_not_custom = "the user never wrote to the account (no 48-hour window)"
    elif now - user.last_interaction_at >= window:
        hours = (now - user.last_interaction_at).total_seconds() / 3600
        why_not_custom = f"outside the 48-hour window (last wrote {hours:.0f} h ago)"
    elif user.window_sends + already_planned >= window_sends:
        why_not_custom = f"{window_sends} customer-service messages already sent in this window"
    else:
        return CustomPlan(body)
    template = template_plan(purpose, payload, templates)
    if isinstance(template, TemplatePlan):
        return template
    return Undeliverable(f"{why_not_custom}; {template}")

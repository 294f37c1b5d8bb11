"""Errors raised by the outbound WeChat client, sorted by what the caller should do next."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

# The access token is invalid: refresh it once and retry.
TOKEN_INVALID = frozenset({40001, 42001, 40014})
BUSY = -1
QUOTA = 45009
# The message can never be delivered as sent; retrying changes nothing.
OUT_OF_WINDOW = 45015  # 48-hour window passed, or the user unfollowed
NOT_FOLLOWING = 43004
REFUSED = 43101  # the user refused this subscription message
WINDOW_COUNT = 45047  # customer-service message count used up
INVALID_MEDIA = 40007  # unknown media id, or a temporary one past its 3 days


class WeChatError(Exception):
    """Base class. ``errcode`` is WeChat's code, or None for transport problems."""

    def __init__(self, message: str, errcode: int | None = None) -> None:
        super().__init__(message)
        self.errcode = errcode


class TransientError(WeChatError):
    """Network errors, timeouts, HTTP 5xx, busy (-1), malformed answers.

    ``maybe_delivered`` is False only when WeChat cannot have acted on the request (the
    connection was never made, or WeChat answered "busy"); otherwise the request may have
    been carried out and only its answer was lost.
    """

    def __init__(
        self, message: str, errcode: int | None = None, *, maybe_delivered: bool = True
    ) -> None:
        super().__init__(message, errcode)
        self.maybe_delivered = maybe_delivered


class PermanentError(WeChatError):
    """WeChat refused the call with an error code that retrying does not change."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}", errcode)
        self.errmsg = errmsg


class MediaTooLarge(WeChatError):
    """A media file larger than the caller accepts: not read past the limit."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        said = f"{size} bytes" if size is not None else "more"
        super().__init__(f"media file too large ({said}, limit {limit} bytes)")
        self.limit, self.size = limit, size


class TokenError(WeChatError):
    """No access token could be obtained (bad secret, IP not whitelisted, token rejected twice)."""


class QuotaExceeded(WeChatError):
    """45009: the API's daily quota is used up; WeChat resets it at 00:00 Beijing time."""

    def __init__(self, retry_at: datetime, errmsg: str = "reach max api daily quota limit") -> None:
        local = retry_at.astimezone(BEIJING)
        super().__init__(
            f"WeChat error 45009 ({errmsg}): retry at next 00:00 Asia/Shanghai"
            f" ({local.isoformat(timespec='minutes')})",
            QUOTA,
        )
        self.retry_at = retry_at


def next_beijing_midnight(now: datetime) -> datetime:
    """The next 00:00 in Asia/Shanghai after ``now``, as an aware datetime in UTC-equivalent."""
    local = now.astimezone(BEIJING)
    midnight = datetime(local.year, local.month, local.day, tzinfo=BEIJING) + timedelta(days=1)
    return midnight.astimezone(now.tzinfo or BEIJING)

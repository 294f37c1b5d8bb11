"""Logging with personal data masked: phone numbers and room numbers never reach a log line."""

from __future__ import annotations

import logging
import re

# With or without the country code (+86 / 86 / 0086), spaces or dashes between the groups.
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[\s-]?(\d{3,4})[\s-]?(\d{4})(?!\d)")
_ROOM = re.compile(
    r"(\d+|[一二三四五六七八九十百零〇两]+|[A-Za-z])\s*(栋|幢|号楼|座|楼|号(?=\s*\S{1,4}单元)|#)"
    r"(\s*(\d+|[一二三四五六七八九十]+)\s*(单元|门))?"
    r"\s*(\d{3,4}|[一二三四五六七八九十零〇幺]{3,4})?(室|号)?"
)
# Full-width digits and signs (１３８…, ＋８６) read as their ASCII forms before matching.
_WIDE = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"＋": "+", "－": "-"})


def mask_phone_numbers(text: str) -> str:
    text = text.translate(_WIDE)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)


_DASHED_ROOM = re.compile(r"(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?![\d-])")
_SECRET = re.compile(r"(access_token|secret|appsecret|encoding_aes_key|token)=([^&\s\"']+)", re.I)


def mask(text: str) -> str:
    text = _SECRET.sub(lambda m: f"{m.group(1)}=***", text)
    text = mask_phone_numbers(text)
    text = _DASHED_ROOM.sub("*-*-***", text)
    return _ROOM.sub("*栋*室", text)


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def configure(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    quiet_protocol_errors()
    # A line per tick otherwise, and a warning every interval while a tick waits on a stalled
    # database ("skipped: maximum number of running instances"): the tick's own outage line
    # says what matters.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


class _ProtocolErrorFilter(logging.Filter):
    """aiohttp logs every malformed HTTP request (an over-long URL, a broken request line) as
    an ERROR with a traceback: anyone could fill the log that way. Such a request already got
    its 400; one INFO line without the traceback says enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = "malformed HTTP request refused (%s): %s"
            record.args = (exc.code, type(exc).__name__)
            record.exc_info = record.exc_text = None
        return True


_PROTOCOL_FILTER = _ProtocolErrorFilter()


def quiet_protocol_errors() -> None:
    """Install the filter on aiohttp's server logger (idempotent)."""
    server = logging.getLogger("aiohttp.server")
    if _PROTOCOL_FILTER not in server.filters:
        server.addFilter(_PROTOCOL_FILTER)

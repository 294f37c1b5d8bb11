"""Logging with personal data masked: phone numbers and room numbers never reach a log line."""

from __future__ import annotations

import contextvars
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

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


# Fields that name the unit of work in hand (a message's id, a tick's name): every line
# logged inside it carries them, in both formats.
_CONTEXT: contextvars.ContextVar[tuple[tuple[str, str], ...]] = contextvars.ContextVar(
    "log_context", default=()
)


@contextmanager
def context(**fields: object) -> Iterator[None]:
    """Within this block (and the tasks it starts), log lines carry ``fields``."""
    merged = dict(_CONTEXT.get()) | {k: str(v) for k, v in fields.items()}
    token = _CONTEXT.set(tuple(merged.items()))
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        fields = dict(_CONTEXT.get())
        record.context = fields
        record.context_text = "".join(f" {k}={v}" for k, v in fields.items())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the unit of
    work's fields, and the traceback if any; every string masked like the text format."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for key, value in getattr(record, "context", {}).items():
            entry.setdefault(key, mask(value))
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = mask(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s:%(context_text)s %(message)s"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


def configure(level: int | str = logging.INFO, format: str = "text") -> None:
    """Logging for a service process: ``format`` "text" (masked lines) or "json"."""
    if isinstance(level, str):
        level = LEVELS.get(level, logging.ERROR)
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if format == "json" else MaskingFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # At debug level SQLAlchemy and aiosqlite would log every statement with its parameters:
    # rooms, addresses, tokens. Their warnings and errors still come through.
    for name in _CHATTY_WITH_DATA:
        logging.getLogger(name).setLevel(logging.WARNING)
    quiet_protocol_errors()
    # A line per tick otherwise, and a warning every interval while a tick waits on a stalled
    # database ("skipped: maximum number of running instances"): the tick's own outage line
    # says what matters.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


_CHATTY_WITH_DATA = ("sqlalchemy", "aiosqlite", "asyncpg")


class _ProtocolErrorFilter(logging.Filter):
    """aiohttp logs every malformed HTTP request (an over-long URL, a broken request line) as
    an ERROR with a traceback: anyone could fill the log that way. Such a request already got
    its 400; one INFO line without the traceback says enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and isinstance(exc.__cause__, HttpProcessingError):
            exc = exc.__cause__  # a body that fails to inflate (RequestPayloadError from it)
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

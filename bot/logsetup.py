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
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per tick otherwise

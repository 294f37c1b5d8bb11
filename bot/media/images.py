"""What a file really is: JPEG, PNG, GIF or WebP, read from its own bytes (never from what
the sender called it), with its width and height. Pure: bytes in, facts out.

Anything this does not recognise is not stored: the console serves stored photos as images,
and a file that only claims to be one (HTML, a script, a voice message) must never reach a
browser under an image's name.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAX_SIDE = 30_000  # pixels; a header claiming more is corrupt or hostile
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # frame headers, not tables


@dataclass(frozen=True)
class Image:
    content_type: str
    width: int
    height: int


def _jpeg(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2:
            return None
        if marker in _JPEG_SOF:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        pos += 2 + length
    return None


def _png(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _gif(data: bytes) -> tuple[int, int] | None:
    if len(data) < 10:
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return width, height


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


def sniff(data: bytes) -> Image | None:
    """The image ``data`` holds, or None when it is not a JPEG, PNG, GIF or WebP image with
    sensible dimensions."""
    if data.startswith(b"\xff\xd8\xff"):
        kind, size = "image/jpeg", _jpeg(data)
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, size = "image/png", _png(data)
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        kind, size = "image/gif", _gif(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind, size = "image/webp", _webp(data)
    else:
        return None
    if size is None or not (0 < size[0] <= MAX_SIDE and 0 < size[1] <= MAX_SIDE):
        return None
    return Image(kind, *size)

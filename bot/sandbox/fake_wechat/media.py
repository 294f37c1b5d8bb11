"""The fake API's temporary media: what WeChat keeps of a photo a user sent, for 3 days.

``GET /cgi-bin/media/get`` answers as WeChat does: the file itself, with its Content-Type and
a ``Content-disposition: attachment; filename="…"`` header, for a media id it issued and that
has not expired; JSON ``{"errcode": 40007, "errmsg": "invalid media_id"}`` (served as
text/plain, as WeChat does) for any other. Test photos are drawn here (a PNG, no binary file
in the repository); a test may issue any bytes under any content type to exercise refusals.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock

MEDIA_TTL = timedelta(days=3)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "audio/amr": "amr"}


def sample_photo(width: int = 320, height: int = 240, seed: int = 0) -> bytes:
    """A PNG that looks like a photo of something on a wall: a sky-to-floor gradient, a pipe
    across it and a dark patch below (a leak). ``seed`` shifts the colours so photos differ."""
    rows = bytearray()
    tint = (seed * 37) % 80
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            r, g, b = 200 - y * 80 // height + tint, 205 - y * 60 // height, 215 - tint // 2
            if abs(y - height // 3) < height // 20:  # the pipe
                r, g, b = 120, 125, 135
            elif (x - width // 2) ** 2 + (y - height * 2 // 3) ** 2 < (height // 6) ** 2:
                r, g, b = 70, 85, 110  # the wet patch
            rows.extend((max(0, min(255, r)), g, b))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


@dataclass
class Stored:
    data: bytes
    content_type: str
    issued_at: datetime


@dataclass
class FakeMedia:
    clock: Clock
    files: dict[str, Stored] = field(default_factory=dict)
    fetches: int = 0

    def issue(self, data: bytes | None = None, content_type: str = "image/png") -> str:
        """Keep a file as WeChat does when a user sends it; returns its media id."""
        media_id = "MEDIA_" + secrets.token_urlsafe(24)
        photo = data if data is not None else sample_photo(seed=len(self.files))
        self.files[media_id] = Stored(photo, content_type, self.clock.now())
        return media_id

    def get(self, media_id: str) -> Stored | None:
        """The file, or None for an id never issued or past its 3 days."""
        self.fetches += 1
        found = self.files.get(media_id)
        if found is None or self.clock.now() - found.issued_at >= MEDIA_TTL:
            return None
        return found

    def filename(self, media_id: str, content_type: str) -> str:
        return f"{media_id}.{EXTENSIONS.get(content_type, 'bin')}"

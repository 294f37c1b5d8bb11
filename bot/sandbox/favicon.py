"""The site icon: a green round badge, drawn at import as a PNG inside an ICO container, so
``/favicon.ico`` is a real icon without a binary file in the repository."""

from __future__ import annotations

import struct
import zlib

SIZE = 32
GREEN = (7, 193, 96)  # WeChat green


def _png(size: int) -> bytes:
    rows = bytearray()
    centre, radius = (size - 1) / 2, size / 2 - 1
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            d = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            inside = d <= radius
            ring = radius - 5 <= d <= radius - 3  # a white ring: a "neighbourhood" circle
            r, g, b = (255, 255, 255) if ring else GREEN
            rows.extend((r, g, b, 255 if inside else 0))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _ico(png: bytes, size: int) -> bytes:
    directory = struct.pack("<HHH", 0, 1, 1)  # reserved, type icon, one image
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 6 + 16)
    return directory + entry + png


ICON = _ico(_png(SIZE), SIZE)

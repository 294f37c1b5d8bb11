"""Temporary media: the fake API answers as WeChat does (the file with its type, or a JSON
error), the client tells them apart and stops reading at its limit, and only real images pass
the check on their bytes."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta

import aiohttp
import pytest

from bot.clock import FakeClock
from bot.media.images import sniff
from bot.sandbox.fake_wechat import FakeWeChat, Fault
from bot.sandbox.fake_wechat.media import sample_photo
from bot.wechat.api import WeChatClient
from bot.wechat.errors import MediaTooLarge, PermanentError, TransientError


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + bytes(65)
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8" + app0 + dqt + sof + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\xff\xd9"
    )


def _webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    body = b"\x2f" + bits.to_bytes(4, "little") + bytes(8)
    chunk = b"VP8L" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


@pytest.mark.parametrize(
    ("data", "kind", "size"),
    [
        (sample_photo(64, 48), "image/png", (64, 48)),
        (_jpeg(1080, 1440), "image/jpeg", (1080, 1440)),
        (b"GIF89a" + struct.pack("<HH", 10, 20) + bytes(20), "image/gif", (10, 20)),
        (_webp_lossless(300, 200), "image/webp", (300, 200)),
    ],
)
def test_real_images_are_recognised_with_their_size(
    data: bytes, kind: str, size: tuple[int, int]
) -> None:
    found = sniff(data)
    assert found is not None and (found.content_type, found.width, found.height) == (kind, *size)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><script>alert(1)</script></html>",
        b"\xff\xd8\xff" + b"<script>" * 10,  # JPEG's first bytes, then anything
        b"\x89PNG\r\n\x1a\n" + bytes(8),  # a PNG cut short
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 0, 5),
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 10**6, 5),
        b"#!AMR\n" + bytes(50),
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
        zlib.compress(b"not an image"),
    ],
)
def test_anything_else_is_not_an_image(data: bytes) -> None:
    assert sniff(data) is None


async def test_the_fake_serves_a_file_it_issued_and_40007_for_any_other(
    fake: FakeWeChat, api_base: str, client: WeChatClient, http: aiohttp.ClientSession
) -> None:
    photo = sample_photo(40, 30)
    media_id = fake.media.issue(photo, "image/png")
    got = await client.get_media(media_id, max_bytes=10_000)
    assert (got.content, got.content_type) == (photo, "image/png")
    token = await client.access_token()
    async with http.get(
        f"{api_base}/cgi-bin/media/get", params={"access_token": token, "media_id": media_id}
    ) as resp:
        assert resp.headers["Content-disposition"] == f'attachment; filename="{media_id}.png"'
    async with http.get(
        f"{api_base}/cgi-bin/media/get", params={"access_token": token, "media_id": "nope"}
    ) as resp:
        assert resp.content_type == "text/plain"  # as WeChat: JSON, but not said to be
        assert await resp.json(content_type=None) == {
            "errcode": 40007,
            "errmsg": "invalid media_id",
        }
    with pytest.raises(PermanentError) as refused:
        await client.get_media("nope", max_bytes=10_000)
    assert refused.value.errcode == 40007
    async with http.get(f"{api_base}/cgi-bin/media/get", params={"media_id": media_id}) as resp:
        assert (await resp.json(content_type=None))["errcode"] == 41001  # no token


async def test_temporary_media_expire_after_three_days(
    api_base: str, http: aiohttp.ClientSession
) -> None:
    from aiohttp.test_utils import TestServer

    from bot.sandbox.fake_wechat import create_app
    from tests.outbound.support import APPID, FAST_RETRY, SECRET

    clock = FakeClock()
    fake = FakeWeChat(clock=clock, appid=APPID, secret=SECRET)
    async with TestServer(create_app(fake)) as server:
        client = WeChatClient(
            http,
            appid=APPID,
            secret=SECRET,
            api_base=str(server.make_url("")).rstrip("/"),
            retry=FAST_RETRY,
            clock=clock,
        )
        media_id = fake.media.issue()
        clock.advance(timedelta(days=3) - timedelta(seconds=1))
        assert sniff((await client.get_media(media_id, max_bytes=100_000)).content) is not None
        clock.advance(timedelta(seconds=1))
        with pytest.raises(PermanentError, match="40007"):
            await client.get_media(media_id, max_bytes=100_000)


async def test_a_file_past_the_limit_is_not_read_and_faults_are_transient(
    fake: FakeWeChat, client: WeChatClient
) -> None:
    media_id = fake.media.issue(bytes(50_000), "image/jpeg")
    with pytest.raises(MediaTooLarge) as large:
        await client.get_media(media_id, max_bytes=10_000)
    assert large.value.size == 50_000
    fake.inject(Fault("http", path="/cgi-bin/media/get", times=None, status=502))
    with pytest.raises(TransientError):
        await client.get_media(media_id, max_bytes=100_000)
    fake.clear_faults()
    fake.inject(Fault("http", path="/cgi-bin/media/get", times=1, status=502))
    assert len((await client.get_media(media_id, max_bytes=100_000)).content) == 50_000

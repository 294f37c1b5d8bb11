"""The flat-XML reader gives what the XML parser gives, or steps aside."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

from bot.config.schema import WeChatConfig
from bot.sandbox.platform import WeChatPlatform
from bot.wechat.flatxml import read_flat
from bot.wechat.inbound import InboundCodec, Rejected


def parsed(text: str) -> dict[str, Any] | str:
    """The parser's leaves of a flat document, or "error"/"other" (what the reader must not
    claim to read)."""
    try:
        root = ElementTree.fromstring(text)
    except (ElementTree.ParseError, ValueError):
        return "error"
    if root.tag != "xml" or root.attrib or any(len(child) or child.attrib for child in root):
        return "other"
    tags = [child.tag for child in root]
    if len(set(tags)) != len(tags):
        return "other"
    return {child.tag: child.text for child in root}


def deliveries() -> list[str]:
    wx = WeChatPlatform(token="t", appid="wx1")
    return [
        wx.text("o_1", "青和居3栋2单元1201厨房水管漏水了"),
        wx.text("o_2", "  有空格 \n 和换行\t还有]]>和<b>&amp;  "),
        wx.text("o_3", ""),
        wx.text("o_4", "😀 emoji 和 \x7f 控制符"),
        wx.voice("o_5", "电梯坏了"),
        wx.image("o_6", "http://example.com/p.jpg", "media1"),
        wx.location("o_7", 31.2, 121.5, "某地"),
        wx.event("o_8", "subscribe", "qrscene_42"),
        wx.event("o_9", "CLICK", "MENU_REPORT"),
    ]


@pytest.mark.parametrize("xml", deliveries())
def test_what_wechat_sends_reads_as_the_parser_reads_it(xml: str) -> None:
    assert parsed(xml) == read_flat(xml) or read_flat(xml) is None
    if "]]>" not in xml[xml.find("<Content>") :].replace("]]></Content>", "", 1):
        assert read_flat(xml) is not None  # the usual bodies take the fast path


CLEAN = ["a", "水", " ", "\t", "\n", ">", '"', "'", "\x7f", "\x85", "\u3000", "😀", "<![CDATA["]
TRICKY = [
    "\r", "\r\n", "]", "]]", "]]>", "<", "&", "&amp;", "&#20;", "\x0b", "\ufffe", "\ud800",
    "<!-- c -->", "<?pi x?>", "<b/>", "\x00",
]  # fmt: skip
PIECES = CLEAN * 3 + TRICKY


def random_value(rng: random.Random) -> str:
    inner = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3)))
    shape = rng.randint(0, 4)
    if shape == 0:
        return f"<![CDATA[{inner}]]>"
    if shape == 1:
        return f"<![CDATA[{inner}]]><![CDATA[{inner}]]>"
    if shape == 2:
        return f"<![CDATA[{inner}]]>{rng.choice(PIECES)}"
    return inner


def random_document(rng: random.Random) -> str:
    names = ["ToUserName", "FromUserName", "Content", "MsgId", "xml", "A_1", "_z"] * 3
    names += ["a-b", "1x", "é", "a:b"]
    leaves = []
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(names)
        close = name if rng.random() > 0.05 else rng.choice(names)
        gap = rng.choice(["", "", "", "", " ", "\n", "\t", "\r\n", "x", "\u3000"])
        leaves.append(f"{gap}<{name}>{random_value(rng)}</{close}>")
    head = rng.choice(["<xml>"] * 8 + [" <xml>", "<xml >", "<XML>", "<xml a='1'>"])
    tail = rng.choice(["</xml>"] * 6 + ["</xml>\n", "</xml> x", "</xml ><b/>", "</XML>", "</xml >"])
    return head + "".join(leaves) + tail


def test_random_documents_read_as_the_parser_reads_them_or_not_at_all() -> None:
    rng = random.Random(17)
    taken = 0
    for _ in range(60_000):
        text = random_document(rng)
        flat = read_flat(text)
        if flat is not None:
            taken += 1
            assert parsed(text) == flat, text
    assert taken > 1_000  # the generator reaches the fast path often enough to mean something


def test_the_codec_still_refuses_what_it_refused() -> None:
    codec = InboundCodec(WeChatConfig(token="t", mode="plain"), timedelta(hours=1))
    bodies = ["<xml><A>1</A></xml> x", "<xml><A>x]]>y</A></xml>", "<xml></xml>", "<x><A>1</A></x>"]
    for body in bodies:
        with pytest.raises(Rejected):
            codec.decode({}, body.encode())

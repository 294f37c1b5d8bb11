"""Passive reply XML, built so that user-supplied text can never break out of CDATA."""

from __future__ import annotations

import time

from bot.messages import Reply


def cdata(value: str) -> str:
    # "]]>" cannot appear inside CDATA; split it across two sections.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_reply(reply: Reply, *, to_user: str, from_user: str, now: int | None = None) -> str:
    stamp = int(time.time()) if now is None else now
    head = (
        f"<ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{stamp}</CreateTime>"
    )
    if reply.articles:
        items = "".join(
            "<item>"
            f"<Title>{cdata(a.title)}</Title><Description>{cdata(a.description)}</Description>"
            f"<PicUrl>{cdata(a.image)}</PicUrl><Url>{cdata(a.url)}</Url>"
            "</item>"
            for a in reply.articles[:8]
        )
        return (
            f"<xml>{head}<MsgType>{cdata('news')}</MsgType>"
            f"<ArticleCount>{len(reply.articles[:8])}</ArticleCount><Articles>{items}</Articles></xml>"
        )
    return f"<xml>{head}<MsgType>{cdata('text')}</MsgType><Content>{cdata(reply.text or '')}</Content></xml>"

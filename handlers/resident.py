"""What residents send: free text, voice, pictures, locations."""

from __future__ import annotations

from bot import texts
from bot.dispatcher.core import Router
from bot.dispatcher.filters import HasText, MsgType
from bot.messages import Incoming

router = Router("resident")


@router.message(MsgType("text", "voice"), HasText())
async def on_text(message: Incoming) -> str:
    return texts.RECEIVED_TEXT


@router.message(MsgType("voice"))
async def on_silent_voice() -> str:
    return texts.VOICE_UNRECOGNISED


@router.message(MsgType("image"))
async def on_image() -> str:
    return texts.RECEIVED_IMAGE


@router.message(MsgType("location"))
async def on_location() -> str:
    return texts.RECEIVED_LOCATION


@router.message(MsgType("link"))
async def on_link() -> str:
    return texts.RECEIVED_LINK


@router.message(MsgType("video", "shortvideo", "file", "miniprogrampage"))
async def on_media() -> str:
    return texts.RECEIVED_MEDIA

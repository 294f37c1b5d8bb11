"""Commands anyone may send."""

from __future__ import annotations

from bot import texts
from bot.chat.filters import Command
from bot.chat.router import Router

router = Router("common")


@router.message(Command("帮助", "help", "菜单", "?", "？"))
async def on_help() -> str:
    return texts.HELP

"""Commands anyone may send."""

from __future__ import annotations

from bot import texts
from bot.dispatcher.core import Router
from bot.dispatcher.filters import Command

router = Router("common")


@router.message(Command("帮助", "help", "菜单", "?", "？"))
async def on_help() -> str:
    return texts.HELP

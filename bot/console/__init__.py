"""The community office console: sign-in, the order board, the order page, members,
residents and the audit log, served under ``admin.path``."""

from bot.console.app import setup

__all__ = ["setup"]

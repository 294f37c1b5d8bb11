"""Why a push did not go out, told to office staff in Chinese.

The outbox records its reasons for developers and logs (English, with the WeChat error code);
the order page shows staff what the reason means for them. The raw reason stays available
to whoever looks closer (the cell's title).
"""

from __future__ import annotations

import re

from bot.console import texts as t

_CODE = re.compile(r"WeChat error (\d+)")


def push_problem(error: str | None) -> str:
    """The staff-facing reading of an outbox ``last_error``; every known cause it names."""
    if not error:
        return ""
    found = [text for marker, text in t.PUSH_PROBLEMS.items() if marker in error]
    code = _CODE.search(error)
    if code is not None:
        found.append(t.PUSH_ERROR_CODES.get(code.group(1), t.PUSH_WECHAT_ERROR))
    return "；".join(dict.fromkeys(found)) or t.PUSH_UNKNOWN

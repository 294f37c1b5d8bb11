"""The ``menu:`` section: the account's menu in WeChat's shape, checked before it is published."""

from __future__ import annotations

from typing import Any

from bot.config.fields import ConfigError

_BUTTON_TYPES = {
    "click": "key",
    "view": "url",
    "miniprogram": "url",
    "scancode_push": "key",
    "scancode_waitmsg": "key",
    "pic_sysphoto": "key",
    "pic_weixin": "key",
    "location_select": "key",
}


def _button(raw: object, where: str, *, top: bool) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with name and type")
    name = str(raw.get("name") or "")
    if not name or len(name.encode()) > (16 if top else 60):
        raise ConfigError(f"{where}.name: 1-{5 if top else 20} Chinese characters, got {name!r}")
    subs = raw.get("sub_button")
    if subs is not None:
        if not top:
            raise ConfigError(f"{where}.sub_button: only top-level buttons have sub-buttons")
        if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
            raise ConfigError(f"{where}.sub_button: a list of 1 to 5 buttons")
        return {
            "name": name,
            "sub_button": [
                _button(b, f"{where}.sub_button[{i}]", top=False) for i, b in enumerate(subs)
            ],
        }
    kind = str(raw.get("type") or "")
    if kind not in _BUTTON_TYPES:
        raise ConfigError(f"{where}.type: one of {', '.join(sorted(_BUTTON_TYPES))}, got {kind!r}")
    needed = _BUTTON_TYPES[kind]
    if not raw.get(needed):
        raise ConfigError(f"{where}.{needed}: required for a {kind} button")
    return {
        k: str(v)
        for k, v in raw.items()
        if k in ("name", "type", "key", "url", "appid", "pagepath")
    }


def check_menu(raw: object) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("button"), list):
        raise ConfigError("menu.button: expected a list of 1 to 3 buttons")
    buttons = raw["button"]
    if not 1 <= len(buttons) <= 3:
        raise ConfigError("menu.button: WeChat menus have 1 to 3 top-level buttons")
    return {"button": [_button(b, f"menu.button[{i}]", top=True) for i, b in enumerate(buttons)]}

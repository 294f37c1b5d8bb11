"""Each sandbox user's chat, kept on the server so a reload replays it in order.

One global sequence orders everything: what a user sent, the service's passive reply, and what
the (fake) WeChat API delivered to them. Entries are appended to a JSON-lines file under the
demo's data directory, so a restarted demo shows the same chats; a damaged line is skipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KINDS = ("me", "them", "push", "note")
KEEP = 5000  # entries kept in memory and replayed; older ones stay only in the file


@dataclass(frozen=True)
class Entry:
    seq: int
    openid: str
    kind: str  # me: the user wrote; them: the passive reply; push: sent through the API
    text: str
    at: datetime

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


class Transcript:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self._seq = 0
        if path is not None and path.exists():
            self.entries = list(_read(path))[-KEEP:]
            self._seq = max((e.seq for e in self.entries), default=0)

    def add(self, openid: str, kind: str, text: str, at: datetime) -> Entry:
        if kind not in KINDS:
            raise ValueError(f"unknown transcript kind {kind!r}")
        self._seq += 1
        entry = Entry(self._seq, openid, kind, text, at)
        self.entries.append(entry)
        if len(self.entries) > KEEP * 2:
            del self.entries[:-KEEP]
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(entry.as_json(), ensure_ascii=False) + "\n")
        return entry

    def since(self, seq: int) -> list[Entry]:
        """Entries after ``seq``, oldest first (the list is kept in sequence order)."""
        if seq <= 0:
            return list(self.entries[-KEEP:])
        return [e for e in self.entries if e.seq > seq]

    @property
    def last(self) -> int:
        return self._seq


def _read(path: Path) -> Iterable[Entry]:
    with path.open(encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            try:
                data = json.loads(line)
                yield Entry(
                    int(data["seq"]),
                    str(data["openid"]),
                    str(data["kind"]),
                    str(data["text"]),
                    datetime.fromisoformat(data["at"]),
                )
            except (ValueError, KeyError, TypeError):
                log.warning("sandbox transcript %s: line %d skipped (damaged)", path.name, number)


TEMPLATE_LINK = "点击查看详情："


def push_text(body: dict[str, Any]) -> str:
    """What a user sees of a message sent through the API: the text, a template's fields, or
    an article's title."""
    text = body.get("text")
    if isinstance(text, dict) and text.get("content"):
        return str(text["content"])
    data = body.get("data")
    if isinstance(data, dict):
        values = [str(v.get("value", "")) for v in data.values() if isinstance(v, dict)]
        said = "【模板消息】" + " · ".join(v for v in values if v)
        # the link the member taps (a console invite, say): found from outside, without it
        # the invite could not be opened in the sandbox
        url = body.get("url")
        return f"{said}\n{TEMPLATE_LINK}{url}" if isinstance(url, str) and url else said
    news = body.get("news")
    if isinstance(news, dict) and isinstance(news.get("articles"), list):
        return "\n".join(str(a.get("title", "")) for a in news["articles"] if isinstance(a, dict))
    return json.dumps(body, ensure_ascii=False)

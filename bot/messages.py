"""What the rest of the application sees of an inbound WeChat message: plain data, no SDK types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Incoming:
    """One message or event from a user, already verified and decrypted."""

    openid: str
    account: str
    msg_type: str  # text, voice, image, location, link, video, shortvideo, event, or unknown
    created_at: datetime
    raw_xml: str
    msg_id: str | None = None
    event: str | None = None  # lower-case event name for msg_type == "event"
    event_key: str | None = None
    content: str | None = None  # text as written; a voice message's recognised text
    media_id: str | None = None
    pic_url: str | None = None
    url: str | None = None
    title: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    label: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # every top-level XML field
    # Identifies the signed request that carried it (timestamp, nonce, signatures): a second
    # message under the same key is a replay of a captured request.
    replay_key: str | None = None

    @property
    def dedupe_key(self) -> str:
        if self.msg_id:
            return f"msg:{self.msg_id}"
        stamp = int(self.created_at.timestamp())
        return f"evt:{self.openid}:{stamp}:{self.event or self.msg_type}"

    @property
    def text(self) -> str:
        """The words the user sent (typed or spoken), or an empty string."""
        return self.content or ""


@dataclass(frozen=True)
class Article:
    title: str
    description: str = ""
    url: str = ""
    image: str = ""


@dataclass(frozen=True)
class Reply:
    """A handler's answer: a text, or a small list of articles."""

    text: str | None = None
    articles: tuple[Article, ...] = ()

    def summary(self) -> str:
        if self.text is not None:
            return self.text
        return "\n".join(a.title for a in self.articles)

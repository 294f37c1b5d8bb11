"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from models.base import Base, UTCDateTime
from models.inbound import InboundMessage, WeChatUser

__all__ = ["Base", "InboundMessage", "UTCDateTime", "WeChatUser"]
from models.outbox import OutboundCounter, OutboxMessage, WeChatToken

__all__ += ["OutboundCounter", "OutboxMessage", "WeChatToken"]

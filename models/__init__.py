"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from models.base import Base, UTCDateTime
from models.inbound import InboundMessage, WeChatUser

__all__ = ["Base", "InboundMessage", "UTCDateTime", "WeChatUser"]
from models.outbox import OutboundCounter, OutboxMessage, WeChatToken

__all__ += ["OutboundCounter", "OutboxMessage", "WeChatToken"]
from models.community import Building, Community, Grid, Member, Resident
from models.orders import Conversation, Order, OrderEvent

__all__ += [
    "Building",
    "Community",
    "Conversation",
    "Grid",
    "Member",
    "Order",
    "OrderEvent",
    "Resident",
]

"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from models.base import Base, UTCDateTime
from models.broadcasts import BroadcastOccurrence, BroadcastReceipt, BroadcastRule
from models.community import Building, Community, Estate, Grid, Member, Resident, Street
from models.console import AuditEntry, ConsoleInvite, ConsoleSession, ConsoleUser
from models.inbound import InboundMessage, WeChatUser
from models.lists import DemandGroup, ListChange, PartnerResource, Project
from models.media import AttachmentContent, OrderAttachment
from models.orders import Conversation, Order, OrderEvent, OrderFollower
from models.outbox import OutboundCounter, OutboxMessage, WeChatToken
from models.privacy import PrivacyRecord
from models.throttle import Throttle
from models.visits import JobMark, Visit

__all__ = [
    "AttachmentContent",
    "AuditEntry",
    "Base",
    "BroadcastOccurrence",
    "BroadcastReceipt",
    "BroadcastRule",
    "Building",
    "Community",
    "ConsoleInvite",
    "ConsoleSession",
    "ConsoleUser",
    "Conversation",
    "DemandGroup",
    "Estate",
    "Grid",
    "InboundMessage",
    "JobMark",
    "ListChange",
    "Member",
    "Order",
    "OrderAttachment",
    "OrderEvent",
    "OrderFollower",
    "OutboundCounter",
    "OutboxMessage",
    "PartnerResource",
    "PrivacyRecord",
    "Project",
    "Resident",
    "Street",
    "Throttle",
    "UTCDateTime",
    "Visit",
    "WeChatToken",
    "WeChatUser",
]

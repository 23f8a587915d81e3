from .contacts import Contact
from .events import TicketEvent
from .feedback import Announcement, CSATResponse
from .messages import Attachment, Message
from .notifications import InboundEmail, Notification, NotificationPreference, TicketCC
from .queues import Queue, QueueMembership, queue_ids_visible_to
from .sla import (
    BusinessCalendar,
    BusinessWindow,
    EscalationStep,
    Holiday,
    SLAPolicy,
    SLATarget,
    SLATimer,
)
from .tickets import Category, Tag, Ticket
from .users import User
from .workspace import CannedResponse, SavedView

__all__ = [
    "Announcement",
    "Attachment",
    "BusinessCalendar",
    "BusinessWindow",
    "CSATResponse",
    "CannedResponse",
    "Category",
    "Contact",
    "EscalationStep",
    "Holiday",
    "InboundEmail",
    "Message",
    "Notification",
    "NotificationPreference",
    "Queue",
    "QueueMembership",
    "SLAPolicy",
    "SLATarget",
    "SLATimer",
    "SavedView",
    "Tag",
    "Ticket",
    "TicketCC",
    "TicketEvent",
    "User",
    "queue_ids_visible_to",
]

"""The models of every app (no table moved when the apps split, README "Architecture").

Case-insensitive matching has one spelling: `field__lower=value.lower()`, LOWER(field) = value,
which the functional indexes on LOWER(email) serve. (`__iexact` compiles to UPPER(...) = UPPER(...)
on PostgreSQL, which no index here serves: a scan of the whole table; tests/test_write_costs.py
keeps it out of the code.)
"""

from django.db import models
from django.db.models.functions import Lower

from .availability import AwayHandover
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
from .uploads import PendingUpload
from .urgent import UrgentRoute
from .users import User
from .workspace import CannedResponse, Macro, SavedView

models.CharField.register_lookup(Lower)

__all__ = [
    "Announcement",
    "Attachment",
    "AwayHandover",
    "BusinessCalendar",
    "BusinessWindow",
    "CSATResponse",
    "CannedResponse",
    "Category",
    "Contact",
    "EscalationStep",
    "Holiday",
    "InboundEmail",
    "Macro",
    "Message",
    "Notification",
    "NotificationPreference",
    "PendingUpload",
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
    "UrgentRoute",
    "User",
    "queue_ids_visible_to",
]

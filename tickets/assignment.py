"""Who works a ticket: claiming, assigning, and automatic assignment per queue.

Rules (docs/design.md section 1): an agent claims unassigned tickets of their queues and can let
go of their own; a lead of the ticket's queue gives it to any member of that queue; an admin to
any agent.
Queues with automatic assignment give new tickets, and the tickets of an agent who becomes
unavailable, to an available member: round-robin (longest since their last one) or least-open
(fewest open tickets).
"""

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .events import Actor, ServiceError, record_event
from .models import Queue, QueueMembership, Ticket, TicketEvent, User

# "Unassigned" as a filter or a choice: "none" (the API's word) and "nobody" (the web's) both.
NOBODY = ("none", "nobody")


def is_lead_of(user: User, queue_id: int) -> bool:
    return roles.is_admin(user) or (
        roles.is_lead(user)
        and QueueMembership.objects.filter(user=user, queue_id=queue_id, is_lead=True).exists()
    )


def may_assign(user: User, ticket: Ticket, assignee: User | None) -> bool:
    """Whether `user` may give `ticket` to `assignee` (None: to nobody)."""
    if roles.is_admin(user):
        return True
    if is_lead_of(user, ticket.queue_id):
        return (
            assignee is None
            or QueueMembership.objects.filter(queue_id=ticket.queue_id, user=assignee).exists()
        )
    # An agent: take it when free, or let go of their own.
    if assignee is not None and assignee.pk == user.pk:
        return ticket.assignee_id in (None, user.pk)
    return assignee is None and ticket.assignee_id == user.pk


def _give(locked: Ticket, assignee: User | None, by: Actor, *, created: bool = False) -> Ticket:
    """`created`: in the transaction that opened the ticket (the event says so, for the
    subscribers: no earlier email about it can exist)."""
    old = locked.assignee
    locked.assignee = assignee
    locked.save(update_fields=["assignee", "updated_at"])
    record_event(
        locked,
        TicketEvent.Kind.ASSIGNEE,
        by,
        field="assignee",
        old=old.email if old else "",
        new=assignee.email if assignee else "",
        data={"with_creation": True} if created else None,
    )
    return locked


def claim(*, ticket: Ticket, agent: User) -> Ticket:
    """Take a ticket. Two agents claiming at once: the row lock lets exactly one win."""
    with transaction.atomic():
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("assignee")
            .get(pk=ticket.pk)
        )
        if locked.assignee_id == agent.pk:
            return locked
        if locked.assignee_id is not None:
            raise ServiceError(
                _("%(reference)s was just taken by %(name)s.")
                % {"reference": locked.reference, "name": locked.assignee}
            )
        if locked.status == Ticket.Status.CLOSED:
            raise ServiceError(
                _("Ticket %(reference)s is closed.") % {"reference": locked.reference}
            )
        return _give(locked, agent, Actor.agent(agent))


def assign(*, ticket: Ticket, assignee: User | None, by: User | None) -> Ticket:
    """Give a ticket to someone (or nobody), if `by` may (see may_assign); `by=None` is the
    system (demo data, tests of what follows), which may give any ticket to any agent. The
    one way a ticket changes hands, whoever asks."""
    with transaction.atomic():
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("assignee")
            .get(pk=ticket.pk)
        )
        if locked.assignee_id == (assignee.pk if assignee else None):
            return locked
        if locked.status == Ticket.Status.CLOSED:
            raise ServiceError(
                _("Ticket %(reference)s is closed.") % {"reference": locked.reference}
            )
        if assignee is not None and not roles.is_staff_member(assignee):
            raise ServiceError(_("%(name)s is not an agent.") % {"name": assignee})
        if assignee is not None and not assignee.is_active:
            raise ServiceError(_("%(name)s can no longer take tickets.") % {"name": assignee})
        if by is not None and not may_assign(by, locked, assignee):
            raise ServiceError(
                _("Only a lead of this queue can give a ticket to someone else.")
                if assignee is None or assignee.pk != by.pk
                else _("%(reference)s is already taken by %(name)s.")
                % {"reference": locked.reference, "name": locked.assignee}
            )
        return _give(locked, assignee, Actor.agent(by) if by else Actor.system())


def pick_agent(queue: Queue, *, exclude: User | None = None) -> User | None:
    """The available member who should get the next ticket of this queue, by its strategy.

    The caller holds the queue's row lock, so two picks at once don't choose the same person.
    """
    members = QueueMembership.objects.filter(
        queue=queue,
        user__is_active=True,
        user__is_available=True,
        user__groups__name__in=roles.STAFF_ROLES,
    ).distinct()
    if exclude is not None:
        members = members.exclude(user=exclude)
    if queue.assignment == Queue.Assignment.LEAST_OPEN:
        members = members.annotate(
            open_count=Count(
                "user__assigned_tickets",
                filter=Q(user__assigned_tickets__status__in=Ticket.OPEN_STATUSES),
                distinct=True,
            )
        ).order_by("open_count", F("last_assigned_at").asc(nulls_first=True), "pk")
    else:
        members = members.order_by(F("last_assigned_at").asc(nulls_first=True), "pk")
    chosen = members.select_related("user").first()
    if chosen is None:
        return None
    QueueMembership.objects.filter(pk=chosen.pk).update(last_assigned_at=timezone.now())
    return chosen.user


def auto_assign(ticket: Ticket, *, exclude: User | None = None, created: bool = False) -> Ticket:
    """Give an unassigned ticket to an available member if its queue assigns automatically.

    `created`: the caller inserted the ticket in its own transaction, which holds its row: no
    second read, and no savepoint (a failure here fails the creation, as it would anyway).
    The queue's row lock, taken last, makes two creations pick one after the other."""
    with transaction.atomic(savepoint=not created):
        queue = Queue.objects.select_for_update().get(pk=ticket.queue_id)
        locked = ticket if created else Ticket.objects.select_for_update().get(pk=ticket.pk)
        if (
            queue.assignment == Queue.Assignment.MANUAL
            or locked.assignee_id is not None
            or not locked.is_open
        ):
            return locked
        agent = pick_agent(queue, exclude=exclude)
        if agent is None:
            return locked
        return _give(locked, agent, Actor.system(), created=created)


def set_availability(*, agent: User, available: bool) -> int:
    """Switch an agent's availability. Going away hands their open tickets in automatically
    assigned queues to available colleagues (or leaves them unassigned); returns how many moved."""
    moved = 0
    with transaction.atomic():
        User.objects.filter(pk=agent.pk).update(is_available=available)
        agent.is_available = available
        if available:
            return 0
        handed_over = (
            Ticket.objects.open()
            .filter(assignee=agent)
            .exclude(queue__assignment=Queue.Assignment.MANUAL)
        )
        for ticket in handed_over.select_related("queue"):
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            _give(locked, None, Actor.system())
            auto_assign(locked, exclude=agent)
            moved += 1
    return moved

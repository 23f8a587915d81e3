"""Who works a ticket: claiming, assigning, and automatic assignment per queue.

Rules (docs/design.md section 1): an agent claims unassigned tickets of their queues and can let
go of their own; a lead of the ticket's queue gives it to any member of that queue; an admin to
any agent.
Queues with automatic assignment give new tickets to an available member: round-robin (longest
since their last one) or least-open (fewest open tickets). An agent who goes away chooses what
happens to their open tickets (keep, back to the queue, reassigned by the queue's rule) and can
undo it for a few minutes.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .events import Actor, ServiceError, record_event
from .models import AwayHandover, Queue, QueueMembership, Ticket, TicketEvent, User

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
            .select_related("assignee", "queue")
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
            raise ServiceError(_refusal(by, locked, assignee))
        return _give(locked, assignee, Actor.agent(by) if by else Actor.system())


def _refusal(by: User, ticket: Ticket, assignee: User | None) -> str:
    """Why may_assign() said no, in words fit for the person who asked."""
    if assignee is not None and is_lead_of(by, ticket.queue_id):
        return _("%(name)s is not a member of %(queue)s.") % {
            "name": assignee,
            "queue": ticket.queue.name,
        }
    if assignee is None or assignee.pk != by.pk:
        return _("Only a lead of this queue can give a ticket to someone else.")
    return _("%(reference)s is already taken by %(name)s.") % {
        "reference": ticket.reference,
        "name": ticket.assignee,
    }


# Who holds a staff role (or is a superuser), and who of them can work tickets now.
STAFF_ROLE = Q(groups__name__in=roles.STAFF_ROLES) | Q(is_superuser=True)
STAFF = Q(is_active=True) & STAFF_ROLE


def candidates(*, by: User, ticket: Ticket) -> list[User]:
    """The agents `by` may give `ticket` to, by name (the ticket page's choices; assign()
    checks again whatever is sent). A lead or admin: the queue's active staff; an agent:
    themselves, when the ticket is free or theirs."""
    if is_lead_of(by, ticket.queue_id):
        return list(
            User.objects.filter(STAFF, queue_memberships__queue_id=ticket.queue_id)
            .distinct()
            .order_by("name", "pk")
        )
    return [by] if ticket.assignee_id in (None, by.pk) else []


def assignable_agents(by: User) -> list[User]:
    """Everyone `by` may give tickets to somewhere, by name (the bulk choices): a lead, the
    active staff of the queues they lead; an admin, all active staff; an agent, themselves."""
    agents = User.objects.filter(STAFF)
    if roles.is_admin(by):
        return list(agents.distinct().order_by("name", "pk"))
    if roles.is_lead(by):
        led = QueueMembership.objects.filter(user=by, is_lead=True).values("queue_id")
        return list(
            agents.filter(queue_memberships__queue_id__in=led).distinct().order_by("name", "pk")
        )
    return [by]


def new_assignee_to_tell(event: TicketEvent) -> User | None:
    """The staff member an assignee event gave the ticket to, unless they took it themselves
    (or it was taken away): the one rule of the email and the in-app notification alike."""
    if not event.new_value:
        return None
    # The ticket in hand carries its new assignee (the service just set it); a reload may not.
    assignee = event.ticket.assignee if event.ticket.assignee_id else None
    if assignee is None or assignee.email.lower() != event.new_value.lower():
        assignee = User.objects.filter(email__lower=event.new_value.lower()).first()
    if assignee is None or assignee.pk == event.actor_user_id:
        return None
    return assignee


def answerable(ticket: Ticket) -> list[User]:
    """Who answers for the ticket now: its assignee, or while nobody has it, its queue's leads
    (they triage). The people told of a customer's reply, by email and in the app."""
    if ticket.assignee_id:
        return [ticket.assignee]
    return [
        membership.user
        for membership in QueueMembership.objects.filter(
            queue_id=ticket.queue_id, is_lead=True
        ).select_related("user")
    ]


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


UNDO_MINUTES = 10


@dataclass
class Undone:
    """What undoing a handover did: the references taken back, and those left where they are
    with the reason."""

    restored: list[str] = field(default_factory=list)
    not_restored: list[tuple[str, str]] = field(default_factory=list)


def come_back(*, agent: User) -> None:
    """The agent is available again: automatic assignment gives them new tickets."""
    _set_available(agent, True)


def _set_available(agent: User, available: bool) -> None:
    now = timezone.now()
    changed = User.objects.filter(pk=agent.pk).exclude(is_available=available)
    if changed.update(is_available=available, availability_changed_at=now):
        agent.availability_changed_at = now
    agent.is_available = available


def go_away(*, agent: User, tickets: str = AwayHandover.Choice.KEEP) -> AwayHandover:
    """The agent stops getting new tickets. Their open tickets stay theirs (`keep`), go back to
    their queue unassigned (`unassign`), or go to an available colleague by each queue's rule
    (`reassign`: a queue that assigns by hand, or with nobody available, gets it back
    unassigned). Each move is an assignee event, as any other; the handover remembers them
    for undo_away."""
    if tickets not in AwayHandover.Choice.values:
        raise ServiceError(_("Choose what happens to your open tickets."))
    moves = []
    with transaction.atomic():
        _set_available(agent, False)
        if tickets != AwayHandover.Choice.KEEP:
            for ticket_id in (
                Ticket.objects.open()
                .filter(assignee=agent)
                .order_by("pk")
                .values_list("pk", flat=True)
            ):
                locked = (
                    Ticket.objects.select_for_update(of=("self",))
                    .select_related("assignee")
                    .get(pk=ticket_id)
                )
                if locked.assignee_id != agent.pk or not locked.is_open:
                    continue  # changed between the list and the lock
                _give(locked, None, Actor.agent(agent))
                if tickets == AwayHandover.Choice.REASSIGN:
                    locked = auto_assign(locked, exclude=agent)
                moves.append(
                    {"ticket": locked.pk, "to": locked.assignee_id, "event": _last_move(locked)}
                )
        return AwayHandover.objects.create(agent=agent, choice=tickets, moves=moves)


def _last_move(ticket: Ticket) -> int | None:
    return (
        ticket.events.filter(kind=TicketEvent.Kind.ASSIGNEE)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def undo_away(*, agent: User, handover_id: int) -> Undone:
    """Take back the agent's latest going away, within UNDO_MINUTES: available again, and each
    ticket it moved theirs again, unless someone changed that ticket's assignee since (an
    assignee event after the move) or it was closed. Another user's handover is not found."""
    now = timezone.now()
    with transaction.atomic():
        handover = (
            AwayHandover.objects.select_for_update()
            .filter(agent=agent, pk=handover_id, undone_at__isnull=True)
            .first()
        )
        latest = AwayHandover.objects.filter(agent=agent).order_by("-created_at", "-pk").first()
        if handover is None or latest is None or latest.pk != handover.pk:
            raise ServiceError(_("There is nothing to undo."))
        if now - handover.created_at > timedelta(minutes=UNDO_MINUTES):
            raise ServiceError(
                _(
                    "It is too late to undo: that was more than %(minutes)d minutes ago. "
                    "Your tickets stay where they are."
                )
                % {"minutes": UNDO_MINUTES}
            )
        handover.undone_at = now
        handover.save(update_fields=["undone_at"])
        _set_available(agent, True)
        undone = Undone()
        for move in sorted(handover.moves, key=lambda move: move["ticket"]):
            locked = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("assignee")
                .filter(pk=move["ticket"])
                .first()
            )
            if locked is None:
                continue
            if locked.assignee_id != move["to"] or _last_move(locked) != move["event"]:
                undone.not_restored.append(
                    (locked.reference, _("someone else changed its assignee since"))
                )
            elif locked.status == Ticket.Status.CLOSED:
                undone.not_restored.append((locked.reference, _("it is closed")))
            else:
                _give(locked, agent, Actor.agent(agent))
                undone.restored.append(locked.reference)
        return undone

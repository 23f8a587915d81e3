"""Macros: one click that answers and sets fields (docs/architecture.md, "Macros").

Applying one goes through the same services as doing each step by hand (the reply service, the
field services, assignment.assign), in one transaction under the ticket's lock: every step
records its usual event, a step the agent could not do by hand refuses the whole macro, and a
page that saw an older version of the ticket gets a conflict instead of overwriting.
"""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import assignment, canned, services
from .events import Actor, ServiceError, check_version
from .models import Macro, Ticket, User


def reply_text(macro: Macro, *, ticket: Ticket, agent: User) -> str:
    """The macro's reply with its placeholders filled in ("" when it sends none)."""
    return canned.fill(macro.reply_body, ticket=ticket, agent=agent).strip()


def _assignee(macro: Macro, agent: User) -> tuple[bool, User | None]:
    """(whether the macro changes the assignee, to whom)."""
    if macro.assign == Macro.Assign.ME:
        return True, agent
    if macro.assign == Macro.Assign.NOBODY:
        return True, None
    if macro.assign == Macro.Assign.AGENT:
        return True, macro.assignee
    return False, None


def changes_of(macro: Macro, *, agent: User) -> list[tuple[str, str]]:
    """What the macro changes besides its reply, as (field, new value) in words."""
    changes = []
    if macro.set_status:
        changes.append((_("Status"), str(Ticket.Status(macro.set_status).label)))
    if macro.set_priority:
        changes.append((_("Priority"), str(Ticket.Priority(macro.set_priority).label)))
    if macro.set_queue_id:
        changes.append((_("Queue"), macro.set_queue.name))
    changes_hands, assignee = _assignee(macro, agent)
    if changes_hands:
        changes.append((_("Assignee"), str(assignee) if assignee else _("nobody")))
    tags = [f"+{name}" for name in Macro.tag_names(macro.add_tags)]
    tags += [f"−{name}" for name in Macro.tag_names(macro.remove_tags)]
    if tags:
        changes.append((_("Tags"), " ".join(tags)))
    return changes


def summary(macro: Macro, *, agent: User) -> str:
    """ "Status: Waiting for customer; Priority: High; Tags: +refund-sent"."""
    return "; ".join(f"{field}: {value}" for field, value in changes_of(macro, agent=agent))


def usable(macro: Macro, ticket: Ticket) -> bool:
    return Macro.objects.for_ticket(ticket).filter(pk=macro.pk).exists()


def apply_macro(*, macro: Macro, ticket: Ticket, agent: User, version: str | None) -> Ticket:
    """Reply and change fields as the macro says, all or nothing. Raises ServiceError (a
    Conflict for a stale `version`) with the reason, and then nothing has changed."""
    if not usable(macro, ticket):
        raise ServiceError(
            _("The macro “%(title)s” cannot be used on %(reference)s.")
            % {"title": macro.title, "reference": ticket.reference}
        )
    by = Actor.agent(agent)
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        check_version(locked, version)
        if locked.status == Ticket.Status.CLOSED:
            raise ServiceError(
                _("Ticket %(reference)s is closed.") % {"reference": locked.reference}
            )
        body = reply_text(macro, ticket=locked, agent=agent)
        public = macro.reply_kind == Macro.ReplyKind.PUBLIC
        if body:
            services.add_agent_message(
                ticket=locked,
                agent=agent,
                body=body,
                internal=not public,
                set_status=(macro.set_status or None) if public else None,
            )
        if macro.set_status and _current(locked).status != macro.set_status:
            services.change_status(ticket=locked, status=macro.set_status, by=by)
        if macro.set_priority:
            services.change_priority(ticket=locked, priority=macro.set_priority, by=by)
        if macro.set_queue_id:
            if not macro.set_queue.is_active:
                raise ServiceError(
                    _("The queue %(queue)s is closed.") % {"queue": macro.set_queue.name}
                )
            services.move_to_queue(ticket=locked, queue=macro.set_queue, by=by)
        changes_hands, assignee = _assignee(macro, agent)
        if changes_hands:
            assignment.assign(ticket=_current(locked), assignee=assignee, by=agent)
        added, removed = Macro.tag_names(macro.add_tags), Macro.tag_names(macro.remove_tags)
        if added or removed:
            names = {_slug(name) for name in locked.tags.values_list("name", flat=True)}
            names = (names | {_slug(name) for name in added}) - {_slug(name) for name in removed}
            services.set_tags(ticket=locked, names=sorted(names), by=by)
    return _current(locked)


def _slug(name: str) -> str:
    return slugify(name, allow_unicode=True)[:50]  # as services.set_tags stores it


def _current(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("queue", "assignee").get(pk=ticket.pk)

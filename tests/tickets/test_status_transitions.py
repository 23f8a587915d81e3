import pytest

from tickets.models import Ticket, TicketEvent
from tickets.services import Actor, IllegalTransition, change_status

S = Ticket.Status
LEGAL = {(old, new) for old, targets in Ticket.TRANSITIONS.items() for new in targets}
ALL_PAIRS = [(old, new) for old in S for new in S if old != new]


def _ticket_in(ticket: Ticket, status: str) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    return ticket


@pytest.mark.parametrize(("old", "new"), sorted(LEGAL))
def test_it_makes_each_legal_move_with_exactly_one_event(ticket, agent, old, new):
    ticket = _ticket_in(ticket, old)

    moved = change_status(ticket=ticket, status=new, by=Actor.agent(agent))

    assert moved.status == new
    events = list(TicketEvent.objects.filter(ticket=ticket))
    assert len(events) == 1
    assert (events[0].kind, events[0].old_value, events[0].new_value) == ("status", old, new)
    assert events[0].actor_user == agent


@pytest.mark.parametrize(("old", "new"), sorted(set(ALL_PAIRS) - LEGAL))
def test_it_refuses_each_illegal_move_with_a_clear_error_and_no_event(ticket, agent, old, new):
    ticket = _ticket_in(ticket, old)

    with pytest.raises(IllegalTransition) as error:
        change_status(ticket=ticket, status=new, by=Actor.agent(agent))

    assert ticket.reference in str(error.value)
    assert str(S(old).label) in str(error.value)
    assert str(S(new).label) in str(error.value)
    ticket.refresh_from_db()
    assert ticket.status == old
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_it_stamps_resolution_and_counts_a_reopen(ticket, agent):
    by = Actor.agent(agent)
    change_status(ticket=ticket, status=S.OPEN, by=by)
    resolved = change_status(ticket=ticket, status=S.RESOLVED, by=by)
    assert resolved.resolved_at is not None

    reopened = change_status(ticket=ticket, status=S.OPEN, by=by)

    assert reopened.resolved_at is None
    assert reopened.reopen_count == 1


def test_it_checks_against_the_stored_status_not_a_stale_copy(ticket, agent):
    by = Actor.agent(agent)
    stale = Ticket.objects.get(pk=ticket.pk)
    change_status(ticket=ticket, status=S.RESOLVED, by=by)
    change_status(ticket=ticket, status=S.CLOSED, by=by)

    with pytest.raises(IllegalTransition):
        change_status(ticket=stale, status=S.OPEN, by=by)

"""Helpers for the tests of the incidents core (matching, services, jobs, SLA pauses)."""

from django.test.utils import CaptureQueriesContext

from incidents import services as incident_services
from tests.factories import ContactFactory
from tickets import services


def declare(by=None, *, categories=("payment_failed",), **values):
    """An active incident with a title and a message in English unless given."""
    values.setdefault("title_en", "Top-ups via BRI virtual account are delayed")
    values.setdefault("message_en", "Your money is safe; top-ups will arrive once BRI recovers.")
    return incident_services.declare(by=by, categories=categories, **values)


def new_ticket(category="payment_failed", *, requester=None, language="en", **details):
    return services.create_ticket(
        requester=requester or ContactFactory(language=language),
        category=category,
        subject="Top-up not arrived",
        body="I topped up by virtual account an hour ago and the balance did not change.",
        details=details,
        language=language,
    )


def count_queries(connection, action) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = action()
    return len(queries.captured_queries), result


LANGUAGES = ("id", "en", "zh-hans")


def linked_tickets(incident, count, *, statuses=("new",), languages=LANGUAGES):
    """`count` tickets linked to `incident` (inserted in bulk, as thousands would be), cycling
    through `statuses` and `languages`; each customer has a contact of their own."""
    from django.utils import timezone

    from tickets.models import Category, Contact, Ticket
    from tickets.models.tickets import generate_references

    now = timezone.now()
    category = Category.objects.select_related("queue").get(pk="payment_failed")
    contacts = Contact.objects.bulk_create(
        [
            Contact(email=f"linked-{incident.pk}-{n}@example.net", name=f"Customer {n}",
                    language=languages[n % len(languages)])
            for n in range(count)
        ]
    )  # fmt: skip
    references = generate_references(
        count, taken=set(Ticket.objects.values_list("reference", flat=True))
    )
    tickets = [
        Ticket(
            reference=reference,
            subject="Top-up not arrived",
            category=category,
            queue=category.queue,
            priority=category.default_priority,
            status=statuses[n % len(statuses)],
            requester=contact,
            language=contact.language,
            incident=incident,
            details={"payment_method": "virtual_account", "bank": "BRI"},
            created_at=now,
            last_activity_at=now,
            status_changed_at=now,
            resolved_at=now if statuses[n % len(statuses)] in ("resolved", "closed") else None,
            closed_at=now if statuses[n % len(statuses)] == "closed" else None,
        )
        for n, (contact, reference) in enumerate(zip(contacts, references, strict=True))
    ]
    created = Ticket.objects.bulk_create(tickets)
    if incident.tag_id:
        Ticket.tags.through.objects.bulk_create(
            [Ticket.tags.through(ticket_id=t.pk, tag_id=incident.tag_id) for t in created]
        )
    return created


def lead_of_every_queue():
    """A lead of every queue: may declare an incident for any category."""
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory
    from tickets import roles
    from tickets.models import Queue, QueueMembership

    user = UserFactory(name="Rina Lead")
    user.groups.add(Group.objects.get(name=roles.LEAD))
    for queue in Queue.objects.all():
        QueueMembership.objects.create(queue=queue, user=user, is_lead=True)
    return user

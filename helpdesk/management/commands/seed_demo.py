from base64 import b32decode
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from branding.models import ONLY_ROW, Brand
from helpdesk.demo_data import (
    DEMO_ANNOUNCEMENT,
    DEMO_BRAND,
    DEMO_CANNED,
    DEMO_CONTACTS,
    DEMO_INCIDENT,
    DEMO_INCIDENT_CATEGORIES,
    DEMO_MACROS,
    DEMO_MEMBERSHIPS,
    DEMO_PASSWORD,
    DEMO_RATINGS,
    DEMO_TICKETS,
    DEMO_TOTP_SECRET,
    DEMO_URGENT_ROUTES,
    DEMO_USERS,
)
from incidents import services as incidents
from incidents.models import Incident
from notifications.demo import ensure_demo_notifications
from sla.backfill import rebuild as rebuild_sla_timers
from sla.defaults import ensure_default_sla
from tickets import assignment, roles, services
from tickets.defaults import ensure_default_queues
from tickets.forms import CATEGORY_FORMS
from tickets.models import (
    Announcement,
    CannedResponse,
    Category,
    Macro,
    Message,
    Queue,
    QueueMembership,
    Ticket,
    TicketEvent,
    UrgentRoute,
    User,
)
from tickets.services import Actor

# How far into a ticket's life the agent answered, as a share of its age.
REPLY_AT = 0.4


class Command(BaseCommand):
    help = "Load demo queues, users and tickets. Safe to run again: it only adds what is missing."

    def handle(self, *args, **options) -> None:
        tickets_before = Ticket.objects.count()
        ensure_default_queues(Queue, Category)
        sla = ensure_default_sla()
        # First, so the demo's emails carry it; only when no brand was set (an admin's own
        # brand survives a second run).
        Brand.objects.get_or_create(pk=ONLY_ROW, defaults=DEMO_BRAND)
        users = self.ensure_users()
        self.ensure_memberships(users)
        self.ensure_authenticators(users)
        contacts = self.ensure_contacts(users)
        self.ensure_incident(users)
        for spec in DEMO_TICKETS:
            self.ensure_ticket(spec, users, contacts)
        self.ensure_ratings()
        for title, language, queue_slug, body in DEMO_CANNED:
            CannedResponse.objects.get_or_create(
                title=title,
                defaults={
                    "language": language,
                    "body": body,
                    "queue": Queue.objects.filter(slug=queue_slug).first() if queue_slug else None,
                },
            )
        self.ensure_macros()
        Announcement.objects.get_or_create(
            message_en=DEMO_ANNOUNCEMENT["message_en"], defaults=DEMO_ANNOUNCEMENT
        )
        for route in DEMO_URGENT_ROUTES:
            # Only for a topic with none: an admin's own routes survive a second run.
            if not UrgentRoute.objects.filter(category_id=route["category_id"]).exists():
                UrgentRoute.objects.create(**route)
        ensure_demo_notifications()  # among them an email that opens a ticket
        tickets = Ticket.objects.count()
        added = f"{tickets - tickets_before} added" if tickets > tickets_before else "none added"
        self.stdout.write(
            f"Demo data ready: {Queue.objects.count()} queues, {tickets} tickets ({added}). "
            f"SLA: {sla.policies_created} policies and {sla.holidays_added} holidays added, "
            f"{sla.tickets_backfilled} older tickets given timers."
        )
        self.print_logins()
        call_command("seed_faq", stdout=self.stdout)

    def ensure_incident(self, users: dict[str, User]) -> None:
        """Before the tickets, so the demo's matching ticket is linked as a customer's would be;
        once only (an admin who resolved it keeps it resolved)."""
        if not Incident.objects.filter(title_en=DEMO_INCIDENT["title_en"]).exists():
            incidents.declare(
                by=users["admin"],
                categories=DEMO_INCIDENT_CATEGORIES,
                started_at=timezone.now() - timedelta(hours=10),
                **DEMO_INCIDENT,
            )

    def ensure_macros(self) -> None:
        for title, spec in DEMO_MACROS.items():
            queue = Queue.objects.filter(slug=spec["queue"]).first() if spec["queue"] else None
            Macro.objects.get_or_create(title=title, defaults={**spec, "queue": queue})

    def ensure_users(self) -> dict[str, User]:
        users = {}
        for key, (email, name, groups, is_staff, is_superuser, language) in DEMO_USERS.items():
            user = User.objects.filter(email__lower=email.lower()).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    name=name,
                    is_staff=is_staff,
                    is_superuser=is_superuser,
                    language=language,
                )
            user.groups.add(*(Group.objects.get(name=group) for group in groups))
            users[key] = user
        return users

    def ensure_memberships(self, users: dict[str, User]) -> None:
        for key, memberships in DEMO_MEMBERSHIPS.items():
            for slug, is_lead in memberships:
                QueueMembership.objects.get_or_create(
                    queue=Queue.objects.get(slug=slug),
                    user=users[key],
                    defaults={"is_lead": is_lead},
                )

    def ensure_authenticators(self, users: dict[str, User]) -> None:
        """Every demo staff account signs in with the one documented demo key."""
        key = b32decode(DEMO_TOTP_SECRET).hex()
        for user in users.values():
            if roles.is_staff_member(user) and not TOTPDevice.objects.filter(user=user).exists():
                TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key)

    def ensure_contacts(self, users: dict[str, User]) -> dict:
        siti = users["siti"]
        contacts = {
            "siti": services.get_or_create_contact(
                email=siti.email, name=siti.name, phone="+6281311112222", language=siti.language
            )
        }
        if contacts["siti"].user_id is None:
            contacts["siti"].user = siti
            contacts["siti"].save(update_fields=["user"])
        for key, (email, name, phone, language) in DEMO_CONTACTS.items():
            contacts[key] = services.get_or_create_contact(
                email=email, name=name, phone=phone, language=language
            )
        return contacts

    @transaction.atomic
    def ensure_ticket(self, spec: dict, users: dict, contacts: dict) -> bool:
        if Ticket.objects.filter(idempotency_key=spec["key"]).exists():
            return False
        ticket = services.create_ticket(
            requester=contacts[spec["requester"]],
            category=spec["category"],
            subject=spec["subject"],
            body=spec["body"],
            # Through the category's form: demo data is held to what a customer may send.
            details=CATEGORY_FORMS[spec["category"]].validated_details(spec["details"]),
            language=spec["language"],
            idempotency_key=spec["key"],
        )
        agent = users.get(spec["assignee"]) if spec["assignee"] else None
        by = Actor.agent(agent or users["lead"])
        if agent:
            ticket = assignment.assign(ticket=ticket, assignee=agent, by=None)
        status = spec["status"]
        if spec["reply"]:
            services.add_agent_message(
                ticket=ticket,
                agent=by.user,
                body=spec["reply"],
                set_status="pending_customer" if status == "pending_customer" else None,
            )
        elif status != "new":
            services.change_status(ticket=ticket, status="open", by=by)
        ticket.refresh_from_db()
        path = {"on_hold": ["on_hold"], "resolved": ["resolved"], "closed": ["resolved", "closed"]}
        for step in path.get(status, []):
            ticket = services.change_status(ticket=ticket, status=step, by=by)
        self.backdate(ticket, timedelta(hours=spec["age_hours"]))
        # Its timers started "now"; rebuild them from the backdated trail.
        rebuild_sla_timers([ticket])
        return True

    def ensure_ratings(self) -> None:
        for key, (score, comment) in DEMO_RATINGS.items():
            ticket = Ticket.objects.select_related("requester").get(idempotency_key=key)
            if not ticket.ratings.exists():
                services.rate_ticket(
                    ticket=ticket, contact=ticket.requester, score=score, comment=comment
                )

    def backdate(self, ticket: Ticket, age: timedelta) -> None:
        """Move a ticket into the past: created `age` ago, answered part-way through its life."""
        later = age * (1 - REPLY_AT)
        created = ticket.created_at
        for name in (
            "last_activity_at",
            "status_changed_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
        ):
            value = getattr(ticket, name)
            if value is not None:
                setattr(ticket, name, value - (age if value <= created else later))
        ticket.created_at = created - age
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=ticket.created_at,
            last_activity_at=ticket.last_activity_at,
            status_changed_at=ticket.status_changed_at,
            first_response_at=ticket.first_response_at,
            resolved_at=ticket.resolved_at,
            closed_at=ticket.closed_at,
        )
        for model in (Message, TicketEvent):
            for row in model.objects.filter(ticket=ticket):
                shift = age if row.created_at <= created else later
                model.objects.filter(pk=row.pk).update(created_at=row.created_at - shift)

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        where = {
            "admin": "/admin/ and /staff/",
            "lead": "/staff/ (and /admin/ for canned responses)",
            "budi": "/staff/",
            "mei": "/staff/",
            "siti": "/ (customer)",
        }
        for key, (email, _name, groups, *_rest) in DEMO_USERS.items():
            role = groups[0] if groups else "customer"
            self.stdout.write(f"  {role:<9} {email:<20} {where.get(key, '')}")
        self.stdout.write(
            f"Staff sign-in code: authenticator key {DEMO_TOTP_SECRET}, "
            "or the current code from: python manage.py demo_totp"
        )

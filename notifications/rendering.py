"""What a notification's email says and how it threads.

The context is built from the database when the email is sent, never from text stored in the
outbox row: the row holds ids and small facts, and the message bodies it shows are the stored,
redacted ones. Templates: templates/emails/<template>/{subject.txt, body.txt, body.html}.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from branding.brand import current_brand
from tickets import accounts, links
from tickets.models import CSATResponse, Message, Notification, Ticket
from tickets.promise import promise_for

Template = Notification.Template

# Content-Language takes BCP 47 tags; Django's codes are lower-case.
BCP47 = {"id": "id", "en": "en", "zh-hans": "zh-Hans"}

SLA_METRICS = {
    "first_response": _("first response"),
    "next_response": _("next response"),
    "resolution": _("resolution"),
}

# Emails a person wrote; the rest are automatic and say so (RFC 3834), so that out-of-office
# responders do not answer them and start a loop.
WRITTEN_BY_A_PERSON = {Template.AGENT_REPLIED}


def render_email(name: str, context: dict, language: str) -> tuple[str, str, str | None]:
    """Subject, text and HTML (None if the template has none) of one email, in `language`.
    The brand is read as the email is rendered: a worker sees an admin's change within seconds
    (branding/brand.py)."""
    context = {**context, "brand": current_brand()}
    with translation.override(language):
        subject = render_to_string(f"emails/{name}/subject.txt", context)
        text = render_to_string(f"emails/{name}/body.txt", context)
        try:
            html = render_to_string(f"emails/{name}/body.html", context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), text, html


def reply_tag(ticket: Ticket) -> str:
    """A secret of the ticket, in its reply address: only those we emailed know it, so a reply
    to that address comes from one of them (notifications/authenticity.py)."""
    return salted_hmac("tickets.reply-address", str(ticket.pk)).hexdigest()[:12]


def reply_address(ticket: Ticket) -> str:
    """Where the customer's reply goes: the queue's inbound address, tagged with the reference
    and the ticket's reply tag (payments+GP-7K3M9Q.3f9c0a1b2c4d@helpdesk.localhost) so it
    threads even if a mail client drops the In-Reply-To and References headers and the
    subject, and proves the sender got our email."""
    address = ticket.queue.email or current_brand().sender_email
    if not settings.EMAIL_PLUS_ADDRESSING:
        return address
    local, _at, domain = address.rpartition("@")
    return f"{local}+{ticket.reference}.{reply_tag(ticket)}@{domain}"


def staff_ticket_url(ticket: Ticket) -> str:
    """Where an agent opens the ticket: the staff workspace's page (URL name "staff-ticket")
    once it exists, the admin's until then."""
    try:
        path = reverse("staff-ticket", args=[ticket.reference])
    except NoReverseMatch:
        path = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    return settings.SITE_URL + path


def preferences_url() -> str:
    return settings.SITE_URL + reverse("notification-preferences")


def recipient_name(notification: Notification) -> str:
    if notification.recipient_user_id:
        return notification.recipient_user.get_short_name()
    return notification.ticket.requester.name


def reply_to_for(notification: Notification) -> list[str]:
    # Agents answer in the staff workspace; their replies by email would come from a stranger.
    # An account email has no conversation to answer.
    if notification.is_for_agent or notification.ticket_id is None:
        return []
    return [reply_address(notification.ticket)]


def headers_for(notification: Notification) -> dict[str, str]:
    headers = {
        "Message-ID": notification.message_id,
        "Content-Language": BCP47.get(notification.language, notification.language),
        # Exchange and Outlook: no out-of-office replies or read receipts to this address.
        "X-Auto-Response-Suppress": "All",
    }
    if notification.ticket_id is not None:
        headers["X-Helpdesk-Ticket"] = notification.ticket.reference
    if notification.template not in WRITTEN_BY_A_PERSON:
        headers["Auto-Submitted"] = "auto-generated"
    if notification.in_reply_to:
        headers["In-Reply-To"] = notification.in_reply_to
        headers["References"] = notification.references
    if notification.is_for_agent:
        headers["List-Unsubscribe"] = f"<{preferences_url()}>"
    return headers


def _message(pk) -> Message | None:
    if not pk:
        return None
    return (
        Message.objects.select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )


def _instant(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# A password reset asked for longer ago than this is not sent (an admin's "send again" of an
# old failed row must not mail a working link days later): the customer asks again.
ACCOUNT_EMAIL_MAX_AGE = timedelta(hours=1)


def account_context(notification: Notification) -> dict:
    """An account email's links, made now: a verification or reset token is valid from when
    the email goes out, and none is stored."""
    user = notification.recipient_user
    if user is None:
        raise ValueError("the account this email was for has been deleted")
    # The link is made now, from the account as it is now: it must go where the account's
    # email is now, or a link asked for an old address would open the account from there.
    if notification.recipient.lower() != user.email.lower():
        raise ValueError("the account's email address changed since this email was asked for")
    template = notification.template
    if template == Template.PASSWORD_RESET:
        if not user.is_active or not user.has_usable_password():
            raise ValueError("the account can no longer reset its password")
        if timezone.now() - notification.created_at > ACCOUNT_EMAIL_MAX_AGE:
            raise ValueError("asked for too long ago: the customer can ask again")
    context = {"name": user.get_short_name(), "site_url": settings.SITE_URL}
    if template == Template.VERIFY_EMAIL:
        token = accounts.verification_token(user)
        context["link"] = settings.SITE_URL + reverse("verify-email", args=[token])
        context["link_days"] = accounts.VERIFY_MAX_AGE.days
    elif template == Template.PASSWORD_RESET:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context["link"] = settings.SITE_URL + reverse(
            "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
        )
    elif template == Template.ACCOUNT_EXISTS:
        context["reset_link"] = settings.SITE_URL + reverse("password_reset")
    return context


def email_context(notification: Notification) -> dict:
    if notification.template in Notification.ACCOUNT_TEMPLATES:
        return account_context(notification)
    ticket = notification.ticket
    facts = notification.context
    context = {
        "ticket": ticket,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "name": recipient_name(notification),
        "facts": facts,
    }
    if notification.is_for_agent:
        context["staff_url"] = staff_ticket_url(ticket)
        context["preferences_url"] = preferences_url()
    else:
        context["link"] = links.link_url(ticket)
        context["link_days"] = links.LINK_MAX_AGE.days
    template = notification.template
    if template in (Template.AGENT_REPLIED, Template.CUSTOMER_REPLIED):
        context["message"] = _message(facts.get("message"))
    if template in (Template.TICKET_RESOLVED, Template.AGENT_REPLIED):
        context["csat_link"] = context["link"] + "#rate" if "link" in context else ""
        context["reopen_days"] = settings.REOPEN_WINDOW_DAYS
    if template == Template.AGENT_REPLIED:
        context["status"] = facts.get("status", "")
    if template == Template.TICKET_MERGED:
        target = Ticket.objects.get(reference=facts["into"])
        context["target"] = target
        context["link"] = links.link_url(target)
    if template == Template.ASSIGNED:
        context["assigned_by"] = facts.get("by", "")
    if template == Template.MENTIONED:
        context["mentioned_by"] = facts.get("by", "")
    if template in (Template.SLA_WARNING, Template.SLA_BREACH, Template.SLA_ESCALATION):
        metric = facts.get("metric", "")
        context["metric"] = SLA_METRICS.get(metric, metric.replace("_", " "))
        context["due_at"] = _instant(facts.get("due_at", ""))
        context["level"] = facts.get("level", "")
    if template == Template.LOW_RATING:
        context["rating"] = CSATResponse.objects.filter(pk=facts.get("rating")).first()
    if template == Template.TICKET_CREATED:
        context["refused_files"] = facts.get("refused_files", [])
        context["by_email"] = ticket.channel == Ticket.Channel.EMAIL
        # Read when the email goes out, in its language; an email is read later, so the day is
        # named ("Monday 7 Dec"), never "today".
        with translation.override(notification.language):
            context["promise"] = promise_for(ticket, relative=False)
        # Linked at creation to a known problem (incidents.matching): the receipt says so.
        incident = ticket.incident if ticket.incident_id else None
        if incident is not None:
            context["incident_title"] = incident.title(notification.language)
            context["status_url"] = settings.SITE_URL + reverse("status")
    return context

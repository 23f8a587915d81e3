"""The customer portal: help centre, ticket forms, the customer's ticket page, guest links."""

import hashlib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit
from kombu.exceptions import OperationalError as BrokerError

from faq.deflection import record_ticket_submitted
from tickets import links, low_ratings, pending_uploads, services
from tickets.access import Viewer, get_attachment_for, get_ticket_for
from tickets.attachments import attachment_response
from tickets.forms import CATEGORY_FORMS, LinkRequestForm, RatingForm, ReplyForm, describe_details
from tickets.models import Announcement, Category, Message, Ticket
from tickets.promise import promise_for
from tickets.services import Actor, ServiceError, active_category, customer_contact
from tickets.tasks import send_access_link_task

from .incidents import banners, ticket_incident
from .timeline import timeline
from .urgent import urgent_routes

REDACTION_NAMES = {
    "card": gettext_lazy("a card number"),
    "nik": gettext_lazy("an identity number (NIK)"),
    "otp": gettext_lazy("a one-time code (OTP)"),
    "pin": gettext_lazy("a PIN"),
    "cvv": gettext_lazy("a card security code (CVV)"),
    "password": gettext_lazy("a password"),
}


def redaction_notice(kinds: list[str]) -> str:
    """'We removed a card number and a PIN ...' in the customer's language."""
    names = [str(REDACTION_NAMES[kind]) for kind in kinds if kind in REDACTION_NAMES]
    if not names:
        return ""
    if len(names) == 1:
        listed = names[0]
    else:
        # Translators: joins the items of a list ("a card number, a PIN"); Chinese uses "、".
        separator = pgettext("list separator", ", ")
        listed = _("%(list)s and %(last)s") % {
            "list": separator.join(names[:-1]),
            "last": names[-1],
        }
    return _(
        "For your safety we removed %(what)s from what you sent. We never need them to help you."
    ) % {"what": listed}


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "topics": Category.objects.filter(is_active=True),
            "announcements": Announcement.objects.current(),
            "incidents": banners(),
        },
    )


def new_ticket(request: HttpRequest) -> HttpResponse:
    """Contact us: pick a topic first, so the form asks the right questions."""
    return render(
        request,
        "portal/topics.html",
        {
            "topics": Category.objects.filter(is_active=True),
            "announcements": Announcement.objects.current(),
            "incidents": banners(),
            "article": request.GET.get("article", ""),
        },
    )


def form_idempotency_key(request: HttpRequest, token) -> str:
    """The form's one-time token, bound to who sends it: the signed-in user, else this browser
    (the secret of its CSRF cookie). The token is in the page's HTML; anyone else's copy of it
    starts a ticket of their own instead of opening this one."""
    if request.user.is_authenticated:
        owner = f"user:{request.user.pk}"
    else:
        # A browser cannot post the form without this cookie (the CSRF check refuses it).
        owner = "browser:" + request.META.get("CSRF_COOKIE", "")
    return "web:" + hashlib.sha256(f"{owner}\n{token}".encode()).hexdigest()[:60]


def _posted_form_key(request: HttpRequest) -> str:
    """form_idempotency_key of the token posted with the form, spelled as the form cleans it;
    "" when the token is not one (then no file is kept or claimed)."""
    try:
        token = uuid.UUID(request.POST.get("idempotency_token", ""))
    except ValueError:
        return ""
    return form_idempotency_key(request, token)


def _kept_files(request: HttpRequest, form_key: str) -> tuple[list, str]:
    """The files kept for this form that the post names (tickets.pending_uploads), less the
    one whose "Remove" was pressed without JavaScript (its id is returned: send nothing)."""
    kept = pending_uploads.kept(request.POST.getlist("pending_upload"), form_key=form_key)
    removing = request.POST.get("remove_upload", "")
    if removing:
        pending_uploads.discard(upload for upload in kept if str(upload.pk) == removing)
        kept = [upload for upload in kept if str(upload.pk) != removing]
    return kept, removing


def _keep_new_files(form, form_key: str, *, removing: str) -> None:
    """A form going back to the customer keeps the new files that passed the checks for its
    next try; after a "Remove" it shows no errors (nothing was sent)."""
    if form_key:
        new_files = form.cleaned_data.get("attachments") or []
        form.kept += pending_uploads.keep(new_files, form_key=form_key)
    if removing:
        form.errors.clear()


# The form carries the CSRF and idempotency tokens; no cache may keep or share it.
@never_cache
@sensitive_post_parameters()
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def new_ticket_form(request: HttpRequest, category: str) -> HttpResponse:
    topic = active_category(category)
    if topic is None:
        raise Http404
    form_class = CATEGORY_FORMS[topic.code]
    contact = customer_contact(request.user)
    status = 200
    if request.method == "POST":
        form_key = _posted_form_key(request)
        kept, removing = _kept_files(request, form_key)
        form = form_class(request.POST, request.FILES, signed_in=contact is not None, kept=kept)
        valid = form.is_valid()
        if getattr(request, "limited", False):
            form.add_error(
                None, _("Too many requests from your connection. Please try again later.")
            )
            status = 429
        elif valid and not removing:
            data = form.cleaned_data
            requester = contact or services.get_or_create_contact(
                email=data["email"], name=data["name"], phone=data["phone"], language=get_language()
            )
            ticket = services.create_ticket(
                requester=requester,
                category=topic,
                subject=data["subject"],
                body=data["description"],
                details=form.details(),
                attachments=pending_uploads.as_clean_files(form.kept) + data["attachments"],
                language=get_language(),
                idempotency_key=form_idempotency_key(request, data["idempotency_token"]),
                faq_article=data.get("faq_article") or "",
            )
            pending_uploads.discard(form.kept)
            links.grant_session(request.session, links.grant_for(ticket))
            # The customer saw FAQ suggestions and asked anyway: the deflection report counts it.
            record_ticket_submitted(request, ticket)
            return redirect("ticket-submitted", reference=ticket.reference)
        # Past the rate limit nothing more is stored: the limit also bounds the disk used.
        _keep_new_files(form, form_key if status != 429 else "", removing=removing)
    else:
        form = form_class(
            signed_in=contact is not None,
            initial={"faq_article": request.GET.get("article", "")[:100]},
        )
    return render(
        request,
        "portal/ticket_form.html",
        {
            "form": form,
            "topic": topic,
            "announcements": Announcement.objects.current(),
            "urgent_routes": urgent_routes(topic),
            "incidents": banners(topic.code),
        },
        status=status,
    )


def _urgent_routes_of(ticket: Ticket) -> list:
    """What to do at once, while nobody has answered yet: after that the conversation guides
    (an agent may already have blocked the account the route says to block)."""
    if not ticket.is_open or ticket.first_response_at:
        return []
    return urgent_routes(ticket.category_id)


@never_cache
def ticket_submitted(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer.of(request), reference, as_customer=True)
    return render(
        request,
        "portal/ticket_submitted.html",
        {
            "ticket": ticket,
            "link": links.link_url(ticket),
            "redaction_notice": redaction_notice(services.redactions_of(ticket)),
            "promise": promise_for(ticket),
            "urgent_routes": _urgent_routes_of(ticket),
            "incident": ticket_incident(ticket),
        },
    )


def _thread(ticket: Ticket):
    return (
        ticket.messages.filter(kind=Message.Kind.PUBLIC)
        .select_related("author_user", "author_contact")
        .prefetch_related("attachments")
    )


@never_cache
def ticket_detail(request: HttpRequest, reference: str, *, reply_form=None, rating_form=None):
    ticket = get_ticket_for(Viewer.of(request), reference, as_customer=True)
    rated = ticket.ratings.filter(cycle=ticket.reopen_count).first()
    can_rate = (
        ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
        and not ticket.merged_into_id
        and rated is None
    )
    deadline = services.reopen_deadline(ticket)
    return render(
        request,
        "portal/ticket_detail.html",
        {
            "ticket": ticket,
            "thread": _thread(ticket),
            "details": describe_details(ticket.category_id, ticket.details),
            "promise": promise_for(ticket),
            "timeline": timeline(ticket),
            "incident": ticket_incident(ticket),
            "urgent_routes": _urgent_routes_of(ticket),
            "reply_form": reply_form or ReplyForm(),
            "rating_form": (rating_form or RatingForm()) if can_rate else None,
            "rating": rated,
            "rating_follow_up": rated is not None and low_ratings.followed_up(rated),
            "can_resolve": ticket.is_open,
            "reply_reopens": deadline is not None and deadline >= timezone.now(),
            "reply_starts_new": ticket.status == Ticket.Status.CLOSED
            or (deadline is not None and deadline < timezone.now()),
        },
        status=400 if (reply_form or rating_form) else 200,
    )


@sensitive_post_parameters()
@require_POST
def ticket_reply(request: HttpRequest, reference: str) -> HttpResponse:
    viewer = Viewer.of(request)
    ticket = get_ticket_for(viewer, reference, as_customer=True)
    # Files kept for a reply belong to this ticket and to whoever writes (user or browser).
    form_key = form_idempotency_key(request, f"reply:{ticket.pk}")
    kept, removing = _kept_files(request, form_key)
    form = ReplyForm(request.POST, request.FILES, kept=kept)
    if not form.is_valid() or removing:
        _keep_new_files(form, form_key, removing=removing)
        return ticket_detail(request, reference, reply_form=form)
    try:
        message = services.add_customer_message(
            ticket=ticket,
            contact=ticket.requester,
            body=form.cleaned_data["body"],
            attachments=pending_uploads.as_clean_files(form.kept)
            + form.cleaned_data["attachments"],
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("ticket-detail", reference=ticket.reference)
    pending_uploads.discard(form.kept)
    landed = message.ticket
    if landed.pk != ticket.pk:
        # A new linked request (after the reopen window) or the ticket this one was merged into.
        links.grant_session(request.session, links.grant_for(landed))
        messages.info(
            request,
            _("Your message started a new request, %(reference)s, linked to the earlier one.")
            % {"reference": landed.reference}
            if landed.follow_up_of_id
            else _("Your message was added to %(reference)s.") % {"reference": landed.reference},
        )
    else:
        messages.success(request, _("Your reply was sent."))
    # The redaction events of this message were written in its transaction, at its time.
    removed = sorted(
        set(
            landed.events.filter(kind="redacted", created_at=message.created_at).values_list(
                "new_value", flat=True
            )
        )
    )
    if removed:
        messages.warning(request, redaction_notice(removed))
    return redirect("ticket-detail", reference=landed.reference)


@require_POST
def ticket_resolve(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer.of(request), reference, as_customer=True)
    try:
        services.change_status(
            ticket=ticket, status=Ticket.Status.RESOLVED, by=Actor.customer(ticket.requester)
        )
        messages.success(request, _("Thanks! We have marked your request as solved."))
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect("ticket-detail", reference=ticket.reference)


@require_POST
def ticket_rate(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = get_ticket_for(Viewer.of(request), reference, as_customer=True)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return ticket_detail(request, reference, rating_form=form)
    try:
        rating = services.rate_ticket(
            ticket=ticket,
            contact=ticket.requester,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
        if low_ratings.followed_up(rating):
            messages.success(
                request,
                _(
                    "We are sorry we let you down. We have passed your rating to a team lead, "
                    "who will contact you about it."
                ),
            )
        else:
            messages.success(request, _("Thank you for rating our help."))
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect("ticket-detail", reference=ticket.reference)


def ticket_attachment(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    attachment = get_attachment_for(Viewer.of(request), reference, attachment_id, as_customer=True)
    return attachment_response(attachment)


@never_cache
def ticket_link(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link from an email: opens the ticket in this browser, no password needed."""
    try:
        grant = links.read_token(token)
    except links.LinkExpired:
        return _link_problem(request, expired=True)
    except links.LinkInvalid:
        return _link_problem(request, expired=False)
    ticket = Ticket.objects.filter(pk=grant.ticket_id, requester_id=grant.contact_id).first()
    if ticket is None:
        return _link_problem(request, expired=False)
    links.grant_session(request.session, grant)
    return redirect("ticket-detail", reference=ticket.reference)


def _link_problem(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return render(
        request,
        "portal/link_problem.html",
        {"expired": expired, "form": LinkRequestForm()},
        status=410 if expired else 400,
    )


@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def request_link(request: HttpRequest) -> HttpResponse:
    """A fresh link by reference and email. The answer is the same whether the pair exists."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not getattr(request, "limited", False):
            reference, email = form.cleaned_data["reference"], form.cleaned_data["email"]
            try:
                # Looked up by a worker: this answer takes the same time either way, so it
                # cannot tell a stranger whether a reference belongs to an address.
                send_access_link_task.delay(reference, email)
            except BrokerError:
                services.send_access_link_if_matching(reference=reference, email=email)
        return render(request, "portal/link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "portal/link_request.html", {"form": form})


@never_cache
@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    tickets = (
        Ticket.objects.filter(requester__user=request.user)
        .select_related("category")
        .order_by("-last_activity_at", "-pk")
    )
    page = Paginator(tickets, 20).get_page(request.GET.get("page"))
    return render(request, "portal/my_requests.html", {"page": page})

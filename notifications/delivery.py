"""Delivering one notification: claim it, render it from the database, send it, record what
happened. Called by tickets.tasks.deliver_notification_task.

Every state change is a compare-and-swap on the row's status, so two workers holding the same
task (a redelivery, the sweep's copy) cannot both send: only the one whose claim matched a
pending row does anything.
"""

import logging
import re
import smtplib
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from branding.brand import current_brand
from tickets.models import Notification

from . import outbox
from .rendering import email_context, headers_for, render_email, reply_to_for
from .smtp import HandOver, current_hand_over

logger = logging.getLogger(__name__)

Status = Notification.Status


class Result:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    SKIPPED = "skipped"  # not pending or not due: another worker has it, or it is done


class ClaimLost(Exception):
    pass


@dataclass(frozen=True)
class Failure:
    temporary: bool
    reason: str
    # The server answered (a reply code), so we know it did not take the message.
    answered: bool


def classify(error: BaseException) -> Failure:
    """Temporary (retry) or permanent (give up), from the SMTP reply code where there is one:
    4xx is "try again later", 5xx is "never" (RFC 5321 section 4.2.1)."""
    code, text = None, ""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, error.smtp_error
    if code is None:
        # No answer: connection refused or dropped, a timeout, the task's soft time limit.
        return Failure(True, f"{type(error).__name__}: {error}"[:1000], answered=False)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    reason = f"{code} {text}".strip()[:1000]
    # A refused login is our configuration, not this message: keep retrying until it is fixed.
    permanent = 500 <= code < 600 and not isinstance(error, smtplib.SMTPAuthenticationError)
    return Failure(not permanent, reason, answered=True)


def recipient_zone(notification: Notification) -> zoneinfo.ZoneInfo | None:
    """An agent reads the times in their email in their own time zone (User.time_zone), as on
    the staff pages; customers in the site's."""
    if not notification.is_for_agent or notification.recipient_user_id is None:
        return None
    try:
        return zoneinfo.ZoneInfo(notification.recipient_user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def build_email(notification: Notification) -> EmailMultiAlternatives:
    with timezone.override(recipient_zone(notification)):
        subject, text, html = render_email(
            notification.template, email_context(notification), notification.language
        )
    # Template conditionals leave runs of empty lines behind; a blank line is enough.
    text = re.sub(r"\n{3,}", "\n\n", text.strip("\n")) + "\n"
    message = EmailMultiAlternatives(
        subject,
        text,
        current_brand().from_email(notification.language),
        [notification.recipient],
        headers=headers_for(notification),
        reply_to=reply_to_for(notification),
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def deliver(notification_id: int) -> str:
    now = timezone.now()
    if not outbox.EMAILS.claim(notification_id, now, handed_over_at=None):
        return Result.SKIPPED
    notification = Notification.objects.select_related(
        "ticket__requester", "ticket__queue", "recipient_user"
    ).get(pk=notification_id)
    try:
        email = build_email(notification)
    except (OperationalError, InterfaceError):
        # The database, not the notification: the claim stays, and the sweep sends it again.
        raise
    except Exception as error:
        # A template or data problem: trying again will not fix it. Logged with the traceback.
        logger.exception("notification %s could not be rendered", notification_id)
        return _finish(notification, Status.FAILED, f"Could not render the email: {error!r}")

    def record_hand_over() -> None:
        recorded = Notification.objects.filter(pk=notification_id, status=Status.SENDING).update(
            handed_over_at=timezone.now()
        )
        if not recorded:
            # The sweep took the claim back (held past the timeout): stop before the last
            # line, so the server drops this copy and only the sweep's goes out.
            raise ClaimLost(notification_id)

    hand_over = HandOver(before_last_line=record_hand_over)
    token = current_hand_over.set(hand_over)
    try:
        email.send()
    except ClaimLost:
        logger.error("notification %s: claim lost before the hand-over; not sent", notification_id)
        return Result.SKIPPED
    except Exception as error:  # SMTP errors, socket errors, SoftTimeLimitExceeded
        if hand_over.accepted:
            # Only closing the connection failed: the server has the message.
            logger.warning(
                "notification %s sent; closing the connection failed: %s", notification_id, error
            )
        else:
            return _failed_attempt(notification, classify(error), hand_over)
    finally:
        current_hand_over.reset(token)
    return _finish(notification, Status.SENT, "")


def _failed_attempt(notification: Notification, failure: Failure, hand_over: HandOver) -> str:
    if hand_over.handed_over and not failure.answered:
        # The whole message was sent and no answer came: it may well have been delivered. The
        # outbox sweep sends it once more after a delay, with the same Message-ID.
        if notification.unconfirmed_resent_at is not None:
            return _finish(
                notification,
                Status.UNCONFIRMED,
                f"No answer after the message was sent, twice ({failure.reason}); send it again "
                "by hand if the recipient says it was not delivered.",
            )
        return _finish(
            notification,
            Status.UNCONFIRMED,
            f"No answer after the message was sent ({failure.reason}); it is sent once more "
            "later with the same Message-ID.",
            next_attempt_at=timezone.now()
            + timedelta(seconds=settings.NOTIFICATION_UNCONFIRMED_RESEND_SECONDS),
        )
    if not failure.temporary:
        return _finish(notification, Status.FAILED, failure.reason)
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        return _finish(
            notification,
            Status.FAILED,
            f"Gave up after {notification.attempts} attempts. Last: {failure.reason}",
        )
    delay = outbox.EMAILS.release(
        notification.pk,
        notification.attempts,
        claimed_at=notification.claimed_at,
        handed_over_at=None,
        last_error=failure.reason,
    )
    if delay is not None:
        logger.info(
            "notification %s: temporary failure (%s), retry %d in %ds",
            notification.pk,
            failure.reason,
            notification.attempts + 1,
            delay.total_seconds(),
        )
    return Result.RETRY


def _finish(notification: Notification, status: str, reason: str, **changes) -> str:
    changes.update(status=status, last_error=reason)
    if status == Status.SENT:
        changes["sent_at"] = timezone.now()
    finished = Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        **changes
    )
    if not finished:
        # Only possible if this worker held the claim past the sweep's timeout (no hard time
        # limit, e.g. the threads pool): the sweep has taken it back.
        logger.error(
            "notification %s: claim lost before it could be marked %s", notification.pk, status
        )
    elif status == Status.SENT:
        logger.info(
            "notification %s sent (%s, %s)",
            notification.pk,
            notification.template,
            notification.ticket.reference if notification.ticket_id else "account",
        )
    else:
        logger.warning("notification %s %s: %s", notification.pk, status, reason)
    return {
        Status.SENT: Result.SENT,
        Status.FAILED: Result.FAILED,
        Status.UNCONFIRMED: Result.UNCONFIRMED,
    }[status]

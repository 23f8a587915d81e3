"""Files survive a ticket form that comes back with an error (issue 18, nothing typed is lost).

The files that passed the checks are kept for that form (its token and its browser or user) and
shown back as "Already attached"; sending the form attaches them; Remove drops one; nobody else
can claim them; unclaimed ones are deleted after a day by a periodic task.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from tests import files
from tests.factories import TicketFactory, UserFactory
from tests.portal.conftest import VALID, as_guest
from tickets.attachments import MAX_FILES
from tickets.models import PendingUpload, Ticket
from tickets.tasks import delete_expired_uploads_task

pytestmark = pytest.mark.django_db
FORM = "/tickets/new/payment_failed/"


def kept_references(html: str) -> list[str]:
    return re.findall(r'name="pending_upload" value="([0-9a-f-]{36})"', html)


@pytest.fixture
def browser(client):
    """A guest's browser with its CSRF cookie, as a real one has once it opened the form."""
    client.get(FORM)
    return client


def send_without_email(browser, *uploads, **fields):
    data = as_guest(VALID["payment_failed"], email="", **fields)
    return browser.post(FORM, {**data, "attachments": list(uploads)})


def test_a_file_is_kept_when_another_field_fails_and_attached_when_the_form_is_sent(browser):
    # given: a form sent with a screenshot but no email
    answer = send_without_email(browser, files.png("receipt.png"))

    # then: the error, and the file shown back as already attached, with its reference
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "This field is required." in html
    assert "Already attached" in html
    assert "receipt.png" in html
    [reference] = kept_references(html)
    token = answer.context["form"]["idempotency_token"].value()
    assert not Ticket.objects.exists()

    # when: the customer fills in the email and sends again, choosing no file
    sent = browser.post(
        FORM,
        as_guest(VALID["payment_failed"], idempotency_token=token, pending_upload=[reference]),
    )

    # then: the ticket has the file, and nothing is left pending
    assert sent.status_code == 302
    ticket = Ticket.objects.get()
    attachment = ticket.attachments.get()
    assert attachment.original_name == "receipt.png"
    assert attachment.content_type == "image/png"
    assert attachment.file.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not PendingUpload.objects.exists()


def test_kept_and_new_files_are_attached_together(browser):
    answer = send_without_email(browser, files.png("first.png"))
    token = answer.context["form"]["idempotency_token"].value()

    browser.post(
        FORM,
        {
            **as_guest(
                VALID["payment_failed"],
                idempotency_token=token,
                pending_upload=kept_references(answer.content.decode()),
            ),
            "attachments": [files.pdf("second.pdf")],
        },
    )

    names = Ticket.objects.get().attachments.values_list("original_name", flat=True)
    assert sorted(names) == ["first.png", "second.pdf"]


def test_kept_files_count_towards_the_limit(browser):
    answer = send_without_email(browser, *(files.png(f"shot-{n}.png") for n in range(MAX_FILES)))
    references = kept_references(answer.content.decode())
    assert len(references) == MAX_FILES
    token = answer.context["form"]["idempotency_token"].value()

    too_many = browser.post(
        FORM,
        {
            **as_guest(VALID["payment_failed"], idempotency_token=token, pending_upload=references),
            "attachments": [files.png("one-more.png")],
        },
    )

    assert too_many.status_code == 200
    assert f"at most {MAX_FILES} can be sent" in too_many.content.decode()
    assert not Ticket.objects.exists()
    # the kept ones are still offered, the extra one was not kept
    assert len(kept_references(too_many.content.decode())) == MAX_FILES
    assert PendingUpload.objects.count() == MAX_FILES


def test_a_file_that_fails_its_own_check_is_named_and_not_kept(browser):
    answer = send_without_email(browser, files.png("fine.png"), files.executable("virus.png"))

    html = answer.content.decode()
    assert "virus.png" in html
    assert "is not a picture or a PDF" in html
    assert not PendingUpload.objects.exists()


def test_remove_drops_a_kept_file_and_sends_nothing(browser, django_capture_on_commit_callbacks):
    answer = send_without_email(browser, files.png("keep.png"), files.png("wrong.png"))
    token = answer.context["form"]["idempotency_token"].value()
    keep, wrong = (
        PendingUpload.objects.get(original_name=name) for name in ("keep.png", "wrong.png")
    )

    # Remove pressed without JavaScript, in a form that is otherwise complete
    with django_capture_on_commit_callbacks(execute=True):
        removed = browser.post(
            FORM,
            as_guest(
                VALID["payment_failed"],
                idempotency_token=token,
                pending_upload=[str(keep.pk), str(wrong.pk)],
                remove_upload=str(wrong.pk),
            ),
        )

    assert removed.status_code == 200
    assert not Ticket.objects.exists()
    html = removed.content.decode()
    assert kept_references(html) == [str(keep.pk)]
    assert "Please check what you entered" not in html
    assert list(PendingUpload.objects.all()) == [keep]
    assert not default_storage.exists(wrong.file.name)


def test_a_reference_copied_into_another_browser_attaches_nothing(browser, client_factory):
    # given: a customer's kept file and its reference and token, read by someone else
    answer = send_without_email(browser, files.png("private.png"))
    token = answer.context["form"]["idempotency_token"].value()
    references = kept_references(answer.content.decode())
    other = client_factory()
    other.get(FORM)

    # when: the other browser sends them with its own form
    stolen = other.post(
        FORM,
        as_guest(
            VALID["payment_failed"],
            email="mallory@example.org",
            idempotency_token=token,
            pending_upload=references,
        ),
    )

    # then: their ticket has no file, and the customer's file is still theirs to send
    assert stolen.status_code == 302
    assert not Ticket.objects.get().attachments.exists()
    assert PendingUpload.objects.count() == 1
    browser.post(
        FORM, as_guest(VALID["payment_failed"], idempotency_token=token, pending_upload=references)
    )
    mine = Ticket.objects.get(requester__email="guest@example.net")
    assert mine.attachments.get().original_name == "private.png"


def test_a_signed_in_customers_kept_file_is_not_attachable_by_another_customer(client_factory):
    owner, other = client_factory(), client_factory()
    owner.force_login(UserFactory(email="owner@example.net"))
    other.force_login(UserFactory(email="other@example.net"))
    incomplete = as_guest(VALID["payment_failed"], merchant="")
    answer = owner.post(FORM, {**incomplete, "attachments": [files.png("mine.png")]})
    token = answer.context["form"]["idempotency_token"].value()
    references = kept_references(answer.content.decode())
    assert references

    other.post(
        FORM, as_guest(VALID["payment_failed"], idempotency_token=token, pending_upload=references)
    )

    assert not Ticket.objects.get().attachments.exists()


def test_a_mangled_reference_is_ignored(browser):
    sent = browser.post(
        FORM, as_guest(VALID["payment_failed"], pending_upload=["../../etc/passwd", "1"])
    )

    assert sent.status_code == 302
    assert not Ticket.objects.get().attachments.exists()


def test_unclaimed_files_are_deleted_after_a_day(browser, django_capture_on_commit_callbacks):
    answer = send_without_email(browser, files.png("old.png"), files.png("new.png"))
    token = answer.context["form"]["idempotency_token"].value()
    old = PendingUpload.objects.get(original_name="old.png")
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    # an expired file cannot be claimed any more
    expired = browser.post(
        FORM,
        as_guest(
            VALID["payment_failed"],
            email="",
            idempotency_token=token,
            pending_upload=[str(old.pk)],
        ),
    )
    assert kept_references(expired.content.decode()) == []

    with django_capture_on_commit_callbacks(execute=True):
        deleted = delete_expired_uploads_task.delay().get()

    assert deleted == 1
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["new.png"]
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(PendingUpload.objects.get().file.name)


def test_the_cleanup_runs_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["pending-uploads"]
    assert entry["task"] == "tickets.tasks.delete_expired_uploads_task"
    assert entry["schedule"] <= 3600


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def test_a_reply_with_a_file_but_no_text_keeps_the_file(signed_in, ticket):
    reply = f"/tickets/{ticket.reference}/reply/"
    answer = signed_in.post(reply, {"body": "", "attachments": [files.png("bank.png")]})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Already attached" in html
    references = kept_references(html)
    assert len(references) == 1

    signed_in.post(reply, {"body": "From my bank", "pending_upload": references})

    message = ticket.messages.latest("created_at")
    assert message.body == "From my bank"
    assert message.attachments.get().original_name == "bank.png"
    assert not PendingUpload.objects.exists()


def test_a_file_kept_for_one_reply_is_not_attached_to_another_ticket(signed_in, ticket, customer):
    other = TicketFactory(requester=customer.contact, queue=ticket.queue)
    answer = signed_in.post(
        f"/tickets/{ticket.reference}/reply/", {"body": "", "attachments": [files.png()]}
    )

    signed_in.post(
        f"/tickets/{other.reference}/reply/",
        {"body": "Wrong ticket", "pending_upload": kept_references(answer.content.decode())},
    )

    assert not other.messages.latest("created_at").attachments.exists()
    assert PendingUpload.objects.count() == 1


def test_past_the_rate_limit_no_file_is_kept(browser):
    # given: a connection that used up its sends for the hour
    for _ in range(20):
        send_without_email(browser)

    # when: it sends a file again with a field missing
    answer = send_without_email(browser, files.png("flood.png"))

    # then: refused, and nothing stored for it (the limit bounds the disk too)
    assert answer.status_code == 429
    assert kept_references(answer.content.decode()) == []
    assert not PendingUpload.objects.exists()

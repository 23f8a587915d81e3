"""The customer's rating on the ticket page (issue 18): 1 to 5 in reading order with words, and a
low rating followed up by the queue's leads (in the app, by email, as an internal note), once."""

import re

import pytest
from django.urls import reverse

from inbox.models import StaffNotification
from notifications.rendering import email_context, render_email
from tickets import low_ratings, roles
from tickets.forms import RatingForm
from tickets.models import (
    CSATResponse,
    Message,
    Notification,
    NotificationPreference,
    QueueMembership,
    User,
)

pytestmark = pytest.mark.django_db

CARD = "4111 1111 1111 1111"


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def solved(signed_in, ticket):
    signed_in.post(f"/tickets/{ticket.reference}/solved/")
    return ticket


def rate(client, ticket, score, comment=""):
    return client.post(
        f"/tickets/{ticket.reference}/rate/", {"score": str(score), "comment": comment}, follow=True
    )


def follow_ups(ticket):
    """What a low rating left behind: notes, in-app notifications and emails about it."""
    return (
        Message.objects.filter(ticket=ticket, data__note="low_rating").count(),
        StaffNotification.objects.filter(ticket=ticket, kind="low_rating").count(),
        Notification.objects.filter(ticket=ticket, template="low_rating").count(),
    )


def test_the_choices_run_from_1_to_5_with_words():
    choices = RatingForm().fields["score"].choices

    assert [value for value, _label in choices] == [1, 2, 3, 4, 5]
    assert [str(label) for _value, label in choices] == [
        "Very unhappy",
        "Unhappy",
        "Neither happy nor unhappy",
        "Happy",
        "Very happy",
    ]


def test_the_page_lists_them_in_reading_order_named_in_words_with_a_matching_hint(
    signed_in, solved
):
    html = signed_in.get(f"/tickets/{solved.reference}/").content.decode()

    rating = html[html.index('class="rating"') : html.index("</fieldset>")]
    assert re.findall(r'name="score" value="(\d)"', rating) == ["1", "2", "3", "4", "5"]
    assert "<legend>How happy are you with the help you got?</legend>" in rating
    assert '<span class="visually-hidden">1 – Very unhappy</span>' in rating
    assert '<span class="visually-hidden">5 – Very happy</span>' in rating
    assert "<span>1 = Very unhappy</span>" in rating
    assert "<span>5 = Very happy</span>" in rating
    assert "not happy at all" not in html


def test_a_low_rating_reaches_the_queue_lead_once(signed_in, solved, lead, agent):
    response = rate(signed_in, solved, 2, f"Nobody answered. My card {CARD} was charged twice.")

    html = response.content.decode()
    assert "We are sorry we let you down" in html
    assert "a team lead, who will contact you" in html
    assert "You rated our help 2 out of 5. We have passed it to a team lead" in html

    rating = CSATResponse.objects.get(ticket=solved)
    assert CARD not in rating.comment
    assert "1111" in rating.comment  # the last four digits stay, like elsewhere

    note = Message.objects.get(ticket=solved, data__note="low_rating")
    assert note.kind == Message.Kind.INTERNAL
    assert note.author_type == Message.Author.SYSTEM
    assert note.data == {"note": "low_rating", "rating": rating.pk, "score": 2}
    # Stored in the site's language (for search), read in the reader's.
    assert note.body.startswith("Pelanggan memberi nilai 2 dari 5")
    assert "Nobody answered." in note.body
    assert CARD not in note.body
    assert low_ratings.note_text(note).startswith("The customer rated our help 2 out of 5.")

    told = StaffNotification.objects.get(ticket=solved, kind="low_rating")
    assert told.recipient == lead
    assert told.summary() == f"{solved.reference} was rated 2 out of 5: please follow up"

    email = Notification.objects.get(ticket=solved, template="low_rating")
    assert (email.recipient_user, email.audience) == (lead, Notification.Audience.AGENT)
    subject, text, html_body = render_email(email.template, email_context(email), email.language)
    assert subject == f"[{solved.reference}] Rated 2 out of 5: please follow up"
    assert "Nobody answered." in text
    assert "Nobody answered." in html_body
    assert CARD not in text

    # The agent of the queue (not a lead) is not told; a retried request changes nothing.
    assert not StaffNotification.objects.filter(recipient=agent).exists()
    again = rate(signed_in, solved, 2, "Nobody answered.")
    assert "already rated" in again.content.decode()
    assert follow_ups(solved) == (1, 1, 1)
    assert solved.ratings.count() == 1


def test_the_lead_sees_the_score_and_comment_on_the_staff_ticket_page(
    signed_in, solved, lead, client_factory
):
    rate(signed_in, solved, 1, "Still no refund after a week.")
    staff = client_factory()
    staff.force_login(lead)

    html = staff.get(reverse("staff-ticket", args=[solved.reference])).content.decode()

    assert "The customer rated our help 1 out of 5. Please follow up" in html
    assert "Still no refund after a week." in html


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_good_rating_tells_nobody(signed_in, solved, lead, score):
    response = rate(signed_in, solved, score, "Fine")

    html = response.content.decode()
    assert "Thank you for rating our help." in html
    assert "team lead" not in html
    assert f"You rated our help {score} out of 5. Thank you!" in html
    assert follow_ups(solved) == (0, 0, 0)


def test_the_threshold_is_a_setting(signed_in, solved, lead, settings):
    settings.LOW_RATING_FOLLOW_UP_AT = 3

    html = rate(signed_in, solved, 3).content.decode()

    assert "team lead" in html
    assert follow_ups(solved) == (1, 1, 1)
    note = Message.objects.get(ticket=solved, data__note="low_rating")
    assert low_ratings.note_text(note).endswith("They left no comment.")


def test_a_threshold_of_0_turns_the_follow_up_off(signed_in, solved, lead, settings):
    settings.LOW_RATING_FOLLOW_UP_AT = 0

    html = rate(signed_in, solved, 1, "Bad").content.decode()

    assert "team lead" not in html
    assert follow_ups(solved) == (0, 0, 0)


def test_without_a_lead_the_admins_are_told(signed_in, solved, admin_user, agent):
    assert not QueueMembership.objects.filter(queue=solved.queue, is_lead=True).exists()

    rate(signed_in, solved, 1, "Bad")

    told = StaffNotification.objects.filter(ticket=solved, kind="low_rating")
    assert list(told.values_list("recipient", flat=True)) == [admin_user.pk]
    assert Notification.objects.get(ticket=solved, template="low_rating").recipient_user == (
        admin_user
    )


def test_a_lead_who_muted_the_email_is_still_told_in_the_app(signed_in, solved, lead):
    NotificationPreference.objects.create(user=lead, low_rating=False)

    rate(signed_in, solved, 2, "Bad")

    assert follow_ups(solved) == (1, 1, 0)


def test_an_inactive_lead_is_not_told(signed_in, solved, lead):
    User.objects.filter(pk=lead.pk).update(is_active=False)
    admin = User.objects.filter(groups__name=roles.ADMIN).first()
    assert admin is None  # nobody to tell: no promise to the customer either

    html = rate(signed_in, solved, 2, "Bad").content.decode()

    assert "team lead" not in html
    assert follow_ups(solved) == (0, 0, 0)

"""Deflection: articles suggested on the ticket form as the subject is typed, "this solved my
problem" ending the journey, tickets filed anyway, and the lead's report."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from faq.deflection import deflection_report, record_ticket_submitted
from faq.models import Article, ArticleFeedback, Deflection
from faq.ratelimits import RATES
from tests.factories import ArticleFactory, FaqCategoryFactory, TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SUBJECT = "saldo terpotong tapi pembayaran gagal"
ANSWER = "balance-deducted-payment-failed"


def suggest(client, query: str, topic: str = "payment_failed", field: str = "q"):
    # An Indonesian customer's browser asks for Indonesian.
    return client.post(
        reverse("faq:suggest"),
        {field: query, "topic": topic},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="id",
    )


def suggested_links(response) -> list[str]:
    return re.findall(r'href="([^"]+)"\s+lang="\w+"\s+data-testid="faq-suggestion"', response.text)


def shown() -> list[tuple[str, str]]:
    return list(
        Deflection.objects.filter(kind=Deflection.Kind.SHOWN).values_list(
            "session", "article__slug"
        )
    )


def test_it_suggests_the_best_articles_for_the_subject_as_a_fragment(client, seeded_faq):
    response = suggest(client, SUBJECT)

    assert response.status_code == 200
    assert 'data-testid="faq-suggestions"' in response.text
    assert "<html" not in response.text
    links = suggested_links(response)
    assert 1 <= len(links) <= 3
    assert links[0] == (f"/help/articles/{ANSWER}/?from=suggestion&amp;topic=payment_failed")


def test_it_reads_the_subject_fields_own_name_too(client, seeded_faq):
    # hx-get on the subject input sends its value under the input's name.
    response = suggest(client, SUBJECT, field="subject")

    assert suggested_links(response)[0].startswith(f"/help/articles/{ANSWER}/")


def test_it_answers_nothing_for_a_short_or_unmatched_subject(client, seeded_faq):
    assert suggest(client, "sa").content == b""
    assert suggest(client, "xylophone quartet").content == b""
    assert Deflection.objects.count() == 0


def test_it_counts_an_article_suggested_again_while_typing_only_once(client, seeded_faq):
    suggest(client, "saldo terpotong")
    suggest(client, "saldo terpotong tapi")
    suggest(client, SUBJECT)

    rows = shown()
    assert len(rows) == len(set(rows))
    assert ANSWER in {slug for _session, slug in rows}
    assert Deflection.objects.filter(kind="shown", article__slug=ANSWER).count() == 1
    assert set(Deflection.objects.values_list("ticket_category", flat=True)) == {"payment_failed"}


def test_it_counts_suggestions_to_different_customers_separately(seeded_faq):
    suggest(Client(), SUBJECT)
    suggest(Client(), SUBJECT)

    assert Deflection.objects.filter(kind="shown", article__slug=ANSWER).count() == 2


def test_it_ignores_an_unknown_topic(client, seeded_faq):
    suggest(client, SUBJECT, topic="<script>")

    assert set(Deflection.objects.values_list("ticket_category", flat=True)) == {""}


def test_it_offers_to_end_the_journey_on_an_article_opened_from_a_suggestion(client, seeded_faq):
    suggest(client, SUBJECT)
    url = suggested_links(suggest(client, SUBJECT))[0].replace("&amp;", "&")

    page = client.get(url).text

    assert 'data-testid="faq-solved-button"' in page
    assert 'id="faq-solved-button"' in page
    assert 'name="topic" value="payment_failed"' in page
    assert 'data-testid="faq-continue-request"' in page
    assert 'href="/tickets/new/payment_failed/"' in page
    assert Deflection.objects.filter(kind="opened", article__slug=ANSWER).count() == 1


def test_it_does_not_count_an_article_opened_from_elsewhere(client, seeded_faq):
    page = client.get(reverse("faq:article", args=[ANSWER])).text

    assert "faq-solved-button" not in page
    assert not Deflection.objects.exists()


def test_it_ends_the_journey_when_the_customer_says_the_article_solved_it(client, seeded_faq):
    tickets_before = Ticket.objects.count()
    link = suggested_links(suggest(client, SUBJECT))[0].replace("&amp;", "&")
    client.get(link)

    response = client.post(
        reverse("faq:solved", args=[ANSWER]), {"topic": "payment_failed"}, follow=True
    )

    assert response.redirect_chain == [(f"/help/solved/?article={ANSWER}", 302)]
    assert 'data-testid="faq-solved-thanks"' in response.text
    assert 'href="/" data-testid="faq-back-home"' in response.text
    solved = Deflection.objects.get(kind="solved")
    assert solved.article.slug == ANSWER
    assert solved.ticket_category == "payment_failed"
    assert Ticket.objects.count() == tickets_before
    # It also counts as a helpful vote.
    assert ArticleFeedback.objects.get(article=solved.article).helpful is True


def test_it_counts_solved_once_per_customer_and_article(client, seeded_faq):
    for _ in range(3):
        client.post(reverse("faq:solved", args=[ANSWER]), {"topic": "payment_failed"})

    assert Deflection.objects.filter(kind="solved").count() == 1
    assert Article.objects.get(slug=ANSWER).helpful_yes_count == 1


def test_it_takes_solved_only_as_a_post_for_a_published_article(client, seeded_faq):
    assert client.get(reverse("faq:solved", args=[ANSWER])).status_code == 405
    Article.objects.filter(slug=ANSWER).update(status=Article.Status.DRAFT)
    assert client.post(reverse("faq:solved", args=[ANSWER])).status_code == 404


def _request_with_session_of(client):
    """The ticket form's POST from the same browser: it carries the FAQ's visitor cookie."""
    request = RequestFactory().post("/tickets/new/payment_failed/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return request


def test_it_counts_a_ticket_submitted_after_suggestions(client, seeded_faq, customer):
    suggest(client, SUBJECT)
    ticket = TicketFactory(requester=customer.contact)

    assert record_ticket_submitted(_request_with_session_of(client), ticket) is True

    event = Deflection.objects.get(kind="ticket_submitted")
    assert event.ticket == ticket
    assert event.ticket_category == "payment_failed"
    assert event.session == Deflection.objects.filter(kind="shown").first().session


def test_it_counts_a_ticket_only_once(client, seeded_faq, customer):
    suggest(client, SUBJECT)
    ticket = TicketFactory(requester=customer.contact)
    record_ticket_submitted(_request_with_session_of(client), ticket)

    assert record_ticket_submitted(_request_with_session_of(client), ticket) is False
    assert Deflection.objects.filter(kind="ticket_submitted").count() == 1


def test_it_does_not_count_a_ticket_when_no_articles_were_suggested(client, customer):
    client.get(reverse("faq:index"))
    ticket = TicketFactory(requester=customer.contact)

    assert record_ticket_submitted(_request_with_session_of(client), ticket) is False
    assert not Deflection.objects.exists()


def test_it_limits_how_often_one_customer_asks_for_suggestions(client, seeded_faq):
    per_session = int(RATES["faq-suggest"][1].split("/")[0])
    # All in one minute's window: on a busy machine the requests could straddle two.
    with time_machine.travel(timezone.now(), tick=False):
        suggest(client, SUBJECT)  # sets the visitor cookie the limit counts
        for _ in range(per_session):
            assert suggest(client, SUBJECT).status_code == 200

        assert suggest(client, SUBJECT).status_code == 429


# The report


def _journey(session: str, topic: str, *kinds: str, article=None, days_ago: int = 1) -> None:
    at = timezone.now() - timedelta(days=days_ago)
    for kind in kinds:
        Deflection.objects.create(
            kind=kind,
            session=session,
            ticket_category=topic,
            article=None if kind == "ticket_submitted" else article,
            language="id",
            created_at=at,
        )


@pytest.fixture
def journeys():
    article = ArticleFactory(
        slug="deducted",
        category=FaqCategoryFactory(ticket_category="payment_failed"),
        texts={"en": ("Balance deducted", "x")},
    )
    _journey("s1", "payment_failed", "shown", "opened", "solved", article=article)
    _journey("s2", "payment_failed", "shown", "ticket_submitted", article=article)
    # Solved, then filed a ticket anyway: not deflected.
    _journey(
        "s3", "payment_failed", "shown", "opened", "solved", "ticket_submitted", article=article
    )
    _journey("s4", "refund", "shown", article=article)
    # Solved without having been suggested anything: not a ticket-form journey.
    _journey("s5", "payment_failed", "solved", article=article)
    _journey("old", "payment_failed", "shown", "solved", article=article, days_ago=40)
    return article


def test_the_report_counts_journeys_and_the_deflection_rate_per_ticket_category(journeys):
    report = deflection_report(since=timezone.now() - timedelta(days=30))

    rows = {row.ticket_category: row for row in report.categories}
    payments = rows["payment_failed"]
    assert (payments.journeys, payments.opened, payments.solved, payments.submitted) == (3, 2, 2, 2)
    assert payments.deflected == 1
    assert payments.rate == pytest.approx(1 / 3)
    assert rows["refund"].journeys == 1
    assert rows["refund"].rate == 0
    assert rows["complaint"].rate is None
    assert report.total.journeys == 4
    [top] = report.top_articles
    assert (top.slug, top.shown, top.opened, top.solved) == ("deducted", 4, 2, 3)


def test_the_report_page_shows_rates_and_top_articles_to_a_lead(client, lead, journeys):
    client.force_login(lead)

    response = client.get(reverse("faq:report"), {"days": 90}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    row = re.search(
        r'data-ticket-category="payment_failed">(.*?)</tr>', response.text, re.DOTALL
    ).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["4", "2", "3", "2", "50%"]
    assert 'href="/help/articles/deducted/"' in response.text


@pytest.mark.parametrize(("persona", "status"), [("agent", 403), ("customer", 403)])
def test_the_report_is_only_for_leads_and_admins(client, request, persona, status, admin_user):
    assert client.get(reverse("faq:report")).status_code == 302
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("faq:report")).status_code == status
    client.force_login(admin_user)
    assert client.get(reverse("faq:report")).status_code == 200


def test_it_never_creates_a_django_session_for_an_anonymous_customer(client, seeded_faq):
    # The visitor id is a cookie of its own: typing a subject must not write a session row.
    from django.contrib.sessions.models import Session

    suggest(client, SUBJECT)
    client.post(reverse("faq:solved", args=[ANSWER]), {"topic": "payment_failed"})

    assert Session.objects.count() == 0
    cookie = client.cookies["faq_visitor"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_it_ignores_a_forged_visitor_cookie(client, seeded_faq):
    client.cookies["faq_visitor"] = "a" * 32

    suggest(client, SUBJECT)

    assert {session for session, _slug in shown()} != {"a" * 32}

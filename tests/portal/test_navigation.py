"""The header on every customer page: signed out, "Contact us", "My requests" (the page that
emails a link to a request) and "Sign in"; signed in, "Contact us", "My requests" and "Sign out".
The page being shown is marked for screen readers (aria-current); the language switch stays."""

import re

import pytest

pytestmark = pytest.mark.django_db


def navigation(client, path: str) -> dict[str, tuple[str, bool]]:
    """The header: {text: (address, current page?)} per link, {text: ("", False)} per button."""
    html = client.get(path).content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    links = {
        text.strip(): (href, current == 'aria-current="page"')
        for href, current, text in re.findall(
            r'<a href="([^"]+)"\s*(aria-current="page")?>([^<]+)</a>', nav
        )
    }
    buttons = {text.strip(): ("", False) for text in re.findall(r"<button[^>]*>([^<]+)<", nav)}
    assert 'id="language-select"' in html
    return links | buttons


def test_a_guest_can_contact_us_find_their_request_or_sign_in(client):
    assert navigation(client, "/") == {
        "Contact us": ("/tickets/new/", False),
        "My requests": ("/tickets/link/", False),
        "Sign in": ("/accounts/login/", False),
    }


def test_a_guests_my_requests_is_the_page_that_emails_their_link_and_says_so(client):
    assert navigation(client, "/tickets/link/")["My requests"] == ("/tickets/link/", True)
    html = client.get("/tickets/link/").content.decode()
    assert "We will email you a new private link." in html
    assert 'href="/accounts/login/?next=/requests/"' in html


def test_a_signed_in_customer_sees_their_requests_and_can_sign_out(client, customer):
    client.force_login(customer)

    assert navigation(client, "/requests/") == {
        "Contact us": ("/tickets/new/", False),
        "My requests": ("/requests/", True),
        "Sign out": ("", False),
    }
    html = client.get("/").content.decode()
    assert re.search(r'<form action="/accounts/logout/" method="post">', html)


@pytest.mark.parametrize(
    ("path", "current"),
    [("/tickets/new/", "Contact us"), ("/accounts/login/", "Sign in"), ("/", None)],
)
def test_the_page_being_shown_is_marked_current(client, path, current):
    marked = [text for text, (_href, is_current) in navigation(client, path).items() if is_current]

    assert marked == ([current] if current else [])


def test_the_header_speaks_the_visitors_language(client):
    html = client.get("/", headers={"Accept-Language": "id"}).content.decode()

    assert "Hubungi kami" in html


def test_the_way_back_to_a_request_is_near_the_top_of_the_help_centre(client):
    html = client.get("/").content.decode()

    near_top = html.index('id="returning"')
    assert near_top < html.index('id="topics-heading"')
    assert 'href="/tickets/link/"' in html[near_top : html.index('id="topics-heading"')]

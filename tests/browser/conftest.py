import pytest

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def site(live_server, settings):
    """The app served on a real port (tests using it are transactional), which the links it
    shows and sends (built from SITE_URL, never the request's Host) point at."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def phone(browser):
    """A phone browser whose owner reads Bahasa Indonesia."""
    context = browser.new_context(**PHONE, locale="id-ID")
    yield context
    context.close()

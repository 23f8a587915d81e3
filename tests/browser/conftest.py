import socket
import threading
import time

import pytest
from django.core.cache import cache

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every browser comes from 127.0.0.1, and the per-address limits (forms, sign-in) count in
    the cache: one test's posts must not use up the next one's."""
    cache.clear()


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


class LiveSite(str):
    """The address of a live_site (use it like `site`: live_site + "/staff/"), plus
    in_thread() for changes a test makes itself."""

    def in_thread(self, function, /, *args, **kwargs):
        """Run `function` in a thread of its own and return what it returns (or raise what it
        raised). A change made on the test's own thread is saved but never announced: Playwright
        keeps an event loop running there, where tickets.live cannot reach the channel layer."""
        from django.db import connections

        outcome = {}

        def run():
            try:
                outcome["value"] = function(*args, **kwargs)
            except BaseException as error:
                outcome["error"] = error
            finally:
                connections.close_all()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(30)
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")


@pytest.fixture
def live_site(transactional_db, settings):
    """The whole ASGI application (helpdesk/asgi.py: pages and the live WebSocket at
    /staff/live/) served by uvicorn, as in production, on a free port in a thread of this
    process, against the test database. Like `site`, it sets SITE_URL and returns the address.

    The channel layer is the one the settings name: Redis (pub/sub) when REDIS_URL is set, so
    changes made by the server, by live_site.in_thread() or by a live_worker all reach the
    pages; the in-memory layer otherwise, which only carries what the server itself publishes.
    Staff sign in with staff_context(user). Changes made by the test on its own thread are not
    announced (see LiveSite.in_thread)."""
    import uvicorn
    from channels.layers import channel_layers
    from django.db import connections

    from helpdesk.asgi import application

    settings.SITE_URL = "http://127.0.0.1"  # set below, with the port
    # The server's threads must not keep connections past a request: the database is flushed
    # after the test and dropped after the session.
    ages = {conn.alias: conn.settings_dict.get("CONN_MAX_AGE") for conn in connections.all()}
    for conn in connections.all():
        conn.settings_dict["CONN_MAX_AGE"] = 0
    channel_layers.backends.clear()  # one built for an earlier test's event loop or settings

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application,
            lifespan="off",
            access_log=False,
            log_level="warning",
            ws="auto",
            # As deploy/gunicorn.conf.py: the client's address is Django's to read.
            proxy_headers=False,
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started or not thread.is_alive():
            break
        time.sleep(0.025)
    if not server.started:
        pytest.fail("the live site did not start")
    url = f"http://127.0.0.1:{port}"
    settings.SITE_URL = url
    yield LiveSite(url)
    server.should_exit = True
    thread.join(10)
    listener.close()
    channel_layers.backends.clear()
    for conn in connections.all():
        conn.settings_dict["CONN_MAX_AGE"] = ages.get(conn.alias, 0)


@pytest.fixture
def staff_context(browser, client_factory):
    """staff_context(user, **context_options): a browser context for live_site signed in as `user`
    (a session made with force_login; no second factor, as everywhere in the suite), at 1440x900
    in English unless told otherwise. Closed after the test."""
    contexts = []

    from django.conf import settings

    def make(user, **options):
        client = client_factory()
        client.force_login(user)
        context = browser.new_context(
            **{"viewport": {"width": 1440, "height": 900}, "locale": "en-GB", **options}
        )
        name = settings.SESSION_COOKIE_NAME
        cookie = {"name": name, "value": client.cookies[name].value, "path": "/"}
        # live_site serves on 127.0.0.1.
        context.add_cookies([{**cookie, "domain": "127.0.0.1"}])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()

"""The anonymous id that ties a visitor's votes and deflection journey together.

A random value in its own signed cookie, not in the Django session: a customer typing a ticket
subject would otherwise get a session row (a read, an insert and a flushed commit) just so the
FAQ can remember an id, millions of rows a month for a large wallet. The cookie lives as long as
a session would (SESSION_COOKIE_AGE), is HttpOnly and follows SESSION_COOKIE_SECURE. Rows store
this id, never a session key, so they cannot be used to take over a session.

Views that may create the id are wrapped in @remembers_visitor, which sets the cookie.
"""

import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "faq_visitor"
COOKIE_SALT = "faq.visitors"
ID_LENGTH = 32  # hex characters


def visitor_id(request: HttpRequest, *, create: bool = False) -> str | None:
    """This visitor's id; with `create`, a new one when the request has none (the response of a
    @remembers_visitor view then sets the cookie)."""
    value = getattr(request, "_faq_visitor", None)
    if value is None:
        try:
            value = request.get_signed_cookie(
                COOKIE_NAME, salt=COOKIE_SALT, max_age=settings.SESSION_COOKIE_AGE
            )
        except (KeyError, BadSignature):
            value = None
        if value is not None and (len(value) != ID_LENGTH or not value.isalnum()):
            value = None
        request._faq_visitor = value
    if value is None and create:
        value = request._faq_visitor = secrets.token_hex(ID_LENGTH // 2)
        request._faq_visitor_is_new = True
    return value


def set_visitor_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Set the visitor cookie on `response` when this request created the visitor's id."""
    if getattr(request, "_faq_visitor_is_new", False):
        response.set_signed_cookie(
            COOKIE_NAME,
            request._faq_visitor,
            salt=COOKIE_SALT,
            max_age=settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def remembers_visitor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Set the visitor cookie on the response when the view created the visitor's id."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return set_visitor_cookie(request, view(request, *args, **kwargs))

    return wrapper

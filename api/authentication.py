"""How API callers say who they are (README "API"):

- the browser's session (DRF checks the CSRF token on every write);
- an API key, `Authorization: Bearer hd_...`, created in the admin, acting as its owner;
- a guest's signed link token, `Authorization: GuestLink <token>`: that one ticket only (and the
  ticket it was merged into), exactly what the link opens on the web.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tickets import links, second_factor
from tickets.access import Viewer
from tickets.models import Ticket

from .models import KEY_PREFIX, ApiKey

# last_used_at is written at most this often per key: a busy script must not write every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PREFIX_LENGTH = len(KEY_PREFIX) + 8


def _credentials(request, scheme: str) -> str | None:
    parts = authentication.get_authorization_header(request).split()
    if not parts or parts[0].lower() != scheme.lower().encode():
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
    try:
        return parts[1].decode()
    except UnicodeDecodeError:
        raise exceptions.AuthenticationFailed(_("Malformed Authorization header.")) from None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw = _credentials(request, "Bearer")
        if raw is None:
            return None
        # hd_<8 hex>_<secret>; the secret itself may contain "_".
        prefix = raw[:PREFIX_LENGTH] if raw[PREFIX_LENGTH : PREFIX_LENGTH + 1] == "_" else ""
        key = ApiKey.objects.usable().select_related("user").filter(prefix=prefix).first()
        if key is None or not key.matches(raw):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        now = timezone.now()
        ApiKey.objects.filter(pk=key.pk).exclude(
            last_used_at__gt=now - LAST_USED_RESOLUTION
        ).update(last_used_at=now)
        return key.user, key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


@dataclass(frozen=True)
class GuestGrant:
    """request.auth of a guest link: the ticket and requester the link names."""

    grant: links.Grant


class GuestLinkAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        token = _credentials(request, "GuestLink")
        if token is None:
            return None
        try:
            grant = links.read_token(token)
        except links.LinkExpired:
            raise exceptions.AuthenticationFailed(
                _("This link has expired. Ask for a fresh one by email.")
            ) from None
        except links.LinkInvalid:
            raise exceptions.AuthenticationFailed(_("This link is not valid.")) from None
        if not Ticket.objects.filter(pk=grant.ticket_id, requester_id=grant.contact_id).exists():
            raise exceptions.AuthenticationFailed(_("This link is not valid."))
        return AnonymousUser(), GuestGrant(grant)

    def authenticate_header(self, request) -> str:
        return 'GuestLink realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, unless it is a staff member's that still owes its second factor
    (STAFF_TWO_FACTOR): such a session reads and changes nothing here, as on the staff pages."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and second_factor.pending(found[0]) is not None:
            raise exceptions.AuthenticationFailed(
                _("Finish signing in: enter the code from your authenticator app first.")
            )
        return found


def viewer_of(request) -> Viewer:
    """The access.Viewer of an API request: its user, plus the ticket a guest link grants."""
    if isinstance(request.auth, GuestGrant):
        grant = request.auth.grant
        return Viewer(request.user, {grant.ticket_id: grant.contact_id})
    return Viewer(request.user)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key created in the admin (API keys), sent as "
            "`Authorization: Bearer hd_...`. It acts as its owner, within its scopes "
            "(read: GET; write: POST and PATCH).",
        }


class GuestLinkScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.GuestLinkAuthentication"
    name = "guestLink"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A guest's signed ticket link token (from the email or the answer "
            "to an anonymous ticket creation), sent as `Authorization: GuestLink <token>`. "
            "It opens that one ticket.",
        }


class VerifiedSessionScheme(SessionScheme):
    target_class = "api.authentication.SessionAuthentication"

"""The client's address: from X-Forwarded-For only when a trusted proxy says it.

Rate limits, sign-in lock-outs (django-axes) and logs all read REMOTE_ADDR. Behind nginx that is
nginx's own address, so one customer's failed sign-ins counted against everybody, and anyone
could lock an agent out (README "Security"). This middleware, first in MIDDLEWARE, puts the
client's address in REMOTE_ADDR: the right-most address in X-Forwarded-For that is not one of
TRUSTED_PROXIES, when the request came from one of them. A header the client wrote itself
never counts: nginx appends the address it saw, and only what trusted proxies appended is read.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: list[str]) -> list[Network]:
    """TRUSTED_PROXIES entries: addresses or networks ("10.0.0.0/8"); raises ValueError."""
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip()]


@cache
def _trusted(networks: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(parse_networks(list(networks)))


def is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(meta: dict) -> str:
    """The client's address for this request's META (see the module doc)."""
    peer = meta.get("REMOTE_ADDR", "")
    if not is_trusted(peer):
        return peer
    client = peer
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address: the client wrote it, and anything left of it too
        client = hop
        if not is_trusted(hop):
            break
    return client


class ClientAddressMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        peer = request.META.get("REMOTE_ADDR", "")
        request.META["REMOTE_ADDR"] = client_address(request.META)
        if not is_trusted(peer) and settings.TRUSTED_PROXIES:
            # Only a trusted proxy says whether the client used HTTPS.
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


def request_address(request: HttpRequest) -> str:
    """For django-axes (AXES_CLIENT_IP_CALLABLE): the address the middleware above settled."""
    return request.META.get("REMOTE_ADDR", "")

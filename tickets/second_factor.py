"""Staff's second factor at sign-in (STAFF_TWO_FACTOR, README "Security"): who must give one,
what a signed-in session still owes, and checking a code.

A staff member's second factor is an authenticator app (a django-otp TOTP device) plus one-time
recovery codes (a static device). The staff pages, the admin and the API's session
authentication all ask `pending(user)`, so the rule lives in this one place.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles

log = logging.getLogger(__name__)

REQUIRED = "required"
LEADS = "leads"
OFF = "off"

# What a signed-in staff member still has to do before any staff page.
VERIFY = "verify"
ENROL = "enrol"

RECOVERY_CODE_COUNT = 10


def required_for(user) -> bool:
    """Whether STAFF_TWO_FACTOR makes this user set up a second factor."""
    policy = settings.STAFF_TWO_FACTOR
    if policy == REQUIRED:
        return roles.is_staff_member(user)
    if policy == LEADS:
        return roles.is_lead(user)
    return False


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_authenticator(user) -> bool:
    """Read once per user object, like its roles."""
    cached = getattr(user, "_has_authenticator", None)
    if cached is None:
        cached = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._has_authenticator = cached
    return cached


def is_verified(user) -> bool:
    # OTPMiddleware gives request.user is_verified(); a user loaded elsewhere has none.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def pending(user) -> str | None:
    """VERIFY when a signed-in staff member has an authenticator but this session has not given
    its code yet, ENROL when they must set one up and have none, else None. An agent who set one
    up although STAFF_TWO_FACTOR=leads does not require it is asked for it too."""
    if settings.STAFF_TWO_FACTOR == OFF or user is None or not user.is_authenticated:
        return None
    if not roles.is_staff_member(user) or is_verified(user):
        return None
    if has_authenticator(user):
        return VERIFY
    if required_for(user):
        return ENROL
    return None


# Checking a code


class Throttled(Exception):
    """Too many wrong codes in a row: no code is checked until `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until

    @property
    def seconds(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds()) + 1)


def normalise(code: str) -> str:
    """Codes are read with the spaces, dashes and capitals people type."""
    return "".join(code.split()).replace("-", "").lower()


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice | StaticDevice
    recovery_code: bool


def check_code(user, code: str) -> Verified | None:
    """The device that `code` (an authenticator code or an unused recovery code) verifies, else
    None. Raises Throttled while the devices refuse codes after wrong ones. A recovery code works
    once: it is deleted, and only the request whose DELETE removed it is verified."""
    code = normalise(code)
    with transaction.atomic():
        # Locked: two requests with one code cannot both pass, nor both count one failure.
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        for device in (totp, static):
            if device is not None:
                allowed, info = device.verify_is_allowed()
                if not allowed:
                    raise Throttled(info["locked_until"])
        # Authenticator codes are 6 digits; recovery codes 8 letters and digits.
        app_code = code.isdigit() and len(code) == 6
        if totp is not None and app_code and totp.verify_token(code):
            if static is not None:
                static.throttle_reset()
            return Verified(totp, recovery_code=False)
        used = static is not None and not app_code
        if used and StaticToken.objects.filter(device=static, token=code).delete()[0] == 1:
            static.throttle_reset(commit=False)
            static.set_last_used_timestamp(commit=False)
            static.save()
            if totp is not None:
                totp.throttle_reset()
            return Verified(static, recovery_code=True)
        # A wrong code of either kind slows down both devices.
        for device in (totp, static):
            # (verify_token counted its own failure.)
            if device is not None and not (device is totp and app_code):
                device.throttle_increment()
    return None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """RECOVERY_CODE_COUNT fresh codes; the earlier ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Recovery codes"}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: kept unconfirmed across reloads of the enrolment page, so
    its QR code stays the same until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def confirm_authenticator(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the authenticator being set up when `code` is its current one: it replaces any
    earlier one, and the recovery codes are made anew (returned). None for a wrong code; raises
    Throttled like check_code."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            raise Throttled(info["locked_until"])
        if not device.verify_token(normalise(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        user._has_authenticator = True
        return new_recovery_codes(user)

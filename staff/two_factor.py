"""Two-step sign-in of the staff (the rules are in tickets/second_factor.py): the code step after
the password (staff and admin sign-in alike), setting up an authenticator app, and the recovery
codes page. Pages that show a secret or codes are never cached."""

import logging
from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_ratelimit.core import is_ratelimited

from branding.brand import current_brand
from tickets import roles, second_factor
from tickets.second_factor import ENROL, VERIFY, Throttled

log = logging.getLogger(__name__)

# Code attempts per client address, as many as password attempts at the staff sign-in; each
# device also refuses codes for a doubling time after wrong ones (OTP_*_THROTTLE_FACTOR).
CODE_RATE = "30/h"
# The recovery codes just made, shown once by the next page drawn.
NEW_CODES_KEY = "two_factor_new_codes"


def step_url(step: str, next_url: str) -> str:
    """The page where a staff member owing `step` (VERIFY or ENROL) goes, coming back to next."""
    name = "staff-two-factor-code" if step == VERIFY else "staff-two-factor-enrol"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _too_many(request: HttpRequest) -> bool:
    return is_ratelimited(
        request, group="staff-two-factor", key="ip", rate=CODE_RATE, method="POST", increment=True
    )


def _throttled_message(throttled: Throttled) -> str:
    return ngettext(
        "Too many wrong codes. Wait %(seconds)s second, then try again.",
        "Too many wrong codes. Wait %(seconds)s seconds, then try again.",
        throttled.seconds,
    ) % {"seconds": throttled.seconds}


TOO_MANY_FROM_ADDRESS = gettext_lazy(
    "Too many codes were tried from your network. Wait an hour, then try again."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=16,
        help_text=gettext_lazy("The 6 digits it shows now, to confirm it is set up."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


def _signed_in_staff(request: HttpRequest) -> bool:
    return request.user.is_authenticated and roles.is_staff_member(request.user)


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('staff-login')}?{urlencode({'next': request.get_full_path()})}")


@never_cache
@require_http_methods(["GET", "POST"])
def code_step(request: HttpRequest) -> HttpResponse:
    """After the password: the authenticator's code, or a recovery code."""
    if not _signed_in_staff(request):
        return _to_sign_in(request)
    user = request.user
    next_url = _next(request, reverse("staff-dashboard"))
    step = second_factor.pending(user)
    if step is None:
        return redirect(next_url)
    if step == ENROL:
        return redirect(step_url(ENROL, next_url))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _too_many(request):
            log.warning(
                "Sign-in code refused: too many from %s (user %s)", _address(request), user.pk
            )
            form.add_error(None, TOO_MANY_FROM_ADDRESS)
            status = 429
        else:
            try:
                verified = second_factor.check_code(user, form.cleaned_data["code"])
            except Throttled as throttled:
                log.warning(
                    "Sign-in code refused: user %s is throttled (from %s)",
                    user.pk,
                    _address(request),
                )
                form.add_error("code", _throttled_message(throttled))
                status = 429
            else:
                if verified is not None:
                    # A new session key for the session that now counts as fully signed in.
                    request.session.cycle_key()
                    otp_login(request, verified.device)
                    if verified.recovery_code:
                        left = second_factor.recovery_codes_left(user)
                        messages.warning(
                            request,
                            ngettext(
                                "You signed in with a recovery code: %(count)s is left.",
                                "You signed in with a recovery code: %(count)s are left.",
                                left,
                            )
                            % {"count": left},
                        )
                    return redirect(next_url)
                # Never the code itself: who, and from where.
                log.warning("Wrong sign-in code for user %s from %s", user.pk, _address(request))
                form.add_error(
                    "code",
                    _(
                        "That code is not right. Check that your phone's clock is right, or use "
                        "a recovery code."
                    ),
                )
    return render(
        request,
        "staff/two_factor_code.html",
        {"form": form, "next": next_url},
        status=status,
    )


def _otpauth_url(device, issuer: str) -> str:
    """The otpauth:// URI authenticator apps read from the QR code (Google's Key URI format)."""
    issuer = issuer.replace(":", "").strip() or "Helpdesk"
    params = {
        "secret": b32encode(device.bin_key).decode(),
        "issuer": issuer,
        "algorithm": "SHA1",
        "digits": device.digits,
        "period": device.step,
    }
    label = quote(f"{issuer}:{device.user.email}")
    return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code.
    A new one replaces the old one; a session that has not given its code cannot replace it."""
    if not _signed_in_staff(request):
        return _to_sign_in(request)
    user = request.user
    next_url = _next(request, reverse("staff-two-factor"))
    if second_factor.pending(user) == VERIFY:
        return redirect(step_url(VERIFY, next_url))
    device = second_factor.pending_authenticator(user)
    form = ConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _too_many(request):
            form.add_error(None, TOO_MANY_FROM_ADDRESS)
            status = 429
        else:
            try:
                codes = second_factor.confirm_authenticator(user, device, form.cleaned_data["code"])
            except Throttled as throttled:
                form.add_error("code", _throttled_message(throttled))
                status = 429
            else:
                if codes is not None:
                    device.refresh_from_db()
                    otp_login(request, device)
                    request.session[NEW_CODES_KEY] = codes
                    messages.success(request, _("Your authenticator app is set up."))
                    shown_once = f"{reverse('staff-two-factor')}?{urlencode({'next': next_url})}"
                    return redirect(shown_once)
                log.warning(
                    "Wrong code while setting up an authenticator: user %s from %s",
                    user.pk,
                    _address(request),
                )
                form.add_error(
                    "code",
                    _("That code is not right. Check that your phone's clock is right."),
                )
    url = _otpauth_url(device, current_brand().name)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "staff/two_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            # An <img> with a data: URI: the Content-Security-Policy allows data: images only.
            "qr_code": segno.make(url, error="m").svg_data_uri(scale=5, border=2),
            # In groups of four, as apps show and people type it.
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": second_factor.required_for(user),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Two-step sign-in at a glance: the authenticator, how many recovery codes are left, new
    ones (which void the old) shown once."""
    if not _signed_in_staff(request):
        return _to_sign_in(request)
    user = request.user
    authenticator = second_factor.authenticator_of(user)
    if request.method == "POST":
        if authenticator is None:
            return redirect("staff-two-factor")
        request.session[NEW_CODES_KEY] = second_factor.new_recovery_codes(user)
        messages.success(request, _("New recovery codes made. The old ones no longer work."))
        return redirect("staff-two-factor")
    new_codes = request.session.pop(NEW_CODES_KEY, None)
    return render(
        request,
        "staff/two_factor.html",
        {
            "authenticator": authenticator,
            "new_codes": new_codes,
            "codes_left": second_factor.recovery_codes_left(user),
            "required": second_factor.required_for(user),
            "next": _next(request, ""),
        },
    )

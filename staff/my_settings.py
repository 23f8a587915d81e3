"""An agent's own settings: language and time zone (this page) beside their email
notifications (notifications.views.preferences, which the page embeds and posts to)."""

from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.views import PreferenceForm
from tickets.models import NotificationPreference, User

from .views import staff_required

# Offered first: where the support teams and most customers are (WIB, WITA, WIT), then the
# neighbours agents work from. Every other IANA zone follows, sorted.
COMMON_TIME_ZONES = (
    "Asia/Jakarta",
    "Asia/Makassar",
    "Asia/Jayapura",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Europe/London",
    "UTC",
)


def time_zone_choices() -> list:
    common = [(zone, zone) for zone in COMMON_TIME_ZONES]
    rest = sorted(available_timezones() - set(COMMON_TIME_ZONES))
    return [
        (gettext_lazy("Common"), common),
        (gettext_lazy("All time zones"), [(zone, zone) for zone in rest]),
    ]


class MySettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=time_zone_choices,
        help_text=gettext_lazy("Dates and SLA deadlines on staff pages are shown in it."),
    )

    class Meta:
        model = User
        fields = ["language", "time_zone"]
        labels = {"language": gettext_lazy("Language")}


@staff_required
def my_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = MySettingsForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings are saved."))
        response = redirect("staff-my-settings")
        # The switcher's cookie would otherwise keep the old language (ProfileLanguageMiddleware).
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        translation.activate(user.language)
        return response
    current = NotificationPreference.objects.filter(user=user).first()
    email_form = PreferenceForm(instance=current or NotificationPreference(user=user))
    status = 400 if form.errors else 200
    return render(
        request, "staff/my_settings.html", {"form": form, "email_form": email_form}, status=status
    )

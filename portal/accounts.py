from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login, password_validation
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_ratelimit.decorators import ratelimit

from notifications import outbox
from tickets import accounts
from tickets.models import Notification, User

from . import registration


class SignUpForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


@sensitive_post_parameters("password1", "password2")
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("my-requests")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not getattr(request, "limited", False):
            registration.sign_up(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                language=get_language(),
            )
        return render(request, "accounts/check_email.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/sign_up.html", {"form": form})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = accounts.verify_email(token)
    except accounts.VerificationFailed:
        return render(request, "accounts/verify_failed.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your email is verified. Welcome!"))
    return redirect("my-requests")


@method_decorator(ratelimit(key="ip", rate="30/h", method="POST", block=True), name="post")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with its email written to the outbox instead of sent in the request: an
    SMTP outage delays the email, it does not lose it or fail the page. The link is made when
    the email is sent, from SITE_URL, never from the request's Host header (a forged Host must
    not send a customer a reset link to somebody else's site)."""

    def get_users(self, email):
        """Django's, with the lookup its index serves (LOWER(email)); Django's own is not."""
        users = User.objects.filter(email__lower=email.lower(), is_active=True)
        return (user for user in users if user.has_usable_password())

    def save(self, **kwargs) -> None:
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                outbox.notify_account(
                    user=user,
                    template=Notification.Template.PASSWORD_RESET,
                    language=get_language(),
                )


@method_decorator(ratelimit(key="ip", rate="10/h", method="POST", block=True), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (a cookie), also saved on a signed-in user's profile."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES):
        user.language = language
        user.save(update_fields=["language"])
    return response

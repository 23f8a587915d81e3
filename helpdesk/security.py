def axes_username(request, credentials: dict | None) -> str:
    """The sign-in name django-axes counts failures against: Django's form sends the email as
    "username"; lower-cased, so BUDI@ and budi@ share one lockout."""
    credentials = credentials or {}
    value = credentials.get("username") or request.POST.get("username", "")
    return str(value).strip().lower()

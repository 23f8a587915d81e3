"""Customer accounts: sign-up with email verification, and attaching earlier guest tickets.

An account is inactive until its email is verified, so nobody can claim someone else's tickets by
signing up with their address. The answer to a sign-up is the same whether the email is known.
"""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import transaction

from .models import Contact, User

VERIFY_SALT = "accounts.verify-email"
VERIFY_MAX_AGE = timedelta(days=3)


class VerificationFailed(Exception):
    pass


def verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object({"u": user.pk, "e": user.email})


def register(*, email: str, name: str, password: str, language: str) -> tuple[User, bool]:
    """The account for a sign-up, and whether it was verified before. A new address gets an
    inactive account; an unverified one is updated (the latest attempt counts); a verified one
    is left alone: whoever signs up with it must not change its password."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__lower=email).first()
    if user is not None and user.is_active:
        # As long as a new account's hashing: the time taken does not say the address is known.
        make_password(password)
        return user, True
    if user is None:
        user = User.objects.create_user(
            email, password, name=name, language=language, is_active=False
        )
    else:
        user.name, user.language = name, language
        user.set_password(password)
        user.save(update_fields=["name", "language", "password"])
    return user, False


def verify_email(token: str) -> User:
    try:
        payload = signing.TimestampSigner(salt=VERIFY_SALT).unsign_object(
            token, max_age=VERIFY_MAX_AGE
        )
        user = User.objects.get(pk=payload["u"], email=payload["e"])
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist):
        raise VerificationFailed from None
    with transaction.atomic():
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        attach_guest_tickets(user)
    return user


def attach_guest_tickets(user: User) -> Contact:
    """Link the contact with this (verified) email to the user: its tickets become theirs."""
    contact = Contact.objects.filter(email__lower=user.email.lower()).first()
    if contact is None:
        return Contact.objects.create(
            email=user.email, name=user.name, language=user.language, user=user
        )
    if contact.user_id is None:
        contact.user = user
        contact.save(update_fields=["user"])
    return contact

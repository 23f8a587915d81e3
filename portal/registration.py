"""Signing up: the account and its email in one transaction, through the outbox.

The answer to a sign-up is the same whether the address is known; only the email differs (a
verification link, or "you already have an account" with a password reset link).
"""

from django.db import transaction

from notifications import outbox
from tickets import accounts
from tickets.models import Notification


def sign_up(*, email: str, name: str, password: str, language: str) -> None:
    with transaction.atomic():
        user, verified = accounts.register(
            email=email, name=name, password=password, language=language
        )
        outbox.notify_account(
            user=user,
            template=(
                Notification.Template.ACCOUNT_EXISTS
                if verified
                else Notification.Template.VERIFY_EMAIL
            ),
            language=language,
        )

from base64 import b32decode

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from helpdesk.demo_data import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current sign-in code of the demo staff accounts (seed_demo gives them all "
        "the authenticator key DEMO_TOTP_SECRET). For the demo data only."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}")

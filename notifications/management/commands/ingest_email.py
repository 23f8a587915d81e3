"""Read one RFC 822 email on stdin and turn it into a ticket or a reply (docs/design.md section 7).

For a mail server's pipe (README "Notifications and email" has the Postfix lines). The exit code
is what the mail server acts on (sysexits.h):
  0   done: stored, threaded, ignored as automatic, duplicate, or quarantined for a person;
  65  EX_DATAERR: nothing on stdin;
  75  EX_TEMPFAIL: the database is unavailable: keep the message and deliver it again later.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from notifications import inbound
from tickets.models import InboundEmail

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read one email on stdin (from a mail server's pipe) into the helpdesk."
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sender", help="The SMTP envelope sender (Postfix: ${sender}).")
        parser.add_argument(
            "--recipient", help="The SMTP envelope recipient (Postfix: ${original_recipient})."
        )

    def handle(self, *args, sender=None, recipient=None, **options) -> None:
        raw = (options.get("stdin") or sys.stdin.buffer).read()
        if not raw:
            raise CommandError("No message on stdin.", returncode=EX_DATAERR)
        try:
            outcome = inbound.ingest(
                raw,
                source=InboundEmail.Source.PIPE,
                envelope_sender=sender,
                envelope_recipient=recipient or None,
            )
        except inbound.TemporaryFailure as error:
            raise CommandError(
                f"Database unavailable, try again later: {error}", returncode=EX_TEMPFAIL
            ) from None
        self.stdout.write(
            " ".join(part for part in (outcome.status, outcome.reference, outcome.reason) if part)
        )

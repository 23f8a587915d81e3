from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = (
        "Apply the retention policy now (the daily task does it too): delete attachments, "
        "anonymise old closed tickets, purge old audit rows. --dry-run only counts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be done; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        outcome = retention.plan() if dry_run else retention.apply()
        verb = "would be" if dry_run else "were"
        lines = [
            ("attachments", outcome.attachments, "attachments", "deleted"),
            ("tickets", outcome.tickets, "closed tickets", "anonymised"),
            ("audit", outcome.audit_rows, "audit rows", "purged"),
        ]
        for key, count, what, done in lines:
            before = outcome.cutoffs[key].date().isoformat()
            self.stdout.write(f"{what}: {count} {verb} {done} (before {before})")

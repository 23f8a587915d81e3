"""Compile every .po catalogue of the project (locale/ and each app's locale/) to .mo.

Uses GNU gettext's msgfmt through Django's compilemessages when it is installed, and Babel (a
Python package) otherwise, so a fresh machine with only Python gets translated pages too.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

SKIP = {".venv", "node_modules", "var", "staticfiles"}


class Command(BaseCommand):
    help = "Compile the translation catalogues (msgfmt when available, else Babel)."

    def handle(self, *args, **options) -> None:
        if shutil.which("msgfmt"):
            call_command("compilemessages", verbosity=0, ignore_patterns=sorted(SKIP))
            return
        try:
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po
        except ImportError as error:
            raise CommandError(
                "Neither GNU gettext (msgfmt) nor Babel is installed; install one of them."
            ) from error
        root = Path(settings.BASE_DIR)
        count = 0
        for po_path in root.rglob("LC_MESSAGES/*.po"):
            if SKIP & set(po_path.relative_to(root).parts):
                continue
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)
            count += 1
        self.stdout.write(f"Compiled {count} catalogues with Babel.")

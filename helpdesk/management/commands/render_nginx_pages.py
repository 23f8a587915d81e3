"""Write the pages nginx answers by itself into deploy/nginx/errors/<language>/<status>.html.

413 (a request over nginx's body limit), 502 and 503 (the web process down or restarting) never
reach Django, so nginx serves these files, chosen by Accept-Language
(deploy/nginx/default.conf.template). They are rendered here from templates/nginx/ with the
project's translations and committed; tests/deploy/test_nginx_pages.py fails when they differ
from a fresh rendering. Run it after changing those templates or their translations.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template import loader
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tickets.attachments import MAX_BYTES, MAX_FILES

PAGES_DIR = Path(settings.BASE_DIR) / "deploy" / "nginx" / "errors"
STATUSES = ("413", "502", "503")


def render_pages() -> dict[Path, str]:
    """Each page's path relative to PAGES_DIR, and its HTML, in every language of the site."""
    attachment_limits = format_lazy(
        _("Up to {count} screenshots, photos or PDFs, {size} MB each."),
        count=MAX_FILES,
        size=MAX_BYTES // (1024 * 1024),
    )
    pages = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for status in STATUSES:
                html = loader.render_to_string(
                    f"nginx/{status}.html",
                    {"code": status, "attachment_limits": attachment_limits},
                )
                # Without the blank lines the template tags leave.
                lines = (line.rstrip() for line in html.splitlines() if line.strip())
                pages[Path(language) / f"{status}.html"] = "\n".join(lines) + "\n"
    return pages


def _on_disk(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


class Command(BaseCommand):
    help = "Render nginx's own 413, 502 and 503 pages into deploy/nginx/errors/."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail when a committed page differs from a fresh rendering.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        pages = render_pages()
        stale = [path for path, html in pages.items() if _on_disk(PAGES_DIR / path) != html]
        if check:
            if stale:
                names = ", ".join(str(path) for path in stale)
                raise CommandError(f"Out of date: {names}. Run manage.py render_nginx_pages.")
            return
        for path in stale:
            (PAGES_DIR / path).parent.mkdir(parents=True, exist_ok=True)
            (PAGES_DIR / path).write_text(pages[path], encoding="utf-8")
        self.stdout.write(f"{len(stale)} of {len(pages)} pages written to {PAGES_DIR}.")

from django.core.management.base import BaseCommand

from faq.search.indexing import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the FAQ search index: every translation's plain text and search vectors, and "
        "the typo-correction vocabulary (dropping words no article uses any more). Needed after "
        "changing how text is indexed (faq.search.text, the weights) or loading rows without "
        "save(); saving in the admin keeps the index current by itself."
    )

    def handle(self, *args, **options) -> None:
        count = rebuild_index()
        self.stdout.write(f"FAQ search index rebuilt: {count} translations.")

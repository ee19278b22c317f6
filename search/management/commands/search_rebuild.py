import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from search.services import search_index_rebuild, suggestions_rebuild


class Command(BaseCommand):
    help = "Rebuild the search documents, the did-you-mean lexicon and the suggestions from the catalogue."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--suggestions-only",
            action="store_true",
            help="only the as-you-type suggestions (run this hourly; documents and lexicon are "
            "kept current by triggers)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["suggestions_only"]:
            self.stderr.write("Rebuilding suggestions ...")
            suggestions_rebuild()
        else:
            self.stderr.write("Rebuilding search documents, lexicon and suggestions ...")
            search_index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s"))

import time
from typing import Any

from django.core.management.base import BaseCommand

from analytics.services import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute every analytics rollup from the stored view events (in one transaction)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        self.stderr.write("Rebuilding rollups from raw events ...")
        folded = rollups_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Folded {folded} events in {time.monotonic() - started:.1f} s"))

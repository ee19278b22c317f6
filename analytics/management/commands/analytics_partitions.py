from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from analytics.services import partitions_create_ahead


class Command(BaseCommand):
    help = "Create the monthly partitions of the view events ahead of time (ingestion also makes them on demand)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--months-ahead", type=int, default=3)
        parser.add_argument("--months-back", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        months = partitions_create_ahead(
            months_ahead=options["months_ahead"], months_back=options["months_back"]
        )
        self.stdout.write(f"Partitions present for {months[0]:%Y-%m} to {months[-1]:%Y-%m}.")

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from analytics.permissions import ANALYSTS, INGEST


class Command(BaseCommand):
    help = "Add a user to the 'analysts' or 'ingest' group (--revoke takes it away)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("group", choices=[ANALYSTS, INGEST])
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No user {options['username']!r}.") from exc
        group, _ = Group.objects.get_or_create(name=options["group"])
        if options["revoke"]:
            user.groups.remove(group)
            self.stdout.write(f"{user.username} is no longer in {group.name}.")
        else:
            user.groups.add(group)
            self.stdout.write(f"{user.username} is in {group.name}.")

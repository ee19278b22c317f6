#!/usr/bin/env python
import os
import sys
from pathlib import Path

# The development secret that `make run` keeps beside this file (the Makefile writes it once); a real
# deployment sets DJANGO_SECRET_KEY, and the settings refuse to start without one when DJANGO_DEBUG is off.
DEVELOPMENT_SECRET = Path(__file__).resolve().parent / ".secret_key"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # as the Makefile's `?=`: a variable that is set, even to nothing, is left as it is
    if "DJANGO_SECRET_KEY" not in os.environ and DEVELOPMENT_SECRET.is_file():
        os.environ["DJANGO_SECRET_KEY"] = DEVELOPMENT_SECRET.read_text().strip()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

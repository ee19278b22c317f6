"""Fixtures of the search tests that need a catalogue at scale."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

CATALOGUE_VIDEOS = 100_000


@pytest.fixture(scope="module")
def catalogue_100k(django_db_setup, django_db_blocker):
    """A seeded catalogue of 100,000 videos for the tests of one module, emptied after them."""
    with django_db_blocker.unblock():
        call_command("seed", videos=CATALOGUE_VIDEOS, no_progress=True, reset=True)
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE api_comment, api_reaction, api_subscription, api_video, api_channel, "
                "search_document, search_lexicon, search_suggestion, search_suggestion_top, search_language, "
                "analytics_video_trending, analytics_video_daily_engagement CASCADE"
            )
            cursor.execute("DELETE FROM authtoken_token")
            cursor.execute("DELETE FROM auth_user WHERE username LIKE 'seed-%%'")

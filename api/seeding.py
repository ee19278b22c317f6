"""The catalogue's part of the demo data: users, channels, videos, reactions, comments and subscriptions,
realistic and deterministic at any scale, loaded with COPY (the `seed` command of the demo app runs it,
then the search and analytics parts).

Counters are consistent with the rows they count: every like, dislike, comment and subscription counted
on a video or channel is a row. `view_count` is the lifetime count of views, seeded as history.
"""

from __future__ import annotations

import json
import math
import random
from datetime import datetime, timedelta
from itertools import accumulate
from typing import TextIO

from django.db.backends.utils import CursorWrapper
from tqdm import tqdm

from api import seedvocab as vocab
from api.models import VIDEO_WRITABLE_FIELDS

BULK_INDEX_THRESHOLD = 50_000
CHUNK = 10_000
# The columns of video_row's rows: the channel, what its owner writes, then the counters and timestamps.
VIDEO_COLUMNS = (
    "channel_id",
    *VIDEO_WRITABLE_FIELDS,
    "view_count",
    "like_count",
    "dislike_count",
    "comment_count",
    "created_at",
    "updated_at",
)


class CatalogueSeeder:
    """Bulk loads of the catalogue's tables inside the caller's transaction, with the catalogue's
    triggers off (the caller rebuilds what they would have kept: the search index, the counters)."""

    def __init__(self, *, rng: random.Random, now: datetime, progress: bool, stderr: TextIO):
        self.rng = rng
        self.now = now
        self.progress = progress
        self.stderr = stderr

    def seed(self, cursor: CursorWrapper, *, users: int, channels: int, videos: int) -> None:
        cursor.execute("ALTER TABLE api_video DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE api_channel DISABLE TRIGGER USER")
        first_user = self.seed_users(cursor, users)
        channel_rows = self.seed_channels(cursor, channels, first_user, users)
        self.seed_videos(cursor, videos, channel_rows, users)
        self.seed_reactions_and_comments(cursor, first_user, users)
        self.seed_subscriptions(cursor, first_user, users, channel_rows)
        cursor.execute("ALTER TABLE api_video ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE api_channel ENABLE TRIGGER USER")

    def reset(self, cursor) -> None:
        self.log("Deleting the catalogue and seeded users")
        # TRUNCATE fires no row triggers: the likes and comments counted from these rows go with them
        cursor.execute(
            "TRUNCATE api_comment, api_reaction, api_subscription, api_video, api_channel, "
            "analytics_video_daily_engagement CASCADE"
        )
        cursor.execute(
            "DELETE FROM authtoken_token WHERE user_id IN (SELECT id FROM auth_user WHERE username LIKE %s)",
            ["seed-%"],
        )
        cursor.execute("DELETE FROM auth_user WHERE username LIKE %s", ["seed-%"])

    def seed_users(self, cursor, count: int) -> int:
        self.log(f"Users: {count}")
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM auth_user")
        base = cursor.fetchone()[0]
        with cursor.copy(
            "COPY auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined) FROM STDIN"
        ) as copy:
            for i in range(1, count + 1):
                copy.write_row((base + i, "!", False, f"seed-{base + i}", "", "", "", False, True, self.now))
        cursor.execute("SELECT setval(pg_get_serial_sequence('auth_user', 'id'), %s)", [base + count])
        return base + 1

    def seed_channels(
        self, cursor, count: int, first_user: int, users: int
    ) -> list[tuple[int, str, str, float]]:
        """Channels with a language, a main category and a long-tailed share of the uploads."""
        self.log(f"Channels: {count}")
        rng = self.rng
        languages = list(vocab.LANGUAGES)
        language_weights = [vocab.LANGUAGES[lang][0] for lang in languages]
        categories = list(vocab.CATEGORY_WEIGHTS)
        category_weights = list(vocab.CATEGORY_WEIGHTS.values())
        rows = []
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM api_channel")
        base = cursor.fetchone()[0]
        with cursor.copy(
            "COPY api_channel (id, owner_id, handle, name, description, country, subscriber_count, video_count, "
            "created_at) FROM STDIN"
        ) as copy:
            for i in range(1, count + 1):
                language = rng.choices(languages, language_weights)[0]
                category = rng.choices(categories, category_weights)[0]
                topic = rng.choice(vocab.TOPICS[category])[language]
                subject = rng.choice(topic[0])
                name = f"{subject} {rng.choice(vocab.CHANNEL_WORDS[language])}"
                handle = f"{category[:8]}.{language}.{base + i}"
                country = rng.choice(vocab.LANGUAGES[language][1])
                created = self.now - timedelta(days=rng.uniform(400, 4000))
                description = rng.choice(vocab.DESCRIPTION_SENTENCES[language]).format(
                    s=subject, t=topic[1][0]
                )
                owner = first_user + (i - 1) % users
                copy.write_row((base + i, owner, handle, name, description, country, 0, 0, created))
                rows.append((base + i, language, category, rng.paretovariate(1.2)))
        cursor.execute("SELECT setval(pg_get_serial_sequence('api_channel', 'id'), %s)", [base + count])
        return rows

    def seed_videos(self, cursor, count: int, channels: list, users: int) -> None:
        rng = self.rng
        cum_weights = list(accumulate(weight for *_, weight in channels))
        picks = rng.choices(range(len(channels)), cum_weights=cum_weights, k=count)
        max_reactions = min(users, 1_000)
        copy_sql = f"COPY api_video ({', '.join(VIDEO_COLUMNS)}) FROM STDIN"
        with self.bar(count, "Videos") as bar, cursor.copy(copy_sql) as copy:
            for n, pick in enumerate(picks, 1):
                channel_id, language, main_category, _ = channels[pick]
                if rng.random() < 0.1:
                    language = rng.choices(list(vocab.LANGUAGES), [v[0] for v in vocab.LANGUAGES.values()])[0]
                copy.write_row(self.video_row(channel_id, language, main_category, max_reactions))
                if n % CHUNK == 0:
                    bar.update(CHUNK)
            bar.update(count % CHUNK)
        cursor.execute(
            "UPDATE api_channel c SET video_count = v.n FROM "
            "(SELECT channel_id, count(*) AS n FROM api_video GROUP BY channel_id) v WHERE v.channel_id = c.id"
        )

    def video_row(self, channel_id: int, language: str, main_category: str, max_reactions: int) -> tuple:
        """One row of VIDEO_COLUMNS: mostly the channel's category, words of its language, a long tail of
        views."""
        category = (
            main_category
            if self.rng.random() < 0.8
            else self.rng.choices(list(vocab.CATEGORY_WEIGHTS), list(vocab.CATEGORY_WEIGHTS.values()))[0]
        )
        published, title, description, tags = self._video_text(category, language)
        duration, views, likes, dislikes, comments = self._video_counts(published, max_reactions)
        metadata = self._video_metadata(language)
        region = self.rng.choice(vocab.LANGUAGES[language][1])
        return (
            channel_id,
            title,
            description,
            tags,
            category,
            language,
            region,
            duration,
            published,
            metadata,
            views,
            likes,
            dislikes,
            comments,
            published,
            published,
        )

    def _video_text(self, category: str, language: str) -> tuple[datetime, str, str, list[str]]:
        """Publication time, title, description and tags about one subject of the category's topics."""
        rng = self.rng
        subjects, topic_tags = rng.choice(vocab.TOPICS[category])[language]
        subject = rng.choice(subjects)
        published = self.now - timedelta(seconds=int(3 * 365 * 86400 * rng.random() ** 1.6))
        title = rng.choice(vocab.TITLE_TEMPLATES[language]).format(
            s=subject, year=published.year, n=rng.randint(1, 30)
        )
        sentences = rng.sample(
            vocab.DESCRIPTION_SENTENCES[language], k=min(3, len(vocab.DESCRIPTION_SENTENCES[language]))
        )
        tag = rng.choice(topic_tags)
        description = " ".join(s.format(s=subject, t=tag) for s in sentences)
        tags = list(
            dict.fromkeys(
                [subject.lower(), *rng.sample(topic_tags, k=min(len(topic_tags), rng.randint(1, 3)))]
            )
        )
        return published, title, description, tags

    def _video_counts(self, published: datetime, max_reactions: int) -> tuple[int, int, int, int, int]:
        """Duration, then views (Pareto, growing with age, a few viral), likes, dislikes and comments."""
        rng = self.rng
        duration = int(min(86_400, rng.lognormvariate(6.2, 0.9)))
        age_days = max((self.now - published).total_seconds() / 86400, 0.1)
        views = int(rng.paretovariate(0.9) * 40 * min(1.0, math.log1p(age_days) / 3))
        if rng.random() < 0.001:
            views *= 200  # a few go viral
        views = min(views, 500_000_000)
        likes = min(int(views * rng.uniform(0.001, 0.02)), max_reactions)
        dislikes = min(int(likes * rng.uniform(0.0, 0.08)), max_reactions - likes)
        comments = min(int(views * rng.uniform(0.0, 0.002)), 30)
        return duration, views, likes, dislikes, comments

    def _video_metadata(self, language: str) -> str:
        rng = self.rng
        metadata = {
            "definition": rng.choices(["hd", "sd", "4k"], [70, 20, 10])[0],
            "captions": sorted({language, *rng.sample(["en", "ko", "es", "ja"], k=rng.randint(0, 2))}),
            "made_for_kids": rng.random() < 0.06,
            "fps": rng.choices([24, 30, 60], [20, 60, 20])[0],
            "license": rng.choices(["youtube", "creativeCommon"], [92, 8])[0],
        }
        return json.dumps(metadata, ensure_ascii=False)

    def seed_reactions_and_comments(self, cursor, first_user: int, users: int) -> None:
        """Reactions and comments made in SQL from each video's counters, so that counts and rows agree.
        User ids (video*7919 + g) mod users are distinct for g < users: one reaction per user and video."""
        cursor.execute("SELECT min(id), max(id) FROM api_video")
        low, high = cursor.fetchone()
        texts = {lang: vocab.COMMENT_TEXTS[lang] for lang in vocab.COMMENT_TEXTS}
        step = 50_000
        with self.bar(high - low + 1, "Reactions, comments") as bar:
            for start in range(low, high + 1, step):
                end = min(start + step - 1, high)
                cursor.execute(
                    """
                    INSERT INTO api_reaction (video_id, user_id, kind, created_at)
                    SELECT v.id, %(first)s + ((v.id * 7919 + g) %% %(users)s),
                           CASE WHEN g < v.like_count THEN 'like' ELSE 'dislike' END,
                           least(v.published_at + (g + 1) * interval '7 minutes', %(now)s)
                    FROM api_video v, generate_series(0, v.like_count + v.dislike_count - 1) AS g
                    WHERE v.id BETWEEN %(start)s AND %(end)s
                    """,
                    {"first": first_user, "users": users, "start": start, "end": end, "now": self.now},
                )
                cursor.execute(
                    """
                    INSERT INTO api_comment (video_id, author_id, parent_id, text, created_at, updated_at)
                    SELECT v.id, %(first)s + ((v.id * 104729 + g) %% %(users)s), NULL,
                           (%(texts)s::jsonb -> v.language ->> (g %% jsonb_array_length(%(texts)s::jsonb -> v.language))::int),
                           least(v.published_at + (g + 1) * interval '13 minutes', %(now)s),
                           least(v.published_at + (g + 1) * interval '13 minutes', %(now)s)
                    FROM api_video v, generate_series(0, v.comment_count - 1) AS g
                    WHERE v.id BETWEEN %(start)s AND %(end)s
                    """,
                    {
                        "first": first_user,
                        "users": users,
                        "start": start,
                        "end": end,
                        "now": self.now,
                        "texts": json.dumps(texts),
                    },
                )
                bar.update(end - start + 1)

    def seed_subscriptions(self, cursor, first_user: int, users: int, channels: list) -> None:
        """Each user follows a few channels, popular ones more often (never their own)."""
        self.log("Subscriptions")
        rng = self.rng
        cum_weights = list(accumulate(weight for *_, weight in channels))
        with cursor.copy("COPY api_subscription (user_id, channel_id, created_at) FROM STDIN") as copy:
            for user in range(first_user, first_user + users):
                picks = {
                    channels[i][0]
                    for i in rng.choices(range(len(channels)), cum_weights=cum_weights, k=rng.randint(0, 8))
                }
                for channel_id in sorted(picks):
                    copy.write_row((user, channel_id, self.now - timedelta(days=rng.uniform(0, 300))))
        cursor.execute(
            "DELETE FROM api_subscription s USING api_channel c WHERE s.channel_id = c.id AND c.owner_id = s.user_id"
        )
        cursor.execute(
            "UPDATE api_channel c SET subscriber_count = s.n FROM "
            "(SELECT channel_id, count(*) AS n FROM api_subscription GROUP BY channel_id) s WHERE s.channel_id = c.id"
        )

    # bulk-load helpers

    def drop_indexes(self, cursor) -> list[tuple[str, str]]:
        """Secondary indexes of the big tables, dropped for the load and rebuilt once after it: building a
        GIN or B-tree index over sorted input is many times faster than maintaining it row by row."""
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema()
              AND i.tablename IN ('api_video', 'api_comment', 'api_reaction', 'search_document')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
            """
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        return indexes

    def recreate_indexes(self, cursor, indexes: list[tuple[str, str]]) -> None:
        if not indexes:
            return
        with self.bar(len(indexes), "Indexes") as bar:
            for _, definition in indexes:
                cursor.execute(definition)
                bar.update(1)

    def bar(self, total: int, desc: str):
        return tqdm(
            total=total,
            desc=desc,
            unit=" rows" if total > 100 else "",
            disable=not self.progress,
            file=self.stderr,
            mininterval=1.0,
        )

    def log(self, message: str) -> None:
        if self.progress:
            print(message, file=self.stderr, flush=True)

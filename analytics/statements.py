"""The statements of ingestion, written out whole: what runs is what is read here.

Three kinds of statement fold view events into the rollups: ingestion's two folds (FOLD_VIDEOS and
FOLD_CHANNELS, the events a batch's STORE queued), the rebuild (every stored event) and the demo seeder's
bulk path (analytics.seeding). They write the same rollups with the same expressions, and tests hold them
to the same results (a rebuild after ingestion or after seeding changes no rollup row:
analytics/tests/test_ingest.py).

Named parameters throughout: %(decay)s is the trending decay per hour and %(epoch)s its epoch
(analytics.services.DECAY_PER_HOUR, TRENDING_EPOCH).
"""

# The channels' cube (migrations_sql/0035) from a batch's new events, as FOLD_CHANNELS and SEED_STORE write it
# (and ROLLUPS_REBUILD from all events).
CHANNEL_CUBE_WRITE = """
    INSERT INTO analytics_channel_cube AS r (category, day, language, channel_id, views, watch_seconds, duration_seconds)
    SELECT category, day, coalesce(nullif(language, ''), 'zz'), channel_id, count(*), sum(watch_seconds),
           sum(duration_s::float8)
    FROM new_events GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (category, day, language, channel_id) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds,
            duration_seconds = r.duration_seconds + EXCLUDED.duration_seconds"""

# Each channel's totals over all time (migrations_sql/0036), from a batch's new events.
CHANNEL_TOTALS_WRITE = """
    INSERT INTO analytics_channel_totals AS t (channel_id, views, watch_seconds, views_level, watch_level)
    SELECT channel_id, count(*), sum(watch_seconds), analytics_total_level(count(*)),
           analytics_total_level(sum(watch_seconds))
    FROM new_events GROUP BY channel_id ORDER BY channel_id
    ON CONFLICT (channel_id) DO UPDATE
        SET views = t.views + EXCLUDED.views, watch_seconds = t.watch_seconds + EXCLUDED.watch_seconds,
            views_level = analytics_total_level(t.views + EXCLUDED.views),
            watch_level = analytics_total_level(t.watch_seconds + EXCLUDED.watch_seconds)"""

# The rollups' writes of a set of new events, `new_events` (video_id, occurred_at, watch_seconds as
# float8, country, device, viewer_id, position_seconds, and the video's channel_id, category, language,
# tags, duration_s, with the UTC day): every rollup except the realtime ones (REALTIME_WRITES), the
# trending scores and the view counts (COUNTS_WRITES), in two parts that share no table: the rollups of
# each video (VIDEO_ROLLUP_WRITES, folded by FOLD_VIDEOS with the counts and trending) and those of the
# channels, tags and catalogue (CHANNEL_ROLLUP_WRITES, folded by FOLD_CHANNELS). SEED_STORE writes both.
VIDEO_ROLLUP_WRITES = """
viewers AS (
    INSERT INTO analytics_video_daily_viewer (video_id, day, viewer_hash)
    SELECT DISTINCT video_id, day, hashtextextended(viewer_id, 0) FROM new_events WHERE viewer_id IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
),
hourly AS (
    INSERT INTO analytics_video_hourly AS r (video_id, hour, views, watch_seconds)
    SELECT video_id, date_trunc('hour', occurred_at, 'UTC'), count(*), sum(watch_seconds) FROM new_events
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (video_id, hour) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
),
video_cube AS (
    INSERT INTO analytics_video_cube AS r (video_id, day, country, device, channel_id, category, language, views,
                                           watch_seconds, duration_seconds)
    SELECT video_id, day, coalesce(country, 'ZZ'), coalesce(device, 'other'), channel_id, category,
           coalesce(nullif(language, ''), 'zz'), count(*), sum(watch_seconds), count(*) * duration_s::float8
    FROM new_events
    GROUP BY 1, 2, 3, 4, channel_id, category, language, duration_s ORDER BY 1, 2, 3, 4
    ON CONFLICT (video_id, day, country, device) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds,
            duration_seconds = r.duration_seconds + EXCLUDED.duration_seconds
),
retention AS (
    INSERT INTO analytics_video_retention AS r (video_id, day, reached, views)
    SELECT video_id, day, least(10, floor(10 * coalesce(position_seconds, watch_seconds) / duration_s))::smallint,
           count(*)
    FROM new_events WHERE duration_s > 0
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (video_id, day, reached) DO UPDATE SET views = r.views + EXCLUDED.views
)
"""
CHANNEL_ROLLUP_WRITES = """
channel_hourly AS (
    INSERT INTO analytics_channel_hourly AS r (channel_id, hour, views, watch_seconds)
    SELECT channel_id, date_trunc('hour', occurred_at, 'UTC'), count(*), sum(watch_seconds) FROM new_events
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (channel_id, hour) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
),
channel_dims AS (
    INSERT INTO analytics_channel_daily_dim AS r (channel_id, dimension, day, value, views, watch_seconds)
    SELECT channel_id, d.dimension, day, d.value, count(*), sum(watch_seconds)
    FROM new_events,
         LATERAL (VALUES ('country', coalesce(country, 'ZZ')), ('device', coalesce(device, 'other'))) AS d(dimension, value)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (channel_id, dimension, day, value) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
),
channel_viewers AS (
    INSERT INTO analytics_channel_daily_viewer (channel_id, day, viewer_hash)
    SELECT DISTINCT channel_id, day, hashtextextended(viewer_id, 0) FROM new_events WHERE viewer_id IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
),
tag_daily AS (  -- a tag given twice counts once
    INSERT INTO analytics_tag_daily AS r (day, tag, views, watch_seconds)
    SELECT day, t.tag, count(*), sum(watch_seconds)
    FROM new_events CROSS JOIN LATERAL (SELECT DISTINCT tag FROM unnest(tags) AS tag) AS t
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (day, tag) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
),
channel_daily AS (
    INSERT INTO analytics_channel_daily AS r (channel_id, day, views, watch_seconds)
    SELECT channel_id, day, count(*), sum(watch_seconds) FROM new_events GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (channel_id, day) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
),
channel_cube AS ({channel_cube}
),
channel_totals AS ({channel_totals}
),
global_dims AS (
    INSERT INTO analytics_daily_dim AS r (day, dimension, value, views, watch_seconds)
    SELECT day, d.dimension, d.value, count(*), sum(watch_seconds)
    FROM new_events,
         LATERAL (VALUES ('category', category), ('language', coalesce(nullif(language, ''), 'zz')),
                         ('country', coalesce(country, 'ZZ'))) AS d(dimension, value)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, dimension, value) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds
),
catalogue_cube AS (
    INSERT INTO analytics_cube AS r (day, country, device, category, language, views, watch_seconds, duration_seconds)
    SELECT e.day, g.country, g.device, g.category, g.language, count(*), sum(e.watch_seconds),
           sum(e.duration_s::float8)
    FROM new_events e,
         LATERAL (VALUES (coalesce(e.country, 'ZZ'), coalesce(e.device, 'other'), e.category,
                          coalesce(nullif(e.language, ''), 'zz')),
                         (coalesce(e.country, 'ZZ'), coalesce(e.device, 'other'), '*', '*'),
                         ('*', '*', e.category, coalesce(nullif(e.language, ''), 'zz')),
                         ('*', '*', '*', '*')) AS g(country, device, category, language)  -- the four sets (0032)
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (day, country, device, category, language) DO UPDATE
        SET views = r.views + EXCLUDED.views, watch_seconds = r.watch_seconds + EXCLUDED.watch_seconds,
            duration_seconds = r.duration_seconds + EXCLUDED.duration_seconds
)
""".replace("{channel_cube}", CHANNEL_CUBE_WRITE).replace("{channel_totals}", CHANNEL_TOTALS_WRITE)
ROLLUP_WRITES = VIDEO_ROLLUP_WRITES.rstrip("\n") + ",\n" + CHANNEL_ROLLUP_WRITES.lstrip("\n")

# The realtime rollups' writes (the last hour's views per video and minute, and the catalogue's per
# minute) of `new_events` (video_id, occurred_at, channel_id): STORE and SEED_STORE write them.
REALTIME_WRITES = """
realtime AS (  -- the last hour's views per minute
    INSERT INTO analytics_realtime_video AS r (video_id, minute, channel_id, views)
    SELECT video_id, date_trunc('minute', occurred_at, 'UTC'), channel_id, count(*)
    FROM new_events WHERE occurred_at >= now() - interval '61 minutes'
    GROUP BY 1, 2, 3 ORDER BY 1, 2
    ON CONFLICT (video_id, minute) DO UPDATE SET views = r.views + EXCLUDED.views
    RETURNING 1
),
realtime_total AS (
    INSERT INTO analytics_realtime_total AS r (minute, views)
    SELECT date_trunc('minute', occurred_at, 'UTC'), count(*)
    FROM new_events WHERE occurred_at >= now() - interval '61 minutes'
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (minute) DO UPDATE SET views = r.views + EXCLUDED.views
    RETURNING 1
)
"""

# One batch, in the transaction of the request: stores its new events in the event log and in the two
# queues of events to fold (analytics_view_pending for the videos' rollups, analytics_view_pending_channels
# for the channels' and the catalogue's), and adds them to the realtime rollups, which count every event
# stored up to the second before a request. The other rollups, trending and the view counts are written by
# FOLD_VIDEOS and FOLD_CHANNELS (analytics.services.views_fold): before the answer, or soon after it when
# other connections are folding, which then fold the batch with every other batch stored meanwhile.
#
# The batch arrives as one JSON parameter, %(events)s, written by pydantic and parsed by PostgreSQL
# (binding seven arrays of 1,000 values took psycopg longer than the parse), beside %(indexes)s, the
# events' indexes in the request, in the same order. `batch_events` holds every event with its video's
# channel (NULL for unknown videos, reported by index).
#
# Concurrent batches meet only on the realtime rows of the same minutes and on a repeated event_id; each
# takes them in key order (events by event_id, then videos' realtime rows before the catalogue's), so no
# two deadlock. The final SELECT references every write, so that
# they run in the order written (unreferenced, PostgreSQL runs them last to first), and returns: events
# stored, events of known videos, the indexes of the events of unknown videos.
STORE = (
    """
WITH batch_events AS MATERIALIZED (
    SELECT (%(indexes)s::integer[])[b.n] AS request_index, b.*, v.channel_id
    FROM ROWS FROM (jsonb_to_recordset(%(events)s::jsonb)
            AS (event_id uuid, video_id bigint, occurred_at timestamptz, watch_seconds real,
                country char(2), device varchar(7), viewer_id text, position_seconds real)) WITH ORDINALITY
        AS b(event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id, position_seconds, n)
    LEFT JOIN api_video v ON v.id = b.video_id
),
known_events AS (SELECT * FROM batch_events WHERE channel_id IS NOT NULL),
stored AS (
    INSERT INTO analytics_view_event (event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id,
                                      position_seconds)
    SELECT event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id, position_seconds
    FROM known_events
    ORDER BY event_id
    ON CONFLICT DO NOTHING
    RETURNING event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id, position_seconds
),
pending AS (
    INSERT INTO analytics_view_pending (video_id, occurred_at, watch_seconds, country, device, viewer_id,
                                        position_seconds)
    SELECT video_id, occurred_at, watch_seconds, country, device, viewer_id, position_seconds FROM stored
    RETURNING 1
),
pending_channels AS (
    INSERT INTO analytics_view_pending_channels (video_id, occurred_at, watch_seconds, country, device, viewer_id)
    SELECT video_id, occurred_at, watch_seconds, country, device, viewer_id FROM stored
    RETURNING 1
),
new_events AS (
    SELECT x.video_id, x.occurred_at, v.channel_id
    FROM stored x JOIN (SELECT DISTINCT video_id, channel_id FROM known_events) AS v USING (video_id)
),
"""
    + REALTIME_WRITES.strip("\n")
    + """
SELECT (SELECT count(*) FROM stored) AS stored,
       (SELECT count(*) FROM known_events) AS known,
       (SELECT coalesce(array_agg(request_index ORDER BY request_index), '{}') FROM batch_events
        WHERE channel_id IS NULL) AS unknown_indexes,
       (SELECT count(*) FROM pending), (SELECT count(*) FROM pending_channels), (SELECT count(*) FROM realtime),
       (SELECT count(*) FROM realtime_total)
"""
)

# The trending scores and view counts of `new_events` (video_id, occurred_at): FOLD_VIDEOS and SEED_FOLD_COUNTS.
# Per video, log(sum(exp(l))) of its events' l = decay * hours since the epoch, added to the stored score
# in log space. The sum is taken relative to the largest l of the set (one scalar, no window over each
# video), which is exact while the set spans less than ~270 days (exp underflows past -745); a video whose
# every event lies further back keeps its largest l. date_part gives float8 (extract() gives numeric,
# whose exp() and ln() cost ~5 ms over a batch). The same rows keep a copy of the videos' view counts,
# which orders order=views.
COUNTS_WRITES = """
decayed AS (
    SELECT video_id, %(decay)s * date_part('epoch', occurred_at - %(epoch)s::timestamptz) / 3600.0 AS l
    FROM new_events
),
reference AS (SELECT max(l) AS ref FROM decayed),
trending AS (
    INSERT INTO analytics_video_trending AS t (video_id, score_log, updated_at, view_count)
    SELECT video_id, CASE WHEN sum(exp(l - ref)) > 0 THEN ref + ln(sum(exp(l - ref))) ELSE max(l) END, now(), count(*)
    FROM decayed, reference GROUP BY video_id, ref ORDER BY video_id
    ON CONFLICT (video_id) DO UPDATE
        SET score_log = analytics_logaddexp(t.score_log, EXCLUDED.score_log), updated_at = now(),
            view_count = t.view_count + EXCLUDED.view_count
),
counts AS (
    UPDATE api_video v SET view_count = v.view_count + c.n
    FROM (SELECT video_id, count(*) AS n FROM new_events GROUP BY video_id ORDER BY video_id) AS c
    WHERE v.id = c.video_id
)
"""

# The stored events waiting in one of the two queues, at most %(limit)s of them, taken from it and folded
# into that part's rollups: FOLD_VIDEOS into the videos' rollups, the trending scores and the view counts
# (with their copy in analytics_video_trending: the caller sets analytics.counters_copied), FOLD_CHANNELS
# into the channels', the tags' and the catalogue's rollups. The two parts share no table, so they run on
# two connections at once; each runs on one connection at a time (analytics.services.views_fold), so that
# its many rows of popular videos, channels and days are never waited for by another fold of the same
# part. An event of a video deleted meanwhile leaves the queue and adds to nothing. Each returns the number
# of events taken.
FOLD_TAKEN = """
WITH taken AS (
    DELETE FROM {queue}
    WHERE ctid = ANY (ARRAY(SELECT ctid FROM {queue} LIMIT %(limit)s))
    RETURNING video_id, occurred_at, watch_seconds, country, device, viewer_id, {position}
),
new_events AS (
    -- watch_seconds is stored as real; summed as real, a rebuild's one long sum would round differently
    -- (and far worse) than ingestion's short ones
    SELECT x.video_id, x.occurred_at, x.watch_seconds::float8 AS watch_seconds, x.country, x.device, x.viewer_id,
           x.position_seconds, v.channel_id, v.category, v.language, v.tags, v.duration_s,
           (x.occurred_at AT TIME ZONE 'UTC')::date AS day
    FROM taken x JOIN api_video v ON v.id = x.video_id
),
"""
FOLD_VIDEOS = (
    FOLD_TAKEN.format(queue="analytics_view_pending", position="position_seconds")
    + VIDEO_ROLLUP_WRITES.strip("\n")
    + """,
"""
    + COUNTS_WRITES.strip("\n")
    + """
SELECT count(*) FROM taken
"""
)
FOLD_CHANNELS = (
    FOLD_TAKEN.format(queue="analytics_view_pending_channels", position="NULL::real AS position_seconds")
    + CHANNEL_ROLLUP_WRITES.strip("\n")
    + """
SELECT count(*) FROM taken
"""
)

# Every rollup recomputed from every stored event, into emptied tables (analytics.services.rollups_rebuild):
# the writes of both folds over all events at once, trending scores without view counts (those also hold the
# views from before the event log, and are left alone). Returns the number of events folded.
ROLLUPS_REBUILD = """
WITH all_events AS (
    SELECT x.video_id, x.occurred_at, x.watch_seconds::float8 AS watch_seconds, x.country, x.device, x.viewer_id,
           x.position_seconds,
           v.channel_id, v.category, v.language, v.tags, v.duration_s, (x.occurred_at AT TIME ZONE 'UTC')::date AS day
    FROM analytics_view_event x JOIN api_video v ON v.id = x.video_id
),
viewers AS (
    INSERT INTO analytics_video_daily_viewer (video_id, day, viewer_hash)
    SELECT DISTINCT video_id, day, hashtextextended(viewer_id, 0) FROM all_events WHERE viewer_id IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
),
hourly AS (
    INSERT INTO analytics_video_hourly (video_id, hour, views, watch_seconds)
    SELECT video_id, date_trunc('hour', occurred_at, 'UTC'), count(*), sum(watch_seconds) FROM all_events
    GROUP BY 1, 2 ORDER BY 1, 2
),
channel_hourly AS (
    INSERT INTO analytics_channel_hourly (channel_id, hour, views, watch_seconds)
    SELECT channel_id, date_trunc('hour', occurred_at, 'UTC'), count(*), sum(watch_seconds) FROM all_events
    GROUP BY 1, 2 ORDER BY 1, 2
),
channel_dims AS (
    INSERT INTO analytics_channel_daily_dim (channel_id, dimension, day, value, views, watch_seconds)
    SELECT channel_id, d.dimension, day, d.value, count(*), sum(watch_seconds)
    FROM all_events,
         LATERAL (VALUES ('country', coalesce(country, 'ZZ')), ('device', coalesce(device, 'other'))) AS d(dimension, value)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
),
channel_viewers AS (
    INSERT INTO analytics_channel_daily_viewer (channel_id, day, viewer_hash)
    SELECT DISTINCT channel_id, day, hashtextextended(viewer_id, 0) FROM all_events WHERE viewer_id IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
),
tag_daily AS (  -- a tag given twice counts once
    INSERT INTO analytics_tag_daily (day, tag, views, watch_seconds)
    SELECT day, t.tag, count(*), sum(watch_seconds)
    FROM all_events CROSS JOIN LATERAL (SELECT DISTINCT tag FROM unnest(tags) AS tag) AS t
    GROUP BY 1, 2 ORDER BY 1, 2
),
channel_daily AS (
    INSERT INTO analytics_channel_daily (channel_id, day, views, watch_seconds)
    SELECT channel_id, day, count(*), sum(watch_seconds) FROM all_events GROUP BY 1, 2 ORDER BY 1, 2
),
channel_cube AS ({channel_cube_all}
),
channel_totals AS ({channel_totals_all}
),
global_dims AS (
    INSERT INTO analytics_daily_dim (day, dimension, value, views, watch_seconds)
    SELECT day, d.dimension, d.value, count(*), sum(watch_seconds)
    FROM all_events,
         LATERAL (VALUES ('category', category), ('language', coalesce(nullif(language, ''), 'zz')),
                         ('country', coalesce(country, 'ZZ'))) AS d(dimension, value)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
),
video_cube AS (
    INSERT INTO analytics_video_cube AS r (video_id, day, country, device, channel_id, category, language, views,
                                           watch_seconds, duration_seconds)
    SELECT video_id, day, coalesce(country, 'ZZ'), coalesce(device, 'other'), channel_id, category,
           coalesce(nullif(language, ''), 'zz'), count(*), sum(watch_seconds), count(*) * duration_s::float8
    FROM all_events
    GROUP BY 1, 2, 3, 4, channel_id, category, language, duration_s ORDER BY 1, 2, 3, 4
),
catalogue_cube AS (
    INSERT INTO analytics_cube AS r (day, country, device, category, language, views, watch_seconds, duration_seconds)
    SELECT e.day, g.country, g.device, g.category, g.language, count(*), sum(e.watch_seconds),
           sum(e.duration_s::float8)
    FROM all_events e,
         LATERAL (VALUES (coalesce(e.country, 'ZZ'), coalesce(e.device, 'other'), e.category,
                          coalesce(nullif(e.language, ''), 'zz')),
                         (coalesce(e.country, 'ZZ'), coalesce(e.device, 'other'), '*', '*'),
                         ('*', '*', e.category, coalesce(nullif(e.language, ''), 'zz')),
                         ('*', '*', '*', '*')) AS g(country, device, category, language)  -- the four sets (0032)
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
),
retention AS (
    INSERT INTO analytics_video_retention AS r (video_id, day, reached, views)
    SELECT video_id, day, least(10, floor(10 * coalesce(position_seconds, watch_seconds) / duration_s))::smallint,
           count(*)
    FROM all_events WHERE duration_s > 0
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
),
realtime AS (  -- the last hour's views per minute
    INSERT INTO analytics_realtime_video AS r (video_id, minute, channel_id, views)
    SELECT video_id, date_trunc('minute', occurred_at, 'UTC'), channel_id, count(*)
    FROM all_events WHERE occurred_at >= now() - interval '61 minutes'
    GROUP BY 1, 2, 3 ORDER BY 1, 2
),
realtime_total AS (
    INSERT INTO analytics_realtime_total AS r (minute, views)
    SELECT date_trunc('minute', occurred_at, 'UTC'), count(*)
    FROM all_events WHERE occurred_at >= now() - interval '61 minutes'
    GROUP BY 1 ORDER BY 1
),
decayed AS (
    SELECT video_id, %(decay)s * date_part('epoch', occurred_at - %(epoch)s::timestamptz) / 3600.0 AS l
    FROM all_events
),
reference AS (SELECT max(l) AS ref FROM decayed),
trending AS (
    INSERT INTO analytics_video_trending AS t (video_id, score_log, updated_at)
    SELECT video_id, CASE WHEN sum(exp(l - ref)) > 0 THEN ref + ln(sum(exp(l - ref))) ELSE max(l) END, now()
    FROM decayed, reference GROUP BY video_id, ref ORDER BY video_id
    ON CONFLICT (video_id) DO UPDATE SET score_log = EXCLUDED.score_log, updated_at = now()
)
SELECT count(*) FROM all_events
""".replace("{channel_cube_all}", CHANNEL_CUBE_WRITE.replace("new_events", "all_events")).replace(
    "{channel_totals_all}", CHANNEL_TOTALS_WRITE.replace("new_events", "all_events")
)

# The likes and comments per video and day recounted from every reaction and comment, into the emptied
# table (the statement of migrations_sql/0025, which first filled it).
ENGAGEMENT_REBUILD = """
INSERT INTO analytics_video_daily_engagement (day, video_id, channel_id, category, language, tags, likes, comments)
SELECT d.day, d.video_id, v.channel_id, v.category, v.language,
       ARRAY(SELECT DISTINCT tag FROM unnest(v.tags) AS tag ORDER BY tag), d.likes, d.comments
FROM (SELECT day, video_id, sum(likes) AS likes, sum(comments) AS comments
      FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, video_id, 1 AS likes, 0 AS comments
            FROM api_reaction WHERE kind = 'like'
            UNION ALL
            SELECT (created_at AT TIME ZONE 'UTC')::date, video_id, 0, 1 FROM api_comment WHERE deleted_at IS NULL
           ) AS changes
      GROUP BY 1, 2) AS d
JOIN api_video v ON v.id = d.video_id
ORDER BY 1, 2
"""

# The demo seeder's bulk path (analytics.seeding): one chunk of generated events, in the session's
# temporary table seed_chunk, stored, kept for the final fold (seed_stored), and folded into the rollups
# that STORE and the folds write, but trending and view counts (SEED_FOLD_COUNTS, once at the end). Two workers run
# over separate days, so no rollup row is written by both; a row may span two chunks of one worker.
SEED_STORE = (
    """
WITH stored AS (
    INSERT INTO analytics_view_event (event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id)
    SELECT event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id FROM seed_chunk
    ORDER BY event_id
    ON CONFLICT DO NOTHING
    RETURNING event_id, video_id, occurred_at, watch_seconds, country, device, viewer_id, position_seconds
),
kept AS (INSERT INTO seed_stored SELECT video_id, occurred_at FROM stored),
new_events AS (
    SELECT x.video_id, x.occurred_at, x.watch_seconds::float8 AS watch_seconds, x.country, x.device, x.viewer_id,
           x.position_seconds,
           v.channel_id, v.category, v.language, v.tags, v.duration_s, (x.occurred_at AT TIME ZONE 'UTC')::date AS day
    FROM stored x JOIN api_video v ON v.id = x.video_id
),
"""
    + ROLLUP_WRITES.strip("\n")
    + ",\n"
    + REALTIME_WRITES.strip("\n")
    + """
SELECT count(*) FROM stored
"""
)

# The seeded events' trending scores and view counts, for the videos in (%(after)s, %(upto)s].
SEED_FOLD_COUNTS = (
    """
WITH new_events AS (
    SELECT video_id, occurred_at FROM seed_stored WHERE video_id > %(after)s AND video_id <= %(upto)s
),
"""
    + COUNTS_WRITES.strip("\n")
    + """
SELECT count(*) FROM new_events
"""
)

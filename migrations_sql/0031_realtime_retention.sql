-- Realtime: views per video and minute over the last hour (with the video's channel), and the catalogue's
-- per minute, written by ingestion for events of the last 61 minutes and pruned past two hours by the
-- maintenance worker (analytics.services.realtime_prune). Audience retention: the position a view reached
-- (`position_seconds`, optional on each event; the watch time when absent, a view from the start), and per
-- video and day how many views reached each tenth of the video (0: less than a tenth, 10: the end).
ALTER TABLE analytics_view_event ADD COLUMN position_seconds real CHECK (position_seconds >= 0);

CREATE TABLE analytics_realtime_video (
    video_id bigint NOT NULL,
    minute timestamptz NOT NULL,
    channel_id bigint NOT NULL,
    views integer NOT NULL,
    PRIMARY KEY (video_id, minute)
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05);
-- each minute's videos by views: the catalogue's top is read down these lists (analytics/realtime.py)
CREATE INDEX analytics_realtime_video_minute ON analytics_realtime_video (minute, views DESC, video_id);
CREATE INDEX analytics_realtime_video_channel ON analytics_realtime_video (channel_id, minute) INCLUDE (video_id, views);

CREATE TABLE analytics_realtime_total (
    minute timestamptz PRIMARY KEY,
    views bigint NOT NULL
) WITH (fillfactor = 50);

CREATE TABLE analytics_video_retention (
    video_id bigint NOT NULL,
    day date NOT NULL,
    reached smallint NOT NULL CHECK (reached BETWEEN 0 AND 10),
    views bigint NOT NULL,
    PRIMARY KEY (video_id, day, reached)
) WITH (fillfactor = 80);

-- The events already stored, read while none is written (ingestion waits for this transaction).
LOCK TABLE analytics_view_event IN SHARE MODE;
INSERT INTO analytics_video_retention (video_id, day, reached, views)
SELECT x.video_id, (x.occurred_at AT TIME ZONE 'UTC')::date,
       least(10, floor(10 * coalesce(x.position_seconds, x.watch_seconds) / v.duration_s))::smallint, count(*)
FROM analytics_view_event x JOIN api_video v ON v.id = x.video_id
WHERE v.duration_s > 0
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
INSERT INTO analytics_realtime_video (video_id, minute, channel_id, views)
SELECT x.video_id, date_trunc('minute', x.occurred_at, 'UTC'), v.channel_id, count(*)
FROM analytics_view_event x JOIN api_video v ON v.id = x.video_id
WHERE x.occurred_at >= now() - interval '61 minutes'
GROUP BY 1, 2, 3 ORDER BY 1, 2;
INSERT INTO analytics_realtime_total (minute, views)
SELECT minute, sum(views) FROM analytics_realtime_video GROUP BY 1 ORDER BY 1;
-- reverse
DROP TABLE IF EXISTS analytics_realtime_video, analytics_realtime_total, analytics_video_retention;
ALTER TABLE analytics_view_event DROP COLUMN IF EXISTS position_seconds;

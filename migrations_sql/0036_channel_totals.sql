-- Each channel's views and watch time over all time, kept by ingestion beside its daily rollup
-- (analytics/statements.py), for the catalogue's top channels (analytics.query): as a video's totals do for
-- the top videos (0020), a channel's totals bound what it has in any range under any filter, so the top
-- walks channels down the level of their totals (the base-1.25 logarithm, analytics_total_level) and sums
-- only the ranges of those it meets. Only the levels are indexed: an update that leaves them (most of
-- them) is heap-only.
CREATE TABLE analytics_channel_totals (
    channel_id bigint PRIMARY KEY,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    views_level integer NOT NULL,
    watch_level integer NOT NULL
) WITH (fillfactor = 70);
LOCK TABLE analytics_view_event IN SHARE MODE;  -- no batch writes the daily rollup meanwhile
INSERT INTO analytics_channel_totals (channel_id, views, watch_seconds, views_level, watch_level)
SELECT channel_id, v, w, analytics_total_level(v), analytics_total_level(w)
FROM (SELECT channel_id, sum(views) AS v, sum(watch_seconds) AS w FROM analytics_channel_daily GROUP BY channel_id) AS s
ORDER BY channel_id;
CREATE INDEX analytics_channel_totals_views ON analytics_channel_totals (views_level DESC, channel_id DESC);
CREATE INDEX analytics_channel_totals_watch ON analytics_channel_totals (watch_level DESC, channel_id DESC);
-- reverse
DROP TABLE IF EXISTS analytics_channel_totals;

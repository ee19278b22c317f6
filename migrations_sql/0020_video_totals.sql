-- Each video's views and watch time over every hour of analytics_video_hourly, kept by that table's
-- triggers (analytics/sql/functions.sql), for `top` by video (analytics.reports). The totals are an upper
-- bound of the video's views or watch time in any range; `top` walks videos down their level, the total's
-- base-1.25 logarithm rounded down (analytics_total_level), whose index changes only when a total passes
-- the next power of 1.25: most of ingestion's updates of a total then write no index entry (heap-only,
-- with the free room fillfactor leaves on each page), where an index on the totals themselves took a
-- fifth of ingestion's rate.
CREATE TABLE analytics_video_totals (
    video_id bigint PRIMARY KEY,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    views_level integer NOT NULL,
    watch_level integer NOT NULL
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
CREATE INDEX analytics_video_totals_views ON analytics_video_totals (views_level DESC, video_id DESC);
CREATE INDEX analytics_video_totals_watch ON analytics_video_totals (watch_level DESC, video_id DESC);
-- reverse
DROP TRIGGER IF EXISTS analytics_video_totals_insert ON analytics_video_hourly;
DROP TRIGGER IF EXISTS analytics_video_totals_update ON analytics_video_hourly;
DROP FUNCTION IF EXISTS analytics_video_totals_insert();
DROP FUNCTION IF EXISTS analytics_video_totals_update();
DROP TABLE IF EXISTS analytics_video_totals;

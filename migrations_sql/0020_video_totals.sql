-- Each video's views and watch time over every hour of analytics_video_hourly, kept by that table's
-- triggers (analytics/sql/functions.sql): an upper bound of the video's views in any range, walked in
-- descending order by `top` by video (analytics.reports) until no video further down can reach its rows.
CREATE TABLE analytics_video_totals (
    video_id bigint PRIMARY KEY,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL
);
CREATE INDEX analytics_video_totals_views ON analytics_video_totals (views DESC, video_id DESC);
CREATE INDEX analytics_video_totals_watch ON analytics_video_totals (watch_seconds DESC, video_id DESC);
ALTER TABLE analytics_video_totals SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
-- reverse
DROP TABLE IF EXISTS analytics_video_totals;

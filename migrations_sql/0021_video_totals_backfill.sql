-- The totals of the hours already rolled up, taken while no batch writes to the hourly rollup (its triggers,
-- created just before in the same transaction, add every later batch).
LOCK TABLE analytics_video_hourly IN SHARE MODE;
INSERT INTO analytics_video_totals (video_id, views, watch_seconds)
SELECT video_id, sum(views), sum(watch_seconds) FROM analytics_video_hourly GROUP BY video_id ORDER BY video_id;
-- reverse
TRUNCATE analytics_video_totals;

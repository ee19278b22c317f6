-- The totals of the hours already rolled up, taken while no batch writes to the hourly rollup (its triggers,
-- created just before in the same transaction, add every later batch).
LOCK TABLE analytics_video_hourly IN SHARE MODE;
INSERT INTO analytics_video_totals (video_id, views, watch_seconds, views_level, watch_level)
SELECT video_id, v, w, analytics_total_level(v), analytics_total_level(w)
FROM (SELECT video_id, sum(views) AS v, sum(watch_seconds) AS w FROM analytics_video_hourly GROUP BY video_id) AS s
ORDER BY video_id;
-- reverse
TRUNCATE analytics_video_totals;

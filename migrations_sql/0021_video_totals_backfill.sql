-- The level function as analytics/sql/functions.sql defines it: on a new database, where that file has
-- changed since (analytics 0012), migration 0010 applies none of it and the file comes later.
CREATE OR REPLACE FUNCTION analytics_total_level(total double precision) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN total > 0 THEN floor(ln(total) / ln(1.25))::integer + 1 ELSE 0 END;
-- The totals of the hours already rolled up, taken while no batch writes to the hourly rollup (its triggers,
-- created just before in the same transaction, add every later batch).
LOCK TABLE analytics_video_hourly IN SHARE MODE;
INSERT INTO analytics_video_totals (video_id, views, watch_seconds, views_level, watch_level)
SELECT video_id, v, w, analytics_total_level(v), analytics_total_level(w)
FROM (SELECT video_id, sum(views) AS v, sum(watch_seconds) AS w FROM analytics_video_hourly GROUP BY video_id) AS s
ORDER BY video_id;
-- reverse
TRUNCATE analytics_video_totals;

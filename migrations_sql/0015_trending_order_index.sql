-- Search's order=trending pages through a search's matches by the decayed score, never-viewed videos
-- (score_log NULL) last: this index holds that order, so a page of a broad word walks it instead of
-- scoring and sorting every match (analytics.selectors.trending_ordered_videos orders by the same
-- expression). The partial index on score_log stays for the trending lists, which skip NULLs.
CREATE INDEX CONCURRENTLY IF NOT EXISTS analytics_video_trending_order
    ON analytics_video_trending ((coalesce(score_log, '-1e308'::float8)) DESC, video_id DESC);
-- reverse
DROP INDEX CONCURRENTLY IF EXISTS analytics_video_trending_order;

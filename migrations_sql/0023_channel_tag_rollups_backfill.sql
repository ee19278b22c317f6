-- The new rollups of what is already rolled up per video, taken while no batch writes (the per-video
-- hourly rollup locked against writes; ingestion writes it in the same statement as the new ones, which
-- the same transaction made known to it). Videos' channels and tags are today's, as a rebuild's.
LOCK TABLE analytics_video_hourly IN SHARE MODE;
LOCK TABLE analytics_video_daily_dim IN SHARE MODE;
LOCK TABLE analytics_video_daily_viewer IN SHARE MODE;

INSERT INTO analytics_channel_hourly (channel_id, hour, views, watch_seconds)
SELECT v.channel_id, h.hour, sum(h.views), sum(h.watch_seconds)
FROM analytics_video_hourly h JOIN api_video v ON v.id = h.video_id
GROUP BY 1, 2 ORDER BY 1, 2;

INSERT INTO analytics_channel_daily_dim (channel_id, dimension, day, value, views, watch_seconds)
SELECT v.channel_id, d.dimension, d.day, d.value, sum(d.views), sum(d.watch_seconds)
FROM analytics_video_daily_dim d JOIN api_video v ON v.id = d.video_id
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;

INSERT INTO analytics_channel_daily_viewer (channel_id, day, viewer_hash)
SELECT DISTINCT v.channel_id, x.day, x.viewer_hash
FROM analytics_video_daily_viewer x JOIN api_video v ON v.id = x.video_id
ORDER BY 1, 2, 3;

INSERT INTO analytics_tag_daily (day, tag, views, watch_seconds)
SELECT (h.hour AT TIME ZONE 'UTC')::date, t.tag, sum(h.views), sum(h.watch_seconds)
FROM analytics_video_hourly h JOIN api_video v ON v.id = h.video_id 
     CROSS JOIN LATERAL (SELECT DISTINCT tag FROM unnest(v.tags) AS tag) AS t  -- a tag given twice counts once
GROUP BY 1, 2 ORDER BY 1, 2;
-- reverse
TRUNCATE analytics_channel_hourly, analytics_channel_daily_dim, analytics_channel_daily_viewer, analytics_tag_daily;

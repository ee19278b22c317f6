"""Fingerprints of every analytics rollup, to compare incremental results with a rebuild from raw events."""

ROLLUP_FINGERPRINTS = {
    "hourly": "SELECT md5(string_agg(video_id || hour::text || views || round(watch_seconds::numeric, 3), ','"
    " ORDER BY video_id, hour)) FROM analytics_video_hourly",
    "dims": "SELECT md5(string_agg(video_id || day::text || dimension || value || views, ','"
    " ORDER BY video_id, day, dimension, value)) FROM analytics_video_daily_dim",
    "channels": "SELECT md5(string_agg(channel_id || day::text || views, ',' ORDER BY channel_id, day))"
    " FROM analytics_channel_daily",
    "global_dims": "SELECT md5(string_agg(day::text || dimension || value || views, ','"
    " ORDER BY day, dimension, value)) FROM analytics_daily_dim",
    "viewers": "SELECT md5(string_agg(video_id || day::text || viewer_hash::text, ','"
    " ORDER BY video_id, day, viewer_hash)) FROM analytics_video_daily_viewer",
    "trending": "SELECT md5(string_agg(video_id || ':' || round(score_log::numeric, 6), ',' ORDER BY video_id))"
    " FROM analytics_video_trending",
}

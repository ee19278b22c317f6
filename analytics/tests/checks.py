"""Fingerprints of every analytics rollup, to compare incremental results with a rebuild from raw events."""

# The realtime rollups hold the last hour only, and a rebuild writes the events of the hour before it runs:
# their rows are compared over the 50 minutes before the newest minute held, not before now(), which moves
# between the two fingerprints (a minute crossing the window's edge in between made them differ in CI).
REALTIME_SINCE = "(SELECT max(minute) - interval '50 minutes' FROM analytics_realtime_total)"

ROLLUP_FINGERPRINTS = {
    "hourly": "SELECT md5(string_agg(video_id || hour::text || views || round(watch_seconds::numeric, 3), ','"
    " ORDER BY video_id, hour)) FROM analytics_video_hourly",
    "channels": "SELECT md5(string_agg(channel_id || day::text || views, ',' ORDER BY channel_id, day))"
    " FROM analytics_channel_daily",
    "global_dims": "SELECT md5(string_agg(day::text || dimension || value || views, ','"
    " ORDER BY day, dimension, value)) FROM analytics_daily_dim",
    "viewers": "SELECT md5(string_agg(video_id || day::text || viewer_hash::text, ','"
    " ORDER BY video_id, day, viewer_hash)) FROM analytics_video_daily_viewer",
    # each video's totals, and that they are its hourly rows' sums (a count of the videos that differ)
    "totals": "SELECT md5(string_agg(video_id || ':' || views || ':' || round(watch_seconds::numeric, 3), ','"
    " ORDER BY video_id)) FROM analytics_video_totals",
    "totals_match_hourly": "SELECT count(*) FROM analytics_video_totals t FULL JOIN (SELECT video_id, sum(views) AS v,"
    " sum(watch_seconds) AS w FROM analytics_video_hourly GROUP BY video_id) h USING (video_id)"
    " WHERE t.views IS DISTINCT FROM h.v OR abs(t.watch_seconds - h.w) > 1e-6 * greatest(1, h.w)"
    " OR t.watch_seconds IS NULL OR h.w IS NULL OR t.views_level <> analytics_total_level(t.views)"
    " OR t.watch_level <> analytics_total_level(t.watch_seconds)",
    "channel_hourly": "SELECT md5(string_agg(channel_id || hour::text || views || round(watch_seconds::numeric, 3), ','"
    " ORDER BY channel_id, hour)) FROM analytics_channel_hourly",
    "channel_dims": "SELECT md5(string_agg(channel_id || dimension || day::text || value || views, ','"
    " ORDER BY channel_id, dimension, day, value)) FROM analytics_channel_daily_dim",
    "channel_viewers": "SELECT md5(string_agg(channel_id || day::text || viewer_hash::text, ','"
    " ORDER BY channel_id, day, viewer_hash)) FROM analytics_channel_daily_viewer",
    "tags": "SELECT md5(string_agg(day::text || tag || views || round(watch_seconds::numeric, 3), ','"
    " ORDER BY day, tag)) FROM analytics_tag_daily",
    # the channel and tag rollups are the per-video ones summed over today's channels and tags (a count of
    # the rows that differ)
    "channel_hourly_match": "SELECT count(*) FROM analytics_channel_hourly c FULL JOIN (SELECT v.channel_id, h.hour,"
    " sum(h.views) AS views FROM analytics_video_hourly h JOIN api_video v ON v.id = h.video_id GROUP BY 1, 2) s"
    " USING (channel_id, hour) WHERE c.views IS DISTINCT FROM s.views",
    "tags_match": "SELECT count(*) FROM analytics_tag_daily g FULL JOIN (SELECT (h.hour AT TIME ZONE 'UTC')::date AS day,"
    " t.tag, sum(h.views) AS views FROM analytics_video_hourly h JOIN api_video v ON v.id = h.video_id"
    " CROSS JOIN LATERAL (SELECT DISTINCT tag FROM unnest(v.tags) AS tag) AS t GROUP BY 1, 2) s USING (day, tag)"
    " WHERE g.views IS DISTINCT FROM s.views",
    "engagement": "SELECT md5(string_agg(day::text || video_id || ':' || likes || ':' || comments, ','"
    " ORDER BY day, video_id)) FROM analytics_video_daily_engagement WHERE likes <> 0 OR comments <> 0",
    # the likes and comments per video and day are the reactions' and comments' (a count of the rows that differ)
    "engagement_match": "SELECT count(*) FROM (SELECT day, video_id, likes, comments FROM analytics_video_daily_engagement"
    " WHERE likes <> 0 OR comments <> 0) e FULL JOIN (SELECT day, video_id, sum(l)::int AS likes, sum(c)::int AS comments"
    " FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, video_id, 1 AS l, 0 AS c FROM api_reaction"
    " WHERE kind = 'like' UNION ALL SELECT (created_at AT TIME ZONE 'UTC')::date, video_id, 0, 1 FROM api_comment"
    " WHERE deleted_at IS NULL) x GROUP BY 1, 2) s USING (day, video_id)"
    " WHERE e.likes IS DISTINCT FROM s.likes OR e.comments IS DISTINCT FROM s.comments",
    "video_cube": "SELECT md5(string_agg(concat_ws(':', video_id, day, country, device, channel_id, category, language,"
    " views, round(watch_seconds::numeric, 3), duration_seconds), ',' ORDER BY video_id, day, country, device))"
    " FROM analytics_video_cube",
    "cube": "SELECT md5(string_agg(concat_ws(':', day, country, device, category, language, views,"
    " round(watch_seconds::numeric, 3), duration_seconds), ',' ORDER BY day, country, device, category, language))"
    " FROM analytics_cube",
    # the catalogue's cube is the videos' summed (a count of the rows that differ)
    "cube_match": "SELECT count(*) FROM (SELECT * FROM analytics_cube WHERE country <> '*' AND category <> '*') c"
    " FULL JOIN (SELECT day, country, device, category, language, sum(views) AS views, sum(duration_seconds) AS d"
    " FROM analytics_video_cube GROUP BY 1, 2, 3, 4, 5) s USING (day, country, device, category, language)"
    " WHERE c.views IS DISTINCT FROM s.views OR c.duration_seconds IS DISTINCT FROM s.d",
    # each of its summed sets is its full rows summed (a count of the rows that differ)
    "cube_sets_match": "SELECT count(*) FROM (SELECT * FROM analytics_cube WHERE country = '*' OR category = '*') c"
    " FULL JOIN (SELECT c.day, g.country, g.device, g.category, g.language, sum(c.views) AS views"
    " FROM analytics_cube c, LATERAL (VALUES (c.country, c.device, '*', '*'), ('*', '*', c.category, c.language),"
    " ('*', '*', '*', '*')) AS g(country, device, category, language)"
    " WHERE c.country <> '*' AND c.category <> '*' GROUP BY 1, 2, 3, 4, 5) s"
    " USING (day, country, device, category, language) WHERE c.views IS DISTINCT FROM s.views",
    "channel_cube": "SELECT md5(string_agg(concat_ws(':', category, day, language, channel_id, views,"
    " round(watch_seconds::numeric, 3), duration_seconds), ',' ORDER BY category, day, language, channel_id))"
    " FROM analytics_channel_cube",
    # the channels' cube is the videos' summed (a count of the rows that differ)
    "channel_cube_match": "SELECT count(*) FROM analytics_channel_cube c FULL JOIN (SELECT category, day, language,"
    " channel_id, sum(views) AS views, sum(duration_seconds) AS d FROM analytics_video_cube GROUP BY 1, 2, 3, 4) s"
    " USING (category, day, language, channel_id) WHERE c.views IS DISTINCT FROM s.views"
    " OR c.duration_seconds IS DISTINCT FROM s.d",
    "channel_totals": "SELECT md5(string_agg(concat_ws(':', channel_id, views, round(watch_seconds::numeric, 3),"
    " views_level, watch_level), ',' ORDER BY channel_id)) FROM analytics_channel_totals",
    # each channel's totals are its daily rows' sums (a count of the channels that differ)
    "channel_totals_match": "SELECT count(*) FROM analytics_channel_totals t FULL JOIN (SELECT channel_id,"
    " sum(views) AS v, sum(watch_seconds) AS w FROM analytics_channel_daily GROUP BY channel_id) d USING (channel_id)"
    " WHERE t.views IS DISTINCT FROM d.v OR abs(t.watch_seconds - d.w) > 1e-6 * greatest(1, d.w)"
    " OR t.views_level <> analytics_total_level(t.views) OR t.watch_level <> analytics_total_level(t.watch_seconds)",
    "retention": "SELECT md5(string_agg(concat_ws(':', video_id, day, reached, views), ',' ORDER BY video_id, day, reached))"
    " FROM analytics_video_retention",
    # the last 50 minutes' (a rebuild a moment later sees events past the hour that ingestion counted)
    "realtime": "SELECT md5(string_agg(concat_ws(':', video_id, minute, channel_id, views), ',' ORDER BY video_id, minute))"
    " FROM analytics_realtime_video WHERE minute >= " + REALTIME_SINCE,
    "realtime_total": "SELECT md5(string_agg(concat_ws(':', minute, views), ',' ORDER BY minute))"
    " FROM analytics_realtime_total WHERE minute >= " + REALTIME_SINCE,
    "trending": "SELECT md5(string_agg(video_id || ':' || round(score_log::numeric, 6), ',' ORDER BY video_id))"
    " FROM analytics_video_trending",
}

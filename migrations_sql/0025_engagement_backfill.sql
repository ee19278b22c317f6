-- The likes and comments already there, taken while no reaction or comment is written (the triggers,
-- created just before in the same transaction, count every later one).
LOCK TABLE api_reaction IN SHARE MODE;
LOCK TABLE api_comment IN SHARE MODE;
INSERT INTO analytics_video_daily_engagement (day, video_id, channel_id, category, language, tags, likes, comments)
SELECT d.day, d.video_id, v.channel_id, v.category, v.language,
       ARRAY(SELECT DISTINCT tag FROM unnest(v.tags) AS tag ORDER BY tag), d.likes, d.comments
FROM (SELECT day, video_id, sum(likes) AS likes, sum(comments) AS comments
      FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, video_id, 1 AS likes, 0 AS comments
            FROM api_reaction WHERE kind = 'like'
            UNION ALL
            SELECT (created_at AT TIME ZONE 'UTC')::date, video_id, 0, 1 FROM api_comment WHERE deleted_at IS NULL
           ) AS changes
      GROUP BY 1, 2) AS d
JOIN api_video v ON v.id = d.video_id
ORDER BY 1, 2;
-- reverse
TRUNCATE analytics_video_daily_engagement;

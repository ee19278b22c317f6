-- The trending list `now` walks analytics_video_trending_order (migrations_sql/0015: the score with NULL
-- last, which also orders search by trending) instead of a partial index of the same order over the rows
-- that have a score. Every batch of ingestion rewrites the score of each video it holds, and a rewritten
-- score is a new entry in every index of the row: one index fewer to write for each of them.
DROP INDEX IF EXISTS analytics_video_trending_score;
-- reverse
CREATE INDEX IF NOT EXISTS analytics_video_trending_score ON analytics_video_trending (score_log DESC, video_id DESC)
    WHERE score_log IS NOT NULL;

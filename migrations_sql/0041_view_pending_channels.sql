-- The second queue of stored events not yet folded (analytics.services.views_fold): ingestion writes a
-- batch's new events into both queues in one transaction; the videos' rollups, the view counts and trending
-- are folded from analytics_view_pending (statements.FOLD_VIDEOS), the channels', tags' and catalogue's
-- rollups from this one (statements.FOLD_CHANNELS). The two folds share no table and run at once on two
-- connections. The events waiting when this runs have been folded into nothing yet: they are copied here,
-- under the fold lock that the single fold of the previous version took (its workers stop before they
-- would fold them again), so that each part folds them once.
SELECT pg_advisory_xact_lock(2169117176);  -- analytics.services.FOLD_LOCK: zlib.crc32(b"analytics:views_fold")
CREATE TABLE analytics_view_pending_channels (
    video_id bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    watch_seconds real NOT NULL,
    country char(2),
    device varchar(7),
    viewer_id text
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000);
INSERT INTO analytics_view_pending_channels (video_id, occurred_at, watch_seconds, country, device, viewer_id)
SELECT video_id, occurred_at, watch_seconds, country, device, viewer_id FROM analytics_view_pending;
-- reverse
DROP TABLE IF EXISTS analytics_view_pending_channels;

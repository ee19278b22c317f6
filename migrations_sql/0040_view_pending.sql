-- The events ingestion has stored and not yet folded into the rollups, the view counts and trending
-- (analytics.services.views_fold). Ingestion writes a batch's new events here and in the event log in one
-- transaction; a fold deletes the rows it takes and writes what they add in one transaction, so every
-- stored event is folded exactly once. A queue read whole and emptied: no index.
CREATE TABLE analytics_view_pending (
    video_id bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    watch_seconds real NOT NULL,
    country char(2),
    device varchar(7),
    viewer_id text,
    position_seconds real
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000);
-- reverse
DROP TABLE IF EXISTS analytics_view_pending;

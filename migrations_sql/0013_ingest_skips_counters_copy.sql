-- Ingestion adds a batch's views to api_video and to the copy on analytics_video_trending in one
-- statement, so the statement-level sync trigger finds nothing to change; joining the batch's ~1,000
-- rows to find that out cost ~7 ms per batch, at the end of the statement, with every row of the batch
-- locked. Ingestion sets analytics.counters_copied for its statement and the trigger returns at once.
-- Every other writer (reactions, edits, a plain UPDATE) is synced as before.
CREATE OR REPLACE FUNCTION analytics_counters_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('analytics.counters_copied', true) = 'on' THEN
        RETURN NULL;
    END IF;
    UPDATE analytics_video_trending t SET view_count = n.view_count
    FROM (SELECT id, view_count FROM new_rows ORDER BY id) n
    WHERE t.video_id = n.id AND t.view_count <> n.view_count;
    RETURN NULL;
END;
$$;
-- reverse
CREATE OR REPLACE FUNCTION analytics_counters_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE analytics_video_trending t SET view_count = n.view_count
    FROM (SELECT id, view_count FROM new_rows ORDER BY id) n
    WHERE t.video_id = n.id AND t.view_count <> n.view_count;
    RETURN NULL;
END;
$$;

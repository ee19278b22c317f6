-- The current definition of every function and trigger of analytics. Edit them here, then add a migration
-- that applies this file: `apply_definitions("analytics/sql/functions.sql", sha256=...)` with the new text's
-- hash (config/sqlfiles.py). tests/test_sql_definitions.py fails while the database's definitions
-- differ from these.

-- Create the month's partition if missing (idempotent; ingestion calls it for the months of a batch).
CREATE OR REPLACE FUNCTION analytics_ensure_partition(month_start date) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    first_day date := date_trunc('month', month_start)::date;
    name text := format('analytics_view_event_%s', to_char(first_day, 'YYYY_MM'));
BEGIN
    IF to_regclass(name) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(name));
        BEGIN
            EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF analytics_view_event FOR VALUES FROM (%L) TO (%L)',
                           name, first_day::timestamp AT TIME ZONE 'UTC',
                           (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;  -- a concurrent batch made it first (its catalog entry may not be visible to our cache yet)
        END;
    END IF;
END;
$$;

-- log(exp(a) + exp(b)) without overflow: adds a batch's trending score to a video's stored one.
CREATE OR REPLACE FUNCTION analytics_logaddexp(a double precision, b double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
                ELSE greatest(a, b) + ln(1 + exp(-abs(a - b))) END;

-- Recompute a window's snapshot if it is older than max_age; one session at a time (the others keep
-- reading the previous snapshot). Returns true when this call recomputed it.
CREATE OR REPLACE FUNCTION analytics_trending_refresh(name text, window_hours integer, top_n integer,
                                                      max_age interval) RETURNS boolean
    LANGUAGE plpgsql AS $$
DECLARE
    taken integer;
BEGIN
    IF EXISTS (SELECT 1 FROM analytics_trending_snapshot
               WHERE window_name = name AND hours = window_hours AND computed_at > clock_timestamp() - max_age) THEN
        RETURN false;
    END IF;
    IF NOT pg_try_advisory_xact_lock(hashtext('analytics_trending_refresh:' || name)) THEN
        RETURN false;
    END IF;
    DELETE FROM analytics_trending_window WHERE window_name = name;
    INSERT INTO analytics_trending_window (window_name, video_id, views)
    SELECT name, video_id, sum(views) FROM analytics_video_hourly
    WHERE hour > date_trunc('hour', now()) - make_interval(hours => window_hours)
    GROUP BY video_id ORDER BY sum(views) DESC, video_id DESC LIMIT top_n;
    GET DIAGNOSTICS taken = ROW_COUNT;
    INSERT INTO analytics_trending_snapshot (window_name, hours, computed_at, complete)
    VALUES (name, window_hours, clock_timestamp(), taken < top_n)
    ON CONFLICT (window_name) DO UPDATE
        SET hours = EXCLUDED.hours, computed_at = EXCLUDED.computed_at, complete = EXCLUDED.complete;
    RETURN true;
END;
$$;

-- A row per video with its view count, none for videos that are gone: after bulk loads that bypass the
-- triggers (seed) and here.
CREATE OR REPLACE FUNCTION analytics_counters_sync() RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM analytics_video_trending t WHERE NOT EXISTS (SELECT 1 FROM api_video v WHERE v.id = t.video_id);
    INSERT INTO analytics_video_trending AS t (video_id, score_log, view_count)
    SELECT id, NULL, view_count FROM api_video ORDER BY id
    ON CONFLICT (video_id) DO UPDATE SET view_count = EXCLUDED.view_count
        WHERE t.view_count <> EXCLUDED.view_count;
$$;

-- analytics_video_trending keeps a copy of each video's view count, which orders order=views. Every
-- writer of api_video keeps the copy in step, set-based, once per statement. Ingestion adds a batch's
-- views to both in one statement and sets analytics.counters_copied for it, so the update trigger
-- returns at once.
CREATE OR REPLACE FUNCTION analytics_counters_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO analytics_video_trending AS t (video_id, score_log, view_count)
    SELECT id, NULL, view_count FROM new_rows ORDER BY id
    ON CONFLICT (video_id) DO UPDATE SET view_count = EXCLUDED.view_count;
    RETURN NULL;
END;
$$;

-- Joining an ingested batch's ~1,000 rows to find nothing to change cost ~7 ms per batch with every row
-- of the batch locked: hence the early return for ingestion. Every other writer (reactions, edits, a
-- plain UPDATE) is synced.
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

CREATE OR REPLACE FUNCTION analytics_counters_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM analytics_video_trending WHERE video_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER analytics_counters_insert AFTER INSERT ON api_video REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_counters_insert();
CREATE OR REPLACE TRIGGER analytics_counters_update AFTER UPDATE ON api_video REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_counters_update();
CREATE OR REPLACE TRIGGER analytics_counters_delete AFTER DELETE ON api_video REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_counters_delete();

-- Each video's totals over every hour (analytics_video_totals) follow the hourly rollup: what a statement
-- adds to its rows, inserted or updated (ingestion's upserts fire both), is added to the totals, in video
-- order like the rollup's own writes. A rebuild truncates both and refills them by these inserts.
-- A total's level: 0 for nothing, else L with 1.25^(L-1) <= total < 1.25^L (so 1.25^L bounds the total).
CREATE OR REPLACE FUNCTION analytics_total_level(total double precision) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN total > 0 THEN floor(ln(total) / ln(1.25))::integer + 1 ELSE 0 END;

CREATE OR REPLACE FUNCTION analytics_video_totals_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO analytics_video_totals AS t (video_id, views, watch_seconds, views_level, watch_level)
    SELECT video_id, v, w, analytics_total_level(v), analytics_total_level(w)
    FROM (SELECT video_id, sum(views) AS v, sum(watch_seconds) AS w FROM new_rows GROUP BY video_id) AS s
    ORDER BY video_id
    ON CONFLICT (video_id) DO UPDATE
        SET views = t.views + EXCLUDED.views, watch_seconds = t.watch_seconds + EXCLUDED.watch_seconds,
            views_level = analytics_total_level(t.views + EXCLUDED.views),
            watch_level = analytics_total_level(t.watch_seconds + EXCLUDED.watch_seconds);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION analytics_video_totals_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO analytics_video_totals AS t (video_id, views, watch_seconds, views_level, watch_level)
    SELECT video_id, v, w, analytics_total_level(v), analytics_total_level(w)
    FROM (SELECT n.video_id, sum(n.views - o.views) AS v, sum(n.watch_seconds - o.watch_seconds) AS w
          FROM new_rows n JOIN old_rows o USING (video_id, hour) GROUP BY n.video_id) AS s
    ORDER BY video_id
    ON CONFLICT (video_id) DO UPDATE
        SET views = t.views + EXCLUDED.views, watch_seconds = t.watch_seconds + EXCLUDED.watch_seconds,
            views_level = analytics_total_level(t.views + EXCLUDED.views),
            watch_level = analytics_total_level(t.watch_seconds + EXCLUDED.watch_seconds);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER analytics_video_totals_insert AFTER INSERT ON analytics_video_hourly
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_video_totals_insert();
CREATE OR REPLACE TRIGGER analytics_video_totals_update AFTER UPDATE ON analytics_video_hourly
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_video_totals_update();

-- Likes and comments per video and day (analytics_video_daily_engagement): each statement that writes
-- reactions or comments adds its net change per video and day of creation, with the video's channel,
-- category, language and tags (each once; kept from the first count of the row), rows in key order. A change that
-- nets to nothing (a comment's text edited) writes nothing.
CREATE OR REPLACE FUNCTION analytics_engagement_add(video_ids bigint[], created timestamptz[], likes integer[],
                                                    comments integer[]) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO analytics_video_daily_engagement AS e
        (day, video_id, channel_id, category, language, tags, likes, comments)
    SELECT d.day, d.video_id, v.channel_id, v.category, v.language,
           ARRAY(SELECT DISTINCT tag FROM unnest(v.tags) AS tag ORDER BY tag), d.likes, d.comments
    FROM (SELECT (c.created AT TIME ZONE 'UTC')::date AS day, c.video_id, sum(c.likes)::integer AS likes,
                 sum(c.comments)::integer AS comments
          FROM unnest(video_ids, created, likes, comments) AS c(video_id, created, likes, comments)
          GROUP BY 1, 2 HAVING sum(c.likes) <> 0 OR sum(c.comments) <> 0) AS d
    JOIN api_video v ON v.id = d.video_id
    ORDER BY d.day, d.video_id
    ON CONFLICT (day, video_id) DO UPDATE
        SET likes = e.likes + EXCLUDED.likes, comments = e.comments + EXCLUDED.comments;
$$;

CREATE OR REPLACE FUNCTION analytics_engagement_reactions() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[]; created timestamptz[]; likes integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(video_id), array_agg(created_at), array_agg(1) INTO ids, created, likes
        FROM new_rows WHERE kind = 'like';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(video_id), array_agg(created_at), array_agg(-1) INTO ids, created, likes
        FROM old_rows WHERE kind = 'like';
    ELSE
        SELECT array_agg(video_id), array_agg(created_at), array_agg(n) INTO ids, created, likes
        FROM (SELECT video_id, created_at, -1 AS n FROM old_rows WHERE kind = 'like'
              UNION ALL SELECT video_id, created_at, 1 FROM new_rows WHERE kind = 'like') AS changes;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM analytics_engagement_add(ids, created, likes, array_fill(0, ARRAY[cardinality(ids)]));
    END IF;
    RETURN NULL;
END;
$$;

-- comments counted while not deleted: a placeholder (deleted_at set) is not a comment
CREATE OR REPLACE FUNCTION analytics_engagement_comments() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[]; created timestamptz[]; comments integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(video_id), array_agg(created_at), array_agg(1) INTO ids, created, comments
        FROM new_rows WHERE deleted_at IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(video_id), array_agg(created_at), array_agg(-1) INTO ids, created, comments
        FROM old_rows WHERE deleted_at IS NULL;
    ELSE
        SELECT array_agg(video_id), array_agg(created_at), array_agg(n) INTO ids, created, comments
        FROM (SELECT video_id, created_at, -1 AS n FROM old_rows WHERE deleted_at IS NULL
              UNION ALL SELECT video_id, created_at, 1 FROM new_rows WHERE deleted_at IS NULL) AS changes;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM analytics_engagement_add(ids, created, array_fill(0, ARRAY[cardinality(ids)]), comments);
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER analytics_engagement_reaction_insert AFTER INSERT ON api_reaction
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_engagement_reactions();
CREATE OR REPLACE TRIGGER analytics_engagement_reaction_update AFTER UPDATE ON api_reaction
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_engagement_reactions();
CREATE OR REPLACE TRIGGER analytics_engagement_reaction_delete AFTER DELETE ON api_reaction
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_engagement_reactions();
CREATE OR REPLACE TRIGGER analytics_engagement_comment_insert AFTER INSERT ON api_comment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_engagement_comments();
CREATE OR REPLACE TRIGGER analytics_engagement_comment_update AFTER UPDATE ON api_comment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_engagement_comments();
CREATE OR REPLACE TRIGGER analytics_engagement_comment_delete AFTER DELETE ON api_comment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_engagement_comments();

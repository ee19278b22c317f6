-- Trending over a window (24h, 7d): the top videos by views summed from the hourly rollups, kept as a
-- snapshot at most a minute old (API.md: accepted events show in trending within 60 seconds).
-- Summing a week of hourly rows takes a GROUP BY over millions of them; the snapshot keeps the top
-- TRENDING_TOP videos of each window, so a read is an index scan. A filtered read takes the first
-- matching rows of the snapshot: exact whenever the snapshot holds `limit` of them, since every video
-- outside it has fewer views than every video in it; otherwise it sums the rollups itself.
CREATE TABLE analytics_trending_window (
    window_name varchar(8) NOT NULL,
    video_id bigint NOT NULL,
    views bigint NOT NULL,
    PRIMARY KEY (window_name, video_id)
);
CREATE INDEX analytics_trending_window_rank ON analytics_trending_window (window_name, views DESC, video_id DESC);

CREATE TABLE analytics_trending_snapshot (
    window_name varchar(8) PRIMARY KEY,
    hours integer NOT NULL,
    computed_at timestamptz NOT NULL,
    complete boolean NOT NULL  -- true when every video with views in the window is in the snapshot
);

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
-- reverse
DROP FUNCTION IF EXISTS analytics_trending_refresh(text, integer, integer, interval);
DROP TABLE IF EXISTS analytics_trending_snapshot;
DROP TABLE IF EXISTS analytics_trending_window;

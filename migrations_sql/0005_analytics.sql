-- View events, partitioned by month; rollups maintained by ingestion in the same transaction.

CREATE TABLE analytics_view_event (
    event_id uuid NOT NULL,
    video_id bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    watch_seconds real NOT NULL CHECK (watch_seconds >= 0),
    country char(2),
    device varchar(7),
    viewer_id text,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- Idempotency: the key holds the partition key, and video_id so that the table can be distributed by it.
    PRIMARY KEY (event_id, occurred_at, video_id)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX analytics_view_event_time_brin ON analytics_view_event USING brin (occurred_at);

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

CREATE TABLE analytics_video_hourly (
    video_id bigint NOT NULL,
    hour timestamptz NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    PRIMARY KEY (video_id, hour)
);

CREATE INDEX analytics_video_hourly_hour ON analytics_video_hourly (hour);

CREATE TABLE analytics_video_daily_dim (
    video_id bigint NOT NULL,
    day date NOT NULL,
    dimension varchar(7) NOT NULL,   -- 'country' or 'device'
    value varchar(7) NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    PRIMARY KEY (video_id, day, dimension, value)
);

CREATE TABLE analytics_channel_daily (
    channel_id bigint NOT NULL,
    day date NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    PRIMARY KEY (channel_id, day)
);

-- Catalogue-wide daily totals by category, language and viewer country, for `top` over those dimensions.
CREATE TABLE analytics_daily_dim (
    day date NOT NULL,
    dimension varchar(8) NOT NULL,
    value varchar(20) NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    PRIMARY KEY (day, dimension, value)
);

-- Distinct viewers, exactly: one row per video, day and viewer.
CREATE TABLE analytics_video_daily_viewer (
    video_id bigint NOT NULL,
    day date NOT NULL,
    viewer_hash bigint NOT NULL,
    PRIMARY KEY (video_id, day, viewer_hash)
);

-- Trending `now`: s = log(sum(exp(lambda * t))) over a video's views, t in hours since 2020-01-01 and
-- lambda = ln 2 / 6 (half-life 6 hours). The decayed score at time T is exp(s - lambda * T), so ordering
-- by s is ordering by the decayed score at every moment: a B-tree on s serves it, with no recompute.
CREATE TABLE analytics_video_trending (
    video_id bigint PRIMARY KEY,
    score_log double precision NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analytics_video_trending_score ON analytics_video_trending (score_log DESC, video_id DESC);

CREATE OR REPLACE FUNCTION analytics_logaddexp(a double precision, b double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
                ELSE greatest(a, b) + ln(1 + exp(-abs(a - b))) END;
-- reverse
DROP FUNCTION IF EXISTS analytics_logaddexp(double precision, double precision);
DROP TABLE IF EXISTS analytics_video_trending;
DROP TABLE IF EXISTS analytics_video_daily_viewer;
DROP TABLE IF EXISTS analytics_daily_dim;
DROP TABLE IF EXISTS analytics_channel_daily;
DROP TABLE IF EXISTS analytics_video_daily_dim;
DROP TABLE IF EXISTS analytics_video_hourly;
DROP FUNCTION IF EXISTS analytics_ensure_partition(date);
DROP TABLE IF EXISTS analytics_view_event;

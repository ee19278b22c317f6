-- Rollups per channel and per tag, written by ingestion beside the per-video ones (analytics.statements),
-- so that a channel's report and `top` by tag read rows of their own rather than summing every row of
-- every video: a channel of 78,000 videos by hour over 30 days read ~900,000 per-video rows (840 ms), by
-- country over 60 days ~1.3 million (944 ms); `top` by tag over 3 years joined every video's hours to its
-- tags (4.5 s). The tag, like the channel, category and language, is the video's when its views were
-- ingested (a rebuild takes today's).
CREATE TABLE analytics_channel_hourly (
    channel_id bigint NOT NULL,
    hour timestamptz NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    PRIMARY KEY (channel_id, hour)
) WITH (fillfactor = 70);

CREATE TABLE analytics_channel_daily_dim (
    channel_id bigint NOT NULL,
    dimension varchar(7) NOT NULL,   -- 'country' or 'device'
    day date NOT NULL,
    value varchar(7) NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    PRIMARY KEY (channel_id, dimension, day, value)
) WITH (fillfactor = 70);

-- Distinct viewers of a channel, exactly: one row per channel, day and viewer.
CREATE TABLE analytics_channel_daily_viewer (
    channel_id bigint NOT NULL,
    day date NOT NULL,
    viewer_hash bigint NOT NULL,
    PRIMARY KEY (channel_id, day, viewer_hash)
);

CREATE TABLE analytics_tag_daily (
    day date NOT NULL,
    tag varchar(64) NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    PRIMARY KEY (day, tag)
) WITH (fillfactor = 70);
-- reverse
DROP TABLE IF EXISTS analytics_channel_hourly, analytics_channel_daily_dim, analytics_channel_daily_viewer,
    analytics_tag_daily;

-- The rollups of the report query model (analytics/query.py): views, watch time and the watched videos'
-- durations (views times the video's duration, the denominator of average_view_percentage) per video,
-- day, viewer country and device, with the video's channel, category and language when they were counted
-- (as the likes and comments are, 0024); and the same summed over the whole catalogue per day, category,
-- language, country and device, which answers the catalogue's reports that neither name nor filter a
-- video or a channel. Unknown countries are 'ZZ', unknown devices 'other', videos without a language 'zz'
-- (as in the other rollups). Ingestion writes both in the transaction that stores the events
-- (analytics/statements.py).
CREATE TABLE analytics_video_cube (
    video_id bigint NOT NULL,
    day date NOT NULL,
    country varchar(2) NOT NULL,
    device varchar(7) NOT NULL,
    channel_id bigint NOT NULL,
    category varchar(20) NOT NULL,
    language varchar(2) NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    duration_seconds double precision NOT NULL,
    PRIMARY KEY (video_id, day, country, device)
) WITH (fillfactor = 80);
CREATE INDEX analytics_video_cube_channel ON analytics_video_cube (channel_id, day);

CREATE TABLE analytics_cube (
    day date NOT NULL,
    country varchar(2) NOT NULL,
    device varchar(7) NOT NULL,
    category varchar(20) NOT NULL,
    language varchar(2) NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    duration_seconds double precision NOT NULL,
    PRIMARY KEY (day, country, device, category, language)
) WITH (fillfactor = 80);

-- The events already stored, read while none is written (ingestion waits for this transaction).
LOCK TABLE analytics_view_event IN SHARE MODE;
INSERT INTO analytics_video_cube (video_id, day, country, device, channel_id, category, language, views,
                                  watch_seconds, duration_seconds)
SELECT x.video_id, (x.occurred_at AT TIME ZONE 'UTC')::date, coalesce(x.country, 'ZZ'), coalesce(x.device, 'other'),
       v.channel_id, v.category, coalesce(nullif(v.language, ''), 'zz'), count(*), sum(x.watch_seconds::float8),
       count(*) * v.duration_s::float8
FROM analytics_view_event x JOIN api_video v ON v.id = x.video_id
GROUP BY 1, 2, 3, 4, v.channel_id, v.category, v.language, v.duration_s
ORDER BY 1, 2, 3, 4;
INSERT INTO analytics_cube (day, country, device, category, language, views, watch_seconds, duration_seconds)
SELECT day, country, device, category, language, sum(views), sum(watch_seconds), sum(duration_seconds)
FROM analytics_video_cube GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
-- reverse
DROP TABLE IF EXISTS analytics_video_cube, analytics_cube;

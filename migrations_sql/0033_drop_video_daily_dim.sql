-- A video's views by day and viewer country or device are its cube's rows summed (0030): the older
-- per-dimension rollup is no longer written nor read (it cost ingestion a tenth of a batch).
DROP TABLE analytics_video_daily_dim;
-- reverse
CREATE TABLE analytics_video_daily_dim (
    video_id bigint NOT NULL,
    day date NOT NULL,
    dimension varchar(7) NOT NULL,
    value varchar(7) NOT NULL,
    views bigint NOT NULL,
    watch_seconds double precision NOT NULL,
    PRIMARY KEY (video_id, day, dimension, value)
) WITH (fillfactor = 70);
INSERT INTO analytics_video_daily_dim (video_id, day, dimension, value, views, watch_seconds)
SELECT video_id, day, d.dimension, d.value, sum(views), sum(watch_seconds)
FROM analytics_video_cube, LATERAL (VALUES ('country', country), ('device', device)) AS d(dimension, value)
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;

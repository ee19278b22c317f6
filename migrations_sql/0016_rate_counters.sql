-- Throttle counters that every worker and host shares when no Redis is configured (api.throttling):
-- one row per bucket and window, bumped by one atomic upsert per request. UNLOGGED: a crash forgets the
-- counts of the last minute, which costs nothing worth a WAL write per request.
CREATE UNLOGGED TABLE api_rate_counter (
    bucket text NOT NULL,
    window_start bigint NOT NULL,  -- seconds since 1970, a multiple of the window's length
    period integer NOT NULL,       -- the window's length in seconds (the maintenance worker drops old ones)
    hits integer NOT NULL,
    PRIMARY KEY (bucket, window_start)
) WITH (fillfactor = 70);
-- reverse
DROP TABLE IF EXISTS api_rate_counter;

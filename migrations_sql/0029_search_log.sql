-- What users search for (search.querylog): one row per video search with a query, and the clicks on its
-- results that clients report, each partitioned by day so that old days age out by dropping a partition
-- (vs_day_partitions_drop_before). Partitions are made ahead by the maintenance worker and on demand
-- (vs_day_partition_ensure, search/sql/functions.sql).
CREATE TABLE search_log (
    searched_at timestamptz NOT NULL,
    query text NOT NULL,              -- normalised: lower-cased, spaces collapsed
    total integer NOT NULL,           -- the results' total as answered (a lower bound or an estimate past 1,000)
    took_ms integer NOT NULL,
    corrected_to text,                -- the corrected query whose results were shown, if any
    filters text[] NOT NULL DEFAULT '{}'  -- the names of the filters used
) PARTITION BY RANGE (searched_at);
CREATE INDEX search_log_searched_at ON search_log (searched_at);

CREATE TABLE search_click (
    event_id uuid NOT NULL,
    clicked_at timestamptz NOT NULL,
    query text NOT NULL,              -- normalised as search_log.query
    video_id bigint NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (event_id, clicked_at)  -- idempotent ingestion: the key holds the partition key
) PARTITION BY RANGE (clicked_at);
CREATE INDEX search_click_clicked_at ON search_click (clicked_at);
-- reverse
DROP TABLE search_click;
DROP TABLE search_log;

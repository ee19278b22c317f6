-- Clients that have just written read from the primary for a while (config.replicas), when no Redis is
-- configured. UNLOGGED: a crash forgets pins a few seconds long.
CREATE UNLOGGED TABLE api_primary_pin (
    client text PRIMARY KEY,
    until timestamptz NOT NULL
);
-- reverse
DROP TABLE IF EXISTS api_primary_pin;

-- Ingestion adds to the rows of the current hour and day again and again (a popular video's hourly row
-- takes many batches). Room left on each page lets those updates be heap-only (HOT): no new index
-- entries, no index bloat, less work while the row is locked. Applies to pages written from now on.
ALTER TABLE analytics_video_hourly SET (fillfactor = 70);
ALTER TABLE analytics_video_daily_dim SET (fillfactor = 70);
ALTER TABLE analytics_channel_daily SET (fillfactor = 50);
ALTER TABLE analytics_daily_dim SET (fillfactor = 50);
-- reverse
ALTER TABLE analytics_video_hourly RESET (fillfactor);
ALTER TABLE analytics_video_daily_dim RESET (fillfactor);
ALTER TABLE analytics_channel_daily RESET (fillfactor);
ALTER TABLE analytics_daily_dim RESET (fillfactor);

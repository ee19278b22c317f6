-- The catalogue's cube also holds, per day, its sums over every category and language (category and
-- language '*') by country and device, over every country and device (country and device '*') by category
-- and language, and over everything (all four '*'): a report reads the smallest set that has the fields it
-- names (analytics/query.py), 60 to 150 rows a day instead of ~5,000. Ingestion writes the four sets
-- from the same events (analytics/statements.py).
LOCK TABLE analytics_view_event IN SHARE MODE;  -- no batch writes the cube meanwhile
INSERT INTO analytics_cube (day, country, device, category, language, views, watch_seconds, duration_seconds)
SELECT c.day, g.country, g.device, g.category, g.language, sum(c.views), sum(c.watch_seconds), sum(c.duration_seconds)
FROM analytics_cube c,
     LATERAL (VALUES (c.country, c.device, '*', '*'), ('*', '*', c.category, c.language), ('*', '*', '*', '*'))
         AS g(country, device, category, language)
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
-- each summed set's rows by day, apart from the full rows they would be interleaved with in the key (no
-- INCLUDE of the sums: an indexed sum would make every update of a row write index entries, not a
-- heap-only tuple)
CREATE INDEX analytics_cube_by_country_device ON analytics_cube (day) WHERE country <> '*' AND category = '*';
CREATE INDEX analytics_cube_by_category_language ON analytics_cube (day) WHERE country = '*' AND category <> '*';
CREATE INDEX analytics_cube_totals ON analytics_cube (day) WHERE country = '*' AND category = '*';
-- reverse
DROP INDEX IF EXISTS analytics_cube_by_country_device, analytics_cube_by_category_language, analytics_cube_totals;
DELETE FROM analytics_cube WHERE country = '*' OR category = '*';

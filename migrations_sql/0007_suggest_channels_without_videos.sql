-- A channel without videos has no view sum: its suggestion weight was NULL and the rebuild failed.
-- Rebuild the completions from tags, channel names and the titles of the most viewed videos. Every key
-- is a suffix of the text starting at one of its first six words, so 'stew' completes 'kimchi stew'.
CREATE OR REPLACE FUNCTION vs_suggestions_rebuild(title_limit integer) RETURNS void
    LANGUAGE sql AS $$
    TRUNCATE search_suggestion, search_suggestion_top;
    WITH source AS (
        SELECT t AS text, 'tag' AS kind, sum(ln(2 + v.view_count)) AS weight
        FROM api_video v, unnest(v.tags) AS t GROUP BY t
        UNION ALL
        SELECT c.name, 'channel', ln(2 + c.subscriber_count) * 3 + ln(2 + coalesce(sum(v.view_count), 0)) * c.video_count ^ 0.5
        FROM api_channel c LEFT JOIN api_video v ON v.channel_id = c.id GROUP BY c.id
        UNION ALL
        SELECT title, 'title', max(ln(2 + view_count)) * 2
        FROM (SELECT title, view_count FROM api_video ORDER BY view_count DESC LIMIT title_limit) top GROUP BY title
    ), keyed AS (
        SELECT DISTINCT ON (key, s.text)
               array_to_string((string_to_array(vs_suggest_key(s.text), ' '))[i:], ' ') AS key,
               s.text, s.kind, s.weight
        FROM source s, generate_series(1, least(6, cardinality(string_to_array(vs_suggest_key(s.text), ' ')))) AS i
        WHERE vs_suggest_key(s.text) <> ''
        ORDER BY key, s.text, s.weight DESC
    )
    INSERT INTO search_suggestion (key, text, kind, weight) SELECT key, text, kind, weight FROM keyed;
    INSERT INTO search_suggestion_top (prefix, text, kind, weight)
    SELECT prefix, text, kind, weight FROM (
        SELECT p.prefix, s.text, s.kind, max(s.weight) AS weight,
               row_number() OVER (PARTITION BY p.prefix ORDER BY max(s.weight) DESC, s.text) AS n
        FROM search_suggestion s, LATERAL (VALUES (left(s.key, 1)), (left(s.key, 2))) AS p(prefix)
        GROUP BY p.prefix, s.text, s.kind
    ) ranked WHERE n <= 20;
    ANALYZE search_suggestion;
    ANALYZE search_suggestion_top;
$$;
-- reverse
-- Nothing to undo: the function above is what 0004 meant.
SELECT 1;

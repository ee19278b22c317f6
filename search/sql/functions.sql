-- The current definition of every function and trigger of search. Edit them here, then add a migration
-- that applies this file: `apply_definitions("search/sql/functions.sql", sha256=...)` with the new text's
-- hash (config/sqlfiles.py). tests/test_sql_definitions.py fails while the database's definitions
-- differ from these.

-- Text functions for the search document, all IMMUTABLE so that indexes and triggers may use them.

-- unaccent() is STABLE (it reads a dictionary that could change); pin the dictionary and declare the
-- wrapper IMMUTABLE, as the PostgreSQL documentation suggests for indexing.
CREATE OR REPLACE FUNCTION vs_unaccent(doc text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, doc);

-- Character bigrams of the Hangul, kana and CJK ideograph runs of a text, space-separated:
-- '서울에서 맛집' -> '서울 울에 에서 맛집'. Matching the query's bigrams as a phrase finds a word inside
-- another ('서울' in '서울에서') with a plain GIN lookup, where trigrams cannot serve 2-syllable queries.
CREATE OR REPLACE FUNCTION vs_cjk_bigrams(doc text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (
        SELECT coalesce(string_agg(substr(run.m[1], i, 2), ' ' ORDER BY run.n, i), '')
        FROM regexp_matches(doc, '([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]{2,})', 'g')
             WITH ORDINALITY AS run(m, n),
             generate_series(1, char_length(run.m[1]) - 1) AS i
    );

-- The Snowball stemmer of each language PostgreSQL ships one for (15 and 18 alike), by ISO 639-1 code;
-- NULL for the others (Korean, Japanese, Chinese...), where the words as written and CJK bigrams match.
-- search.query.STEM_LANGUAGES lists the same codes, with the scripts their words are written in.
CREATE OR REPLACE FUNCTION vs_stem_config(lang text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (CASE lang
        WHEN 'ar' THEN 'pg_catalog.arabic' WHEN 'hy' THEN 'pg_catalog.armenian'
        WHEN 'eu' THEN 'pg_catalog.basque' WHEN 'ca' THEN 'pg_catalog.catalan'
        WHEN 'da' THEN 'pg_catalog.danish' WHEN 'nl' THEN 'pg_catalog.dutch'
        WHEN 'en' THEN 'pg_catalog.english' WHEN 'fi' THEN 'pg_catalog.finnish'
        WHEN 'fr' THEN 'pg_catalog.french' WHEN 'de' THEN 'pg_catalog.german'
        WHEN 'el' THEN 'pg_catalog.greek' WHEN 'hi' THEN 'pg_catalog.hindi'
        WHEN 'hu' THEN 'pg_catalog.hungarian' WHEN 'id' THEN 'pg_catalog.indonesian'
        WHEN 'ga' THEN 'pg_catalog.irish' WHEN 'it' THEN 'pg_catalog.italian'
        WHEN 'lt' THEN 'pg_catalog.lithuanian' WHEN 'ne' THEN 'pg_catalog.nepali'
        WHEN 'no' THEN 'pg_catalog.norwegian' WHEN 'nb' THEN 'pg_catalog.norwegian'
        WHEN 'pt' THEN 'pg_catalog.portuguese' WHEN 'ro' THEN 'pg_catalog.romanian'
        WHEN 'ru' THEN 'pg_catalog.russian' WHEN 'sr' THEN 'pg_catalog.serbian'
        WHEN 'es' THEN 'pg_catalog.spanish' WHEN 'sv' THEN 'pg_catalog.swedish'
        WHEN 'ta' THEN 'pg_catalog.tamil' WHEN 'tr' THEN 'pg_catalog.turkish'
        WHEN 'yi' THEN 'pg_catalog.yiddish'
    END)::regconfig;

-- The lexemes of a tsvector's or tsquery's text marked with a language ('es:cancion'), positions,
-- weights and operators kept. A document's stems carry its language's mark, and a query's stems the mark
-- of the language they were made for, so that the French stem of `news` ('fr:new') matches French
-- documents only, never `new` in an English title. The parser splits words at ':', so no word as written
-- reads like a marked stem.
CREATE OR REPLACE FUNCTION vs_mark_lexemes(doc text, lang text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN regexp_replace(doc, '''((?:[^'']|'''')*)''', '''' || lang || ':\1''', 'g');

-- One field of the document, with its weight: the language's stems, marked with the language (where it
-- has a stemmer), every word as written (accents folded) so that any-language queries match word for
-- word, and CJK bigrams.
CREATE OR REPLACE FUNCTION vs_field_vector(lang text, field text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN setweight(
        coalesce(vs_mark_lexemes(to_tsvector(vs_stem_config(lang), vs_unaccent(coalesce(field, '')))::text, lang)::tsvector,
                 ''::tsvector)
        || to_tsvector('pg_catalog.simple'::regconfig, vs_unaccent(coalesce(field, '')))
        || to_tsvector('pg_catalog.simple'::regconfig, vs_cjk_bigrams(coalesce(field, ''))),
        weight);

-- The whole document: title (A), tags and channel name (B), description (C). PL/pgSQL on purpose: the
-- planner's inlining of the same expression as a SQL function made rebuilds four times slower.
CREATE OR REPLACE FUNCTION vs_document(lang text, title text, tags text[], channel_name text, description text)
    RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN vs_field_vector(lang, title, 'A')
        || vs_field_vector(lang, array_to_string(tags, ' '), 'B')
        || vs_field_vector(lang, channel_name, 'B')
        || vs_field_vector(lang, description, 'C');
END;
$$;

-- `a || b`, or `a` alone where both forms are the same: a repeated lexeme would double the work of the GIN
-- scan and of ranking (search.query._either). A function, not a subquery: a query of nine words planned
-- 36 such subqueries, 1.7 of its 7.5 ms.
CREATE OR REPLACE FUNCTION vs_either(a tsquery, b tsquery) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN a = b THEN a ELSE a || b END;

-- The document's shingles: each pair of lexemes at adjacent positions, as one lexeme 'a b' (no positions).
-- `a <-> b` matches a document exactly where 'a b' is among its shingles, so a phrase search finds its
-- candidates through the shingles' indexes (search.models.shingle_indexes) instead of reading every
-- document that holds both words to check their positions (`"explained minutes"`: 48,000 documents read,
-- none matching, 108 ms). Pairs across the document's parts (stems, words as written, fields) are those
-- that `<->` also finds there.
CREATE OR REPLACE FUNCTION vs_shingles(doc tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT coalesce(array_to_tsvector(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme)), ''::tsvector)
            FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(doc)) AS a
            JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(doc)) AS b ON b.pos = a.pos + 1);

-- The words for did-you-mean: titles, tags and channel names, as written, accents folded.
CREATE OR REPLACE FUNCTION vs_words(title text, tags text[], channel_name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN tsvector_to_array(to_tsvector('pg_catalog.simple'::regconfig,
        vs_unaccent(coalesce(title, '') || ' ' || array_to_string(tags, ' ') || ' ' || coalesce(channel_name, ''))));

-- Popularity tier: half-decades of views (0: < 3 views ... 19: >= 3 billion). Ranking walks the tiers
-- from the top, so a broad query ranks its most popular matches without reading every match.
CREATE OR REPLACE FUNCTION vs_pop_tier(views bigint) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN least(19, floor(2 * log(greatest(views, 0) + 1)))::smallint;

-- Ranking's popularity lift, kept on the search document so that ranking reads no catalogue row:
-- 0.05 ln(1 + views) + 0.04 ln(1 + likes), to two decimals. Rounded so that a counter update rewrites
-- the document only when the lift moves by 0.01 (a video at 1,000 views, after about 200 more); the
-- column is in no index and the table keeps room on its pages, so those rewrites are heap-only (HOT).
CREATE OR REPLACE FUNCTION vs_pop_score(views bigint, likes bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN round((0.05 * ln(greatest(views, 0)::float8 + 1) + 0.04 * ln(greatest(likes, 0)::float8 + 1))::numeric, 2)::float8;

-- The number of words of a title (runs of text between spaces), for ranking's title-length norm.
CREATE OR REPLACE FUNCTION vs_title_words(title text) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN least(cardinality(array_remove(regexp_split_to_array(coalesce(title, ''), '\s+'), '')), 32767)::smallint;

-- The completion key of a text: lower-cased, accents folded, spaces collapsed.
CREATE OR REPLACE FUNCTION vs_suggest_key(doc text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN btrim(regexp_replace(lower(vs_unaccent(doc)), '\s+', ' ', 'g'));


-- Keep search_document and search_lexicon in step with the catalogue, in the writing transaction.

-- Add (+1) or remove (-1) one video's words from the lexicon. Rows are locked in word order, so two
-- concurrent writers never wait on each other in opposite orders.
CREATE OR REPLACE FUNCTION vs_lexicon_add(words text[], delta integer) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO search_lexicon AS l (word, ndoc)
    SELECT w, delta FROM (SELECT DISTINCT unnest(words) AS w) AS u
    WHERE char_length(w) BETWEEN 2 AND 40
    ORDER BY w
    ON CONFLICT (word) DO UPDATE SET ndoc = l.ndoc + EXCLUDED.ndoc;
$$;

-- A video's document and lexicon words, on insert, edit and delete.
CREATE OR REPLACE FUNCTION vs_video_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    channel_name text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM vs_lexicon_add(vs_words(OLD.title, OLD.tags, (SELECT name FROM api_channel WHERE id = OLD.channel_id)), -1);
        DELETE FROM search_document WHERE video_id = OLD.id;
        RETURN OLD;
    END IF;
    SELECT name INTO channel_name FROM api_channel WHERE id = NEW.channel_id;
    IF TG_OP = 'UPDATE' THEN
        PERFORM vs_lexicon_add(vs_words(OLD.title, OLD.tags, channel_name), -1);
    END IF;
    PERFORM vs_lexicon_add(vs_words(NEW.title, NEW.tags, channel_name), 1);
    IF vs_stem_config(NEW.language) IS NOT NULL THEN
        INSERT INTO search_language (language) VALUES (NEW.language) ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO search_document AS d (video_id, channel_id, category, language, region, duration_s, published_at,
                                      tags, metadata, pop_tier, pop_score, title_words, document)
    VALUES (NEW.id, NEW.channel_id, NEW.category, NEW.language, NEW.region, NEW.duration_s, NEW.published_at,
            NEW.tags, NEW.metadata, vs_pop_tier(NEW.view_count), vs_pop_score(NEW.view_count, NEW.like_count),
            vs_title_words(NEW.title), vs_document(NEW.language, NEW.title, NEW.tags, channel_name, NEW.description))
    ON CONFLICT (video_id) DO UPDATE SET
        channel_id = EXCLUDED.channel_id, category = EXCLUDED.category, language = EXCLUDED.language,
        region = EXCLUDED.region, duration_s = EXCLUDED.duration_s, published_at = EXCLUDED.published_at,
        tags = EXCLUDED.tags, metadata = EXCLUDED.metadata, pop_tier = EXCLUDED.pop_tier,
        pop_score = EXCLUDED.pop_score, title_words = EXCLUDED.title_words, document = EXCLUDED.document;
    RETURN NEW;
END;
$$;

-- Counter updates rewrite the document only when its tier or popularity lift moves (the trigger's WHEN).
CREATE OR REPLACE FUNCTION vs_video_pop_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_document
    SET pop_tier = vs_pop_tier(NEW.view_count), pop_score = vs_pop_score(NEW.view_count, NEW.like_count)
    WHERE video_id = NEW.id;
    RETURN NEW;
END;
$$;

-- A renamed channel changes the documents and lexicon words of all its videos.
CREATE OR REPLACE FUNCTION vs_channel_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vs_lexicon_add(vs_words(v.title, v.tags, OLD.name), -1), vs_lexicon_add(vs_words(v.title, v.tags, NEW.name), 1)
    FROM api_video v WHERE v.channel_id = NEW.id;
    UPDATE search_document d
    SET document = vs_document(v.language, v.title, v.tags, NEW.name, v.description)
    FROM api_video v WHERE v.channel_id = NEW.id AND d.video_id = v.id;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER vs_video_insert AFTER INSERT ON api_video FOR EACH ROW EXECUTE FUNCTION vs_video_sync();
CREATE OR REPLACE TRIGGER vs_video_update AFTER UPDATE OF title, description, tags, category, language, region,
    duration_s, published_at, metadata, channel_id ON api_video FOR EACH ROW EXECUTE FUNCTION vs_video_sync();
CREATE OR REPLACE TRIGGER vs_video_delete AFTER DELETE ON api_video FOR EACH ROW EXECUTE FUNCTION vs_video_sync();
CREATE OR REPLACE TRIGGER vs_video_views AFTER UPDATE OF view_count, like_count ON api_video FOR EACH ROW
    WHEN (vs_pop_tier(NEW.view_count) <> vs_pop_tier(OLD.view_count)
          OR vs_pop_score(NEW.view_count, NEW.like_count) <> vs_pop_score(OLD.view_count, OLD.like_count))
    EXECUTE FUNCTION vs_video_pop_sync();
CREATE OR REPLACE TRIGGER vs_channel_rename AFTER UPDATE OF name ON api_channel FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION vs_channel_sync();

-- Rebuild everything from the catalogue (search_rebuild, and seed after a bulk load).
CREATE OR REPLACE FUNCTION vs_rebuild() RETURNS void
    LANGUAGE sql AS $$
    TRUNCATE search_document, search_lexicon;
    INSERT INTO search_document (video_id, channel_id, category, language, region, duration_s, published_at, tags,
                                 metadata, pop_tier, pop_score, title_words, document)
    SELECT v.id, v.channel_id, v.category, v.language, v.region, v.duration_s, v.published_at, v.tags, v.metadata,
           vs_pop_tier(v.view_count), vs_pop_score(v.view_count, v.like_count), vs_title_words(v.title),
           vs_document(v.language, v.title, v.tags, c.name, v.description)
    FROM api_video v JOIN api_channel c ON c.id = v.channel_id;
    INSERT INTO search_language (language)
    SELECT DISTINCT language FROM search_document WHERE vs_stem_config(language) IS NOT NULL
    ON CONFLICT DO NOTHING;
    INSERT INTO search_lexicon (word, ndoc)
    SELECT w, count(*) FROM api_video v JOIN api_channel c ON c.id = v.channel_id,
         unnest(vs_words(v.title, v.tags, c.name)) AS w
    WHERE char_length(w) BETWEEN 2 AND 40
    GROUP BY w;
$$;

-- As-you-type suggestions.

-- The completion keys of a text: suffixes starting at each of its first six words, so that 'stew'
-- completes 'kimchi stew'.
CREATE OR REPLACE FUNCTION vs_suggest_keys(doc text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT array_to_string((string_to_array(vs_suggest_key(doc), ' '))[i:], ' ')
    FROM generate_series(1, least(6, cardinality(string_to_array(vs_suggest_key(doc), ' ')))) AS i
    WHERE vs_suggest_key(doc) <> '';
$$;

-- Rebuild the completions from tags, channel names and the titles of the most viewed videos (the
-- maintenance worker, hourly: weights follow the view counts). Rows are deleted, not truncated, so that
-- suggestions keep answering from the old rows until the new ones commit.
CREATE OR REPLACE FUNCTION vs_suggestions_rebuild(title_limit integer) RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM search_suggestion_change;
    DELETE FROM search_suggestion;
    DELETE FROM search_suggestion_top;
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
        SELECT DISTINCT ON (key, s.text) key, s.text, s.kind, s.weight
        FROM source s, vs_suggest_keys(s.text) AS key
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

-- A new, edited or deleted video or channel marks the texts it adds or removes (tags, title, channel
-- name) for vs_suggestions_refresh. View counts are not watched: weights follow them at the next rebuild.
CREATE OR REPLACE FUNCTION vs_suggestion_mark() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    texts text[] := '{}';
BEGIN
    IF TG_TABLE_NAME = 'api_video' THEN  -- compiled per table: OLD.tags is only read for videos
        IF TG_OP <> 'INSERT' THEN
            texts := texts || OLD.tags::text[] || OLD.title::text;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            texts := texts || NEW.tags::text[] || NEW.title::text;
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            texts := texts || OLD.name::text;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            texts := texts || NEW.name::text;
        END IF;
    END IF;
    INSERT INTO search_suggestion_change (text)
    SELECT DISTINCT x FROM unnest(texts) AS x WHERE x IS NOT NULL ORDER BY x
    ON CONFLICT (text) DO UPDATE SET marked_at = EXCLUDED.marked_at;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER vs_suggestion_video AFTER INSERT OR DELETE OR UPDATE OF title, tags ON api_video
    FOR EACH ROW EXECUTE FUNCTION vs_suggestion_mark();
CREATE OR REPLACE TRIGGER vs_suggestion_channel AFTER INSERT OR DELETE OR UPDATE OF name ON api_channel
    FOR EACH ROW EXECUTE FUNCTION vs_suggestion_mark();

-- The suggestions of the marked texts, recomputed as vs_suggestions_rebuild would (a title counts while
-- its video is among the title_limit most viewed), and the top completions of every prefix they touch.
-- Returns the number of texts refreshed.
CREATE OR REPLACE FUNCTION vs_suggestions_refresh(title_limit integer) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    changed text[];
    title_floor bigint;
    prefixes text[];
BEGIN
    WITH taken AS (DELETE FROM search_suggestion_change RETURNING text)
    SELECT array_agg(text) INTO changed FROM taken;
    IF changed IS NULL THEN
        RETURN 0;
    END IF;
    SELECT view_count INTO title_floor FROM analytics_video_trending
    ORDER BY view_count DESC, video_id DESC OFFSET title_limit - 1 LIMIT 1;
    WITH removed AS (DELETE FROM search_suggestion WHERE text = ANY(changed) RETURNING key),
    source AS (
        SELECT t AS text, 'tag' AS kind, sum(ln(2 + v.view_count)) AS weight
        FROM search_document d JOIN api_video v ON v.id = d.video_id, unnest(d.tags) AS t
        WHERE d.tags && changed::varchar[] AND t = ANY(changed) GROUP BY t
        UNION ALL
        SELECT c.name, 'channel', ln(2 + c.subscriber_count) * 3 + ln(2 + coalesce(sum(v.view_count), 0)) * c.video_count ^ 0.5
        FROM api_channel c LEFT JOIN api_video v ON v.channel_id = c.id WHERE c.name = ANY(changed) GROUP BY c.id
        UNION ALL
        SELECT v.title, 'title', max(ln(2 + v.view_count)) * 2
        FROM analytics_video_trending r JOIN api_video v ON v.id = r.video_id
        WHERE r.view_count >= coalesce(title_floor, 0) AND v.title = ANY(changed) GROUP BY v.title
    ),
    added AS (
        INSERT INTO search_suggestion (key, text, kind, weight)
        SELECT DISTINCT ON (key, s.text) key, s.text, s.kind, s.weight
        FROM source s, vs_suggest_keys(s.text) AS key
        ORDER BY key, s.text, s.weight DESC
        RETURNING key
    )
    SELECT array_agg(DISTINCT p) INTO prefixes
    FROM (SELECT key FROM removed UNION ALL SELECT key FROM added) k,
         LATERAL (VALUES (left(k.key, 1)), (left(k.key, 2))) AS x(p);
    IF prefixes IS NOT NULL THEN
        DELETE FROM search_suggestion_top WHERE prefix = ANY(prefixes);
        INSERT INTO search_suggestion_top (prefix, text, kind, weight)
        SELECT prefix, text, kind, weight FROM (
            SELECT p.prefix, s.text, s.kind, max(s.weight) AS weight,
                   row_number() OVER (PARTITION BY p.prefix ORDER BY max(s.weight) DESC, s.text) AS n
            FROM unnest(prefixes) AS p(prefix)
            JOIN search_suggestion s ON s.key >= p.prefix AND s.key < p.prefix || chr(1114111)
            WHERE left(s.key, char_length(p.prefix)) = p.prefix
            GROUP BY p.prefix, s.text, s.kind
        ) ranked WHERE n <= 20;
    END IF;
    RETURN cardinality(changed);
END;
$$;

-- The planner's estimate of the number of documents a tsquery matches, from the tsvector statistics:
-- search asks it beside the tsquery itself, in one round trip, to choose how to sample the matches
-- (search.selectors.match). EXPLAIN only plans the statement; nothing is read.
CREATE OR REPLACE FUNCTION vs_estimated_matches(q tsquery) RETURNS double precision
    LANGUAGE plpgsql VOLATILE  -- EXPLAIN is refused in a STABLE function
AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document WHERE document @@ %L::tsquery', q)
        INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END;
$$;

-- Search analytics (search.querylog): the day partitions of search_log and search_click.

-- The partition of `parent` (search_log or search_click) for `day`, made if missing; concurrent callers
-- wait for each other on an advisory lock, and a partition made meanwhile is not an error.
CREATE OR REPLACE FUNCTION vs_day_partition_ensure(parent text, day date) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    name text := format('%s_%s', parent, to_char(day, 'YYYYMMDD'));
BEGIN
    IF to_regclass(name) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(name));
        BEGIN
            EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                           name, parent, day::timestamp AT TIME ZONE 'UTC',
                           (day + 1)::timestamp AT TIME ZONE 'UTC');
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;
        END;
    END IF;
END;
$$;

-- Drop the day partitions of `parent` whose days end before `keep_from`; returns how many.
CREATE OR REPLACE FUNCTION vs_day_partitions_drop_before(parent text, keep_from date) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    part record;
    dropped integer := 0;
BEGIN
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = parent::regclass AND c.relname ~ ('^' || parent || '_[0-9]{8}$')
          AND to_date(right(c.relname, 8), 'YYYYMMDD') < keep_from
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END;
$$;

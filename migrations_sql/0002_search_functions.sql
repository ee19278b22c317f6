-- Text functions for the search document. All IMMUTABLE so that indexes and triggers may use them.

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

-- The stemming configuration of a video's language: English stems for English videos; NULL elsewhere,
-- where the words as written (below) do the matching. A stemmer per language would make every query
-- term expand into every language's stems, and false matches with them.
CREATE OR REPLACE FUNCTION vs_stem_config(lang text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE lang WHEN 'en' THEN 'pg_catalog.english'::regconfig END;

-- One field of the document, with its weight: the language's stems (where it has a stemmer), every
-- word as written (accents folded) so that any-language queries match word for word, and CJK bigrams.
CREATE OR REPLACE FUNCTION vs_field_vector(lang text, field text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN setweight(
        coalesce(to_tsvector(vs_stem_config(lang), vs_unaccent(coalesce(field, ''))), ''::tsvector)
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
-- reverse
DROP FUNCTION IF EXISTS vs_pop_tier(bigint);
DROP FUNCTION IF EXISTS vs_words(text, text[], text);
DROP FUNCTION IF EXISTS vs_document(text, text, text[], text, text);
DROP FUNCTION IF EXISTS vs_field_vector(text, text, "char");
DROP FUNCTION IF EXISTS vs_stem_config(text);
DROP FUNCTION IF EXISTS vs_cjk_bigrams(text);
DROP FUNCTION IF EXISTS vs_unaccent(text);

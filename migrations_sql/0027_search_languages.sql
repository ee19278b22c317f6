-- The catalogue's languages that have a stemmer (vs_stem_config): a query's words are stemmed for these
-- (search.query.query_languages). The document triggers add a language when its first video comes; none
-- is ever removed (a language without videos costs a query only a few index probes).
CREATE TABLE search_language (language varchar(2) PRIMARY KEY);

-- The functions the documents' rewrite (0028) needs, as search/sql/functions.sql defined them when this
-- was written: a later edit of that file is applied by a later migration, after this one has run.
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

CREATE OR REPLACE FUNCTION vs_mark_lexemes(doc text, lang text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN regexp_replace(doc, '''((?:[^'']|'''')*)''', '''' || lang || ':\1''', 'g');

CREATE OR REPLACE FUNCTION vs_field_vector(lang text, field text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN setweight(
        coalesce(vs_mark_lexemes(to_tsvector(vs_stem_config(lang), vs_unaccent(coalesce(field, '')))::text, lang)::tsvector,
                 ''::tsvector)
        || to_tsvector('pg_catalog.simple'::regconfig, vs_unaccent(coalesce(field, '')))
        || to_tsvector('pg_catalog.simple'::regconfig, vs_cjk_bigrams(coalesce(field, ''))),
        weight);

CREATE OR REPLACE FUNCTION vs_title_words(title text) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN least(cardinality(array_remove(regexp_split_to_array(coalesce(title, ''), '\s+'), '')), 32767)::smallint;
-- reverse
DROP TABLE search_language;

-- The catalogue's languages that have a stemmer (vs_stem_config): a query's words are stemmed for these
-- (search.query.query_languages). The document triggers add a language when its first video comes; none
-- is ever removed (a language without videos costs a query only a few index probes).
CREATE TABLE search_language (language varchar(2) PRIMARY KEY);
-- reverse
DROP TABLE search_language;

-- Every document of a language with a stemmer, again, with its stems marked with its language (until now
-- only English ones had stems, unmarked): vs_document as search/sql/functions.sql now defines it; and
-- every document's title_words. One UPDATE: searches keep answering from the old documents until it
-- commits. The texts of documents in the other languages do not change.
INSERT INTO search_language (language)
SELECT DISTINCT language FROM search_document WHERE vs_stem_config(language) IS NOT NULL
ON CONFLICT DO NOTHING;

UPDATE search_document d
SET title_words = vs_title_words(v.title),
    document = CASE WHEN vs_stem_config(v.language) IS NOT NULL
                    THEN vs_document(v.language, v.title, v.tags, c.name, v.description) ELSE d.document END
FROM api_video v JOIN api_channel c ON c.id = v.channel_id
WHERE d.video_id = v.id;
-- reverse
-- the documents stay as they are: the definitions are not undone (config.sqlfiles.apply_definitions)
SELECT 1;

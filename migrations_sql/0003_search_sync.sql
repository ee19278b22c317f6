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
    INSERT INTO search_document AS d (video_id, channel_id, category, language, region, duration_s, published_at,
                                      tags, metadata, pop_tier, document)
    VALUES (NEW.id, NEW.channel_id, NEW.category, NEW.language, NEW.region, NEW.duration_s, NEW.published_at,
            NEW.tags, NEW.metadata, vs_pop_tier(NEW.view_count),
            vs_document(NEW.language, NEW.title, NEW.tags, channel_name, NEW.description))
    ON CONFLICT (video_id) DO UPDATE SET
        channel_id = EXCLUDED.channel_id, category = EXCLUDED.category, language = EXCLUDED.language,
        region = EXCLUDED.region, duration_s = EXCLUDED.duration_s, published_at = EXCLUDED.published_at,
        tags = EXCLUDED.tags, metadata = EXCLUDED.metadata, pop_tier = EXCLUDED.pop_tier,
        document = EXCLUDED.document;
    RETURN NEW;
END;
$$;

-- Counter updates (every ingest batch) touch the document only when the popularity tier changes.
CREATE OR REPLACE FUNCTION vs_video_pop_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF vs_pop_tier(NEW.view_count) <> vs_pop_tier(OLD.view_count) THEN
        UPDATE search_document SET pop_tier = vs_pop_tier(NEW.view_count) WHERE video_id = NEW.id;
    END IF;
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

CREATE TRIGGER vs_video_insert AFTER INSERT ON api_video FOR EACH ROW EXECUTE FUNCTION vs_video_sync();
CREATE TRIGGER vs_video_update AFTER UPDATE OF title, description, tags, category, language, region, duration_s,
    published_at, metadata, channel_id ON api_video FOR EACH ROW EXECUTE FUNCTION vs_video_sync();
CREATE TRIGGER vs_video_delete AFTER DELETE ON api_video FOR EACH ROW EXECUTE FUNCTION vs_video_sync();
CREATE TRIGGER vs_video_views AFTER UPDATE OF view_count ON api_video FOR EACH ROW EXECUTE FUNCTION vs_video_pop_sync();
CREATE TRIGGER vs_channel_rename AFTER UPDATE OF name ON api_channel FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION vs_channel_sync();

-- Rebuild everything from the catalogue (search_rebuild, and seed after a bulk load).
CREATE OR REPLACE FUNCTION vs_rebuild() RETURNS void
    LANGUAGE sql AS $$
    TRUNCATE search_document, search_lexicon;
    INSERT INTO search_document (video_id, channel_id, category, language, region, duration_s, published_at, tags,
                                 metadata, pop_tier, document)
    SELECT v.id, v.channel_id, v.category, v.language, v.region, v.duration_s, v.published_at, v.tags, v.metadata,
           vs_pop_tier(v.view_count), vs_document(v.language, v.title, v.tags, c.name, v.description)
    FROM api_video v JOIN api_channel c ON c.id = v.channel_id;
    INSERT INTO search_lexicon (word, ndoc)
    SELECT w, count(*) FROM api_video v JOIN api_channel c ON c.id = v.channel_id,
         unnest(vs_words(v.title, v.tags, c.name)) AS w
    WHERE char_length(w) BETWEEN 2 AND 40
    GROUP BY w;
$$;
-- reverse
DROP FUNCTION IF EXISTS vs_rebuild();
DROP TRIGGER IF EXISTS vs_channel_rename ON api_channel;
DROP TRIGGER IF EXISTS vs_video_views ON api_video;
DROP TRIGGER IF EXISTS vs_video_delete ON api_video;
DROP TRIGGER IF EXISTS vs_video_update ON api_video;
DROP TRIGGER IF EXISTS vs_video_insert ON api_video;
DROP FUNCTION IF EXISTS vs_channel_sync();
DROP FUNCTION IF EXISTS vs_video_pop_sync();
DROP FUNCTION IF EXISTS vs_video_sync();
DROP FUNCTION IF EXISTS vs_lexicon_add(text[], integer);

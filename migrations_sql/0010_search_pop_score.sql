-- Ranking's popularity lift, kept on the search document so that ranking reads no catalogue row:
-- 0.05 ln(1 + views) + 0.04 ln(1 + likes), to two decimals. Rounded so that a counter update rewrites
-- the document only when the lift moves by 0.01 (a video at 1,000 views, after about 200 more); the
-- column is in no index and the table keeps room on its pages, so those rewrites are heap-only (HOT).
CREATE OR REPLACE FUNCTION vs_pop_score(views bigint, likes bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN round((0.05 * ln(greatest(views, 0)::float8 + 1) + 0.04 * ln(greatest(likes, 0)::float8 + 1))::numeric, 2)::float8;

ALTER TABLE search_document SET (fillfactor = 90);

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
                                      tags, metadata, pop_tier, pop_score, document)
    VALUES (NEW.id, NEW.channel_id, NEW.category, NEW.language, NEW.region, NEW.duration_s, NEW.published_at,
            NEW.tags, NEW.metadata, vs_pop_tier(NEW.view_count), vs_pop_score(NEW.view_count, NEW.like_count),
            vs_document(NEW.language, NEW.title, NEW.tags, channel_name, NEW.description))
    ON CONFLICT (video_id) DO UPDATE SET
        channel_id = EXCLUDED.channel_id, category = EXCLUDED.category, language = EXCLUDED.language,
        region = EXCLUDED.region, duration_s = EXCLUDED.duration_s, published_at = EXCLUDED.published_at,
        tags = EXCLUDED.tags, metadata = EXCLUDED.metadata, pop_tier = EXCLUDED.pop_tier,
        pop_score = EXCLUDED.pop_score, document = EXCLUDED.document;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION vs_video_pop_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_document
    SET pop_tier = vs_pop_tier(NEW.view_count), pop_score = vs_pop_score(NEW.view_count, NEW.like_count)
    WHERE video_id = NEW.id;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS vs_video_views ON api_video;
CREATE TRIGGER vs_video_views AFTER UPDATE OF view_count, like_count ON api_video FOR EACH ROW
    WHEN (vs_pop_tier(NEW.view_count) <> vs_pop_tier(OLD.view_count)
          OR vs_pop_score(NEW.view_count, NEW.like_count) <> vs_pop_score(OLD.view_count, OLD.like_count))
    EXECUTE FUNCTION vs_video_pop_sync();

CREATE OR REPLACE FUNCTION vs_rebuild() RETURNS void
    LANGUAGE sql AS $$
    TRUNCATE search_document, search_lexicon;
    INSERT INTO search_document (video_id, channel_id, category, language, region, duration_s, published_at, tags,
                                 metadata, pop_tier, pop_score, document)
    SELECT v.id, v.channel_id, v.category, v.language, v.region, v.duration_s, v.published_at, v.tags, v.metadata,
           vs_pop_tier(v.view_count), vs_pop_score(v.view_count, v.like_count),
           vs_document(v.language, v.title, v.tags, c.name, v.description)
    FROM api_video v JOIN api_channel c ON c.id = v.channel_id;
    INSERT INTO search_lexicon (word, ndoc)
    SELECT w, count(*) FROM api_video v JOIN api_channel c ON c.id = v.channel_id,
         unnest(vs_words(v.title, v.tags, c.name)) AS w
    WHERE char_length(w) BETWEEN 2 AND 40
    GROUP BY w;
$$;

-- Existing documents: rebuilt, which also packs their pages with the new fillfactor (an UPDATE of every
-- row of a full table would move each one and re-insert its whole document into the GIN index).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM search_document) THEN
        PERFORM vs_rebuild();
    END IF;
END;
$$;
-- reverse
DROP TRIGGER IF EXISTS vs_video_views ON api_video;
CREATE TRIGGER vs_video_views AFTER UPDATE OF view_count ON api_video FOR EACH ROW
    WHEN (vs_pop_tier(NEW.view_count) <> vs_pop_tier(OLD.view_count))
    EXECUTE FUNCTION vs_video_pop_sync();

CREATE OR REPLACE FUNCTION vs_video_pop_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF vs_pop_tier(NEW.view_count) <> vs_pop_tier(OLD.view_count) THEN
        UPDATE search_document SET pop_tier = vs_pop_tier(NEW.view_count) WHERE video_id = NEW.id;
    END IF;
    RETURN NEW;
END;
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

ALTER TABLE search_document RESET (fillfactor);
DROP FUNCTION IF EXISTS vs_pop_score(bigint, bigint);

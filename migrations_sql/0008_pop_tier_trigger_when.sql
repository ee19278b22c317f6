-- Ingestion updates the view counts of about a thousand videos per batch; the popularity tier of
-- search_document changes for few of them. A WHEN condition skips the trigger call for the others
-- (evaluated as a plain expression, where each PL/pgSQL call cost a few microseconds).
DROP TRIGGER IF EXISTS vs_video_views ON api_video;
CREATE TRIGGER vs_video_views AFTER UPDATE OF view_count ON api_video FOR EACH ROW
    WHEN (vs_pop_tier(NEW.view_count) <> vs_pop_tier(OLD.view_count))
    EXECUTE FUNCTION vs_video_pop_sync();
-- reverse
DROP TRIGGER IF EXISTS vs_video_views ON api_video;
CREATE TRIGGER vs_video_views AFTER UPDATE OF view_count ON api_video FOR EACH ROW EXECUTE FUNCTION vs_video_pop_sync();

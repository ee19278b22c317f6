-- Likes and comments per video and day (of the like's or the comment's creation), with the video's channel,
-- category, language and tags when they were counted, kept by statement triggers on api_reaction and
-- api_comment (analytics/sql/functions.sql): `top` by likes or comments and the reports' likes and comments
-- read these rows instead of joining every reaction of the range to the catalogue (a like top over 28 days
-- joined 130,000 reactions to 1M videos: 500-750 ms). A row belongs to one video, and every writer of a
-- reaction or a comment holds its video's row lock first (api.services), so the triggers' writes add no
-- lock that another transaction could hold in the other order.
CREATE TABLE analytics_video_daily_engagement (
    day date NOT NULL,
    video_id bigint NOT NULL,
    channel_id bigint NOT NULL,
    category varchar(20) NOT NULL,
    language varchar(8) NOT NULL,
    tags varchar(64)[] NOT NULL,
    likes integer NOT NULL,
    comments integer NOT NULL,
    PRIMARY KEY (day, video_id)
) WITH (fillfactor = 80);
CREATE INDEX analytics_engagement_video ON analytics_video_daily_engagement (video_id, day);
CREATE INDEX analytics_engagement_channel ON analytics_video_daily_engagement (channel_id, day);
-- reverse
DROP TRIGGER IF EXISTS analytics_engagement_reaction_insert ON api_reaction;
DROP TRIGGER IF EXISTS analytics_engagement_reaction_update ON api_reaction;
DROP TRIGGER IF EXISTS analytics_engagement_reaction_delete ON api_reaction;
DROP TRIGGER IF EXISTS analytics_engagement_comment_insert ON api_comment;
DROP TRIGGER IF EXISTS analytics_engagement_comment_update ON api_comment;
DROP TRIGGER IF EXISTS analytics_engagement_comment_delete ON api_comment;
DROP FUNCTION IF EXISTS analytics_engagement_add(bigint[], timestamptz[], integer[], integer[]);
DROP FUNCTION IF EXISTS analytics_engagement_reactions();
DROP FUNCTION IF EXISTS analytics_engagement_comments();
DROP TABLE IF EXISTS analytics_video_daily_engagement;

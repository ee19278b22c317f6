-- Texts whose suggestions are out of date: marked by triggers on the catalogue (search/sql/functions.sql,
-- vs_suggestion_mark), taken by the maintenance worker's suggestions job (vs_suggestions_refresh).
CREATE TABLE search_suggestion_change (
    text text PRIMARY KEY,
    marked_at timestamptz NOT NULL DEFAULT now()
);
-- reverse
DROP TABLE IF EXISTS search_suggestion_change;

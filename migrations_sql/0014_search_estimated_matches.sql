-- The planner's estimate of the number of documents a tsquery matches, from the tsvector statistics:
-- search asks it beside the tsquery itself, in one round trip, to choose how to sample the matches
-- (search.selectors.count_and_facets). EXPLAIN only plans the statement; nothing is read.
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
-- reverse
DROP FUNCTION IF EXISTS vs_estimated_matches(tsquery);

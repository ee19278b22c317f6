-- Trigram matching (typo tolerance, suggestions), accent folding, and GIN for scalar columns.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS btree_gin;
-- reverse
DROP EXTENSION IF EXISTS btree_gin;
DROP EXTENSION IF EXISTS unaccent;
DROP EXTENSION IF EXISTS pg_trgm;

-- Usernames are unique whatever their case: `SEC_ALICE` cannot sign up beside `sec_alice`.
CREATE UNIQUE INDEX auth_user_username_upper ON auth_user (upper(username));
-- reverse
DROP INDEX IF EXISTS auth_user_username_upper;

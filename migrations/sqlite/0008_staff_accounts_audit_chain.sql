-- Staff accounts that can be governed, and an audit log whose entries are chained.
--
-- `generation` goes up whenever an account is disabled, re-roled, has its password or second
-- factor changed: a session remembers the generation it started with and ends when it differs
-- (checked on every request). `totp_sealed` is the TOTP secret sealed under a key derived from
-- the server secret (never in clear).
ALTER TABLE staff_users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_users ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_users ADD COLUMN totp_sealed TEXT;

-- Each entry carries the hash of the one before it in its chain (one chain per campaign, and
-- one for entries of no campaign, chain 0) and its own hash over that and its content.
-- Rows written before this migration are chained at the next start (`seal_audit_backlog`).
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

-- The last hash of each chain: the row an append locks, so that appends of one chain take
-- turns across connections and instances, and a removed tail shows.
CREATE TABLE audit_heads (
    chain INTEGER PRIMARY KEY,
    hash TEXT NOT NULL
);

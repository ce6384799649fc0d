-- The public channel. A panel member's number (keyed hash) is found when it turns up on
-- the public channel, so they count once, for the panel. The hash leads: without table
-- statistics SQLite would otherwise prefer the primary key's campaign prefix and scan the
-- whole panel on every verification.
CREATE INDEX invitations_phone ON invitations (phone_hash, campaign_id);

-- Abuse signals: counts only, never who or from where. Added to in batches by each instance.
CREATE TABLE abuse_signals (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    signal TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, signal)
);

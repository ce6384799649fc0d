-- Credentials shown once, and two people for sensitive acts once a campaign is open
-- (docs/SECURITY.md).
--
-- Invitations are drawn at random when they are issued and kept only as keyed hashes: the
-- server can no longer make a member's token again. `after_open` marks a credential issued
-- after the campaign opened (an approved import or re-issue, a reminder), so the results
-- can say how many ballots came through one.
ALTER TABLE invitations ADD COLUMN after_open INTEGER NOT NULL DEFAULT 0;

-- A sensitive act asked for by one staff member, carried out only once another approves.
CREATE TABLE approvals (
    id BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    kind TEXT NOT NULL,
    -- What staff read: the act in a sentence.
    summary TEXT NOT NULL,
    -- What carrying it out needs, as JSON; never a phone number or a credential.
    payload TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'failed')),
    decided_by TEXT,
    decided_at BIGINT,
    outcome TEXT
);

CREATE INDEX approvals_campaign ON approvals (campaign_id, status);

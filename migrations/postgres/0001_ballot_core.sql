-- The ballot core. Identity (invitations, claims) and contents (ballots, tallies) live in
-- separate tables with no key, id or order column linking them. (PostgreSQL's heap keeps
-- rows roughly in arrival order; the writer shuffles each batch, and docs/ARCHITECTURE.md
-- says what that does and does not hide from someone with raw access to the files.)

CREATE TABLE campaigns (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL CONSTRAINT campaigns_slug_key UNIQUE,
    definition TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_at BIGINT NOT NULL
);

CREATE TABLE invitations (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    token_hash BYTEA NOT NULL,
    short_code_hash BYTEA NOT NULL,
    member_code TEXT NOT NULL,
    segment TEXT NOT NULL,
    district TEXT NOT NULL,
    CONSTRAINT invitations_pkey PRIMARY KEY (campaign_id, token_hash),
    CONSTRAINT invitations_short_code_key UNIQUE (campaign_id, short_code_hash),
    CONSTRAINT invitations_member_key UNIQUE (campaign_id, member_code)
);

-- Who has taken part: one row per respondent per campaign. The constraint is the final
-- guard against counting anyone twice.
CREATE TABLE claims (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    respondent_key TEXT NOT NULL,
    class TEXT NOT NULL,
    CONSTRAINT claims_pkey PRIMARY KEY (campaign_id, respondent_key)
);

-- What was said: no respondent key, no timestamp finer than the hour.
CREATE TABLE ballots (
    receipt TEXT NOT NULL CONSTRAINT ballots_pkey PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    class TEXT NOT NULL,
    segment TEXT,
    district TEXT,
    ratings TEXT NOT NULL,
    reasons TEXT,
    suggestion TEXT,
    flags INTEGER NOT NULL DEFAULT 0,
    hour BIGINT NOT NULL
);

CREATE INDEX ballots_campaign ON ballots (campaign_id, class);

-- Running counts per unit, option and respondent class, advanced in the same transaction as
-- the ballots they count.
CREATE TABLE tallies (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_code TEXT NOT NULL,
    option_code TEXT NOT NULL,
    class TEXT NOT NULL,
    count BIGINT NOT NULL,
    CONSTRAINT tallies_pkey PRIMARY KEY (campaign_id, unit_code, option_code, class)
);

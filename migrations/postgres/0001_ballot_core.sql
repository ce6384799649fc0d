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
    -- Which issue of the member's invitation is valid: re-issuing a lost one counts up, and
    -- the old token stops working (tokens derive from the server secret and this number).
    issue INTEGER NOT NULL DEFAULT 0,
    -- Keyed hash of the member's mobile number, for cross-channel dedup; never the number.
    phone_hash BYTEA,
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
    flags BIGINT NOT NULL DEFAULT 0,
    -- Random, drawn at insert: the order of the anonymised export, unrelated to arrival
    -- and to the receipt.
    shuffle_key BYTEA NOT NULL,
    hour BIGINT NOT NULL
);

CREATE INDEX ballots_export_order ON ballots (campaign_id, shuffle_key);

-- Running counts per unit, option, respondent class, panel segment ('' when none) and
-- whether the ballots were flagged as suspicious, advanced in the same transaction as the
-- ballots they count.
CREATE TABLE tallies (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_code TEXT NOT NULL,
    option_code TEXT NOT NULL,
    class TEXT NOT NULL,
    segment TEXT NOT NULL,
    flagged BOOLEAN NOT NULL,
    count BIGINT NOT NULL,
    CONSTRAINT tallies_pkey PRIMARY KEY (campaign_id, unit_code, option_code, class, segment, flagged)
);

-- Ballots per hour and class, for the live view: advanced with the ballots they count.
CREATE TABLE ballot_hours (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    hour BIGINT NOT NULL,
    class TEXT NOT NULL,
    count BIGINT NOT NULL,
    CONSTRAINT ballot_hours_pkey PRIMARY KEY (campaign_id, hour, class)
);

-- Final results, computed once when a campaign closes and never changed after.
CREATE TABLE final_results (
    campaign_id BIGINT NOT NULL CONSTRAINT final_results_pkey PRIMARY KEY REFERENCES campaigns (id),
    fingerprint TEXT NOT NULL,
    ballots BIGINT NOT NULL,
    results TEXT NOT NULL,
    frozen_at BIGINT NOT NULL
);

-- Every configuration change, close and export: who, when, what. Only ever appended to.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    campaign_id BIGINT REFERENCES campaigns (id),
    detail TEXT NOT NULL
);

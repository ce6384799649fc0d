-- The ballot core. Identity (invitations, claims) and contents (ballots, tallies) live in
-- separate tables with no key, id or order linking them: ballots and claims are
-- WITHOUT ROWID tables keyed by random or identity values, so their physical order says
-- nothing about when a row arrived.

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL CONSTRAINT campaigns_slug_key UNIQUE,
    definition TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_at INTEGER NOT NULL
);

CREATE TABLE invitations (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    token_hash BLOB NOT NULL,
    short_code_hash BLOB NOT NULL,
    member_code TEXT NOT NULL,
    segment TEXT NOT NULL,
    district TEXT NOT NULL,
    -- Which issue of the member's invitation is valid: re-issuing a lost one counts up, and
    -- the old token stops working (tokens derive from the server secret and this number).
    issue INTEGER NOT NULL DEFAULT 0,
    -- Keyed hash of the member's mobile number, for cross-channel dedup; never the number.
    phone_hash BLOB,
    CONSTRAINT invitations_pkey PRIMARY KEY (campaign_id, token_hash),
    CONSTRAINT invitations_short_code_key UNIQUE (campaign_id, short_code_hash),
    CONSTRAINT invitations_member_key UNIQUE (campaign_id, member_code)
) WITHOUT ROWID;

-- Who has taken part: one row per respondent per campaign. The constraint is the final
-- guard against counting anyone twice.
CREATE TABLE claims (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    respondent_key TEXT NOT NULL,
    class TEXT NOT NULL,
    CONSTRAINT claims_pkey PRIMARY KEY (campaign_id, respondent_key)
) WITHOUT ROWID;

-- What was said: no respondent key, no timestamp finer than the hour.
CREATE TABLE ballots (
    receipt TEXT NOT NULL CONSTRAINT ballots_pkey PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    class TEXT NOT NULL,
    segment TEXT,
    district TEXT,
    ratings TEXT NOT NULL,
    reasons TEXT,
    suggestion TEXT,
    flags INTEGER NOT NULL DEFAULT 0,
    -- Random, drawn at insert: the order of the anonymised export, unrelated to arrival
    -- and to the receipt.
    shuffle_key BLOB NOT NULL,
    hour INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX ballots_export_order ON ballots (campaign_id, shuffle_key);

-- Running counts per unit, option, respondent class, panel segment ('' when none) and
-- whether the ballots were flagged as suspicious, advanced in the same transaction as the
-- ballots they count.
CREATE TABLE tallies (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    unit_code TEXT NOT NULL,
    option_code TEXT NOT NULL,
    class TEXT NOT NULL,
    segment TEXT NOT NULL,
    flagged BOOLEAN NOT NULL,
    count INTEGER NOT NULL,
    CONSTRAINT tallies_pkey PRIMARY KEY (campaign_id, unit_code, option_code, class, segment, flagged)
) WITHOUT ROWID;

-- Ballots per hour and class, for the live view: advanced with the ballots they count.
CREATE TABLE ballot_hours (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    hour INTEGER NOT NULL,
    class TEXT NOT NULL,
    count INTEGER NOT NULL,
    CONSTRAINT ballot_hours_pkey PRIMARY KEY (campaign_id, hour, class)
) WITHOUT ROWID;

-- Final results, computed once when a campaign closes and never changed after.
CREATE TABLE final_results (
    campaign_id INTEGER NOT NULL CONSTRAINT final_results_pkey PRIMARY KEY REFERENCES campaigns (id),
    fingerprint TEXT NOT NULL,
    ballots INTEGER NOT NULL,
    results TEXT NOT NULL,
    frozen_at INTEGER NOT NULL
);

-- Every configuration change, close and export: who, when, what. Only ever appended to.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    campaign_id INTEGER REFERENCES campaigns (id),
    detail TEXT NOT NULL
);

-- Storage that does not link a claim to what its ballot says (docs/ANONYMITY.md).
--
-- The batch that writes a claim writes its ballot only sealed (an AEAD under a key derived
-- from the server secret) and its receipt; a mixer opens at least k sealed ballots of a
-- campaign at a time and writes their contents, in random order, with their counter
-- increments, in a transaction of its own. So no transaction writes a claim and plaintext
-- content together, and the counters move in steps of at least k ballots.

-- Who got which receipt: written with the claim, read by the receipt check and the
-- published receipt list. A receipt says that a ballot is counted, never what it says:
-- ballots no longer carry it.
CREATE TABLE receipts (
    receipt TEXT NOT NULL CONSTRAINT receipts_pkey PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id)
) WITHOUT ROWID;

INSERT INTO receipts (receipt, campaign_id) SELECT receipt, campaign_id FROM ballots;

-- Ballots committed and not yet mixed, keyed by a random id.
CREATE TABLE sealed_ballots (
    id BLOB NOT NULL CONSTRAINT sealed_ballots_pkey PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    sealed BLOB NOT NULL
) WITHOUT ROWID;

CREATE INDEX sealed_ballots_campaign ON sealed_ballots (campaign_id);

-- A ballot's key is random, drawn by the mixer; the ones stored before were receipts.
ALTER TABLE ballots RENAME COLUMN receipt TO ballot_key;
UPDATE ballots SET ballot_key = lower(hex(randomblob(10)));

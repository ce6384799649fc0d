-- Ballot batches append their counter increments here instead of updating `tallies` in
-- place: on PostgreSQL every in-place update of the same few hundred hot rows wrote a new
-- row version and made side-by-side batches queue on the row locks. A background fold
-- moves the increments into `tallies` every second; readers add both tables up. (SQLite
-- updates `tallies` directly, one writer at a time; this table stays empty there.)
-- No foreign key: the batch has locked its campaign's row already.
CREATE TABLE tally_deltas (
    campaign_id BIGINT NOT NULL,
    unit_code TEXT NOT NULL,
    option_code TEXT NOT NULL,
    class TEXT NOT NULL,
    segment TEXT NOT NULL,
    flagged BOOLEAN NOT NULL,
    count BIGINT NOT NULL
);
CREATE INDEX tally_deltas_campaign ON tally_deltas (campaign_id);

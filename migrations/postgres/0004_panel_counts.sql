-- The panel's response by segment (界别) and district, as counters: the live view reads
-- these rows instead of joining every invitation with the claims. Invitations add to
-- `invited` as they are stored; the ballot writer adds to `responded` in the batch that
-- counts the ballot.
CREATE TABLE panel_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    segment TEXT NOT NULL,
    district TEXT NOT NULL,
    invited BIGINT NOT NULL,
    responded BIGINT NOT NULL,
    CONSTRAINT panel_counts_pkey PRIMARY KEY (campaign_id, segment, district)
);

INSERT INTO panel_counts (campaign_id, segment, district, invited, responded)
SELECT i.campaign_id, i.segment, i.district, COUNT(*), COUNT(c.respondent_key)
FROM invitations i
LEFT JOIN claims c ON c.campaign_id = i.campaign_id AND c.respondent_key = 'panel:' || i.member_code
GROUP BY i.campaign_id, i.segment, i.district;

-- Public ballots (phone and device classes) by the district their respondent chose on the
-- survey page, '' when none was given, so that a class's rows add up to all its ballots.
-- Self-reported and optional; the panel's districts come from the roster (panel_counts).
-- The ballot writer advances these in the batch that counts the ballots; the live view
-- reads them instead of scanning ballots.
CREATE TABLE public_districts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    class TEXT NOT NULL,
    district TEXT NOT NULL,
    count BIGINT NOT NULL,
    CONSTRAINT public_districts_pkey PRIMARY KEY (campaign_id, class, district)
);

-- Public ballots stored before this table carry no district: they count as not given.
INSERT INTO public_districts (campaign_id, class, district, count)
SELECT campaign_id, class, COALESCE(district, ''), COUNT(*)
FROM ballots
WHERE class <> 'panel'
GROUP BY campaign_id, class, COALESCE(district, '');

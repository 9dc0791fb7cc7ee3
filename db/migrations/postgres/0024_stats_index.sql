-- 0023 stats_index (see the SQLite file for the notes): the statistics' scans of the cases read
-- this index (an index-only scan where the visibility map allows) instead of the wide rows.
CREATE INDEX cases_stats ON cases(merged_into, opened_at_ms) INCLUDE (agency_id, consent_flags, gender, age,
    majority_status, exploitation_types, citizenship, citizenship_region, exploitation_country, year_registered);

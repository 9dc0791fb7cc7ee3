-- 0023 stats_index (issue 6, item 8): a covering index for the statistics' scans of the cases
-- (STMT_CASE_STATS_SCAN, STMT_STATS_FLOWS_SCAN: `ctis stats victims`, flows, figures and the
-- federated submission). Led by merged_into (the scans read merged_into IS NULL) and the opening
-- time (their date range), with every coded column they read, so that a scan reads this index
-- and never the wide rows of cases with their sealed fields: over 100,000 generated cases the
-- scans took about a quarter of the time (bench/bench_stats.sh, docs/stats.md "Performance").
-- Only clear, coded columns: nothing personal is indexed here.
CREATE INDEX cases_stats ON cases(merged_into, opened_at_ms, agency_id, consent_flags, gender, age, majority_status,
    exploitation_types, citizenship, citizenship_region, exploitation_country, year_registered);

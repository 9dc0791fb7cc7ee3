-- 0016 geo (issue 6, part S1): the instance's reference data for statistics. Overrides of the
-- GLOTIP region mapping (country -> region, subregion), population by country and year (for rates
-- per 100,000, SDG 16.2.2), and named statistics settings (the flow reporting threshold). No
-- personal data: codes and figures only.

CREATE TABLE stats_region_overrides (
    country TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    subregion TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE stats_population (
    country TEXT NOT NULL,
    year INTEGER NOT NULL CHECK (year >= 1900 AND year <= 2200),
    population INTEGER NOT NULL CHECK (population > 0),
    updated_at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (country, year)
) STRICT;

CREATE TABLE stats_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL DEFAULT ''
) STRICT;

-- The new permission for the built-in roles of existing databases (new ones get it from
-- auth_roles_seed).
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'stats.settings' FROM roles WHERE name IN ('national_coordinator', 'analyst') AND builtin = 1
    ON CONFLICT DO NOTHING;

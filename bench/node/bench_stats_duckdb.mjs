// bench_stats_duckdb: the queries of bench/bench_stats.c in DuckDB (@duckdb/node-api, in-memory),
// on a plain table derived from the same htcds-csv file the same way (see PLAIN_SQL there).
// Usage: node bench_stats_duckdb.mjs CSV OUT_DIR REPS YEAR_FROM YEAR_TO
// Prints "NAME MS" (best of REPS) per query and writes OUT_DIR/duckdb.NAME as the C program does.
// BENCH_DUCKDB_THREADS sets DuckDB's threads (default: its own, the number of CPUs).
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, outDir, repsArg, yearFrom, yearTo] = process.argv.slice(2);
const reps = Number(repsArg) || 5;
const FLOW_THRESHOLD = 5;

const K = (x) =>
  `CASE WHEN lower(${x}) IN ('', 'unknown', '?', '-99', 'not applicable', 'not_applicable', 'n/a', 'na', ` +
  `'notapplicable') THEN NULL ELSE ${x} END`;
const YEAR_MS = 31557600000; // 365.25 days
const PLAIN_SQL = `
CREATE TABLE plain AS
SELECT year, opened_year, gender,
  coalesce(majority_given, CASE WHEN age IS NULL THEN NULL WHEN age >= 18 THEN 'Adult' ELSE 'Minor' END) AS majority,
  exploitation, citizenship, destination FROM (
 SELECT *, coalesce(age_given, CASE WHEN d IS NOT NULL AND yrs BETWEEN 0 AND 130 THEN yrs END) AS age FROM (
  SELECT *, CASE WHEN d < 0 THEN -((-d) // ${YEAR_MS}) ELSE d // ${YEAR_MS} END AS yrs FROM (
   SELECT CAST(${K('year_registered')} AS INTEGER) AS year,
     year(CAST(replace(opened_at, 'Z', '') AS TIMESTAMP)) AS opened_year,
     ${K('gender')} AS gender, ${K('majority_status')} AS majority_given, CAST(${K('age')} AS INTEGER) AS age_given,
     ${K('exploitation_types')} AS exploitation, ${K('citizenship')} AS citizenship,
     ${K('exploitation_country')} AS destination,
     epoch_ms(CAST(replace(opened_at, 'Z', '') AS TIMESTAMP)) -
       epoch_ms(CAST(TRY_CAST(CASE length(birth_date) WHEN 4 THEN birth_date || '-07-01'
         WHEN 7 THEN birth_date || '-15' ELSE substr(birth_date, 1, 10) END AS DATE) AS TIMESTAMP)) AS d
   FROM raw)))`;

const EXPL = (cols) =>
  `SELECT year, e, ${cols ? cols + ', ' : ''}count(*) FROM (SELECT *, unnest(string_split(exploitation, ';')) AS e ` +
  `FROM plain WHERE exploitation IS NOT NULL) GROUP BY ALL UNION ALL ` +
  `SELECT year, NULL, ${cols ? cols + ', ' : ''}count(*) FROM plain WHERE exploitation IS NULL GROUP BY ALL`;
const SQL = {
  ygm: 'SELECT year, gender, majority, count(*) FROM plain GROUP BY 1, 2, 3',
  ye: EXPL(''),
  yc: 'SELECT year, citizenship, count(*) FROM plain GROUP BY 1, 2',
  yeg: EXPL('gender'),
  yem: EXPL('majority'),
  pairs: 'SELECT citizenship, destination, count(*) FROM plain GROUP BY 1, 2',
  rates:
    'SELECT destination, coalesce(year, opened_year), count(*) FROM plain WHERE destination IS NOT NULL GROUP BY 1, 2',
};

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
if (process.env.BENCH_DUCKDB_THREADS) {
  await conn.run(`SET threads = ${Number(process.env.BENCH_DUCKDB_THREADS)}`);
}
const rows = async (sql) => (await conn.runAndReadAll(sql)).getRows();
const lines = (rs) => rs.map((r) => r.map((v) => (v === null ? 'unknown' : String(v))).join('|')).join('\n') + '\n';

let t0 = performance.now();
await conn.run(
  `CREATE TABLE raw AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true, all_varchar = true, ` +
    `quote = '"', escape = '"')`,
);
await conn.run(PLAIN_SQL);
await conn.run('DROP TABLE raw');
console.error(`  DuckDB: CSV read and plain table made in ${(performance.now() - t0).toFixed(0)} ms`);

async function flows() {
  const rs = await rows(SQL.pairs);
  await rows(SQL.rates);
  let victims = 0n,
    known = 0n,
    pairs = 0n;
  const listed = [];
  for (const [o, d, n] of rs) {
    victims += n;
    if (o !== null && d !== null) {
      known += n;
      pairs += 1n;
      if (n >= BigInt(FLOW_THRESHOLD)) listed.push(`flow|${o}|${d}|${n}`);
    }
  }
  return `victims|${victims}\nknown|${known}\npairs|${pairs}\n` + listed.map((l) => l + '\n').join('');
}

const queries = [
  ['year_gender_majority', async () => lines(await rows(SQL.ygm))],
  ['year_exploitation', async () => lines(await rows(SQL.ye))],
  ['year_citizenship', async () => lines(await rows(SQL.yc))],
  ['flows', flows],
  [
    'figures',
    async () => {
      for (const q of [SQL.ygm, SQL.yeg, SQL.yem, SQL.yc]) await rows(q);
      return null;
    },
  ],
];
for (const [name, run] of queries) {
  let best = Infinity,
    out = null;
  for (let r = 0; r < reps; r++) {
    t0 = performance.now();
    out = await run();
    best = Math.min(best, performance.now() - t0);
  }
  if (name === 'figures') {
    out = lines(
      await rows(
        `SELECT year, count(*) FROM plain WHERE year BETWEEN ${Number(yearFrom)} AND ${Number(yearTo)} GROUP BY year`,
      ),
    );
  }
  writeFileSync(`${outDir}/duckdb.${name}`, out);
  console.log(`${name} ${best.toFixed(1)}`);
}

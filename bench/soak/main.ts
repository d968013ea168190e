/**
 * `npm run soak`: the full soak (soak.ts) — 10,000 messages at 20/s from 500 customers, 200 Node dashboards and
 * three Chromium ones, with every fault — and bench/results/soak.json. It needs the e2e build (.next-e2e): it
 * builds the app first (--no-build reuses the last build). Smaller runs: `npm run soak -- --messages 2000 --dashboards 50`.
 * Exit code 1 when anything was lost, shown twice, out of order, or shown to the wrong member.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeResults } from '../stats.ts';
import { DIST_DIR } from '../../tests/e2e/stack.ts';
import { FULL_SOAK, runSoak, type SoakOptions } from './soak.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    'no-build': { type: 'boolean' },
    ...Object.fromEntries(['messages', 'rate', 'customers', 'dashboards', 'users-per-workspace', 'browsers', 'reply-every', 'app-outage-ms', 'offline-ms', 'allowance-ms', 'check-every-ms', 'settle-ms', 'processes'].map((k) => [k, { type: 'string' as const }])),
  },
});
const { 'no-build': noBuild, ...sizes } = values;
const camel = (k: string) => k.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
const options: SoakOptions = { ...FULL_SOAK, log: (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`) };
for (const [k, v] of Object.entries(sizes)) if (v !== undefined) (options as unknown as Record<string, number>)[camel(k)] = Number(v);

// the soak runs the app as built: build it (into the e2e build's folder) unless told to reuse that build
if (!noBuild || !fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'))) {
  console.log(`building the app into ${DIST_DIR} …`);
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_DIST_DIR: DIST_DIR } });
}

const result = await runSoak(options);
writeResults('soak', { backend: 'postgres', ...result });
console.log(JSON.stringify({ ok: result.ok, problems: result.problems, stored: result.stored, webhooks: result.webhooks, sweeps: result.sweeps, intervalChecks: { ...result.intervalChecks, examples: undefined }, dashboards: result.dashboards, browsers: result.browsers, memory: result.standinMemoryMb }, null, 2));
process.exit(result.ok ? 0 : 1);
